import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRateLimits1795730231611 implements MigrationInterface {
  name = 'CreateRateLimits1795730231611';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rate_limits" ("key" varchar(64) PRIMARY KEY NOT NULL, "count" integer NOT NULL, "reset_at" bigint NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_rate_limits_reset_at" ON "rate_limits" ("reset_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_rate_limits_reset_at"`);
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
