import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For the account pages: users get `password_changed_at` (null: not changed since sign-up),
 * tokens a `detail` (the address of an email change), and each account's security events get
 * a table of their own, deleted with the account. SQLite adds nullable columns in place, so no
 * table is rebuilt.
 */
export class AccountSettingsAndActivity1796054959276 implements MigrationInterface {
  name = 'AccountSettingsAndActivity1796054959276';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "password_changed_at" datetime`);
    await queryRunner.query(`ALTER TABLE "tokens" ADD COLUMN "detail" varchar(254)`);
    await queryRunner.query(
      `CREATE TABLE "account_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "event" varchar(40) NOT NULL, "reason" varchar(40), "ip" varchar(64), "user_agent" varchar(512), "created_at" bigint NOT NULL, CONSTRAINT "FK_account_events_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_account_events_user_id_id" ON "account_events" ("user_id", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_account_events_user_id_id"`);
    await queryRunner.query(`DROP TABLE "account_events"`);
    await queryRunner.query(`ALTER TABLE "tokens" DROP COLUMN "detail"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "password_changed_at"`);
  }
}
