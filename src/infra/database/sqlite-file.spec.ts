import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { dataSourceOptions } from './data-source-options';

describe('The SQLite file', () => {
  let dir: string;
  let dataSource: DataSource;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-file-'));
    file = join(dir, 'app.db');
    dataSource = new DataSource(
      dataSourceOptions(loadConfig({ DATABASE_URL: `sqlite:${file}` }), []),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is in incremental auto-vacuum mode after the migrations', async () => {
    const [{ auto_vacuum: mode }] =
      await dataSource.query<{ auto_vacuum: number }[]>('PRAGMA auto_vacuum');
    expect(mode).toBe(2);
  });

  it('shrinks again when deleted rows are vacuumed incrementally', async () => {
    const size = () => statSync(file).size;
    // A table of the test's own: what matters is rows coming and going, not their schema.
    await dataSource.query('CREATE TABLE bulk (value TEXT)');
    const values = Array.from({ length: 200 }, () => `('${'x'.repeat(2000)}')`).join(', ');
    for (let batch = 0; batch < 10; batch++) {
      await dataSource.query(`INSERT INTO bulk (value) VALUES ${values}`);
    }
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const full = size();

    await dataSource.query('DELETE FROM bulk');
    await dataSource.query('PRAGMA incremental_vacuum');
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');

    expect(full).toBeGreaterThan(4_000_000);
    expect(size()).toBeLessThan(full / 4);
  });
});
