import { aRegistration, csrfTokenIn } from './forms';

/**
 * Sends `total` requests of signed-out visitors to the app at `base` (16 at a time): the login,
 * registration and forgotten-password pages, the guarded home page, a missing page, dead reset
 * and verification links, registrations the form refuses, wrong sign-ins (for new emails and for
 * `knownEmail`), reset requests (refused, and for new addresses), dead tokens sent to the reset
 * and verification forms, and a form without its token. Fails on any other status, or on any
 * answer that sets a session cookie.
 */
export async function sendAnonymousTraffic(
  base: string,
  total: number,
  knownEmail: string,
): Promise<void> {
  // A signed-out browser's form token, bound to its cookie.
  const form = await fetch(`${base}/register`);
  const cookie = form.headers.getSetCookie()[0].split(';')[0];
  const token = csrfTokenIn(await form.text());
  const post = (path: string, fields: Record<string, string>, withToken = true) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams(withToken ? { _csrf: token, ...fields } : fields),
    });
  const mix: [number, () => Promise<Response>][] = [
    [200, () => fetch(`${base}/login`)],
    [200, () => fetch(`${base}/register`)],
    [200, () => fetch(`${base}/login?next=%2Faccount`)],
    [303, () => fetch(`${base}/`, { redirect: 'manual' })],
    [404, () => fetch(`${base}/no-such-page`)],
    [200, () => fetch(`${base}/forgot-password`)],
    [400, () => fetch(`${base}/reset-password?token=bad`)],
    [400, () => fetch(`${base}/verify-email?token=bad`)],
    [
      422,
      () => post('/register', { ...aRegistration(), confirmPassword: 'not-the-same-password' }),
    ],
    // A new email each time, so that the per-(email, IP) throttle never answers instead.
    [401, () => post('/login', { email: aRegistration().email, password: 'not-the-password' })],
    [403, () => post('/login', { email: knownEmail, password: 'not-the-password' }, false)],
    [422, () => post('/forgot-password', { email: 'not-an-address' })],
    // A new address each time, so that the per-address limit never answers instead.
    [303, () => post('/forgot-password', { email: aRegistration().email })],
    [
      400,
      () =>
        post('/reset-password', {
          token: 'bad',
          password: 'a-new-passphrase-1',
          confirmPassword: 'a-new-passphrase-1',
        }),
    ],
    [400, () => post('/verify-email', { token: 'bad' })],
  ];

  let sent = 0;
  const unexpected: string[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < total) {
        const [status, send] = mix[sent % mix.length];
        sent += 1;
        const res = await send();
        await res.arrayBuffer();
        if (res.status !== status) {
          unexpected.push(`${res.status} instead of ${status}`);
        }
        if (res.headers.getSetCookie().some((setCookie) => /^(__Host-)?sid=/.test(setCookie))) {
          unexpected.push('a session cookie');
        }
      }
    }),
  );
  if (unexpected.length > 0) {
    throw new Error(`Unexpected answers: ${[...new Set(unexpected)].join(', ')}`);
  }
}
