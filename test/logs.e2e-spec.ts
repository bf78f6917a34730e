import { aRegistration, csrfTokenIn, logIn, register } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Logs keep no secrets', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  it('no value of a password, token, code, secret or recovery field reaches a log line', async () => {
    const secrets = {
      password: 'Secret-Password-1111',
      confirmPassword: 'Secret-Password-1111',
      newPassword: 'Secret-NewPassword-2222',
      currentPassword: 'Secret-Current-3333',
      token: 'secret-token-4444',
      code: '555555',
      recoveryCode: 'secret-recovery-6666',
      secret: 'secret-secret-7777',
    };
    const account = await register(sut.agent(), aRegistration({ password: secrets.password }));
    const agent = sut.agent();
    await logIn(agent, account.email, secrets.password);
    await logIn(sut.agent(), account.email, secrets.newPassword);
    // Every field at once, on each form: refused as unknown fields, and never logged.
    for (const path of ['/login', '/register']) {
      const page = await sut.agent().get(path).expect(200);
      await sut
        .agent()
        .post(path)
        .type('form')
        .send({ _csrf: csrfTokenIn(page.text), email: account.email, ...secrets });
    }
    // And in the query string, which the request log leaves out.
    await sut.agent().get(`/login?token=${secrets.token}&code=${secrets.code}`).expect(200);

    const logged = JSON.stringify(sut.logs());
    expect(sut.logs().length).toBeGreaterThan(5);
    for (const value of Object.values(secrets)) {
      expect(logged).not.toContain(value);
    }
  });

  it('logs each request once it is answered: method, path without the query string, status', async () => {
    const before = sut.logs().length;
    await sut.agent().get('/login?next=%2F').expect(200);
    await sut.agent().get('/').expect(303);
    await sut.agent().get('/no-such-page').expect(404);

    const requests = sut
      .logs()
      .slice(before)
      .filter((line) => line.msg === 'request completed');
    expect(requests).toEqual([
      expect.objectContaining({
        req: expect.objectContaining({ method: 'GET', path: '/login' }),
        res: { statusCode: 200 },
      }),
      expect.objectContaining({
        req: expect.objectContaining({ method: 'GET', path: '/' }),
        res: { statusCode: 303 },
      }),
      expect.objectContaining({
        req: expect.objectContaining({ method: 'GET', path: '/no-such-page' }),
        res: { statusCode: 404 },
      }),
    ]);
    for (const { req } of requests) {
      expect(Object.keys(req as object).sort()).toEqual(['id', 'method', 'path']);
    }
  });
});
