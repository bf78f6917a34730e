import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
// Generous: on a busy shared machine a cold start can take many seconds.
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 12_000;

export interface AppProcess {
  /** Where the app listens, such as `http://127.0.0.1:41234`. */
  url: string;
  /** Everything it has printed so far. */
  output(): string;
  /** Whether the process is still running (it has neither exited nor been killed). */
  running(): boolean;
  /** SIGTERM, as a process manager would; resolves to the exit code (SIGKILL after 12 s: null). */
  stop(): Promise<number | null>;
  /**
   * Sends `signal` now (SIGKILL: a crash, no code of the app runs after it) and resolves once the
   * process has exited, to the signal that ended it (null when it exited by itself).
   */
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | null>;
}

/**
 * Starts the built application as `npm start` does (`node dist/main.js`), in its own process,
 * on a free port, with only `env` and the test defaults (a developer's own REDIS_URL or
 * TRUST_PROXY must not leak in), and waits until `/healthz` answers. `E2E_LOGS=1` shows its output.
 */
export async function startAppProcess(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (npm run build)`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      BCRYPT_COST: '4',
      SESSION_SECRET: 'process-test-session-secret-0123456789abcdef',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (process.env.E2E_LOGS) {
        process.stderr.write(chunk);
      }
    });
  }

  const url = `http://127.0.0.1:${port}`;
  const stop = () => terminate(child);
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- the app's output ---\n${output.join('')}`, {
      cause: error,
    });
  }
  return {
    url,
    output: () => output.join(''),
    running: () => child.exitCode === null && child.signalCode === null,
    stop,
    kill: (signal: NodeJS.Signals) => signalAndWait(child, signal),
  };
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The app exited with code ${child.exitCode} while starting`);
    }
    if (child.signalCode !== null) {
      throw new Error(`The app was killed by ${child.signalCode} while starting`);
    }
    const status = await fetch(`${url}/healthz`).then(
      (res) => res.status,
      () => undefined,
    );
    if (status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The app did not answer ${url}/healthz within ${START_TIMEOUT_MS / 1000} s`);
}

function signalAndWait(
  child: ChildProcess,
  signal: NodeJS.Signals,
): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode);
  }
  return new Promise((resolve) => {
    child.once('exit', (_code, endedBy) => resolve(endedBy));
    child.kill(signal);
  });
}

function terminate(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
