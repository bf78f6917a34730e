import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { REDIS_CLIENT, RedisClient } from '../infra/redis/redis.module';
import { CounterStore } from './counter.store';
import { RateLimit } from './rate-limit.entity';
import { RedisCounterStore } from './redis-counter.store';
import { SqlCounterStore } from './sql-counter.store';

@Module({
  imports: [TypeOrmModule.forFeature([RateLimit])],
  providers: [
    {
      // Where the sessions are: Redis when REDIS_URL is set, else the database.
      provide: CounterStore,
      inject: [REDIS_CLIENT, getRepositoryToken(RateLimit)],
      useFactory: (redis: RedisClient | null, counters: Repository<RateLimit>) =>
        redis ? new RedisCounterStore(redis) : new SqlCounterStore(counters),
    },
  ],
  exports: [CounterStore],
})
export class RateLimitsModule {}
