import { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Where Nest lists, at every start, each module it loaded and each route it mapped: worth a
 * look while debugging (LOG_LEVEL=debug), not at every start.
 */
const START_UP_CHATTER = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Nest's own messages (start-up, errors) in the same lines as everything else. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && START_UP_CHATTER.has(context)) {
      this.logger.debug({ context }, String(message));
      return;
    }
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, stack?: string, context?: string): void {
    if (context === 'ExceptionHandler') {
      // A start that failed: main.ts says why, in one line (or with the stack when it is a bug).
      this.logger.debug({ context, stack }, String(message));
      return;
    }
    if (context === 'TypeOrmModule') {
      // "Unable to connect to the database. Retrying (1)...": the first line of the stack says
      // why; the rest is the driver's inside.
      this.logger.warn({ context }, `${String(message)} ${stack?.split('\n')[0] ?? ''}`.trim());
      return;
    }
    this.logger.error({ context, stack }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
