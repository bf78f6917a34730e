import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HousekeepingService } from './housekeeping.service';

/** Deletes expired sessions and ended rate-limit counters from the database, on a timer. */
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
