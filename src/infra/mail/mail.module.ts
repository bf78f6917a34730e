import { DynamicModule, Global, Module } from '@nestjs/common';
import { DEFAULT_MAIL_OPTIONS, MAIL_OPTIONS, MailOptions } from './mail.options';
import { MailService } from './mail.service';

/** Makes MailService injectable everywhere. `options` replace the defaults (for tests). */
@Global()
@Module({})
export class MailModule {
  static forRoot(options: Partial<MailOptions> = {}): DynamicModule {
    return {
      module: MailModule,
      providers: [
        { provide: MAIL_OPTIONS, useValue: { ...DEFAULT_MAIL_OPTIONS, ...options } },
        MailService,
      ],
      exports: [MailService],
    };
  }
}
