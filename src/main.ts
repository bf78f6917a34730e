import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from './app.setup';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { loadEnvFile } from './config/env-file';
import { resolveSessionSecrets } from './config/session-secret';
import { trustProxyWarning } from './config/trust-proxy-warning';
import { createLogger } from './observability/logger';
import { startupFailureLine } from './startup-failure';
import { runPrimary } from './workers';

/** How long requests in flight may take to finish after SIGTERM before the process gives up. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** The settings of this start, once read: what a failure's line names. */
let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  const envFile = loadEnvFile();
  config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    // Checked (and, outside production, generated) once here, so that a missing secret is one
    // line from this process and every worker reads the same one.
    resolveSessionSecrets(config);
    runPrimary(config.workers, createLogger(undefined, config.log));
    return;
  }
  const logger = new Logger('Bootstrap');
  const app = await createApp(config);
  if (envFile) {
    logger.log(`Settings read from ${envFile} (the environment's own values win)`);
  }
  const warning = trustProxyWarning(config);
  if (warning) {
    logger.warn(warning);
  }
  await app.init();
  const server = app.getHttpServer();
  // Listened to here rather than with app.listen, so that a port in use is one line of ours.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config?.port, config?.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.log(`Listening on ${listeningAt(server.address())}`);
  if (!config?.mail.url) {
    logger.log(
      `Mail is not sent (MAIL_URL is not set): each one is written to ${join(config?.dataDir ?? '', 'mail')}`,
    );
  }

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

/** The address to open: on every interface, this machine's own name for itself. */
function listeningAt(address: string | AddressInfo | null): string {
  if (address === null || typeof address === 'string') {
    return String(address);
  }
  const everywhere = address.address === '0.0.0.0' || address.address === '::';
  const host = everywhere
    ? 'localhost'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  const url = `http://${host}:${address.port}`;
  return everywhere ? `${url} (and on every address of this machine)` : url;
}

bootstrap().catch((error: unknown) => {
  const line = config && startupFailureLine(error, config);
  if (error instanceof ConfigError) {
    // One line per bad setting, and no stack trace: the person has a setting to fix.
    for (const problem of error.problems) {
      console.error(`Configuration error: ${problem}`);
    }
  } else if (line) {
    console.error(`Cannot start: ${line}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
