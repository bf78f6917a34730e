import { Module } from '@nestjs/common';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { UsersModule } from '../../users/users.module';
import { AuthCoreModule } from '../core/auth-core.module';
import { PasswordResetController } from './password-reset.controller';
import { PasswordResetService } from './password-reset.service';
import { ResetRequestLimiter } from './reset-request-limiter';

/** The forgotten-password page, the reset link it mails, and the new-password form. */
@Module({
  imports: [AuthCoreModule, UsersModule, SessionsModule, RateLimitsModule],
  controllers: [PasswordResetController],
  providers: [PasswordResetService, ResetRequestLimiter],
})
export class PasswordResetModule {}
