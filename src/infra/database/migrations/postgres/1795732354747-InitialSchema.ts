import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795732354747 implements MigrationInterface {
  name = 'InitialSchema1795732354747';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rate_limits" ("key" character varying(64) NOT NULL, "count" integer NOT NULL, "reset_at" bigint NOT NULL, CONSTRAINT "PK_8cb6aa4831e3e775ccf370521db" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_rate_limits_reset_at" ON "rate_limits" ("reset_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" character varying(128) NOT NULL, "expires_at" bigint NOT NULL, "data" text NOT NULL, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" SERIAL NOT NULL, "username" character varying(20) NOT NULL, "username_key" character varying(20) NOT NULL, "email" character varying(254) NOT NULL, "password_hash" character varying(100) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_users_username_key" ON "users" ("username_key") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_email" ON "users" ("email") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_users_email"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_username_key"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_expires_at"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_rate_limits_reset_at"`);
    await queryRunner.query(`DROP TABLE "rate_limits"`);
  }
}
