import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AccountModule } from './account/account.module';
import { ActivityModule } from './activity/activity.module';
import { EmailVerificationModule } from './auth/email-verification/email-verification.module';
import { PasswordResetModule } from './auth/password-reset/password-reset.module';
import { RegistrationModule } from './auth/registration/registration.module';
import { SignInModule } from './auth/sign-in/sign-in.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ENTITIES } from './entities';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { dataSourceOptions } from './infra/database/data-source-options';
import { MailModule } from './infra/mail/mail.module';
import type { MailOptions } from './infra/mail/mail.options';
import { HealthModule } from './observability/health/health.module';
import { LoggingModule } from './observability/logging.module';
import { RedisModule } from './infra/redis/redis.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';

/**
 * What the app and the operator's command line both stand on: the settings, the logger, Redis,
 * mail and the database, whose pending migrations are applied first.
 */
export function foundation(
  config: AppConfig,
  logger: Logger,
  mail?: Partial<MailOptions>,
): NonNullable<DynamicModule['imports']> {
  return [
    ConfigModule.forRoot(config),
    LoggingModule.forRoot(logger),
    RedisModule,
    MailModule.forRoot(mail),
    TypeOrmModule.forRoot({
      ...dataSourceOptions(config, ENTITIES),
      migrationsRun: true,
      retryAttempts: 2,
    }),
  ];
}

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    logger: Logger,
    { mail }: { mail?: Partial<MailOptions> } = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...foundation(config, logger, mail),
        UsersModule,
        SessionsModule,
        ActivityModule,
        WebModule,
        SignInModule,
        RegistrationModule,
        PasswordResetModule,
        EmailVerificationModule,
        AccountModule,
        HealthModule,
        HousekeepingModule,
      ],
    };
  }
}
