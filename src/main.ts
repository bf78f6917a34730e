import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveSessionSecrets } from './config/session-secret';
import { trustProxyWarning } from './config/trust-proxy-warning';
import { createLogger } from './observability/logger';
import { runPrimary } from './workers';

/** How long requests in flight may take to finish after SIGTERM before the process gives up. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    // Checked (and, outside production, generated) once here, so that a missing secret is one
    // line from this process and every worker reads the same one.
    resolveSessionSecrets(config);
    runPrimary(config.workers, createLogger());
    return;
  }
  const logger = new Logger('Bootstrap');
  const app = await createApp(config);
  const warning = trustProxyWarning(config);
  if (warning) {
    logger.warn(warning);
  }
  await app.listen(config.port, config.host);
  logger.log(`Listening on http://localhost:${config.port}`);

  let stopping = false;
  const shutdown = async (reason: string) => {
    // Once, though a terminal's Ctrl-C reaches a worker both directly and through the primary.
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log(`${reason}: finishing the requests in flight`);
    setTimeout(() => {
      logger.error(`Requests still running after ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // Stop taking connections and let the requests in flight finish; only then close the
    // database pool and Redis (app.close), which those requests may still need.
    const server = app.getHttpServer();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(`${signal} received`));
  }
  // A worker whose primary is gone gets no more connections.
  process.once('disconnect', () => void shutdown('The primary process stopped'));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // One line per bad setting, and no stack trace: the person has a setting to fix.
    for (const problem of error.problems) {
      console.error(`Configuration error: ${problem}`);
    }
  } else {
    console.error(error);
  }
  process.exit(1);
});
