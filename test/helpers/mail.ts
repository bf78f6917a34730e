import type { ParsedMail } from 'mailparser';
import { digestOf } from '../../src/auth/core/tokens/tokens.service';
import { ReceivedMail, startSmtpServer, TestSmtpServer } from './smtp-server';
import { startTestApp, TestApp } from './test-app';

/** The address every test app builds its mail links on. */
export const TEST_APP_URL = 'https://auth.example.test';

/** The first link to `path` in a mail's text part, as a URL; fails when there is none. */
export function linkIn(mail: ParsedMail, path: string): URL {
  const link = (mail.text ?? '')
    .match(/https?:\/\/\S+/g)
    ?.find((url) => new URL(url).pathname === path);
  if (!link) {
    throw new Error(`The mail "${mail.subject ?? ''}" has no link to ${path}`);
  }
  return new URL(link);
}

/** The token of the first link to `path` in a mail. */
export function tokenIn(mail: ParsedMail, path: string): string {
  const token = linkIn(mail, path).searchParams.get('token');
  if (!token) {
    throw new Error(`The link to ${path} has no token`);
  }
  return token;
}

/** Mails already handed out by `nextMailTo`. */
const taken = new WeakSet<ReceivedMail>();

/**
 * The first mail for `to` (with `subject`, when given) that the server has received and no
 * earlier call has handed out, waiting up to 10 s for it to arrive (mail leaves after the answer
 * that caused it).
 */
export async function nextMailTo(
  smtp: TestSmtpServer,
  to: string,
  subject?: string,
): Promise<ParsedMail> {
  const timeoutMs = 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp.received.find(
      (received) =>
        !taken.has(received) &&
        received.envelope.to.includes(to) &&
        (subject === undefined || received.mail.subject === subject),
    );
    if (found) {
      taken.add(found);
      return found.mail;
    }
    if (Date.now() > deadline) {
      throw new Error(`No mail "${subject ?? ''}" for ${to} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every href of a mail's HTML part, its entities decoded. */
export function hrefsIn(mail: ParsedMail): string[] {
  return [...(mail.html || '').matchAll(/href="([^"]*)"/g)].map(([, href]) =>
    href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'),
  );
}

export interface AppWithMailbox {
  readonly sut: TestApp;
  readonly smtp: TestSmtpServer;
}

/**
 * Registers the hooks of a spec file whose app sends real mail: a test SMTP server, and an app
 * (with `env`) that mails to it, its links on TEST_APP_URL; both stopped after the file.
 */
export function useAppWithMailbox(env: NodeJS.ProcessEnv = {}): AppWithMailbox {
  let smtp: TestSmtpServer | undefined;
  let sut: TestApp | undefined;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    sut = await startTestApp({
      APP_URL: TEST_APP_URL,
      MAIL_URL: `smtp://127.0.0.1:${smtp.port}`,
      ...env,
    });
  });

  afterAll(async () => {
    await sut?.cleanup();
    await smtp?.close();
  });

  return {
    get sut() {
      return sut as TestApp;
    },
    get smtp() {
      return smtp as TestSmtpServer;
    },
  };
}

/** Makes the link of `token` expire now, as if its time had passed. */
export async function expireLink(sut: TestApp, token: string): Promise<void> {
  await sut.sql('UPDATE tokens SET expires_at = ? WHERE digest = ?', [
    Date.now() - 1,
    digestOf(token),
  ]);
}
