import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { useAppWithMailbox } from './helpers/app-with-mailbox';
import { advanceClock, realClock } from './helpers/clock';
import {
  aRegistration,
  alertsIn,
  logIn,
  openForm,
  register,
  sessionCookie,
  submitForm,
} from './helpers/forms';

const REFUSED = 'This passkey was not accepted. Please try again, or use your password.';
const TOO_LONG = 'This sign-in took too long. Please try again.';
/**
 * What the requests below say they are: the page's own origin, as a browser's script sends (over
 * plain HTTP: the test client keeps Secure cookies from HTTP requests).
 */
const HOST = 'auth.example.test';
const ORIGIN = `http://${HOST}`;

/**
 * The passkey routes over HTTP: the only JSON the app takes, with the form token in a header and
 * the page's own origin. A passkey's real signatures are checked in Chromium (the browser suite,
 * with a virtual authenticator); here, everything a browser would never send.
 */
describe('Passkeys: the JSON routes and the passkeys page', () => {
  const app = useAppWithMailbox({ TRUST_PROXY: 'loopback' });

  afterEach(() => {
    realClock();
  });

  /** A request as the pages' script makes it. */
  function postJson(
    agent: TestAgent,
    path: string,
    token: string | undefined,
    body: unknown = {},
    { origin = ORIGIN }: { origin?: string | null } = {},
  ) {
    let request = agent.post(path).set('Host', HOST).set('Content-Type', 'application/json');
    if (origin !== null) {
      request = request.set('Origin', origin);
    }
    if (token !== undefined) {
      request = request.set('X-CSRF-Token', token);
    }
    return request.send(JSON.stringify(body));
  }

  /** The form token of `page`. */
  async function tokenOf(agent: TestAgent, page: string): Promise<string> {
    const res = await agent.get(page).set('Host', HOST).expect(200);
    return /name="_csrf" value="([0-9a-f.]+)"/.exec(res.text)?.[1] ?? '';
  }

  describe('signing in with a passkey', () => {
    it('gives the options of a sign-in: a challenge, this site as the relying party, user verification', async () => {
      const browser = app.sut.agent();
      const token = await tokenOf(browser, '/login');

      const res = await postJson(browser, '/login/passkey/options', token);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rpId: 'auth.example.test', userVerification: 'required' });
      expect(res.body.challenge).toMatch(/^[\w-]{43}$/);
      expect(String(res.headers['set-cookie'])).toMatch(
        /passkey-challenge=s%3A.*Path=\/login\/passkey.*HttpOnly.*SameSite=Strict/,
      );
      // A signed-out visitor still has no session.
      expect(sessionCookie(res)).toBeUndefined();
    });

    it('refuses an answer no passkey of any account signed: 401, and a second try with the same challenge: 400', async () => {
      const browser = app.sut.agent();
      const page = await browser.get('/login').set('Host', HOST);
      const token = /name="_csrf" value="([0-9a-f.]+)"/.exec(page.text)?.[1] ?? '';
      const options = await postJson(browser, '/login/passkey/options', token);
      const cookies = [page, options]
        .flatMap((res) => res.headers['set-cookie'] as unknown as string[])
        .map((cookie) => cookie.split(';')[0])
        .join('; ');
      const answer = {
        response: {
          id: 'bm90LWEtcmVhbC1jcmVkZW50aWFs',
          rawId: 'bm90LWEtcmVhbC1jcmVkZW50aWFs',
          type: 'public-key',
          response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
          clientExtensionResults: {},
        },
        next: '/account',
      };

      // Sent as an attacker who kept the challenge cookie would send it: the first answer is
      // checked (and refused), the second finds the challenge used.
      const kept = () => request.agent(app.sut.app.getHttpServer()).set('Cookie', cookies);
      const refused = await postJson(kept(), '/login/passkey', token, answer);
      const replayed = await postJson(kept(), '/login/passkey', token, answer);

      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ error: REFUSED });
      expect(replayed.status).toBe(400);
      expect(replayed.body).toEqual({ error: TOO_LONG });
      expect(sessionCookie(refused)).toBeUndefined();
    });

    it('refuses an answer to a challenge more than 5 minutes old', async () => {
      const browser = app.sut.agent();
      const token = await tokenOf(browser, '/login');
      await postJson(browser, '/login/passkey/options', token);

      advanceClock(5 * 60_000 + 1_000);
      const late = await postJson(browser, '/login/passkey', token, { response: {} });

      expect(late.status).toBe(400);
      expect(late.body).toEqual({ error: TOO_LONG });
    });

    it.each([
      ['no challenge asked for', undefined],
      ['a response that is no object', 'a string'],
    ])('refuses %s', async (_, response) => {
      const browser = app.sut.agent();
      const token = await tokenOf(browser, '/login');
      if (response !== undefined) {
        await postJson(browser, '/login/passkey/options', token);
      }
      const res = await postJson(browser, '/login/passkey', token, { response });
      expect(res.status).toBe(response === undefined ? 400 : 401);
      expect(res.body.error).toBe(response === undefined ? TOO_LONG : REFUSED);
    });

    it('takes the form token only in its header, and only from this site', async () => {
      const browser = app.sut.agent();
      const token = await tokenOf(browser, '/login');

      const noToken = await postJson(browser, '/login/passkey/options', undefined);
      const wrongToken = await postJson(browser, '/login/passkey/options', `${token}x`);
      const tokenInBody = await postJson(browser, '/login/passkey/options', undefined, {
        _csrf: token,
      });
      const otherSite = await postJson(
        browser,
        '/login/passkey/options',
        token,
        {},
        {
          origin: 'https://evil.example',
        },
      );
      const noOrigin = await postJson(
        browser,
        '/login/passkey/options',
        token,
        {},
        {
          origin: null,
        },
      );

      for (const res of [noToken, wrongToken, tokenInBody, otherSite, noOrigin]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({
          error: 'This page has expired. Please reload it and try again.',
        });
      }
    });

    it('is the only JSON the app takes: a form there, or JSON elsewhere, gets 415; too much, 413', async () => {
      const browser = app.sut.agent();
      const token = await tokenOf(browser, '/login');

      const form = await browser
        .post('/login/passkey/options')
        .set('Host', HOST)
        .set('Origin', ORIGIN)
        .type('form')
        .send({ _csrf: token });
      const jsonToForm = await postJson(browser, '/login', token, {
        email: 'a@example.com',
        password: 'x',
      });
      const list = await postJson(browser, '/login/passkey/options', token, [1, 2]);
      const huge = await postJson(browser, '/login/passkey', token, {
        response: 'x'.repeat(20_000),
      });

      expect(form.status).toBe(415);
      expect(jsonToForm.status).toBe(415);
      expect(list.status).toBe(415);
      expect(huge.status).toBe(413);
    });
  });

  describe('the passkeys of an account', () => {
    async function signedIn(): Promise<{ browser: TestAgent; password: string; email: string }> {
      const person = await register(app.sut.agent(), aRegistration());
      const browser = app.sut.agent();
      expect((await logIn(browser, person.email, person.password)).status).toBe(303);
      return { browser, password: person.password, email: person.email };
    }

    it('lists none at first, and offers to add one', async () => {
      const { browser } = await signedIn();
      const page = await browser.get('/account/passkeys').expect(200);
      expect(page.text).toContain('You have no passkey yet.');
      expect(page.text).toContain('id="passkey-add"');
      expect(page.text).toContain('<script src="/static/webauthn/index.umd.min.js" defer>');
      expect((await browser.get('/static/webauthn/index.umd.min.js')).status).toBe(200);
    });

    it('gives the options of a new passkey to its owner only, with the current password', async () => {
      const { browser, email, password: currentPassword } = await signedIn();
      const token = await tokenOf(browser, '/account/passkeys');

      const wrongPassword = await postJson(browser, '/account/passkeys/options', token, {
        currentPassword: 'not-my-password',
      });
      const options = await postJson(browser, '/account/passkeys/options', token, {
        currentPassword,
      });
      const signedOut = app.sut.agent();
      const anonymous = await postJson(
        signedOut,
        '/account/passkeys/options',
        await tokenOf(signedOut, '/login'),
      );

      expect(wrongPassword.status).toBe(422);
      expect(wrongPassword.body).toEqual({ error: 'Your current password is not correct.' });
      expect(options.status).toBe(200);
      expect(options.body).toMatchObject({
        rp: { id: 'auth.example.test', name: 'Nest Auth' },
        user: { name: email },
        attestation: 'none',
        excludeCredentials: [],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ error: 'Please log in to continue.' });
    });

    it('adds nothing for an answer that is not a passkey, or without options first, or with a bad name', async () => {
      const { browser, password: currentPassword } = await signedIn();
      const token = await tokenOf(browser, '/account/passkeys');

      const withoutOptions = await postJson(browser, '/account/passkeys/add', token, {
        name: 'Laptop',
        response: {},
      });
      await postJson(browser, '/account/passkeys/options', token, { currentPassword });
      const bogus = await postJson(browser, '/account/passkeys/add', token, {
        name: 'Laptop',
        response: { id: 'x', response: {} },
      });
      await postJson(browser, '/account/passkeys/options', token, { currentPassword });
      const longName = await postJson(browser, '/account/passkeys/add', token, {
        name: 'x'.repeat(65),
        response: {},
      });

      expect(withoutOptions.status).toBe(400);
      expect(withoutOptions.body.error).toBe('Adding the passkey took too long. Please try again.');
      expect(bogus.status).toBe(400);
      expect(bogus.body.error).toBe('The passkey could not be added. Please try again.');
      expect(longName.status).toBe(422);
      expect((await browser.get('/account/passkeys')).text).toContain('You have no passkey yet.');
    });

    it('refuses to rename or remove a passkey the account does not have', async () => {
      const { browser, password } = await signedIn();

      const rename = await submitForm(
        browser,
        '/account/passkeys',
        { id: '999999', name: 'Mine now' },
        '/account/passkeys/rename',
      );
      const wrongPassword = await submitForm(
        browser,
        '/account/passkeys',
        { id: '999999', currentPassword: 'not-my-password' },
        '/account/passkeys/remove',
      );
      const remove = await submitForm(
        browser,
        '/account/passkeys',
        { id: '999999', currentPassword: password },
        '/account/passkeys/remove',
      );
      const badId = await submitForm(
        browser,
        '/account/passkeys',
        { id: '1; DROP TABLE passkeys', name: 'x' },
        '/account/passkeys/rename',
      );

      expect(rename.status).toBe(404);
      expect(wrongPassword.status).toBe(422);
      expect(alertsIn(wrongPassword.text)).toContain(
        'danger: Your current password is not correct.',
      );
      expect(remove.status).toBe(404);
      expect(badId.status).toBe(422);
      expect(badId.text).toContain('No such passkey.');
      // Its form token still works: a refused form is not an expired one.
      expect(await openForm(browser, '/account/passkeys')).toMatch(/^[0-9a-f.]+$/);
    });
  });
});
