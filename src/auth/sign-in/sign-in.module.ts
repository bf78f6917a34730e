import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AuthCoreModule } from '../core/auth-core.module';
import { SecondStepService } from './second-step.service';
import { SignInController } from './sign-in.controller';

/** The login page, the second step of a sign-in with two-factor on, and the logout page. */
@Module({
  imports: [AuthCoreModule, UsersModule],
  controllers: [SignInController],
  providers: [SecondStepService],
})
export class SignInModule {}
