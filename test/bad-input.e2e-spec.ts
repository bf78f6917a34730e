import request from 'supertest';
import { aRegistration, csrfTokenIn } from './helpers/forms';
import { rawRequest } from './helpers/raw-request';
import { startTestApp, TestApp } from './helpers/test-app';

/** Odd or hostile input gets a 4xx with a clear message, never a 500 or an account. */
describe('Bad input', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  const countUsers = () => sut.countRows('users');

  /** POSTs a raw body to /register with a valid token, as a hand-made request would. */
  const postRegister = async (body: string, contentType = 'application/x-www-form-urlencoded') => {
    const agent = sut.agent();
    const token = csrfTokenIn((await agent.get('/register').expect(200)).text);
    const withToken = contentType.includes('urlencoded') ? `_csrf=${token}&${body}` : body;
    return agent.post('/register').set('Content-Type', contentType).send(withToken);
  };

  const form = (fields: object) => new URLSearchParams(fields as Record<string, string>).toString();

  it.each([
    [
      'a field sent twice',
      `${form({ ...aRegistration(), username: 'alice1' })}&username=alice2`,
      422,
      'Username must be sent once, as text',
    ],
    [
      'a nested field',
      `${form(aRegistration())}&username[x]=1`,
      422,
      'The form contained a field it does not have',
    ],
    [
      'an unknown field',
      `${form(aRegistration())}&role=admin`,
      422,
      'The form contained a field it does not have',
    ],
    [
      'a NUL byte in the username',
      form(aRegistration({ username: 'ali\u0000ce' })),
      422,
      'Usernames must have only letters',
    ],
    [
      'a NUL byte in the email',
      form(aRegistration({ email: 'a\u0000b@example.com' })),
      422,
      'Please enter a valid email address',
    ],
    [
      'a missing field',
      form({ username: 'someone', email: 'someone@example.com' }),
      422,
      'Password is required',
    ],
    [
      'fields named like Object.prototype members',
      `${form(aRegistration())}&toString=x&__defineGetter__=y`,
      400,
      'Bad request',
    ],
    [
      '__proto__ and constructor fields',
      `${form(aRegistration())}&__proto__=x&constructor=y`,
      400,
      'Bad request',
    ],
    [
      'broken percent-encoding',
      `${form(aRegistration())}&username=%E0%A4%A`,
      422,
      'Username must be sent once, as text',
    ],
    [
      'broken percent-encoding',
      form({ ...aRegistration(), email: '%E0%A4%A@example.com' }).replace('%25', '%'),
      422,
      'Please enter a valid email address',
    ],
    [
      'a field over the size limit',
      form(aRegistration({ username: 'a'.repeat(9000) })),
      413,
      'larger than this site accepts',
    ],
    [
      'too many fields',
      Array.from({ length: 30 }, (_, i) => `f${i}=1`).join('&'),
      413,
      'larger than this site accepts',
    ],
  ])('%s: %i with a clear message, no account', async (_name, body, status, message) => {
    const before = await countUsers();
    const res = await postRegister(body);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(res.text).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(await countUsers()).toBe(before);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['JSON', 'application/json', JSON.stringify(aRegistration())],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ],
    ['plain text', 'text/plain', 'username=alice'],
    [
      'a form in UTF-16',
      'application/x-www-form-urlencoded; charset=utf-16',
      form(aRegistration()),
    ],
  ])('a %s body gets 415', async (_name, contentType, body) => {
    const before = await countUsers();
    const res = await sut.agent().post('/register').set('Content-Type', contentType).send(body);
    expect(res.status).toBe(415);
    expect(res.text).toContain('Forms must be sent as ordinary HTML forms');
    expect(await countUsers()).toBe(before);
  });

  it('a POST without a body gets a 4xx', async () => {
    const res = await sut.agent().post('/login');
    expect(res.status).toBe(415);
  });

  it.each([
    ['TRACE', '/'],
    ['PUT', '/login'],
    ['DELETE', '/logout'],
    ['PATCH', '/register'],
    ['OPTIONS', '/login'],
    ['GET', '/%E0%A4%A'],
    ['GET', '/login?next[a]=b&next=c'],
    ['GET', `/${'x'.repeat(4000)}`],
    ['GET', '/static/../package.json'],
    ['GET', '/static/%2e%2e/package.json'],
    ['POST', '/healthz'],
  ])('%s %s answers with a 4xx (or a page), never a 500', async (method, path) => {
    const res = await request(sut.app.getHttpServer())[method.toLowerCase() as 'get'](path);
    expect(res.status).toBeLessThan(500);
    expect(res.text ?? '').not.toContain('"name"');
  });

  // cookie-parser reads a cookie whose value starts with `j:` as JSON; csrf-csrf and
  // express-session (which reads req.cookies too) expect text, and failed with a TypeError.
  describe('cookies that read as JSON (j:...)', () => {
    const errorLines = (before: number) =>
      sut
        .logs()
        .slice(before)
        .filter((line) => line.level === 'error' || line.level === 'fatal');

    it.each([
      ['GET', '/login', 'csrf=j:{}', 200],
      ['GET', '/register', 'csrf=j:1', 200],
      ['GET', '/no-such-page', 'sid=j:[1,2]; csrf=j:[1,2]', 404],
      ['GET', '/logout', 'sid=j:[1,2]', 200],
      ['GET', '/', 'sid=j:{}', 303],
      ['POST', '/login', 'sid=j:{}', 403],
      ['POST', '/logout', 'sid=j:[1]; csrf=j:{}', 403],
    ])(
      '%s %s with the cookie %s answers %i and logs no error',
      async (method, path, cookie, status) => {
        const before = sut.logs().length;
        const res = await request(sut.app.getHttpServer())
          [method.toLowerCase() as 'get'](path)
          .set('Cookie', cookie)
          .type('form')
          .send(method === 'POST' ? 'email=a%40b.c&password=x' : undefined);

        expect(res.status).toBe(status);
        expect(errorLines(before)).toEqual([]);
      },
    );

    it('a page still gets a working form token', async () => {
      const agent = sut.agent();
      const page = await agent.get('/login').set('Cookie', 'csrf=j:{"a":1}').expect(200);
      const token = csrfTokenIn(page.text);
      const csrfCookie = ([] as string[])
        .concat(page.headers['set-cookie'] ?? [])
        .find((cookie) => cookie.startsWith('csrf='));
      expect(csrfCookie).toBeDefined();

      const res = await request(sut.app.getHttpServer())
        .post('/login')
        .set('Cookie', (csrfCookie as string).split(';')[0])
        .type('form')
        .send({ _csrf: token, email: 'nobody@example.com', password: 'wrong-password' });
      expect(res.status).toBe(401);
    });
  });

  describe('request targets that are not a path', () => {
    let port: number;

    beforeAll(async () => {
      port = Number(new URL(await sut.listen()).port);
    });

    it.each([
      'GET * HTTP/1.1',
      'HEAD * HTTP/1.1',
      'POST * HTTP/1.1',
      'OPTIONS * HTTP/1.1',
      'GET login HTTP/1.1',
    ])('%s gets a 4xx and logs nothing at error level', async (requestLine) => {
      const before = sut.logs().length;
      const status = await rawRequest(
        port,
        `${requestLine}\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );

      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      const errors = sut
        .logs()
        .slice(before)
        .filter((line) => line.level === 'error' || line.level === 'fatal');
      expect(errors).toEqual([]);
    });

    it('an absolute-form target reaches its page', async () => {
      const status = await rawRequest(
        port,
        'GET http://127.0.0.1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
      );
      expect(status).toBe(200);
    });
  });
});
