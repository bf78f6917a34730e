import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { REDIS_CLIENT, RedisClient } from '../infra/redis/redis.module';
import { RedisSessionStore } from './redis-session.store';
import { Session } from './session.entity';
import { SESSION_STORE, UserSessionStoreBase } from './session-store';
import { SessionsService } from './sessions.service';
import { TypeormSessionStore } from './typeorm-session.store';

export { SESSION_STORE } from './session-store';

@Module({
  imports: [TypeOrmModule.forFeature([Session])],
  providers: [
    {
      // Redis when REDIS_URL is set (its keys expire after SESSION_IDLE_MINUTES unused, or at a
      // remembered session's end), else the `sessions` table. Never express-session's MemoryStore.
      provide: SESSION_STORE,
      inject: [AppConfig, REDIS_CLIENT, getRepositoryToken(Session), AuditLog],
      useFactory: (
        config: AppConfig,
        redis: RedisClient | null,
        sessions: Repository<Session>,
        audit: AuditLog,
      ): UserSessionStoreBase =>
        redis
          ? new RedisSessionStore(redis, config.sessionTimeouts)
          : new TypeormSessionStore(sessions, config, audit),
    },
    SessionsService,
  ],
  exports: [SESSION_STORE, SessionsService],
})
export class SessionsModule {}
