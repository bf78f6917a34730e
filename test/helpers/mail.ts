import type { ParsedMail } from 'mailparser';
import type { ReceivedMail, TestSmtpServer } from './smtp-server';

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
 * earlier call has handed out, waiting up to `timeoutMs` for it to arrive (mail leaves after the
 * answer that caused it).
 */
export async function nextMailTo(
  smtp: TestSmtpServer,
  to: string,
  subject?: string,
  timeoutMs = 10_000,
): Promise<ParsedMail> {
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
