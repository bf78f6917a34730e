import { cliLogLines, cliMessages, runAccountCli } from './helpers/account-cli';
import { useAppAndAccountCli } from './helpers/app-and-account-cli';
import { aRegistration, logIn, register } from './helpers/forms';
import type { TestApp } from './helpers/test-app';

/**
 * `npm run account -- create` and `list`, and what the command line refuses: run as its own
 * process on the database of a running app (SQLite here; PostgreSQL under `npm run test:postgres`).
 */
describe('The operator command line (npm run account): new accounts, lists, bad input', () => {
  const cli = useAppAndAccountCli();
  const account = cli.account;
  let sut: TestApp;

  beforeAll(() => {
    sut = cli.sut;
  });

  it('create: an account from a password on standard input, which then signs in', async () => {
    const person = aRegistration();

    const run = await account(
      ['create', '--username', person.username, '--email', person.email.toUpperCase()],
      `${person.password}\n`,
    );

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^Created ${person.username} <${person.email}> \\(id \\d+\\), its address not verified yet\\.$`,
      ),
    );
    expect((await logIn(sut.agent(), person.email, person.password)).status).toBe(303);
    expect(cliLogLines(run).map((line) => line.event)).toEqual(['user_created', 'authz_admin']);
    expect(run.stderr).not.toContain(person.password);

    const verified = aRegistration();
    const second = await account(
      ['create', '-u', verified.username, '-e', verified.email, '--verified'],
      verified.password,
    );
    expect(second.stdout).toContain('its address verified.');
  }, 60_000);

  it('create: refuses what the registration refuses, and creates nothing', async () => {
    const taken = await register(sut.agent(), aRegistration());
    const person = aRegistration();

    const duplicate = await account(
      ['create', '--username', person.username, '--email', taken.email],
      person.password,
    );
    const weak = await account(
      ['create', '--username', person.username, '--email', person.email],
      'password',
    );
    const badName = await account(
      ['create', '--username', '1x', '--email', person.email],
      person.password,
    );

    expect([duplicate.code, weak.code, badName.code]).toEqual([1, 1, 1]);
    expect(cliMessages(duplicate)).toEqual(['Email already registered!']);
    expect(cliMessages(weak).join('\n')).toMatch(/password/i);
    expect(cliMessages(badName)).toEqual(['Username must be 3 to 20 characters']);
    expect(await sut.countRows('users', 'email = ?', [person.email])).toBe(0);
  }, 60_000);

  it('list: pages of accounts, filtered by text', async () => {
    const tag = `op${Date.now().toString(36)}`;
    const people = [];
    for (let index = 1; index <= 3; index++) {
      people.push(
        await register(sut.agent(), aRegistration({ email: `${tag}.${index}@example.com` })),
      );
    }

    const first = await account(['list', tag.toUpperCase(), '--per-page', '2']);
    const second = await account(['list', tag, '--per-page', '2', '--page', '2']);

    expect(first.code).toBe(0);
    const rows = first.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ID +USERNAME +EMAIL +VERIFIED +STATUS +CREATED$/);
    expect(rows.slice(1, 3).map((row) => row.split(/ +/)[2])).toEqual([
      people[0].email,
      people[1].email,
    ]);
    expect(rows[1]).toMatch(/ no +active +\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(rows.at(-1)).toBe('Page 1 of 2 (3 accounts); the next: --page 2');
    expect(second.stdout).toContain(people[2].email);
    expect(second.stdout.trim().split('\n').at(-1)).toBe('Page 2 of 2 (3 accounts)');
    // LIKE's own wildcards are plain text here.
    expect((await account(['list', '%'])).stdout.trim()).toBe('No accounts match.');
  }, 60_000);

  it.each([
    [['show', 'nobody@example.com'], 'No account has the address "nobody@example.com".'],
    [['disable', 'nobody@example.com'], 'No account has the address "nobody@example.com".'],
    [['show'], "error: missing required argument 'email'"],
    [['list', '--page', 'two'], '--page must be a whole number from 1 to 1000000.'],
    [['list', '--per-page', '1000'], '--per-page must be a whole number from 1 to 100.'],
    [
      ['create', '--username', 'someone'],
      "error: required option '-e, --email <address>' not specified",
    ],
    [['frobnicate'], "error: unknown command 'frobnicate'"],
  ])(
    '%j: a clear message and exit code 1',
    async (args, message) => {
      const run = await account(args);
      expect(run.code).toBe(1);
      expect(cliMessages(run)).toEqual([message]);
      expect(run.stdout).toBe('');
    },
    60_000,
  );

  it('a database that cannot be reached: one line naming DATABASE_URL', async () => {
    const run = await runAccountCli(
      ['list'],
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      { cwd: sut.dir },
    );
    expect(run.code).toBe(1);
    expect(cliMessages(run).at(-1)).toMatch(/^Cannot run the command: DATABASE_URL: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
