import { join } from 'node:path';
import type { MailTransport } from './mail-transport';

/** How the mail queue behaves: fixed in code, not settings (the tests shorten the delays). */
export interface MailOptions {
  /**
   * The wait before each new attempt after a failed one: `[1000, 10000, 60000]` means four
   * attempts in all, the last about 71 s after the first.
   */
  retryDelaysMs: readonly number[];
  /** How long stopping the app waits for the mails still in flight. */
  shutdownTimeoutMs: number;
  /** Mails waiting or being sent at once; beyond, a mail is dropped (and logged). */
  maxPending: number;
  /** Where the templates are: the app's `views/` folder. */
  viewsDir: string;
  /** Replaces the transport that the settings choose (unit tests). */
  transport?: MailTransport;
}

export const MAIL_OPTIONS = Symbol('MAIL_OPTIONS');

export const DEFAULT_MAIL_OPTIONS: MailOptions = {
  retryDelaysMs: [1_000, 10_000, 60_000],
  shutdownTimeoutMs: 5_000,
  maxPending: 1_000,
  // src/infra/mail (or dist/infra/mail) -> the project's views/.
  viewsDir: join(__dirname, '..', '..', '..', 'views'),
};
