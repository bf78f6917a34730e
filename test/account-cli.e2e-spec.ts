import TestAgent from 'supertest/lib/agent';
import { cliLogLines, cliMessages, CliRun } from './helpers/account-cli';
import { useAppAndAccountCli } from './helpers/app-and-account-cli';
import { alertsIn, aRegistration, logIn, Registration, register } from './helpers/forms';
import { turnOnTwoFactor } from './helpers/two-factor';
import type { TestApp } from './helpers/test-app';

const DISABLED = 'This account has been disabled. Please contact the people who run this site.';
const INVALID = 'Invalid email or password.';

/**
 * `npm run account -- COMMAND`, run as its own process on the database of a running app (SQLite
 * here; PostgreSQL under `npm run test:postgres`), its effects checked through HTTP.
 */
describe('The operator command line (npm run account): what it does', () => {
  const cli = useAppAndAccountCli();
  const account = cli.account;
  let sut: TestApp;

  beforeAll(() => {
    sut = cli.sut;
  });

  /** A registered account and a browser signed in to it. */
  async function signedIn(
    overrides: Partial<Registration> = {},
  ): Promise<{ person: Registration; browser: TestAgent }> {
    const person = await register(sut.agent(), aRegistration(overrides));
    const browser = sut.agent();
    expect((await logIn(browser, person.email, person.password)).status).toBe(303);
    return { person, browser };
  }

  const isSignedIn = async (browser: TestAgent): Promise<boolean> =>
    (await browser.get('/')).status === 200;

  /** The operator's audit event of a run: its action, account and operator. */
  const auditOf = (run: CliRun) =>
    cliLogLines(run).find((line) => line.event === 'authz_admin') as Record<string, unknown>;

  it('disable: the account cannot sign in, its open browser is signed out at once', async () => {
    const { person, browser } = await signedIn();
    const other = sut.agent();
    expect((await logIn(other, person.email, person.password)).status).toBe(303);

    const run = await account(['disable', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`Disabled ${person.email}; 2 sessions ended.`);
    expect(await isSignedIn(browser)).toBe(false);
    expect(await isSignedIn(other)).toBe(false);
    // The right password gets the clear message; a wrong one, the login page's usual answer.
    const refused = await logIn(sut.agent(), person.email, person.password);
    expect(refused.status).toBe(403);
    expect(alertsIn(refused.text)).toEqual([`danger: ${DISABLED}`]);
    const wrong = await logIn(sut.agent(), person.email, 'not-the-password-1');
    expect(wrong.status).toBe(401);
    expect(alertsIn(wrong.text)).toEqual([`danger: ${INVALID}`]);
    expect(wrong.text).not.toContain('disabled');
    expect(auditOf(run)).toMatchObject({ reason: 'disable', email: person.email });
    expect(typeof auditOf(run).operator).toBe('string');

    const again = await account(['disable', person.email]);
    expect(again.stdout.trim()).toBe(`${person.email} was already disabled; 0 sessions ended.`);
  }, 60_000);

  it('enable: a disabled account signs in again, and its activity page tells what happened', async () => {
    const { person } = await signedIn();
    expect((await account(['disable', person.email])).code).toBe(0);

    const run = await account(['enable', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`Enabled ${person.email}: it can sign in again.`);
    const browser = sut.agent();
    expect((await logIn(browser, person.email, person.password)).status).toBe(303);
    const activity = await browser.get('/account/activity').expect(200);
    expect(activity.text).toContain('Account disabled by an operator');
    expect(activity.text).toContain('Account enabled again by an operator');
    expect((await account(['enable', person.email])).stdout.trim()).toBe(
      `${person.email} was not disabled; nothing to do.`,
    );
  }, 60_000);

  it('end-sessions: every browser of the account is signed out, and it may sign in again', async () => {
    const { person, browser } = await signedIn();

    const run = await account(['end-sessions', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`Ended 1 session of ${person.email}.`);
    expect(await isSignedIn(browser)).toBe(false);
    expect((await logIn(sut.agent(), person.email, person.password)).status).toBe(303);
    expect(auditOf(run)).toMatchObject({ reason: 'end_sessions' });
  }, 60_000);

  it('show, then unlock: a locked account is reported, unlocked, and signs in', async () => {
    const person = await register(sut.agent(), aRegistration());
    for (let attempt = 0; attempt < 3; attempt++) {
      await logIn(sut.agent(), person.email, 'a-wrong-password-1');
    }
    expect((await logIn(sut.agent(), person.email, person.password)).status).toBe(429);

    const shown = await account(['show', person.email]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(`^Account: +${person.username} <${person.email}> \\(id \\d+\\)$`, 'm'),
    );
    expect(shown.stdout).toMatch(/^Status: +active$/m);
    expect(shown.stdout).toMatch(/^Email: +not verified$/m);
    expect(shown.stdout).toMatch(/^Two-factor: +off$/m);
    expect(shown.stdout).toMatch(/^Passkeys: +0$/m);
    expect(shown.stdout).toMatch(/^Sessions: +0 live$/m);
    expect(shown.stdout).toMatch(/^Last sign-in: +none kept$/m);
    expect(shown.stdout).toMatch(/^Lockout: +locked until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);

    const run = await account(['unlock', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`Unlocked ${person.email}: its failed sign-ins are forgotten.`);
    expect((await logIn(sut.agent(), person.email, person.password)).status).toBe(303);
    const after = await account(['show', person.email]);
    expect(after.stdout).toMatch(/^Sessions: +1 live$/m);
    expect(after.stdout).toMatch(/^Last sign-in: +\d{4}-\d\d-\d\d \d\d:\d\d UTC from \S+$/m);
    expect(after.stdout).toMatch(
      /^Lockout: +not locked \(0 failed sign-ins since the last success\)$/m,
    );
    expect((await account(['unlock', person.email])).stdout.trim()).toBe(
      `${person.email} was not locked; nothing to do.`,
    );
  }, 60_000);

  it('verify: the address counts as verified', async () => {
    const { person, browser } = await signedIn();
    expect((await browser.get('/').expect(200)).text).toContain('verify');

    const run = await account(['verify', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`Verified the address ${person.email}.`);
    expect((await account(['show', person.email])).stdout).toMatch(
      /^Email: +verified on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m,
    );
    const [row] = await sut.sql<{ verified: unknown }[]>(
      'SELECT email_verified_at AS verified FROM users WHERE email = ?',
      [person.email],
    );
    expect(row.verified).not.toBeNull();
    expect((await account(['verify', person.email])).stdout.trim()).toBe(
      `${person.email} was already verified; nothing to do.`,
    );
  }, 60_000);

  it('delete: asks for --yes without a terminal; then the account and its sessions are gone', async () => {
    const { person, browser } = await signedIn();

    const unsure = await account(['delete', person.email]);
    expect(unsure.code).toBe(1);
    expect(cliMessages(unsure)).toEqual([
      'Deleting cannot be undone: add --yes to delete without a question.',
    ]);
    expect(await isSignedIn(browser)).toBe(true);

    const run = await account(['delete', '--yes', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      `Deleted ${person.username} <${person.email}> with its sessions, links and activity.`,
    );
    expect(await isSignedIn(browser)).toBe(false);
    expect(await sut.countRows('users', 'email = ?', [person.email])).toBe(0);
    expect((await logIn(sut.agent(), person.email, person.password)).status).toBe(401);
    // The address is free again.
    await register(sut.agent(), aRegistration({ email: person.email }));
  }, 60_000);

  it('two-factor-off: an owner who lost their device signs in with the password alone', async () => {
    const { person, browser } = await signedIn();
    await turnOnTwoFactor(browser, person.password);
    expect((await account(['show', person.email])).stdout).toMatch(
      /^Two-factor: +on since .+ UTC \(10 recovery codes left\)$/m,
    );
    expect((await logIn(sut.agent(), person.email, person.password)).headers.location).toBe(
      '/login/two-factor',
    );

    const run = await account(['two-factor-off', person.email]);

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      `Turned two-factor sign-in off for ${person.email}: the password alone signs in now.`,
    );
    expect((await logIn(sut.agent(), person.email, person.password)).headers.location).toBe('/');
    expect(auditOf(run)).toMatchObject({ reason: 'two_factor_off' });
  }, 60_000);
});
