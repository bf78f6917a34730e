import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';

export interface Registration {
  username: string;
  email: string;
  password: string;
  confirmPassword: string;
}

let sequence = 0;

/** A valid registration, unique per call; override any field. */
export function aRegistration(overrides: Partial<Registration> = {}): Registration {
  sequence += 1;
  const password = overrides.password ?? 'correct-horse-battery-staple';
  return {
    username: `user${sequence}`,
    email: `user${sequence}@example.com`,
    password,
    confirmPassword: password,
    ...overrides,
  };
}

/** The CSRF token of the first form in a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([0-9a-f.]+)"/.exec(html);
  if (!match) {
    throw new Error('The page has no CSRF token');
  }
  return match[1];
}

/** Opens `page` as a browser would, and returns the token of its form. */
export async function openForm(agent: TestAgent, page: string): Promise<string> {
  const res = await agent.get(page).expect(200);
  return csrfTokenIn(res.text);
}

/** Sends a form the way a browser does: urlencoded, with the page's token. */
export async function submitForm(
  agent: TestAgent,
  page: string,
  fields: Record<string, string | string[]>,
  action = page.split('?')[0],
): Promise<Response> {
  const token = await openForm(agent, page);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

export async function register(
  agent: TestAgent,
  registration = aRegistration(),
): Promise<Registration> {
  const res = await submitForm(agent, '/register', { ...registration });
  if (res.status !== 303) {
    throw new Error(`Registration failed with ${res.status}`);
  }
  return registration;
}

export function logIn(
  agent: TestAgent,
  email: string,
  password: string,
  next?: string,
): Promise<Response> {
  return submitForm(
    agent,
    '/login',
    next === undefined ? { email, password } : { email, password, next },
  );
}

/**
 * Posts `fields` to `action` from a browser that is signed out, with a valid form token (the
 * login page's): what the sign-in guard alone must refuse.
 */
export async function postSignedOut(
  agent: TestAgent,
  action: string,
  fields: Record<string, string> = {},
): Promise<Response> {
  // The token first: the request takes the agent's cookies (the token's own) when it is made.
  const token = await openForm(agent, '/login');
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

/** Signs out as the top bar's button does: the token of the home page, posted to /logout. */
export async function logOut(agent: TestAgent): Promise<void> {
  const home = await agent.get('/').expect(200);
  await agent
    .post('/logout')
    .type('form')
    .send({ _csrf: csrfTokenIn(home.text) })
    .expect(303);
}

/** Signs in with "Remember me" ticked. */
export function logInRemembered(
  agent: TestAgent,
  email: string,
  password: string,
): Promise<Response> {
  return submitForm(agent, '/login', { email, password, remember: 'on' });
}

/** The text of the messages shown under a field (`<div id="FIELD-errors">`). */
export function fieldErrors(html: string, field: string): string {
  const match = new RegExp(`<div id="${field}-errors"[^>]*>([\\s\\S]*?)</div>\\s*</div>`).exec(
    html,
  );
  return match
    ? match[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
}

/** The value attribute of the input named `name`, or undefined when it has none. */
export function inputValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return input ? /value="([^"]*)"/.exec(input)?.[1] : undefined;
}

/** The session id inside a `sid` Set-Cookie header, or undefined when none was set. */
export function sessionCookie(res: Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((cookie) => cookie.startsWith('sid='))?.split(';')[0];
}

/** The messages (alerts) a page shows, each as `type: text`, such as `info: ...`. */
export function alertsIn(html: string): string[] {
  return [...html.matchAll(/<div class="alert alert-(\w+)"[^>]*>([^<]*)</g)].map(
    ([, type, text]) => `${type}: ${text.trim()}`,
  );
}
