import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../config/app-config';
import { createLogger } from '../../observability/logger';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { DEFAULT_MAIL_OPTIONS, MailOptions } from './mail.options';
import { MailRequest, MailService } from './mail.service';

interface LogLine {
  level: string;
  msg: string;
  context?: string;
  mail?: Record<string, unknown>;
  error?: Record<string, unknown>;
  link?: string;
  retryInMs?: number;
}

/** A transport that fails its first `failures` attempts, then sends (or, with -1, hangs). */
class FakeTransport implements MailTransport {
  readonly attempts: OutgoingMail[] = [];
  readonly sent: OutgoingMail[] = [];
  closed = false;

  constructor(private readonly failures = 0) {}

  send(mail: OutgoingMail): Promise<object> {
    this.attempts.push(mail);
    if (this.failures === -1) {
      return new Promise(() => undefined);
    }
    if (this.attempts.length <= this.failures) {
      // As nodemailer puts it, with an address in the message that must not reach the logs.
      const error = Object.assign(new Error('Mail command failed: 451 <alice@example.com> busy'), {
        code: 'EENVELOPE',
        responseCode: 451,
      });
      return Promise.reject(error);
    }
    this.sent.push(mail);
    return Promise.resolve({});
  }

  close(): void {
    this.closed = true;
  }
}

const MAIL: MailRequest = {
  to: 'alice@example.com',
  subject: 'Reset your password',
  template: 'mail/notice',
  context: {
    heading: 'Reset your password',
    paragraphs: ['Someone asked to reset your password.'],
    action: { label: 'Choose a new password', url: 'https://auth.example.test/reset?token=s3cret' },
  },
};

