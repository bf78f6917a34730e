import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { createClient, RedisClientType } from 'redis';
import { AppConfig } from '../../config/app-config';

export type RedisClient = RedisClientType;

/** The Redis client when REDIS_URL is set, else null: inject with `@Inject(REDIS_CLIENT)`. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

const logger = new Logger('Redis');

async function connect(config: AppConfig): Promise<RedisClient | null> {
  if (!config.redisUrl) {
    return null;
  }
  const client = createClient({
    url: config.redisUrl,
    // While Redis is away, commands fail at once (the request gets the error page) instead of
    // queueing; the client keeps reconnecting in the background.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  // Without a listener, a lost connection would crash the process.
  client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
  await client.connect();
  return client;
}

@Global()
@Module({
  providers: [{ provide: REDIS_CLIENT, inject: [AppConfig], useFactory: connect }],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: RedisClient | null) {}

  /** After the HTTP server has closed, so that requests in flight could finish with Redis. */
  async onApplicationShutdown(): Promise<void> {
    if (this.client?.isOpen) {
      await this.client.close();
    }
  }
}
