import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reads `.env` in the working directory, when there is one, into the environment (Node's own
 * loader): a variable the environment already has keeps its value. Returns the file's path, or
 * undefined when there is none.
 */
export function loadEnvFile(): string | undefined {
  const path = resolve('.env');
  if (!existsSync(path)) {
    return undefined;
  }
  process.loadEnvFile(path);
  return path;
}
