import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../../activity/activity.module';
import { AppConfig } from '../../config/app-config';
import { resolveSessionSecrets } from '../../config/session-secret';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { SessionsModule } from '../../sessions/sessions.module';
import { User } from '../../users/user.entity';
import { UsersModule } from '../../users/users.module';
import { AccountsService } from './accounts.service';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';
import { NewDeviceNotice } from './new-device-notice';
import { Passkey } from './passkeys/passkey.entity';
import { PasskeysService } from './passkeys/passkeys.service';
import { PasswordService } from './passwords/password.service';
import { ResetLinkMailer } from './reset-link-mailer';
import { SessionSerializer } from './session.serializer';
import { SignInLimiter } from './sign-in-limiter';
import { Token } from './tokens/token.entity';
import { RecoveryCode } from './two-factor/recovery-code.entity';
import { SecretBox } from './two-factor/secret-box';
import { TwoFactorService } from './two-factor/two-factor.service';
import { TokensService } from './tokens/tokens.service';
import { VerificationMailer } from './verification-mailer';

/**
 * What every sign-in feature shares: passwords, the limits, starting and ending a session (and
 * telling the owner of a sign-in from a new device), the single-use tokens of the links sent by
 * mail, and the mails that verify an address and reset a password.
 */
@Module({
  imports: [
    UsersModule,
    RateLimitsModule,
    ActivityModule,
    SessionsModule,
    PassportModule,
    TypeOrmModule.forFeature([Token, RecoveryCode, Passkey, User]),
  ],
  providers: [
    AuthService,
    AccountsService,
    PasswordService,
    SignInLimiter,
    LocalStrategy,
    SessionSerializer,
    TokensService,
    VerificationMailer,
    NewDeviceNotice,
    ResetLinkMailer,
    TwoFactorService,
    PasskeysService,
    {
      // TOTP secrets are sealed with keys from SESSION_SECRET (each of a rotation list).
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretBox(resolveSessionSecrets(config)),
    },
  ],
  exports: [
    AuthService,
    AccountsService,
    PasswordService,
    SignInLimiter,
    TokensService,
    VerificationMailer,
    ResetLinkMailer,
    TwoFactorService,
    PasskeysService,
  ],
})
export class AuthCoreModule {}
