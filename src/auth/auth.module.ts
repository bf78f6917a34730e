import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SignInLimiter } from './limits/sign-in-limiter';
import { LocalStrategy } from './local.strategy';
import { PasswordService } from './passwords/password.service';
import { SessionSerializer } from './session.serializer';

@Module({
  imports: [UsersModule, RateLimitsModule, PassportModule],
  controllers: [AuthController],
  providers: [AuthService, PasswordService, SignInLimiter, LocalStrategy, SessionSerializer],
})
export class AuthModule {}
