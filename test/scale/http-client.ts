/** A minimal browser stand-in over fetch: one session cookie, no redirects followed. */
export class Client {
  /** The session cookie, as `name=value`. */
  cookie?: string;

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
    const token = await this.openForm(base, page);
    return this.post(`${base}${action}`, token, fields);
  }

  /** Opens `page` on `base` and returns the CSRF token of its form. */
  async openForm(base: string, page: string): Promise<string> {
    const form = await this.get(`${base}${page}`);
    const token = /name="_csrf" value="([0-9a-f]+)"/.exec(form.text)?.[1];
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
    if (this.cookie) {
      headers.set('Cookie', this.cookie);
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('sid='));
    if (setCookie) {
      this.cookie = setCookie.split(';')[0];
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
}

export interface Page {
  status: number;
  location: string | null;
  text: string;
}