describe(MailService.name, () => {
  let lines: string[];
  const logs = () => lines.map((line) => JSON.parse(line) as LogLine);
  const logged = (level: string) => logs().filter((line) => line.level === level);

  function createService(
    options: Partial<MailOptions> = {},
    env: NodeJS.ProcessEnv = {},
  ): MailService {
    const config = loadConfig({
      APP_URL: 'https://auth.example.test/',
      MAIL_URL: 'smtp://mailer:mail-password@127.0.0.1:1',
      MAIL_FROM: 'Example Auth <no-reply@example.test>',
      ...env,
    });
    const logger = createLogger({ write: (line: string) => lines.push(line) });
    return new MailService(config, logger, {
      ...DEFAULT_MAIL_OPTIONS,
      retryDelaysMs: [1, 1, 1],
      ...options,
    });
  }

  beforeEach(() => {
    lines = [];
  });

  afterEach(() => jest.useRealTimers());

  describe('link', () => {
    it('builds links on APP_URL, with the query encoded', () => {
      const sut = createService();

      expect(sut.link('/')).toBe('https://auth.example.test/');
      expect(sut.link('/reset', { token: 'a+b/c=&d', email: 'x@y.z' })).toBe(
        'https://auth.example.test/reset?token=a%2Bb%2Fc%3D%26d&email=x%40y.z',
      );
    });

    it('keeps the path of an APP_URL under which the app is served', () => {
      const sut = createService({}, { APP_URL: 'https://example.test/auth/' });

      expect(sut.link('/reset', { token: 't' })).toBe('https://example.test/auth/reset?token=t');
    });

    it('uses the default APP_URL, http://localhost:PORT, when none is set', () => {
      const sut = createService({}, { APP_URL: '', PORT: '8080' });

      expect(sut.link('/login')).toBe('http://localhost:8080/login');
    });

    it.each([
      'https://evil.test/reset',
      '//evil.test/reset',
      '/\\evil.test',
      'reset',
      '',
      '/reset?token=t',
      '/reset#top',
      '/../admin',
    ])('refuses %j: only a path from the root of the app', (path) => {
      const sut = createService({}, { APP_URL: 'https://example.test/auth' });

      expect(() => sut.link(path)).toThrow(/A mail link takes a path/);
    });
  });

  describe('send', () => {
    it('returns at once, before any rendering or sending, then sends in the background', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      expect(sut.send(MAIL)).toBeUndefined();
      expect(transport.attempts).toHaveLength(0);

      await sut.idle();
      expect(transport.sent).toHaveLength(1);
    });

    it('sends From MAIL_FROM, a text and an HTML part, and a Message-ID on the APP_URL host', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      sut.send(MAIL);
      await sut.idle();

      const [mail] = transport.sent;
      expect(mail).toMatchObject({
        from: 'Example Auth <no-reply@example.test>',
        to: 'alice@example.com',
        subject: 'Reset your password',
        messageId: expect.stringMatching(/^<[0-9a-f-]{36}@auth\.example\.test>$/),
      });
      expect(mail.text).toContain('https://auth.example.test/reset?token=s3cret');
      expect(mail.html).toContain('href="https://auth.example.test/reset?token&#x3D;s3cret"');
      // The sender's name heads the HTML part.
      expect(mail.html).toContain('Example Auth');
    });

    it('logs a sent mail by its Message-ID and template only', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      sut.send(MAIL);
      await sut.idle();

      const id = transport.sent[0].messageId.slice(1, -1);
      expect(logs()).toEqual([
        expect.objectContaining({
          level: 'info',
          context: 'Mail',
          msg: 'Mail sent',
          mail: { id, template: 'mail/notice', attempt: 1 },
        }),
      ]);
      expect(lines.join('')).not.toMatch(/alice|s3cret|Reset your password|mail-password/);
    });

    it('turns line breaks in the subject into spaces', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      sut.send({ ...MAIL, subject: 'Hello\r\nBcc: mallory@example.com' });
      await sut.idle();

      expect(transport.sent[0].subject).toBe('Hello Bcc: mallory@example.com');
    });

    it.each([
      'alice@example.com, mallory@example.com',
      'Alice <alice@example.com>',
      'alice@example.com\r\nBcc: mallory@example.com',
      'alice',
      '',
    ])('refuses the recipient %j without throwing: it is not one address', async (to) => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      expect(() => sut.send({ ...MAIL, to })).not.toThrow();
      await sut.idle();

      expect(transport.attempts).toHaveLength(0);
      expect(logged('error')).toEqual([
        expect.objectContaining({ msg: 'Mail not sent: the recipient is not one email address' }),
      ]);
      expect(lines.join('')).not.toContain('mallory');
    });

    it('logs a mail that does not render, without throwing or sending', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });

      expect(() => sut.send({ ...MAIL, template: 'mail/missing' })).not.toThrow();
      expect(() => sut.send({ ...MAIL, context: {} })).not.toThrow();
      await sut.idle();

      expect(transport.attempts).toHaveLength(0);
      expect(logged('error').map((line) => line.msg)).toEqual([
        'Mail not sent: it did not render',
        'Mail not sent: it did not render',
      ]);
    });

    it('gives every template the APP_URL as appUrl', async () => {
      const views = mkdtempSync(join(tmpdir(), 'mail-views-'));
      try {
        mkdirSync(join(views, 'layouts'));
        writeFileSync(join(views, 'layouts', 'mail.hbs'), '{{{body}}}');
        writeFileSync(join(views, 'visit.text.hbs'), 'Visit {{appUrl}}');
        writeFileSync(join(views, 'visit.html.hbs'), '<a href="{{appUrl}}">{{appUrl}}</a>');
        const transport = new FakeTransport();
        const sut = createService({ transport, viewsDir: views });

        sut.send({ ...MAIL, template: 'visit', context: {} });
        await sut.idle();

        expect(transport.sent[0]).toMatchObject({
          text: 'Visit https://auth.example.test\n',
          html: '<a href="https://auth.example.test">https://auth.example.test</a>',
        });
      } finally {
        rmSync(views, { recursive: true, force: true });
      }
    });
  });

  describe('when sending fails', () => {
    it('tries again and sends: fails twice, then succeeds', async () => {
      const transport = new FakeTransport(2);
      const sut = createService({ transport });

      sut.send(MAIL);
      await sut.idle();

      expect(transport.attempts).toHaveLength(3);
      expect(new Set(transport.attempts.map((mail) => mail.messageId)).size).toBe(1);
      expect(transport.sent).toHaveLength(1);
      expect(logged('warn')).toEqual([
        expect.objectContaining({
          msg: 'Mail not sent yet: attempt 1 failed, next in 0.001 s',
          mail: expect.objectContaining({ attempt: 1 }),
          error: {
            kind: 'EENVELOPE',
            smtpStatus: 451,
            message: 'Mail command failed: 451 <[address]> busy',
          },
          retryInMs: 1,
        }),
        expect.objectContaining({ mail: expect.objectContaining({ attempt: 2 }) }),
      ]);
      expect(logged('info')).toEqual([
        expect.objectContaining({
          msg: 'Mail sent',
          mail: expect.objectContaining({ attempt: 3 }),
        }),
      ]);
      expect(logged('error')).toEqual([]);
      expect(lines.join('')).not.toMatch(/alice|s3cret/);
    });

    it('gives up after the last retry and logs an error with the recipient domain only', async () => {
      const transport = new FakeTransport(Infinity);
      const sut = createService({ transport });

      sut.send(MAIL);
      await sut.idle();

      expect(transport.attempts).toHaveLength(4);
      expect(logged('warn')).toHaveLength(3);
      expect(logged('error')).toEqual([
        expect.objectContaining({
          msg: 'Mail not sent after 4 attempts',
          mail: expect.objectContaining({ attempts: 4, domain: 'example.com' }),
        }),
      ]);
      expect(lines.join('')).not.toMatch(/alice|s3cret|Reset your password/);
    });

    it('waits 1 s, 10 s, then 60 s between attempts by default', async () => {
      jest.useFakeTimers();
      const transport = new FakeTransport(Infinity);
      const sut = createService({ transport, retryDelaysMs: DEFAULT_MAIL_OPTIONS.retryDelaysMs });

      sut.send(MAIL);
      const attemptsAfter = async (ms: number) => {
        await jest.advanceTimersByTimeAsync(ms);
        return transport.attempts.length;
      };

      expect(await attemptsAfter(0)).toBe(1);
      expect(await attemptsAfter(999)).toBe(1);
      expect(await attemptsAfter(1)).toBe(2);
      expect(await attemptsAfter(9_999)).toBe(2);
      expect(await attemptsAfter(1)).toBe(3);
      expect(await attemptsAfter(59_999)).toBe(3);
      expect(await attemptsAfter(1)).toBe(4);
      expect(await attemptsAfter(24 * 60 * 60 * 1000)).toBe(4);
      await sut.idle();
      expect(logged('error')).toHaveLength(1);
    });

    it('drops a mail, with an error, when too many are already waiting', async () => {
      const transport = new FakeTransport(-1);
      const sut = createService({ transport, maxPending: 2, shutdownTimeoutMs: 1 });

      sut.send(MAIL);
      sut.send(MAIL);
      sut.send(MAIL);

      expect(logged('error')).toEqual([
        expect.objectContaining({
          msg: 'Mail not sent: 2 mails are already waiting',
          mail: expect.objectContaining({ domain: 'example.com' }),
        }),
      ]);
      await sut.onApplicationShutdown();
    });
  });

  describe('when the app stops', () => {
    it('gives a mail waiting for its next attempt that attempt now, and waits for it', async () => {
      const transport = new FakeTransport(1);
      const sut = createService({ transport, retryDelaysMs: [60 * 60 * 1000] });
      sut.send(MAIL);
      while (transport.attempts.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }

      await sut.onApplicationShutdown();

      expect(transport.sent).toHaveLength(1);
      expect(transport.closed).toBe(true);
    });

    it('logs an error for a mail that fails its attempt at shutdown, without waiting for later ones', async () => {
      const transport = new FakeTransport(Infinity);
      const sut = createService({ transport, retryDelaysMs: [60 * 60 * 1000, 60 * 60 * 1000] });
      sut.send(MAIL);
      while (transport.attempts.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }

      await sut.onApplicationShutdown();

      expect(transport.attempts).toHaveLength(2);
      expect(logged('error')).toEqual([
        expect.objectContaining({ msg: 'Mail not sent after 2 attempts' }),
      ]);
    });

    it('waits no longer than shutdownTimeoutMs, then logs each mail still in flight', async () => {
      const transport = new FakeTransport(-1);
      const sut = createService({ transport, shutdownTimeoutMs: 20 });
      sut.send(MAIL);
      while (transport.attempts.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }

      await sut.onApplicationShutdown();

      expect(logged('error')).toEqual([
        expect.objectContaining({
          msg: 'Mail not sent: still in flight 0.02 s after the app began to stop',
          mail: expect.objectContaining({ domain: 'example.com', template: 'mail/notice' }),
        }),
      ]);
      expect(transport.closed).toBe(true);
    });

    it('refuses, with an error, a mail sent once it is stopping', async () => {
      const transport = new FakeTransport();
      const sut = createService({ transport });
      await sut.onApplicationShutdown();

      sut.send(MAIL);
      await sut.idle();

      expect(transport.attempts).toHaveLength(0);
      expect(logged('error')).toEqual([
        expect.objectContaining({ msg: 'Mail not sent: the app is stopping' }),
      ]);
    });
  });

  describe('without MAIL_URL (development)', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mail-service-'));
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes the mail to <data folder>/mail and logs the file and the first link', async () => {
      const sut = createService(
        {},
        { MAIL_URL: '', APP_URL: '', DATABASE_URL: `sqlite:${join(dir, 'app.db')}` },
      );

      sut.send({
        ...MAIL,
        context: {
          heading: 'Welcome',
          paragraphs: ['Confirm your address.'],
          action: { label: 'Confirm', url: sut.link('/confirm', { token: 'abc' }) },
          note: 'Or see http://localhost:3000/help',
        },
      });
      await sut.idle();

      const [line] = logs();
      expect(line).toMatchObject({
        level: 'info',
        link: 'http://localhost:3000/confirm?token=abc',
        mail: { template: 'mail/notice', file: expect.stringMatching(/\.eml$/) },
      });
      const file = line.mail?.file as string;
      expect(line.msg).toBe(`Mail written to ${file}; its first link: ${line.link}`);
      expect(dirname(file)).toBe(join(dir, 'mail'));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain('Subject: Reset your password');
    });
  });
});
