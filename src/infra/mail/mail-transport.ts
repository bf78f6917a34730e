import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { AppConfig } from '../../config/app-config';

/** One mail, rendered and addressed, as the transports take it. */
export interface OutgoingMail {
  /** The Message-ID header, angle brackets included; the same on every attempt. */
  messageId: string;
  from: string;
  /** One address. */
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface DeliveryResult {
  /** Set by the file transport: where the mail was written. */
  file?: string;
}

/** Sends one mail; a rejected promise means "not sent, try again later". */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<DeliveryResult>;
  /** Releases connections; mails still being sent may fail. */
  close(): void;
}

/** SMTP when MAIL_URL is set; otherwise (never in production) a `.eml` file per mail. */
export function createMailTransport(config: AppConfig): MailTransport {
  if (config.mail.url) {
    return new SmtpMailTransport(config.mail.url);
  }
  if (config.isProduction) {
    // loadConfig refuses this already; a mail must never land on a production disk.
    throw new Error('MAIL_URL must be set in production');
  }
  return new FileMailTransport(join(config.dataDir, 'mail'));
}

/** What nodemailer is given for every mail, whichever transport. */
function nodemailerMessage(mail: OutgoingMail) {
  return {
    messageId: mail.messageId,
    from: mail.from,
    // An address object, never parsed as a list: "a@x, b@y" stays one (refused) recipient.
    to: { name: '', address: mail.to },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // RFC 3834: no out-of-office replies to a machine.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/**
 * A pool of a few SMTP connections (smtp:// upgrades with STARTTLS when the server offers it;
 * smtps:// is TLS from the start). The timeouts are short because a failed send is retried.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter;

  constructor(url: string) {
    this.transporter = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<DeliveryResult> {
    await this.transporter.sendMail(nodemailerMessage(mail));
    return {};
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * For development without an SMTP server: each mail is written, as the raw message an SMTP
 * server would get, to `<folder>/<time>-<random>.eml` (mode 0600, the folder 0700). Any mail
 * program opens it.
 */
export class FileMailTransport implements MailTransport {
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true });

  constructor(private readonly folder: string) {}

  async send(mail: OutgoingMail): Promise<DeliveryResult> {
    const { message } = await this.composer.sendMail(nodemailerMessage(mail));
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    // The time first, so that a listing sorts the mails in the order they were sent.
    const time = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(this.folder, `${time}-${randomBytes(4).toString('hex')}.eml`);
    await writeFile(file, message as Buffer, { mode: 0o600, flag: 'wx' });
    return { file };
  }

  close(): void {
    this.composer.close();
  }
}
