import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AuthCoreModule } from '../core/auth-core.module';
import { EmailVerificationController } from './email-verification.controller';
import { EmailVerificationService } from './email-verification.service';

/** The page a verification link opens, its button, and the button that mails a new link. */
@Module({
  imports: [AuthCoreModule, UsersModule],
  controllers: [EmailVerificationController],
  providers: [EmailVerificationService],
})
export class EmailVerificationModule {}
