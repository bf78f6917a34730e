import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountActivity } from './account-activity';
import { AccountEvent } from './account-event.entity';

/** Each account's own security events, kept from the audit log for the activity page. */
@Module({
  imports: [TypeOrmModule.forFeature([AccountEvent])],
  providers: [AccountActivity],
  exports: [AccountActivity],
})
export class ActivityModule {}
