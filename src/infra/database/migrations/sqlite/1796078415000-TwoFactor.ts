import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-factor sign-in: each user's sealed TOTP secret, when it was turned on and the time step of
 * the code last accepted; `recovery_codes` keeps only each code's SHA-256, deleted with its user.
 * SQLite adds nullable columns in place, so the users table is not rebuilt.
 */
export class TwoFactor1796078415000 implements MigrationInterface {
  name = 'TwoFactor1796078415000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("user_id" integer NOT NULL, "digest" varchar(64) NOT NULL, "used_at" bigint, CONSTRAINT "FK_recovery_codes_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("user_id", "digest"))`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "totp_secret" varchar(200)`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "two_factor_enabled_at" datetime`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "totp_last_step" integer`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "totp_last_step"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "two_factor_enabled_at"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "totp_secret"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
  }
}
