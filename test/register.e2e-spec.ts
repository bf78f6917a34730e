import {
  aRegistration,
  csrfTokenIn,
  fieldErrors,
  inputValue,
  register,
  submitForm,
} from './helpers/forms';
import { REFUSED_NEW_PASSWORDS } from './factories/refused-passwords';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Registration', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  const countUsers = (where?: string, params?: unknown[]) => sut.countRows('users', where, params);

  it('creates the account and sends to the login page with a success message', async () => {
    const agent = sut.agent();
    const form = aRegistration({ email: '  New.Person@Example.COM ' });
    const res = await submitForm(agent, '/register', { ...form });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    const login = await agent.get('/login').expect(200);
    expect(login.text).toContain('alert-success');
    expect(login.text).toContain('Account created. You can now log in.');

    const [user] = await sut.sql<{ email: string; hash: string }[]>(
      'SELECT email, password_hash AS hash FROM users WHERE username = ?',
      [form.username],
    );
    expect(user.email).toBe('new.person@example.com');
    expect(user.hash).toMatch(/^\$2[ab]\$04\$/);
    expect(user.hash).not.toContain(form.password);
  });

  it('shows the success message once only', async () => {
    const agent = sut.agent();
    await register(agent);
    await agent.get('/login').expect(200);
    const again = await agent.get('/login').expect(200);
    expect(again.text).not.toContain('Account created');
  });

  describe('refuses with 422, shows the message by its field, keeps username and email', () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['a short username', { username: 'ab' }, 'username', 'Username must be 3 to 20 characters'],
      [
        'a long username',
        { username: 'a'.repeat(21) },
        'username',
        'Username must be 3 to 20 characters',
      ],
      [
        'a username starting with a digit',
        { username: '1alice' },
        'username',
        'Usernames must have only letters, numbers, dots or underscores',
      ],
      [
        'a username with a space',
        { username: 'al ice' },
        'username',
        'Usernames must have only letters, numbers, dots or underscores',
      ],
      [
        'a username with a newline',
        { username: 'alice\n' },
        'username',
        'Usernames must have only letters, numbers, dots or underscores',
      ],
      [
        'a username with other characters',
        { username: 'alice<b>' },
        'username',
        'Usernames must have only letters, numbers, dots or underscores',
      ],
      [
        'an invalid email',
        { email: 'not-an-email' },
        'email',
        'Please enter a valid email address',
      ],
      [
        'an email over 254 characters',
        { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` },
        'email',
        'Please enter a valid email address',
      ],
      ...REFUSED_NEW_PASSWORDS.map(
        ([name, password, message]): [string, Record<string, string>, string, string] => [
          name,
          { password, confirmPassword: password },
          'password',
          message,
        ],
      ),
      [
        'the username as password',
        { username: 'longusername', password: 'LongUserName', confirmPassword: 'LongUserName' },
        'password',
        'Password must not be your username or email address',
      ],
      [
        "the email's local part as password",
        {
          email: 'zebra.crossing.77@example.com',
          password: 'zebra.crossing.77',
          confirmPassword: 'zebra.crossing.77',
        },
        'password',
        'Password must not be your username or email address',
      ],
      [
        'a different confirmation',
        { confirmPassword: 'something-else-entirely' },
        'confirmPassword',
        'Passwords must match!',
      ],
    ];

    it.each(cases)('%s', async (_name, overrides, field, message) => {
      const form = aRegistration(overrides);
      const before = await countUsers();
      const res = await submitForm(sut.agent(), '/register', { ...form });

      expect(res.status).toBe(422);
      expect(fieldErrors(res.text, field)).toContain(message);
      expect(res.text).toMatch(
        new RegExp(
          `name="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${field}"`,
          's',
        ),
      );
      if (field !== 'username') {
        expect(inputValue(res.text, 'username')).toBe(form.username);
      }
      if (field !== 'email') {
        expect(inputValue(res.text, 'email')).toBe(form.email);
      }
      expect(inputValue(res.text, 'password')).toBeUndefined();
      expect(inputValue(res.text, 'confirmPassword')).toBeUndefined();
      expect(await countUsers()).toBe(before);
    });
  });

  it('accepts a 64-character ASCII password', async () => {
    const password = 'Tr0ub4dor&3-'.repeat(6).slice(0, 64);
    const res = await submitForm(sut.agent(), '/register', { ...aRegistration({ password }) });
    expect(res.status).toBe(303);
  });

  it('shows every field error at once', async () => {
    const res = await submitForm(sut.agent(), '/register', {
      username: 'x',
      email: 'nope',
      password: 'short',
      confirmPassword: 'other',
    });
    expect(res.status).toBe(422);
    for (const field of ['username', 'email', 'password', 'confirmPassword']) {
      expect(fieldErrors(res.text, field)).not.toBe('');
    }
  });

  it('refuses a taken username, whatever its case', async () => {
    const taken = await register(sut.agent());
    const res = await submitForm(sut.agent(), '/register', {
      ...aRegistration({ username: taken.username.toUpperCase() }),
    });
    expect(res.status).toBe(422);
    expect(fieldErrors(res.text, 'username')).toBe('Username already taken!');
  });

  it('refuses a registered email, whatever its case and spacing', async () => {
    const taken = await register(sut.agent());
    const res = await submitForm(sut.agent(), '/register', {
      ...aRegistration({ email: ` ${taken.email.toUpperCase()} ` }),
    });
    expect(res.status).toBe(422);
    expect(fieldErrors(res.text, 'email')).toBe('Email already registered!');
    expect(await countUsers('email = ?', [taken.email])).toBe(1);
  });

  it.each([
    ['as they arrive', false],
    ['even when both pass the availability check (the unique index decides)', true],
  ])('creates one account when registrations of one email race, %s', async (_name, skipCheck) => {
    const email = `racer-${skipCheck}@example.com`;
    if (skipCheck) {
      jest.spyOn(sut.usersService, 'assertAvailable').mockResolvedValue();
    }
    const agents = Array.from({ length: 6 }, () => sut.agent());
    const tokens = await Promise.all(
      agents.map(async (agent) => {
        const res = await agent.get('/register').expect(200);
        return csrfTokenIn(res.text);
      }),
    );
    const results = await Promise.all(
      agents.map((agent, i) =>
        agent
          .post('/register')
          .type('form')
          .send({ _csrf: tokens[i], ...aRegistration({ email }) }),
      ),
    );

    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([303, 422, 422, 422, 422, 422]);
    for (const res of results.filter((r) => r.status === 422)) {
      expect(fieldErrors(res.text, 'email')).toBe('Email already registered!');
    }
    expect(await countUsers('email = ?', [email])).toBe(1);
    jest.restoreAllMocks();
  });
});
