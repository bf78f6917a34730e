import cluster, { Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** A worker that died after it served is replaced, but no more often than this. */
const RESTART_GAP_MS = 1000;

/**
 * The primary process when `WORKERS` is more than 1. It serves nothing itself: it starts the
 * workers, which share the port (node:cluster hands each new connection to the next worker) and
 * everything else through the database and Redis (sessions, limits, lockouts).
 *
 * - The first worker starts alone: it runs the migrations, and the others start once it listens,
 *   so that two never migrate at once.
 * - A worker that dies after it started listening is replaced. One that dies before (a bad
 *   setting, a database it cannot reach) stops the whole app with its exit code: starting it
 *   again would fail again.
 * - SIGTERM or SIGINT stops each worker cleanly (it finishes its requests), then the primary.
 */
export function runPrimary(workers: number, logger: Logger): void {
  logger.info(`Starting ${workers} workers`);
  let stopping = false;
  let lastRestart = 0;
  const listened = new WeakSet<Worker>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => listened.add(worker));
    return worker;
  };

  fork().once('listening', () => {
    for (let i = 1; i < workers; i++) {
      fork();
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const running = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (running === 0) {
        process.exit();
      }
      return;
    }
    if (!listened.has(worker)) {
      // Its own output says why; the others are stopped, and the app exits as it did.
      stopAll('a worker could not start');
      process.exitCode = code || 1;
      return;
    }
    logger.error(
      `Worker ${worker.id} stopped (${signal ?? `exit code ${code}`}); starting another`,
    );
    const wait = Math.max(0, lastRestart + RESTART_GAP_MS - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(fork, wait);
  });

  const stopAll = (reason: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`${reason}: stopping the workers`);
    for (const worker of Object.values(cluster.workers ?? {})) {
      worker?.process.kill('SIGTERM');
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => stopAll(`${signal} received`));
  }
}
