import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The single-use tokens of password-reset and email-verification links: only each token's
 * SHA-256 (`digest`), its purpose, its user (deleted with them), what it is bound to, when it
 * expires and when it was used.
 */
export class Tokens1796044831608 implements MigrationInterface {
  name = 'Tokens1796044831608';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "tokens" ("digest" varchar(64) PRIMARY KEY NOT NULL, "purpose" varchar(32) NOT NULL, "user_id" integer NOT NULL, "bound_to" varchar(64) NOT NULL, "expires_at" bigint NOT NULL, "used_at" bigint, CONSTRAINT "FK_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_tokens_user_id" ON "tokens" ("user_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_tokens_expires_at" ON "tokens" ("expires_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_tokens_expires_at"`);
    await queryRunner.query(`DROP INDEX "IDX_tokens_user_id"`);
    await queryRunner.query(`DROP TABLE "tokens"`);
  }
}
