import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { AuthCoreModule } from '../auth/core/auth-core.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ACCOUNT_COMMANDS } from './account.commands';
import { OperatorService } from './operator.service';

/** The operator's command line on accounts (`npm run account -- COMMAND`). */
@Module({
  imports: [UsersModule, SessionsModule, ActivityModule, AuthCoreModule],
  providers: [OperatorService, ...ACCOUNT_COMMANDS],
})
export class OperatorModule {}
