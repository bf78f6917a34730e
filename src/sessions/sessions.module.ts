import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { RedisStore } from 'connect-redis';
import { Store } from 'express-session';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { REDIS_CLIENT, RedisClient } from '../infra/redis/redis.module';
import { Session } from './session.entity';
import { TypeormSessionStore } from './typeorm-session.store';

/** The express-session store: inject with `@Inject(SESSION_STORE)` or `app.get(SESSION_STORE)`. */
export const SESSION_STORE = Symbol('SESSION_STORE');

@Module({
  imports: [TypeOrmModule.forFeature([Session])],
  providers: [
    {
      // Redis when REDIS_URL is set (its keys expire after SESSION_IDLE_MINUTES unused), else
      // the `sessions` table. Never express-session's MemoryStore.
      provide: SESSION_STORE,
      inject: [AppConfig, REDIS_CLIENT, getRepositoryToken(Session), AuditLog],
      useFactory: (
        config: AppConfig,
        redis: RedisClient | null,
        sessions: Repository<Session>,
        audit: AuditLog,
      ): Store =>
        redis
          ? new RedisStore({
              client: redis,
              prefix: 'session:',
              ttl: Math.ceil(config.sessionTimeouts.idleMs / 1000),
            })
          : new TypeormSessionStore(sessions, config, audit),
    },
  ],
  exports: [SESSION_STORE],
})
export class SessionsModule {}
