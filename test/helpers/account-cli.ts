import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  /** The process's exit code (null: killed after the time limit). */
  code: number | null;
  /** What the command said it did. */
  stdout: string;
  /** Its log lines (JSON: standard error is no terminal) and its error messages. */
  stderr: string;
}

/**
 * Runs `npm run account -- ARGS` as its own process, with only `env` (the test's database) and
 * test defaults: from the sources as the npm script does, or, with `built`, `dist/account-cli.js`.
 * It runs in `cwd` (a test's own folder, so that no `.env` of the project's folder is read), with
 * `input` on standard input.
 */
export function runAccountCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  { cwd, input = '', built = false }: { cwd: string; input?: string; built?: boolean },
): Promise<CliRun> {
  const entry = built
    ? [join(ROOT, 'dist', 'account-cli.js')]
    : [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        join(ROOT, 'src', 'account-cli.ts'),
      ];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      BCRYPT_COST: '4',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A JSON log line: its event, for an audit event, and its other fields. */
export type CliLogLine = { event?: string } & Record<string, unknown>;

/** The JSON log lines of a run's standard error. */
export function cliLogLines({ stderr }: CliRun): CliLogLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as CliLogLine);
}

/** The lines of a run's standard error that are not log lines: its messages to a person. */
export function cliMessages({ stderr }: CliRun): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
}
