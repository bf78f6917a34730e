/** A minimal browser stand-in over fetch: it keeps cookies, and follows no redirect. */
export class Client {
  /** The session cookie, as `name=value`. */
  cookie?: string;
  /** The other cookies the app sets (the signed-out forms' CSRF cookie, flash messages), by name. */
  private readonly others = new Map<string, string>();

  constructor(cookie?: string) {
    this.cookie = cookie;
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
    const form = await this.get(`${base}${page}`);
    const token = /name="_csrf" value="([0-9a-f.]+)"/.exec(form.text)?.[1];
    if (!token) {
      throw new Error(`${page} has no CSRF token (status ${form.status})`);
    }
    return this.send(`${base}${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
  }

  private async send(url: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    const cookies = [this.cookie, ...this.others.values()].filter(Boolean);
    if (cookies.length > 0) {
      headers.set('Cookie', cookies.join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of res.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0];
      const name = pair.slice(0, pair.indexOf('='));
      if (name === 'sid') {
        this.cookie = pair;
      } else if (pair.endsWith('=')) {
        this.others.delete(name);
      } else {
        this.others.set(name, pair);
      }
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
}

export interface Page {
  status: number;
  location: string | null;
  text: string;
}
