import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users get `disabled_at`: set by an operator (`npm run account -- disable`), null for an
 * account that may sign in. SQLite adds a nullable column in place, so the table is not rebuilt.
 */
export class DisabledAccounts1796078400000 implements MigrationInterface {
  name = 'DisabledAccounts1796078400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "disabled_at" datetime`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "disabled_at"`);
  }
}
