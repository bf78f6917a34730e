import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { UsersModule } from '../../users/users.module';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';
import { PasswordService } from './passwords/password.service';
import { SessionSerializer } from './session.serializer';
import { SignInLimiter } from './sign-in-limiter';

/** What every sign-in feature shares: passwords, the limits, and starting and ending a session. */
@Module({
  imports: [UsersModule, RateLimitsModule, PassportModule],
  providers: [AuthService, PasswordService, SignInLimiter, LocalStrategy, SessionSerializer],
  exports: [AuthService, PasswordService],
})
export class AuthCoreModule {}
