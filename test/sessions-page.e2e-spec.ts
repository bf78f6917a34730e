import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import {
  Registration,
  csrfTokenIn,
  logIn,
  logInRemembered,
  openForm,
  register,
  sessionCookie,
} from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const CHROME_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_ON_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const PAGE = '/account/sessions';

/** One session as the page lists it. */
interface Listed {
  device: string;
  current: boolean;
  ip: string;
  remembered: boolean;
  /** The handle its "End session" form sends; none for this device's own. */
  handle?: string;
}

/** The sessions listed on the page, in its order. */
function listedOn(html: string): Listed[] {
  return [...html.matchAll(/<li class="session[^"]*">([\s\S]*?)<\/li>/g)].map(([, item]) => ({
    device: /<h2[^>]*>\s*([^<]*?)\s*</.exec(item)?.[1] ?? '',
    current: item.includes('This device'),
    ip: /IP address<\/dt>\s*<dd[^>]*>([^<]*)</.exec(item)?.[1] ?? '',
    remembered: item.includes('Remembered until'),
    handle: /name="session" value="([^"]*)"/.exec(item)?.[1],
  }));
}

/** The text of the messages shown at the top of a page. */
const alertsIn = (html: string) =>
  [...html.matchAll(/<div class="alert alert-(\w+)" role="alert"[^>]*>([^<]*)</g)].map(
    ([, type, text]) => `${type}: ${text}`,
  );

