import { Module } from '@nestjs/common';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { UsersModule } from '../../users/users.module';
import { AuthCoreModule } from '../core/auth-core.module';
import { PasskeySignInController } from './passkey-sign-in.controller';
import { SecondStepService } from './second-step.service';
import { SignInController } from './sign-in.controller';

/** The login page, the second step of a sign-in with two-factor on, and the logout page. */
@Module({
  imports: [AuthCoreModule, UsersModule, RateLimitsModule],
  controllers: [SignInController, PasskeySignInController],
  providers: [SecondStepService],
})
export class SignInModule {}
