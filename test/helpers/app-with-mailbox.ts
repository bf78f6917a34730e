import { digestOf } from '../../src/auth/core/tokens/tokens.service';
import { csrfTokenIn } from './forms';
import { nextMailTo, TEST_APP_URL, tokenIn } from './mail';
import { startSmtpServer, TestSmtpServer } from './smtp-server';
import { startTestApp, TestApp } from './test-app';

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

/** Asks for a password-reset link for `email`, as the forgotten-password page does; its token. */
export async function askResetLink({ sut, smtp }: AppWithMailbox, email: string): Promise<string> {
  const asker = sut.agent();
  const form = await asker.get('/forgot-password').expect(200);
  await asker
    .post('/forgot-password')
    .type('form')
    .send({ _csrf: csrfTokenIn(form.text), email })
    .expect(303);
  return tokenIn(await nextMailTo(smtp, email, 'Reset your password'), '/reset-password');
}
