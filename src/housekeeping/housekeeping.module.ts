import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HousekeepingService } from './housekeeping.service';

/** Deletes expired sessions, ended rate-limit counters and expired tokens, on a timer. */
@Module({
  providers: [
    {
      provide: HousekeepingService,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new HousekeepingService(dataSource),
    },
  ],
})
export class HousekeepingModule {}
