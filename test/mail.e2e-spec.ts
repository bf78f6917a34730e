import { simpleParser } from 'mailparser';
import { readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';
import type { MailRequest } from '../src/infra/mail/mail.service';
import { freePort } from './helpers/free-port';
import { startSmtpServer, TestSmtpServer } from './helpers/smtp-server';
import { LogLine, startTestApp, TestApp } from './helpers/test-app';

const APP_URL = 'https://auth.example.test';
const MAIL_FROM = 'Example Auth <no-reply@example.test>';
const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'smtp-password-never-logged';

/** A mail as a feature would send it, through the shipped generic template. */
function welcome(sut: TestApp): MailRequest {
  return {
    to: 'alice@example.com',
    subject: 'Confirm your address',
    template: 'mail/notice',
    context: {
      heading: 'Welcome, Alice',
      paragraphs: ['Please confirm that this address is yours.'],
      action: { label: 'Confirm', url: sut.mail.link('/confirm', { token: 'tok-123' }) },
    },
  };
}

const mailLogs = (sut: TestApp) => sut.logs().filter((line) => line.context === 'Mail');

/** Resolves once the app has logged a line that `match` accepts. */
async function logged(sut: TestApp, match: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const line = sut.logs().find(match);
    if (line) {
      return line;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Mail', () => {
  describe('over SMTP (MAIL_URL)', () => {
    let smtp: TestSmtpServer;
    let sut: TestApp;

    beforeAll(async () => {
      smtp = await startSmtpServer({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
      sut = await startTestApp({
        APP_URL,
        MAIL_FROM,
        MAIL_URL: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
      });
    });

    afterAll(async () => {
      await sut.cleanup();
      await smtp.close();
    });

    it('delivers a mail with a text part, an HTML part, MAIL_FROM and links on APP_URL', async () => {
      sut.mail.send(welcome(sut));
      const { envelope, user, mail } = await smtp.nextMail();

      expect(user).toBe(SMTP_USER);
      expect(envelope).toEqual({ from: 'no-reply@example.test', to: ['alice@example.com'] });
      expect(mail.from?.value).toEqual([
        { name: 'Example Auth', address: 'no-reply@example.test' },
      ]);
      expect(mail.to).toMatchObject({ text: 'alice@example.com' });
      expect(mail.subject).toBe('Confirm your address');
      expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@auth\.example\.test>$/);
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

      const link = `${APP_URL}/confirm?token=tok-123`;
      expect(mail.text).toContain('Welcome, Alice');
      expect(mail.text).toMatch(new RegExp(`^${link.replace(/[.?]/g, '\\$&')}$`, 'm'));
      expect(mail.html).toEqual(expect.stringContaining('<h1'));
      const hrefs = [...(mail.html || '').matchAll(/href="([^"]*)"/g)].map(([, href]) => href);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) {
        expect(href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toBe(link);
      }
    });

    it('logs the mail by its Message-ID: no address, subject, link or SMTP password', async () => {
      sut.mail.send(welcome(sut));
      const { mail } = await smtp.nextMail();
      await sut.mail.idle();

      expect(mailLogs(sut)).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: 'Mail sent',
          mail: { id: mail.messageId?.slice(1, -1), template: 'mail/notice', attempt: 1 },
        }),
      );
      const everything = sut.logs().map((line) => JSON.stringify(line));
      for (const secret of ['alice', 'Confirm your address', 'tok-123', SMTP_PASSWORD]) {
        expect(everything.join('\n')).not.toContain(secret);
      }
    });
  });

  describe('while the SMTP server is down', () => {
    let port: number;
    let smtp: TestSmtpServer | undefined;
    let sut: TestApp;

    beforeAll(async () => {
      port = await freePort();
      sut = await startTestApp(
        { APP_URL, MAIL_FROM, MAIL_URL: `smtp://127.0.0.1:${port}` },
        undefined,
        // Short waits, and enough of them to cover the time the server takes to come back.
        { mail: { retryDelaysMs: [100, 500, 5_000] } },
      );
    });

    afterAll(async () => {
      await sut.cleanup();
      await smtp?.close();
    });

    it('retries, keeps answering pages, and delivers once the server is back', async () => {
      sut.mail.send(welcome(sut));
      const failure = await logged(sut, (line) => line.context === 'Mail' && line.level === 'warn');
      expect(failure).toMatchObject({
        msg: 'Mail not sent yet: attempt 1 failed, next in 0.1 s',
        error: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
      });

      // The mail waits for its next attempt; the app answers as usual.
      await request(sut.app.getHttpServer()).get('/login').expect(200);
      await request(sut.app.getHttpServer()).get('/healthz').expect(200);

      smtp = await startSmtpServer({ port });
      const { mail } = await smtp.nextMail();
      await sut.mail.idle();

      expect(mail.subject).toBe('Confirm your address');
      expect(mail.text).toContain(`${APP_URL}/confirm?token=tok-123`);
      const sent = mailLogs(sut).find((line) => line.msg === 'Mail sent');
      expect(sent?.mail).toMatchObject({ attempt: expect.any(Number) });
      expect((sent?.mail as { attempt: number }).attempt).toBeGreaterThan(1);
      expect(mailLogs(sut).filter((line) => line.level === 'error')).toEqual([]);
      expect(
        sut
          .logs()
          .map((line) => JSON.stringify(line))
          .join('\n'),
      ).not.toContain('alice');
    });
  });

  describe('in development without MAIL_URL', () => {
    let sut: TestApp;
    let file: string | undefined;

    beforeAll(async () => {
      sut = await startTestApp({ NODE_ENV: 'development' });
    });

    afterAll(async () => {
      // On PostgreSQL the data folder is data/ in the working directory: take the file back,
      // and the folders when they are left empty (rmdir never removes anything else).
      if (file) {
        rmSync(file, { force: true });
        for (const folder of [dirname(file), dirname(dirname(file))]) {
          try {
            rmdirSync(folder);
          } catch {
            break;
          }
        }
      }
      await sut.cleanup();
    });

    it('writes the mail as a .eml file in <data folder>/mail and logs its first link', async () => {
      sut.mail.send(welcome(sut));
      await sut.mail.idle();

      const line = mailLogs(sut).find((candidate) => candidate.link);
      file = (line?.mail as { file: string } | undefined)?.file;
      const link = 'http://localhost:3000/confirm?token=tok-123';
      expect(line).toMatchObject({
        level: 'info',
        link,
        msg: `Mail written to ${file}; its first link: ${link}`,
      });
      expect(dirname(file as string)).toBe(join(sut.config.dataDir, 'mail'));
      expect(statSync(file as string).mode & 0o777).toBe(0o600);

      const mail = await simpleParser(readFileSync(file as string));
      expect(mail.from?.value).toEqual([{ name: 'Nest Auth', address: 'no-reply@localhost' }]);
      expect(mail.to).toMatchObject({ text: 'alice@example.com' });
      expect(mail.text).toContain(link);
      expect(mail.html).toContain('Welcome, Alice');
    });
  });
});
