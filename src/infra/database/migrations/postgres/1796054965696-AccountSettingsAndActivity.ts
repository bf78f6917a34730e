import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For the account pages: users get `password_changed_at` (null: not changed since sign-up),
 * tokens a `detail` (the address of an email change), and each account's security events get
 * a table of their own, deleted with the account.
 */
export class AccountSettingsAndActivity1796054965696 implements MigrationInterface {
  name = 'AccountSettingsAndActivity1796054965696';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account_events" ("id" SERIAL NOT NULL, "user_id" integer NOT NULL, "event" character varying(40) NOT NULL, "reason" character varying(40), "ip" character varying(64), "user_agent" character varying(512), "created_at" bigint NOT NULL, CONSTRAINT "PK_096b79d6426e443a0f0b096e7cf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_account_events_user_id_id" ON "account_events" ("user_id", "id") `,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "password_changed_at" TIMESTAMP`);
    await queryRunner.query(`ALTER TABLE "tokens" ADD "detail" character varying(254)`);
    await queryRunner.query(
      `ALTER TABLE "account_events" ADD CONSTRAINT "FK_account_events_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "account_events" DROP CONSTRAINT "FK_account_events_user_id"`,
    );
    await queryRunner.query(`ALTER TABLE "tokens" DROP COLUMN "detail"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "password_changed_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_account_events_user_id_id"`);
    await queryRunner.query(`DROP TABLE "account_events"`);
  }
}
