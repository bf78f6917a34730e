import { aRegistration, csrfTokenIn, logIn, register } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

describe('CSRF tokens', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  const countUsers = () => sut.countRows('users');

  it.each(['/login', '/register', '/logout'])('every form on %s carries a token', async (path) => {
    const res = await sut.agent().get(path).expect(200);
    expect(csrfTokenIn(res.text)).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{64}$/);
  });

  describe.each([
    ['missing', () => undefined],
    ['wrong', (token: string) => token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))],
    ['empty', () => ''],
  ])('a %s token gets the "form expired" page and changes nothing', (_name, tamper) => {
    it('on POST /register', async () => {
      const agent = sut.agent();
      const token = csrfTokenIn((await agent.get('/register').expect(200)).text);
      const before = await countUsers();
      const res = await agent
        .post('/register')
        .type('form')
        .send({
          ...aRegistration(),
          ...(tamper(token) === undefined ? {} : { _csrf: tamper(token) }),
        });

      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired');
      expect(res.text).toContain('href="/register"');
      expect(await countUsers()).toBe(before);
    });

    it('on POST /login', async () => {
      const account = await register(sut.agent());
      const agent = sut.agent();
      const token = csrfTokenIn((await agent.get('/login').expect(200)).text);
      const res = await agent
        .post('/login')
        .type('form')
        .send({
          email: account.email,
          password: account.password,
          ...(tamper(token) === undefined ? {} : { _csrf: tamper(token) }),
        });

      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired');
      await agent.get('/').expect(303);
    });

    it('on POST /logout', async () => {
      const account = await register(sut.agent());
      const agent = sut.agent();
      await logIn(agent, account.email, account.password);
      const token = csrfTokenIn((await agent.get('/').expect(200)).text);
      const res = await agent
        .post('/logout')
        .type('form')
        .send(tamper(token) === undefined ? {} : { _csrf: tamper(token) });

      expect(res.status).toBe(403);
      await agent.get('/').expect(200);
    });
  });

  it("another session's token is refused", async () => {
    const attacker = sut.agent();
    const token = csrfTokenIn((await attacker.get('/register').expect(200)).text);
    const victim = sut.agent();
    await victim.get('/register').expect(200);
    const res = await victim
      .post('/register')
      .type('form')
      .send({ _csrf: token, ...aRegistration() });
    expect(res.status).toBe(403);
  });

  it('a token from before sign-out no longer works after it', async () => {
    const account = await register(sut.agent());
    const agent = sut.agent();
    await logIn(agent, account.email, account.password);
    const oldToken = csrfTokenIn((await agent.get('/').expect(200)).text);
    await agent.post('/logout').type('form').send({ _csrf: oldToken }).expect(303);

    const loginPage = await agent.get('/login').expect(200);
    expect(csrfTokenIn(loginPage.text)).not.toBe(oldToken);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: oldToken, email: account.email, password: account.password });
    expect(res.status).toBe(403);
  });

  it('a token from before sign-in no longer works after it (a new session, a new token)', async () => {
    const account = await register(sut.agent());
    const agent = sut.agent();
    const loginPage = await agent.get('/login').expect(200);
    const oldToken = csrfTokenIn(loginPage.text);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: oldToken, email: account.email, password: account.password })
      .expect(303);

    await agent.post('/logout').type('form').send({ _csrf: oldToken }).expect(403);
    const home = await agent.get('/').expect(200);
    expect(csrfTokenIn(home.text)).not.toBe(oldToken);
  });
});
