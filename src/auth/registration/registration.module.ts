import { Module } from '@nestjs/common';
import { RateLimitsModule } from '../../rate-limits/rate-limits.module';
import { UsersModule } from '../../users/users.module';
import { AuthCoreModule } from '../core/auth-core.module';
import { RegistrationLimitGuard } from './registration-limit.guard';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/** The registration page and the new accounts it makes. */
@Module({
  imports: [AuthCoreModule, UsersModule, RateLimitsModule],
  controllers: [RegistrationController],
  providers: [RegistrationService, RegistrationLimitGuard],
})
export class RegistrationModule {}
