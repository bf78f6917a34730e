import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { AuthCoreModule } from '../auth/core/auth-core.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { ActivityPageController } from './activity/activity-page.controller';
import { ActivityPageService } from './activity/activity-page.service';
import { HomeController } from './home.controller';
import { SessionsPageController } from './sessions/sessions-page.controller';
import { SessionsPageService } from './sessions/sessions-page.service';
import { AccountExporter } from './settings/account-export';
import { AccountFormErrorFilter } from './settings/account-form-error.filter';
import { AccountSettingsController } from './settings/account-settings.controller';
import { AccountSettingsService } from './settings/account-settings.service';
import { EmailChangeController } from './settings/email-change.controller';
import {
  TwoFactorFormErrorFilter,
  TwoFactorPageController,
} from './two-factor/two-factor-page.controller';
import { TwoFactorSettingsService } from './two-factor/two-factor-settings.service';
import {
  PasskeysFormErrorFilter,
  PasskeysPageController,
  PasskeysPageService,
} from './passkeys/passkeys-page.controller';

/**
 * The signed-in pages: home, the settings (with the links of an email change), the list of
 * one's sessions, and the security activity.
 */
@Module({
  imports: [AuthCoreModule, ActivityModule, SessionsModule, UsersModule, RateLimitsModule],
  controllers: [
    HomeController,
    AccountSettingsController,
    EmailChangeController,
    SessionsPageController,
    ActivityPageController,
    TwoFactorPageController,
    PasskeysPageController,
  ],
  providers: [
    SessionsPageService,
    AccountSettingsService,
    AccountFormErrorFilter,
    AccountExporter,
    ActivityPageService,
    TwoFactorSettingsService,
    TwoFactorFormErrorFilter,
    PasskeysPageService,
    PasskeysFormErrorFilter,
  ],
})
export class AccountModule {}
