import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CounterStore } from './counter.store';
import { RateLimit } from './rate-limit.entity';
import { SqlCounterStore } from './sql-counter.store';

@Module({
  imports: [TypeOrmModule.forFeature([RateLimit])],
  providers: [{ provide: CounterStore, useClass: SqlCounterStore }],
  exports: [CounterStore],
})
export class RateLimitsModule {}
