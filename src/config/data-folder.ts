import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './app-config';

/**
 * Makes the data folder (the SQLite file's folder, the generated session secret's and the mail
 * files' home) and checks that this user can write there; else one line that says why and what
 * to set. Each missing folder is made on its own: Node's recursive mkdir never returns for a
 * path under /proc.
 */
export function makeDataFolder(folder: string): void {
  const missing: string[] = [];
  let existing = folder;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) {
    throw unusable(folder, `${existing} is a file, not a folder`);
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      throw unusable(folder, `${path} cannot be made (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw unusable(folder, 'this user cannot write there');
  }
}

function unusable(folder: string, why: string): ConfigError {
  return new ConfigError([
    `DATABASE_URL: the data folder ${folder} cannot be used: ${why}. Set DATABASE_URL=sqlite:PATH to a place this user can write`,
  ]);
}
