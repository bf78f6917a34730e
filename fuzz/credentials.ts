import { randomBytes } from 'node:crypto';

/** One browser: the cookies it holds and the token of the forms its pages show. */
export interface Visitor {
  /** Its cookies, as name and value (the value as the browser sends it back). */
  cookies: [string, string][];
  /** The `_csrf` of its forms. */
  token: string;
  /** The id of its server session, when signed in. */
  sessionId?: string;
}

/** What the fuzzer prepares through the real pages before it starts, to send valid tokens. */
export interface Credentials {
  /** The one account: registered through the form; its password is never sent again. */
  account: { username: string; email: string };
  /** Two signed-out browsers, so that one can send the other's token. */
  signedOut: [Visitor, Visitor];
  /** Signed in for the whole run: at the end it must still be. */
  kept: Visitor;
  /**
   * Signed in too, and the only sessions ever sent to POST /logout with their own valid token:
   * such a request rightly signs them out, which must never happen to `kept`.
   */
  disposable: Visitor[];
}

const DISPOSABLE_SESSIONS = 24;

/** Registers the account, signs it in 1 + 24 times, and keeps each browser's cookies and token. */
export async function prepareCredentials(url: string): Promise<Credentials> {
  const suffix = randomBytes(4).toString('hex');
  const account = { username: `fuzzer${suffix}`, email: `fuzzer-${suffix}@example.com` };
  const password = `setup-${randomBytes(16).toString('hex')}`;

  const registrant = new Browser(url);
  const registered = await registrant.submit('/register', {
    ...account,
    password,
    confirmPassword: password,
  });
  expectStatus('registering the setup account', registered.status, 303);

  const signIn = async (): Promise<Visitor> => {
    const browser = new Browser(url);
    const res = await browser.submit('/login', { email: account.email, password });
    expectStatus('signing the setup account in', res.status, 303);
    // The home page's sign-out form: its token is bound to this session.
    const token = await browser.formToken('/');
    return { cookies: browser.cookies(), token, sessionId: browser.sessionId() };
  };
  const signedOut = async (): Promise<Visitor> => {
    const browser = new Browser(url);
    const token = await browser.formToken('/login');
    return { cookies: browser.cookies(), token };
  };

  const kept = await signIn();
  const disposable: Visitor[] = [];
  for (let i = 0; i < DISPOSABLE_SESSIONS; i++) {
    disposable.push(await signIn());
  }
  return { account, signedOut: [await signedOut(), await signedOut()], kept, disposable };
}

/** Whether `visitor`'s session is still signed in: GET / shows the home page, not a redirect. */
export async function isSignedIn(url: string, visitor: Visitor): Promise<boolean> {
  const res = await fetch(`${url}/`, {
    headers: { Cookie: visitor.cookies.map(([name, value]) => `${name}=${value}`).join('; ') },
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res.status === 200;
}

function expectStatus(what: string, status: number, expected: number): void {
  if (status !== expected) {
    throw new Error(`Setup failed: ${what} answered ${status}, not ${expected}`);
  }
}

/** A browser stand-in over fetch: a cookie jar, no redirects followed. */
class Browser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly url: string) {}

  cookies(): [string, string][] {
    return [...this.jar];
  }

  /** The session id inside the signed `sid` cookie (`s:<id>.<signature>`). */
  sessionId(): string {
    const value = decodeURIComponent(this.jar.get('sid') ?? '');
    const id = /^s:(.+)\.[^.]+$/.exec(value)?.[1];
    if (!id) {
      throw new Error('Setup failed: the sign-in set no sid cookie');
    }
    return id;
  }

  async formToken(path: string): Promise<string> {
    const res = await this.send(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
    if (!token) {
      throw new Error(`Setup failed: ${path} answered ${res.status} with no form token`);
    }
    return token;
  }

  async submit(path: string, fields: Record<string, string>): Promise<Response> {
    const token = await this.formToken(path);
    const res = await this.send(path, new URLSearchParams({ _csrf: token, ...fields }).toString());
    await res.arrayBuffer();
    return res;
  }

  private async send(path: string, form?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.jar.size > 0) {
      headers.Cookie = this.cookies()
        .map(([name, value]) => `${name}=${value}`)
        .join('; ');
    }
    if (form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.url}${path}`, {
      method: form === undefined ? 'GET' : 'POST',
      headers,
      body: form,
      redirect: 'manual',
    });
    for (const setCookie of res.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0];
      const name = pair.slice(0, pair.indexOf('='));
      if (/expires=Thu, 01 Jan 1970/i.test(setCookie)) {
        this.jar.delete(name);
      } else {
        this.jar.set(name, pair.slice(name.length + 1));
      }
    }
    return res;
  }
}
