import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../core/auth-core.module';
import { SignInController } from './sign-in.controller';

/** The login and logout pages. */
@Module({
  imports: [AuthCoreModule],
  controllers: [SignInController],
})
export class SignInModule {}
