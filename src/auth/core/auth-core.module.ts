import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { UsersModule } from '../../users/users.module';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';
import { PasswordService } from './passwords/password.service';
import { SessionSerializer } from './session.serializer';
import { SignInLimiter } from './sign-in-limiter';
import { Token } from './tokens/token.entity';
import { TokensService } from './tokens/tokens.service';
import { VerificationMailer } from './verification-mailer';

/**
 * What every sign-in feature shares: passwords, the limits, starting and ending a session, the
 * single-use tokens of the links sent by mail, and the mail that verifies an address.
 */
@Module({
  imports: [UsersModule, RateLimitsModule, PassportModule, TypeOrmModule.forFeature([Token])],
  providers: [
    AuthService,
    PasswordService,
    SignInLimiter,
    LocalStrategy,
    SessionSerializer,
    TokensService,
    VerificationMailer,
  ],
  exports: [AuthService, PasswordService, TokensService, VerificationMailer],
})
export class AuthCoreModule {}
