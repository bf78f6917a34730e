import { performance } from 'node:perf_hooks';
import { PROXY_HEADERS } from './load';

/** A request that takes longer than this means the figure is meaningless: the bench stops. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The cookies the app sets over HTTPS in production (the bench's setting): the form token's
 * and, from sign-in on, the session's.
 */
const CSRF_COOKIE = '__Host-csrf';
const SESSION_COOKIE = '__Host-sid';

/** What a browser needs to send a form: the page's form-token cookie and its form token. */
export interface FormToken {
  cookie: string;
  csrfToken: string;
}

/** Signs in as `email`; resolves with how long the POST /login took, in milliseconds. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<number> {
  const form = await openForm(baseUrl, '/login');
  const { res, elapsed } = await postForm(baseUrl, '/login', form, { email, password });
  if (
    res.status !== 303 ||
    res.headers.get('location') !== '/' ||
    !cookieNamed(res, SESSION_COOKIE)
  ) {
    throw new Error(`Sign-in as ${email} answered ${res.status}, not 303 to / with a session`);
  }
  return elapsed;
}

/**
 * Sends a form to `path` as the browser that holds `form` would, without following the
 * redirect; resolves with the answer (its body read) and how long it took, in milliseconds.
 */
export async function postForm(
  baseUrl: string,
  path: string,
  form: FormToken,
  fields: Record<string, string>,
): Promise<{ res: Response; elapsed: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: {
      ...PROXY_HEADERS,
      cookie: form.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: form.csrfToken, ...fields }).toString(),
  });
  await res.arrayBuffer();
  return { res, elapsed: performance.now() - started };
}

/**
 * GET `path` (a page with a form) with no cookie, as a signed-out browser: the form token, and
 * the cookie it is bound to (no session: that starts at sign-in).
 */
export async function openForm(baseUrl: string, path: string): Promise<FormToken> {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: PROXY_HEADERS,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const html = await res.text();
  const cookie = cookieNamed(res, CSRF_COOKIE);
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (res.status !== 200 || !cookie || !csrfToken) {
    throw new Error(
      `GET ${path} answered ${res.status} without a ${CSRF_COOKIE} cookie and a token`,
    );
  }
  return { cookie, csrfToken };
}

/** `name=value` of the cookie `name` that the answer sets, as the browser sends it back. */
function cookieNamed(res: Response, name: string): string | undefined {
  return res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .find((cookie) => cookie.startsWith(`${name}=`));
}

export interface Account {
  email: string;
  password: string;
}

/** Sign-ins one after another: what a single person waits for. Milliseconds, one per sign-in. */
export async function sequentialSignIns(
  baseUrl: string,
  accounts: Account[],
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const account = pick(accounts);
    latencies.push(await signIn(baseUrl, account.email, account.password));
  }
  return latencies;
}

export interface FloodResult {
  /** Sign-ins finished inside the measured window. */
  completed: number;
  perSecond: number;
}

/**
 * `clients` clients signing in again and again, each with a fresh login page and token. The
 * first `warmupMs` fill the bcrypt queue and are not counted; then only sign-ins that finish
 * inside the next `windowMs` count, and the ones still in flight at its end are awaited.
 */
export async function signInFlood(
  baseUrl: string,
  accounts: Account[],
  clients: number,
  { warmupMs, windowMs }: { warmupMs: number; windowMs: number },
): Promise<FloodResult> {
  const windowStart = performance.now() + warmupMs;
  const windowEnd = windowStart + windowMs;
  let completed = 0;
  const client = async () => {
    while (performance.now() < windowEnd) {
      const account = pick(accounts);
      await signIn(baseUrl, account.email, account.password);
      const now = performance.now();
      if (now >= windowStart && now <= windowEnd) {
        completed++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { completed, perSecond: completed / (windowMs / 1000) };
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
