import type { Random } from './random';

/**
 * Every route the fuzzer sends requests to, with the fields a person's browser would send. A new
 * route joins the fuzzer with a line here (a page with a form: its POST too, with its fields).
 *
 * The checks at the end count on one rule: no request the fuzzer sends may succeed at signing in
 * or at creating an account. So a form here never carries the setup account's password (the
 * fuzzer never knows a working one), and a registration always reuses the setup account's
 * username or email, which are taken: it is refused, at the latest, as a duplicate.
 */
export const ROUTES: Route[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/login', query: ({ rng }) => ({ next: rng.pick(NEXT_VALUES) }) },
  {
    method: 'POST',
    path: '/login',
    form: ({ rng, account }) => ({
      email: rng.chance(0.5)
        ? rng.pick([account.email, account.email.toUpperCase(), ` ${account.email} `])
        : fresh(rng),
      password: rng.pick(WRONG_PASSWORDS),
      next: rng.pick(NEXT_VALUES),
      remember: rng.pick(['on', '']),
    }),
  },
  { method: 'GET', path: '/register' },
  {
    method: 'POST',
    path: '/register',
    form: ({ rng, account }) => {
      const password = 'violet-kettle-and-lamp-42';
      // At least one of username and email is the setup account's: a duplicate at best.
      const [username, email] = rng.pick([
        [account.username, account.email],
        [account.username.toUpperCase(), `user${rng.string(8)}@example.com`],
        [`user${rng.string(8)}`, account.email],
      ]);
      return { username, email, password, confirmPassword: password };
    },
  },
  { method: 'GET', path: '/forgot-password' },
  {
    method: 'POST',
    path: '/forgot-password',
    form: ({ rng, account }) => ({ email: rng.chance(0.5) ? account.email : fresh(rng) }),
  },
  // Tokens the fuzzer makes up: never one the app issued, so no password is ever reset.
  { method: 'GET', path: '/reset-password', query: ({ rng }) => ({ token: rng.string(43) }) },
  { method: 'GET', path: '/reset-password' },
  {
    method: 'POST',
    path: '/reset-password',
    form: ({ rng }) => {
      const password = 'violet-kettle-and-lamp-42';
      return { token: rng.string(43), password, confirmPassword: password };
    },
  },
  { method: 'GET', path: '/verify-email', query: ({ rng }) => ({ token: rng.string(43) }) },
  { method: 'POST', path: '/verify-email', form: ({ rng }) => ({ token: rng.string(43) }) },
  { method: 'POST', path: '/verify-email/resend', form: () => ({}) },
  { method: 'GET', path: '/logout' },
  { method: 'POST', path: '/logout', form: () => ({}) },
  { method: 'GET', path: '/account/sessions' },
  // A handle nobody's session has (a random one matches with odds of 2^-128): never the
  // handle of a real session, so no session ends. POST /account/sessions/revoke-others is not
  // here: with a valid token it would rightly end the sessions the checks count on.
  {
    method: 'POST',
    path: '/account/sessions/revoke',
    form: ({ rng }) => ({ session: rng.chance(0.5) ? rng.string(22) : rng.string(8) }),
  },
  { method: 'GET', path: '/account' },
  // Names the rules refuse, so the setup account keeps the name the registrations reuse.
  {
    method: 'POST',
    path: '/account/username',
    form: ({ rng }) => ({ username: rng.pick(['ab', 'has space', '1starts.with.digit', '']) }),
  },
  // Wrong current passwords only: nothing changes, and no account is deleted.
  {
    method: 'POST',
    path: '/account/email',
    form: ({ rng }) => ({ email: fresh(rng), currentPassword: rng.pick(WRONG_PASSWORDS) }),
  },
  {
    method: 'POST',
    path: '/account/password',
    form: ({ rng }) => {
      const password = 'violet-kettle-and-lamp-42';
      return { currentPassword: rng.pick(WRONG_PASSWORDS), password, confirmPassword: password };
    },
  },
  {
    method: 'POST',
    path: '/account/export',
    form: ({ rng }) => ({ currentPassword: rng.pick(WRONG_PASSWORDS) }),
  },
  {
    method: 'POST',
    path: '/account/delete',
    form: ({ rng }) => ({ currentPassword: rng.pick(WRONG_PASSWORDS) }),
  },
  ...(['confirm', 'undo'] as const).flatMap((link): Route[] => [
    {
      method: 'GET',
      path: `/account/email/${link}`,
      query: ({ rng }) => ({ token: rng.string(43) }),
    },
    {
      method: 'POST',
      path: `/account/email/${link}`,
      form: ({ rng }) => ({ token: rng.string(43) }),
    },
  ]),
  // POST /account/activity/not-me is not here either: it ends every session of the account.
  { method: 'GET', path: '/account/activity' },
  // Two-factor: wrong current passwords only, so it is never turned on or off; the second step
  // of a sign-in, which no request of the fuzzer reaches with a waiting sign-in.
  { method: 'GET', path: '/account/two-factor' },
  ...(['enable', 'disable', 'recovery-codes'] as const).map((form): Route => ({
    method: 'POST',
    path: `/account/two-factor/${form}`,
    form: ({ rng }) => ({
      code: rng.pick(['000000', '123456', 'abcde-23456', '', rng.string(40)]),
      currentPassword: rng.pick(WRONG_PASSWORDS),
    }),
  })),
  // Passkeys: the fuzzer sends forms, so the JSON routes answer 415 at most; renaming and
  // removing name passkeys that nobody has, with wrong current passwords.
  { method: 'GET', path: '/account/passkeys' },
  ...[
    '/account/passkeys/options',
    '/account/passkeys/add',
    '/login/passkey/options',
    '/login/passkey',
  ].map((path): Route => ({
    method: 'POST',
    path,
    form: ({ rng }) => ({ response: rng.string(20) }),
  })),
  {
    method: 'POST',
    path: '/account/passkeys/rename',
    form: ({ rng }) => ({
      id: rng.pick(['999999', '0', '-1', rng.string(6)]),
      name: rng.string(10),
    }),
  },
  {
    method: 'POST',
    path: '/account/passkeys/remove',
    form: ({ rng }) => ({
      id: rng.pick(['999999', '0', rng.string(6)]),
      currentPassword: rng.pick(WRONG_PASSWORDS),
    }),
  },
  { method: 'GET', path: '/login/two-factor' },
  {
    method: 'POST',
    path: '/login/two-factor',
    form: ({ rng }) => ({ code: rng.pick(['000000', '123456', 'abcde-23456', rng.string(12)]) }),
  },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/livez' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/static/app.css' },
  { method: 'GET', path: '/static/bootstrap/bootstrap.min.css' },
  { method: 'GET', path: '/no-such-page' },
  { method: 'POST', path: '/no-such-page', form: () => ({ field: 'value' }) },
];

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** The query string a link may carry, as plain text. */
  query?: (context: FieldContext) => Record<string, string>;
  /** A POST's form fields, as plain text; the fuzzer adds `_csrf`. */
  form?: (context: FieldContext) => Record<string, string>;
}

export interface FieldContext {
  rng: Random;
  /** The account the fuzzer registered before it started: its username and email are taken. */
  account: { username: string; email: string };
}

/** Passwords that are wrong for every account, the setup account's included. */
const WRONG_PASSWORDS = ['wrong-password-1', 'password', 'x', 'correct-horse-battery-staple'];

const NEXT_VALUES = ['/', '/logout', '//evil.example/', 'https://evil.example/', '/\\evil', ''];

/** An email address nobody has registered. */
const fresh = (rng: Random) => `nobody-${rng.string(8)}@example.com`;
