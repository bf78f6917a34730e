import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users get `email_verified_at`, null until the address is verified by a mailed link. Accounts
 * made before stay unverified: nobody has checked their address. SQLite adds a nullable column
 * in place, so the table is not rebuilt.
 */
export class EmailVerifiedAt1796045706355 implements MigrationInterface {
  name = 'EmailVerifiedAt1796045706355';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "email_verified_at" datetime`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
