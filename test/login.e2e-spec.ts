import {
  Registration,
  csrfTokenIn,
  inputValue,
  logIn,
  logOut,
  register,
  sessionCookie,
} from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Sign-in', () => {
  let sut: TestApp;
  let account: Registration;

  beforeAll(async () => {
    sut = await startTestApp();
    account = await register(sut.agent());
  });

  afterAll(() => sut.cleanup());

  it('signs in with the right credentials: 303 to /, and home greets the user', async () => {
    const agent = sut.agent();
    const res = await logIn(agent, account.email, account.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain(`Hello, ${account.username}!`);
  });

  it('finds the email whatever its case and surrounding spaces', async () => {
    const res = await logIn(sut.agent(), `  ${account.email.toUpperCase()} `, account.password);
    expect(res.status).toBe(303);
  });

  it('goes to a safe next path after signing in', async () => {
    const res = await logIn(sut.agent(), account.email, account.password, '/healthz?x=1');
    expect(res.headers.location).toBe('/healthz?x=1');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'relative',
  ])('ignores an unsafe next (%s) and goes to /', async (next) => {
    const res = await logIn(sut.agent(), account.email, account.password, next);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('comes back to the page that asked for a sign-in', async () => {
    const agent = sut.agent();
    const guarded = await agent.get('/').expect(303);
    const loginPage = await agent.get(guarded.headers.location).expect(200);
    const next = inputValue(loginPage.text, 'next') as string;
    const res = await agent
      .post('/login')
      .type('form')
      .send({
        _csrf: csrfTokenIn(loginPage.text),
        email: account.email,
        password: account.password,
        next,
      });
    expect(res.headers.location).toBe('/');
    await agent.get('/').expect(200);
  });

  describe('wrong credentials', () => {
    const strip = (html: string) =>
      html
        .replace(/value="[0-9a-f.]{64,}"/g, 'value="TOKEN"')
        .replace(/value="[^"]*@[^"]*"/g, 'value="EMAIL"');

    it('a wrong password: 401, the form again with the message, the email kept, no password', async () => {
      const res = await logIn(sut.agent(), account.email, 'not-the-password');
      expect(res.status).toBe(401);
      expect(res.text).toContain('Invalid email or password.');
      expect(inputValue(res.text, 'email')).toBe(account.email);
      expect(inputValue(res.text, 'password')).toBeUndefined();
      expect(res.text).not.toContain('not-the-password');
    });

    it('an unknown email gets the very same answer as a wrong password', async () => {
      const wrongPassword = await logIn(sut.agent(), account.email, 'not-the-password');
      const unknownEmail = await logIn(sut.agent(), 'nobody@example.com', 'not-the-password');
      expect(unknownEmail.status).toBe(wrongPassword.status);
      expect(strip(unknownEmail.text)).toBe(strip(wrongPassword.text));
    });

    it('does not sign in', async () => {
      const agent = sut.agent();
      await logIn(agent, account.email, 'not-the-password');
      await agent.get('/').expect(303);
    });

    it('refuses a password longer than 72 bytes even when its first 72 bytes are right', async () => {
      const long = await register(sut.agent(), {
        username: 'longpass',
        email: 'longpass@example.com',
        password: 'x'.repeat(50) + 'y'.repeat(22),
        confirmPassword: 'x'.repeat(50) + 'y'.repeat(22),
      });
      const res = await logIn(sut.agent(), long.email, `${long.password}extra`);
      expect(res.status).toBe(401);
      expect((await logIn(sut.agent(), long.email, long.password)).status).toBe(303);
    });
  });

  describe('malformed credentials never reach bcrypt or sign anyone in', () => {
    const attempt = async (body: string, query = '') => {
      const agent = sut.agent();
      const page = await agent.get('/login').expect(200);
      const res = await agent
        .post(`/login${query}`)
        .type('form')
        .send(`_csrf=${csrfTokenIn(page.text)}&${body}`);
      const home = await agent.get('/');
      return { res, signedIn: home.status === 200 };
    };

    it('a password sent twice (an array)', async () => {
      const pw = encodeURIComponent(account.password);
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password=${pw}&password=${pw}`,
      );
      expect(res.status).toBe(422);
      expect(res.text).toContain('Password must be sent once, as text');
      expect(signedIn).toBe(false);
    });

    it('a password sent as an object', async () => {
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password[a]=b`,
      );
      // Nesting is not parsed: `password[a]` is an unknown field, and the password is missing.
      expect(res.status).toBe(422);
      expect(res.text).toContain('Password is required');
      expect(signedIn).toBe(false);
    });

    it('credentials in the query string', async () => {
      const query = `?email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(account.password)}`;
      const { res, signedIn } = await attempt('', query);
      expect(res.status).toBe(422);
      expect(res.text).toContain('Email is required');
      expect(signedIn).toBe(false);
    });

    it('an empty password', async () => {
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password=`,
      );
      expect(res.status).toBe(422);
      expect(res.text).toContain('Please enter your password');
      expect(signedIn).toBe(false);
    });

    it('a field named like an Object.prototype member', async () => {
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(account.password)}&valueOf=1`,
      );
      expect(res.status).toBe(400);
      expect(signedIn).toBe(false);
    });

    it.each([
      ['a NUL byte', '%2F%00x'],
      ['a tab', '%2Faccount%09x'],
      ['a list', '%2Fa&next=%2Fb'],
    ])('%s in next is ignored: the right credentials sign in, to /', async (_name, next) => {
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(account.password)}&next=${next}`,
      );
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(signedIn).toBe(true);
    });

    it('an unknown field', async () => {
      const { res, signedIn } = await attempt(
        `email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(account.password)}&admin=1`,
      );
      expect(res.status).toBe(422);
      expect(res.text).toContain('The form contained a field it does not have');
      expect(signedIn).toBe(false);
    });
  });

  it('a visitor has no session until sign-in, which issues a new id each time', async () => {
    const agent = sut.agent();
    const page = await agent.get('/login').expect(200);
    expect(sessionCookie(page)).toBeUndefined();

    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), email: account.email, password: account.password });
    const first = sessionCookie(res);
    expect(first).toBeDefined();
    await logOut(agent);
    const second = sessionCookie(await logIn(agent, account.email, account.password));
    expect(second).toBeDefined();
    expect(second).not.toBe(first);

    await sut
      .agent()
      .get('/')
      .set('Cookie', first as string)
      .expect(303);
    await sut
      .agent()
      .get('/')
      .set('Cookie', second as string)
      .expect(200);
  });
});
