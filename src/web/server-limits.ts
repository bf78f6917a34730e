import type { Server } from 'node:http';
import type { HttpLimitsConfig } from '../config/app-config';

/** How often the server looks for requests past their time; Node's default is 30 s. */
const TIMEOUT_CHECK_MS = 1000;
/** Dropped connections are logged at most once in this time, with how many there were. */
const DROP_LOG_GAP_MS = 10_000;

export interface DropLogger {
  warn(message: string): void;
}

/**
 * Bounds what one client can hold of the HTTP server: a request's headers and body must arrive
 * within their timeouts (else 408 and the socket closes), an idle kept-alive socket closes, and
 * connections past the cap are dropped, which is logged (at most once per 10 s). Call it before
 * `listen`: the timeout checks start when the server starts listening.
 */
export function limitServer(
  server: Server,
  limits: HttpLimitsConfig,
  logger: DropLogger,
  now: () => number = Date.now,
): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // A constructor option in Node's types, but a plain property that `listen` reads.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.min(TIMEOUT_CHECK_MS, limits.headersTimeoutMs);
  server.maxConnections = limits.maxConnections;

  let dropped = 0;
  let lastLogged = -Infinity;
  server.on('drop', () => {
    dropped += 1;
    if (now() - lastLogged < DROP_LOG_GAP_MS) {
      return;
    }
    logger.warn(
      `${dropped} connection(s) dropped: ${limits.maxConnections} were open ` +
        '(HTTP_MAX_CONNECTIONS); slow or idle clients may be holding them',
    );
    dropped = 0;
    lastLogged = now();
  });
}
