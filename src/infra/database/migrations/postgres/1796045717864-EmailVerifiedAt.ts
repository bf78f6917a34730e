import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users get `email_verified_at`, null until the address is verified by a mailed link. Accounts
 * made before stay unverified: nobody has checked their address.
 */
export class EmailVerifiedAt1796045717864 implements MigrationInterface {
  name = 'EmailVerifiedAt1796045717864';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
