/** A minimal browser stand-in over fetch: a cookie jar, no redirects followed. */
export class Client {
  private readonly jar = new Map<string, string>();

  /** Starts with a session cookie, as `name=value`. */
  constructor(cookie?: string) {
    if (cookie) {
      this.keep(cookie);
    }
  }

  /** The session cookie, as `name=value`, or undefined when signed out. */
  get cookie(): string | undefined {
    const value = this.jar.get('sid');
    return value === undefined ? undefined : `sid=${value}`;
  }

  async get(url: string): Promise<Page> {
    return this.send(url, { method: 'GET' });
  }

  /** Opens `page` on `base`, then posts its form (to `action`) with its CSRF token and `fields`. */
  async submit(
    base: string,
    page: string,
    fields: Record<string, string>,
    action = page.split('?')[0],
  ): Promise<Page> {
    const token = await this.openForm(base, page);
    return this.post(`${base}${action}`, token, fields);
  }

  /** Opens `page` on `base` and returns the CSRF token of its form. */
  async openForm(base: string, page: string): Promise<string> {
    const form = await this.get(`${base}${page}`);
    const token = /name="_csrf" value="([0-9a-f.]+)"/.exec(form.text)?.[1];
    if (!token) {
      throw new Error(`${page} has no CSRF token (status ${form.status})`);
    }
    return token;
  }

  /** Posts `fields` as a form to `url`, with the CSRF `token`. */
  async post(url: string, token: string, fields: Record<string, string>): Promise<Page> {
    return this.send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  private async send(url: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) {
      headers.set('Cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of res.headers.getSetCookie()) {
      this.keep(setCookie);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Stores a Set-Cookie (or `name=value`); an expired one is forgotten, as a browser does. */
  private keep(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(';');
    const name = pair.slice(0, pair.indexOf('='));
    const expired = attributes.some((attribute) => /^\s*expires=thu, 01 jan 1970/i.test(attribute));
    if (expired) {
      this.jar.delete(name);
    } else {
      this.jar.set(name, pair.slice(name.length + 1));
    }
  }
}

export interface Page {
  status: number;
  location: string | null;
  text: string;
}
