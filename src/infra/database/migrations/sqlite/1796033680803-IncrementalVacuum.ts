import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets the database file give back the pages of deleted rows (expired sessions, counters):
 * housekeeping runs `PRAGMA incremental_vacuum` after each prune. The mode of an existing file
 * changes only with a VACUUM, which cannot run inside a transaction.
 */
export class IncrementalVacuum1796033680803 implements MigrationInterface {
  name = 'IncrementalVacuum1796033680803';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('PRAGMA auto_vacuum = INCREMENTAL');
    await queryRunner.query('VACUUM');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('PRAGMA auto_vacuum = NONE');
    await queryRunner.query('VACUUM');
  }
}
