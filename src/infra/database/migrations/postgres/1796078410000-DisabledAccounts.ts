import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users get `disabled_at`: set by an operator (`npm run account -- disable`), null for an
 * account that may sign in.
 */
export class DisabledAccounts1796078410000 implements MigrationInterface {
  name = 'DisabledAccounts1796078410000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "disabled_at" TIMESTAMP`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "disabled_at"`);
  }
}
