import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../../observability/audit-log';
import { MailRenderer } from './mail-renderer';
import { createMailTransport, MailTransport, OutgoingMail } from './mail-transport';
import { MAIL_OPTIONS, MailOptions } from './mail.options';

export interface MailRequest {
  /** One email address. */
  to: string;
  /** Plain text; a line break becomes a space. */
  subject: string;
  /**
   * The templates, named by their path under `views/` without the endings: `mail/notice` is
   * `views/mail/notice.text.hbs` and `views/mail/notice.html.hbs`.
   */
  template: string;
  /** What the templates show, besides `appUrl`. Build every link with `MailService.link`. */
  context?: Record<string, unknown>;
}

/** What the logs say about a mail: never its address, subject, body or links (but see below). */
interface MailLabel {
  id: string;
  template: string;
}

// No whitespace or control character, nothing that would make it a list or a name.
const ONE_ADDRESS = /^[^\s\p{Cc}@<>,;:"()[\]\\]+@[^\s\p{Cc}@<>,;:"()[\]\\]+$/u;
const ADDRESS_IN_TEXT = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;
const FIRST_LINK = /https?:\/\/[^\s<>"')\]]+/;

/**
 * Sends the app's mails without ever holding up, or failing, the request that asked for one:
 * `send` queues the mail and returns at once, whether the address has an account or not,
 * whether the mail server is up or down. A failed attempt is retried after each of
 * `retryDelaysMs` (1 s, 10 s, 60 s); a mail that fails them all is logged as an error with its
 * recipient's domain. Stopping the app waits a few seconds for the mails in flight.
 *
 * With SMTP (MAIL_URL), the logs name a mail by its Message-ID and template only. Without it
 * (development), each mail is written to a `.eml` file and the log shows the file and the
 * mail's first link, to click.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly log: Logger;
  private readonly renderer: MailRenderer;
  private readonly transport: MailTransport;
  private readonly senderName: string;
  private readonly messageIdHost: string;
  /** Each mail in flight (waiting, being sent, or waiting to be tried again). */
  private readonly pending = new Map<Promise<void>, MailLabel & { domain: string }>();
  /** Cuts short the waits between attempts, when the app stops. */
  private readonly wakers = new Set<() => void>();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(APP_LOGGER) logger: Logger,
    @Inject(MAIL_OPTIONS) private readonly options: MailOptions,
  ) {
    this.log = logger.child({ context: 'Mail' });
    this.renderer = new MailRenderer(options.viewsDir);
    this.transport = options.transport ?? createMailTransport(config);
    this.messageIdHost = new URL(config.appUrl).hostname;
    this.senderName = displayName(config.mail.from) ?? this.messageIdHost;
  }

  /**
   * An absolute link into the app, built on APP_URL (never on the Host header of a request):
   * `link('/reset', { token })` is `https://auth.example.com/reset?token=...`.
   */
  link(path: string, query: Record<string, string> = {}): string {
    const url = /^\/(?!\/)[^?#\\]*$/.test(path) ? new URL(this.config.appUrl + path) : undefined;
    // `..` could climb out of a path under which the app is served.
    if (!url?.href.startsWith(`${this.config.appUrl}/`)) {
      throw new Error(`A mail link takes a path from the app's root: ${JSON.stringify(path)}`);
    }
    for (const [name, value] of Object.entries(query)) {
      url.searchParams.append(name, value);
    }
    return url.href;
  }

  /** Queues a mail and returns at once; it never throws (what goes wrong is logged). */
  send(request: MailRequest): void {
    const label: MailLabel = {
      id: `${randomUUID()}@${this.messageIdHost}`,
      template: request.template,
    };
    const to = String(request.to);
    if (!ONE_ADDRESS.test(to)) {
      this.log.error({ mail: label }, 'Mail not sent: the recipient is not one email address');
      return;
    }
    const domain = to.slice(to.lastIndexOf('@') + 1).toLowerCase();
    if (this.stopping) {
      this.log.error({ mail: { ...label, domain } }, 'Mail not sent: the app is stopping');
      return;
    }
    if (this.pending.size >= this.options.maxPending) {
      this.log.error(
        { mail: { ...label, domain } },
        `Mail not sent: ${this.pending.size} mails are already waiting`,
      );
      return;
    }
    const job: Promise<void> = (async () => {
      // Not even the rendering runs in the request that sent the mail.
      await new Promise((resolve) => setImmediate(resolve));
      await this.deliver(label, domain, { ...request, to });
    })()
      .catch((error: unknown) =>
        this.log.error({ mail: label, error: describeError(error) }, 'Mail not sent'),
      )
      .finally(() => this.pending.delete(job));
    this.pending.set(job, { ...label, domain });
  }

  /** Resolves once no mail is in flight: every one sent, written, or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all(this.pending.keys());
    }
  }

  /**
   * After the HTTP server has closed: the mails waiting for a new attempt get it now, and the
   * app waits for them up to `shutdownTimeoutMs`.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) {
      wake();
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.idle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.options.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const mail of this.pending.values()) {
        this.log.error(
          { mail },
          `Mail not sent: still in flight ${this.options.shutdownTimeoutMs / 1000} s after the app began to stop`,
        );
      }
    }
    this.transport.close();
  }

  private async deliver(label: MailLabel, domain: string, request: MailRequest): Promise<void> {
    let mail: OutgoingMail;
    try {
      const subject = request.subject.replace(/[\r\n]+/g, ' ');
      const parts = this.renderer.render(
        request.template,
        { appUrl: this.config.appUrl, ...request.context },
        { subject, senderName: this.senderName },
      );
      mail = {
        messageId: `<${label.id}>`,
        from: this.config.mail.from,
        to: request.to,
        subject,
        ...parts,
      };
    } catch (error) {
      this.log.error(
        { mail: label, error: describeError(error) },
        'Mail not sent: it did not render',
      );
      return;
    }

    for (let attempt = 1; ; attempt++) {
      try {
        const { file } = await this.transport.send(mail);
        if (file) {
          // Development only (no MAIL_URL): the link is what the developer came for.
          const link = FIRST_LINK.exec(mail.text)?.[0];
          this.log.info(
            { mail: { ...label, file }, link },
            link ? `Mail written to ${file}; its first link: ${link}` : `Mail written to ${file}`,
          );
        } else {
          this.log.info({ mail: { ...label, attempt } }, 'Mail sent');
        }
        return;
      } catch (error) {
        const delay = this.options.retryDelaysMs[attempt - 1];
        if (delay === undefined || this.stopping) {
          this.log.error(
            { mail: { ...label, attempts: attempt, domain }, error: describeError(error) },
            `Mail not sent after ${attempt} attempt${attempt === 1 ? '' : 's'}`,
          );
          return;
        }
        this.log.warn(
          { mail: { ...label, attempt }, error: describeError(error), retryInMs: delay },
          `Mail not sent yet: attempt ${attempt} failed, next in ${delay / 1000} s`,
        );
        await this.wait(delay);
      }
    }
  }

  /** Waits `ms`, or less when the app stops. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

/** `Nest Auth` in `Nest Auth <no-reply@example.com>`; undefined for a bare address. */
function displayName(from: string): string | undefined {
  const name = /^([^<]*)</
    .exec(from)?.[1]
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return name || undefined;
}

/**
 * What a log may say about an error: its kind (`ESOCKET`, `EAUTH`...), the SMTP reply status and
 * the message, with any address blanked out. (Fields named like `code` would be redacted.)
 */
function describeError(error: unknown): Record<string, unknown> {
  const { code, responseCode, message } = (error ?? {}) as Record<string, unknown>;
  return {
    kind: typeof code === 'string' ? code : undefined,
    smtpStatus: typeof responseCode === 'number' ? responseCode : undefined,
    message: (typeof message === 'string' ? message : String(error))
      .replace(ADDRESS_IN_TEXT, '[address]')
      .slice(0, 300),
  };
}