describe('The sessions page', () => {
  let sut: TestApp;
  let alice: Registration;
  let bob: Registration;

  interface Browser {
    agent: TestAgent;
    /** The session id, which the page must never show. */
    sid: string;
  }

  /** A browser of its own (User-Agent, client IP through the trusted proxy), signed in. */
  const signIn = async (
    who: Registration,
    userAgent: string,
    ip: string,
    { remember = false } = {},
  ): Promise<Browser> => {
    const agent = sut.agent().set('User-Agent', userAgent).set('X-Forwarded-For', ip);
    const res = await (remember ? logInRemembered : logIn)(agent, who.email, who.password);
    expect(res.status).toBe(303);
    const sid = decodeURIComponent(sessionCookie(res) as string)
      .slice('sid=s:'.length)
      .split('.')[0];
    return { agent, sid };
  };
  const signedIn = async ({ agent }: Browser) => (await agent.get('/')).status === 200;
  const userIdOf = async (who: Registration) =>
    (await sut.usersService.findByEmailWithPasswordHash(who.email))?.id as number;
  /** Posts one of the page's forms, with the page's own token unless told otherwise. */
  const post = async (
    { agent }: Browser,
    action: string,
    fields: Record<string, string | string[]>,
    token?: string,
  ): Promise<Response> => {
    // Opened first: the agent attaches its cookies when the request is made.
    const _csrf = token ?? (await openForm(agent, PAGE));
    return agent
      .post(action)
      .type('form')
      .send({ _csrf, ...fields });
  };
  const revoke = (browser: Browser, session: string | string[]) =>
    post(browser, `${PAGE}/revoke`, { session });
  /** Follows a 303 back to the page and returns what it shows. */
  const followed = async ({ agent }: Browser, res: Response) => {
    expect(res.status).toBe(303);
    const page = await agent.get(res.headers.location).expect(200);
    return { listed: listedOn(page.text), alerts: alertsIn(page.text) };
  };

  beforeAll(async () => {
    // Behind a proxy, so that each browser can have its own client IP.
    sut = await startTestApp({ TRUST_PROXY: 'loopback' });
    alice = await register(sut.agent());
    bob = await register(sut.agent());
  });

  beforeEach(async () => {
    await sut.sessionsService.endAll(await userIdOf(alice), 'not_me');
    await sut.sessionsService.endAll(await userIdOf(bob), 'not_me');
  });

  afterAll(() => sut.cleanup());

  describe('signed out', () => {
    it('GET sends to the login page and back', async () => {
      const res = await sut.agent().get(PAGE).expect(303);

      expect(res.headers.location).toBe('/login?next=%2Faccount%2Fsessions');
    });

    it.each([`${PAGE}/revoke`, `${PAGE}/revoke-others`])(
      'POST %s ends nothing and asks to log in',
      async (action) => {
        const browser = await signIn(bob, FIREFOX_ON_LINUX, '198.51.100.1');
        const [handle] = (await sut.sessionsService.list(await userIdOf(bob))).map((s) => s.handle);
        const anonymous = sut.agent();
        const token = await openForm(anonymous, '/login');

        const res = await anonymous
          .post(action)
          .type('form')
          .send({ _csrf: token, session: handle });

        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/login\?next=/);
        expect(await signedIn(browser)).toBe(true);
      },
    );
  });

  it('lists each session with its browser, system and IP, and marks this device', async () => {
    const onLinux = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
    const onWindows = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
    await signIn(bob, SAFARI_ON_IPHONE, '192.0.2.1');

    const page = await onWindows.agent.get(PAGE).expect(200);

    expect(page.text).toContain('<title>Sessions · Nest Auth</title>');
    expect(listedOn(page.text)).toEqual([
      {
        device: 'Chrome 131 on Windows',
        current: true,
        ip: '203.0.113.9',
        remembered: false,
        handle: undefined,
      },
      {
        device: 'Firefox 140 on Linux',
        current: false,
        ip: '198.51.100.7',
        remembered: false,
        handle: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      },
    ]);
    expect(page.text).toMatch(/Signed in<\/dt>\s*<dd[^>]*><time datetime="[^"]+Z" data-local>/);
    // Never a session id, in any form.
    for (const { sid } of [onLinux, onWindows]) {
      expect(page.text).not.toContain(sid);
    }
  });

  it('names each "End session" button after its session', async () => {
    await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
    const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');

    const page = await current.agent.get(PAGE).expect(200);

    const button = /<button[^>]*>(End session[\s\S]*?)<\/button>/.exec(page.text)?.[1] ?? '';
    const name = button
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    expect(name).toMatch(/^End session for Firefox 140 on Linux, signed in \d+ \w+ \d{4}, .* UTC$/);
  });

  it('shows when a remembered session ends', async () => {
    await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7', { remember: true });
    const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');

    const listed = listedOn((await current.agent.get(PAGE).expect(200)).text);

    expect(listed.map(({ remembered }) => remembered)).toEqual([false, true]);
  });

  it('says so when this is the only session', async () => {
    const only = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');

    const page = await only.agent.get(PAGE).expect(200);

    expect(page.text).toContain('You are not signed in anywhere else.');
    expect(page.text).not.toContain('End all other sessions');
  });

  it('is linked from the home page and the top bar', async () => {
    const browser = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');

    const home = await browser.agent.get('/').expect(200);

    const links = home.text.match(/<a [^>]*href="\/account\/sessions"/g) ?? [];
    expect(links).toHaveLength(2);
  });

  describe('POST /account/sessions/revoke', () => {
    it('ends that session at once: its browser is signed out at its next request', async () => {
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7', { remember: true });
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
      const [, target] = listedOn((await current.agent.get(PAGE)).text);

      const { listed, alerts } = await followed(
        current,
        await revoke(current, target.handle as string),
      );

      expect(alerts).toEqual(['success: Firefox 140 on Linux has been signed out.']);
      expect(listed.map(({ device }) => device)).toEqual(['Chrome 131 on Windows']);
      const res = await other.agent.get('/');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2F');
      expect(await signedIn(current)).toBe(true);
      expect(await sut.countRows('sessions', 'id = ?', [other.sid])).toBe(0);
      expect(
        sut
          .logs()
          .some(
            (line) =>
              line.event === 'session_destroyed' && line.reason === 'ended_from_sessions_page',
          ),
      ).toBe(true);
    });

    it.each([
      ['another user’s session', (bobs: { handle: string }) => bobs.handle],
      ['an unknown handle', () => 'AAAAAAAAAAAAAAAAAAAAAA'],
      ['garbage', () => "' OR 1=1 --"],
      ['nothing', () => ''],
      ['a session id', (bobs: { sid: string }) => bobs.sid],
    ])('given %s, ends nothing and says so', async (_name, handleOf) => {
      const bobs = await signIn(bob, SAFARI_ON_IPHONE, '192.0.2.1');
      const [{ handle }] = await sut.sessionsService.list(await userIdOf(bob));
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');

      const res = await revoke(current, handleOf({ handle, sid: bobs.sid }));

      const { listed, alerts } = await followed(current, res);
      expect(alerts).toEqual([
        'warning: Nothing was ended: that is not one of your active sessions.',
      ]);
      expect(listed).toHaveLength(2);
      expect(await signedIn(other)).toBe(true);
      expect(await signedIn(bobs)).toBe(true);
    });

    // Each with the handle of a session that could be ended: it is the form that is wrong.
    it.each([
      ['sent twice', (handle: string) => ({ session: [handle, handle] })],
      ['missing', () => ({})],
      [
        'beside a field the form does not have',
        (handle: string) => ({ session: handle, admin: '1' }),
      ],
    ])('refuses a session field %s with 422, and ends nothing', async (_name, fieldsWith) => {
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
      const [, target] = listedOn((await current.agent.get(PAGE)).text);

      const res = await post(current, `${PAGE}/revoke`, fieldsWith(target.handle as string));

      expect(res.status).toBe(422);
      expect(res.text).toContain('Invalid input');
      expect(await signedIn(other)).toBe(true);
    });

    it("given this device's own handle, signs this browser out, as logging out does", async () => {
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
      const mine = (await sut.sessionsService.list(await userIdOf(alice), current.sid)).find(
        (session) => session.current,
      );

      const res = await revoke(current, mine?.handle as string);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).join()).toMatch(
        /sid=; Path=\/; Expires=Thu, 01 Jan 1970/,
      );
      expect(alertsIn((await current.agent.get('/login')).text)).toEqual([
        'success: You have been logged out.',
      ]);
      expect(await signedIn(current)).toBe(false);
      expect(await signedIn(other)).toBe(true);
    });

    it('needs the form token: without it or with a wrong one, 403 and nothing ends', async () => {
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
      const [, target] = listedOn((await current.agent.get(PAGE)).text);

      const missing = await current.agent
        .post(`${PAGE}/revoke`)
        .type('form')
        .send({ session: target.handle });
      const wrong = await post(
        current,
        `${PAGE}/revoke`,
        { session: target.handle as string },
        'f'.repeat(64),
      );

      expect(missing.status).toBe(403);
      expect(wrong.status).toBe(403);
      expect(await signedIn(other)).toBe(true);
    });
  });

  describe('POST /account/sessions/revoke-others', () => {
    it('ends every other session of the user and says how many', async () => {
      const others = [
        await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7'),
        await signIn(alice, SAFARI_ON_IPHONE, '198.51.100.8', { remember: true }),
      ];
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
      const bobs = await signIn(bob, FIREFOX_ON_LINUX, '192.0.2.1');

      const first = await followed(current, await post(current, `${PAGE}/revoke-others`, {}));

      expect(first.alerts).toEqual(['success: Ended 2 other sessions.']);
      expect(first.listed).toEqual([expect.objectContaining({ current: true })]);
      expect(await Promise.all(others.map(signedIn))).toEqual([false, false]);
      expect(await signedIn(current)).toBe(true);
      expect(await signedIn(bobs)).toBe(true);

      const again = await followed(current, await post(current, `${PAGE}/revoke-others`, {}));
      expect(again.alerts).toEqual(['info: There were no other sessions to end.']);
    });

    it('says "1 other session" for one', async () => {
      await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');

      const { alerts } = await followed(current, await post(current, `${PAGE}/revoke-others`, {}));

      expect(alerts).toEqual(['success: Ended 1 other session.']);
    });

    it('needs the form token', async () => {
      const other = await signIn(alice, FIREFOX_ON_LINUX, '198.51.100.7');
      const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');

      const res = await current.agent.post(`${PAGE}/revoke-others`).type('form').send({});

      expect(res.status).toBe(403);
      expect(await signedIn(other)).toBe(true);
    });
  });

  it('a token from the page works for its forms only while its session lasts', async () => {
    const current = await signIn(alice, CHROME_ON_WINDOWS, '203.0.113.9');
    const token = csrfTokenIn((await current.agent.get(PAGE)).text);
    await sut.sessionsService.endAll(await userIdOf(alice), 'not_me');

    const res = await current.agent
      .post(`${PAGE}/revoke-others`)
      .type('form')
      .send({ _csrf: token });

    expect(res.status).toBe(403);
  });
});
