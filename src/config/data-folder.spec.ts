import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { makeDataFolder } from './data-folder';

describe(makeDataFolder.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'data-folder-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const problemOf = (folder: string) => {
    try {
      makeDataFolder(folder);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('makes the folder and every missing one above it', () => {
    makeDataFolder(join(dir, 'a', 'b', 'data'));

    expect(statSync(join(dir, 'a', 'b', 'data')).isDirectory()).toBe(true);
  });

  it('takes a folder that is there already', () => {
    makeDataFolder(dir);
    makeDataFolder(dir);
  });

  it('says which file stands where a folder should be', () => {
    writeFileSync(join(dir, 'afile'), '');

    expect(problemOf(join(dir, 'afile', 'data'))).toEqual([
      `DATABASE_URL: the data folder ${join(dir, 'afile', 'data')} cannot be used: ${join(dir, 'afile')} is a file, not a folder. Set DATABASE_URL=sqlite:PATH to a place this user can write`,
    ]);
  });

  it('says which folder cannot be made, at once, under /proc', () => {
    expect(problemOf('/proc/no-such-thing/data')).toEqual([
      'DATABASE_URL: the data folder /proc/no-such-thing/data cannot be used: /proc/no-such-thing cannot be made (ENOENT). Set DATABASE_URL=sqlite:PATH to a place this user can write',
    ]);
  });

  it('says when the folder is there but cannot be written', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a read-only file system is the case left to check.
      expect(problemOf('/proc/self')[0]).toMatch(/cannot be used: this user cannot write there/);
      return;
    }
    chmodSync(dir, 0o500);
    expect(problemOf(dir)[0]).toMatch(/cannot be used: this user cannot write there/);
    chmodSync(dir, 0o700);
  });
});
