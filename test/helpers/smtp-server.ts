import { ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  envelope: { from: string | undefined; to: string[] };
  /** The user the client signed in as, if it did. */
  user: string | undefined;
  /** The message as a mail program reads it. */
  mail: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** The next mail to arrive after those already taken by `nextMail`. */
  nextMail(): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (a free port, or `port`) that keeps what it receives. Plain
 * text (no STARTTLS: it has no certificate to offer); with `auth`, it refuses any other user.
 */
export async function startSmtpServer({
  port = 0,
  auth,
}: { port?: number; auth?: { user: string; pass: string } } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters = new Map<number, (mail: ReceivedMail) => void>();
  let taken = 0;

  const server = new SMTPServer({
    logger: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(credentials, _session, callback) {
      if (credentials.username === auth?.user && credentials.password === auth?.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const index = received.length;
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            user: session.user as string | undefined,
            mail,
          });
          waiters.get(index)?.(received[index]);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    nextMail: () => {
      const index = taken++;
      return index < received.length
        ? Promise.resolve(received[index])
        : new Promise((resolve) => waiters.set(index, resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
