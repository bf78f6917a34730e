import { logIn, register } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Pages', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  describe('signed out', () => {
    it('GET / sends to the login page with next=/ and an info message', async () => {
      const agent = sut.agent();
      const res = await agent.get('/').expect(303);
      expect(res.headers.location).toBe('/login?next=%2F');

      const login = await agent.get(res.headers.location).expect(200);
      expect(login.text).toContain('alert-info');
      expect(login.text).toContain('Please log in to access this page.');
      expect(login.text).toContain('name="next" value="/"');
    });

    it('GET /register shows the registration form', async () => {
      const res = await sut.agent().get('/register').expect(200).expect('Content-Type', /html/);
      for (const field of ['_csrf', 'username', 'email', 'password', 'confirmPassword']) {
        expect(res.text).toContain(`name="${field}"`);
      }
      expect(res.text).toContain('action="/register"');
    });

    it('GET /login shows the login form, carrying next in a hidden field', async () => {
      const res = await sut.agent().get('/login?next=%2Fsettings%3Ftab%3D1').expect(200);
      for (const field of ['_csrf', 'email', 'password']) {
        expect(res.text).toContain(`name="${field}"`);
      }
      expect(res.text).toContain('name="next" value="/settings?tab&#x3D;1"');
    });

    it('GET /login drops a next that is not a local path', async () => {
      const res = await sut.agent().get('/login?next=%2F%2Fevil.example').expect(200);
      expect(res.text).toContain('name="next" value="/"');
    });

    it.each(['/login/', '/register/'])(
      '%s (trailing slash) reaches the same page',
      async (path) => {
        const res = await sut.agent().get(path).expect(200);
        expect(res.text).toContain(`action="${path.slice(0, -1)}"`);
      },
    );

    it('GET /logout shows a page whose button signs out by POST', async () => {
      const res = await sut.agent().get('/logout').expect(200);
      expect(res.text).toMatch(/<form method="post" action="\/logout"/);
    });

    it('a page without a form creates no session', async () => {
      const res = await sut.agent().get('/no-such-page').expect(404);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('signed in', () => {
    const agent = () => signedIn;
    let signedIn: ReturnType<TestApp['agent']>;
    let username: string;

    beforeAll(async () => {
      signedIn = sut.agent();
      const account = await register(signedIn);
      username = account.username;
      await logIn(signedIn, account.email, account.password).then((res) =>
        expect(res.status).toBe(303),
      );
    });

    it('GET / greets the user by username and has a sign-out form', async () => {
      const res = await agent().get('/').expect(200);
      expect(res.text).toContain(`Hello, ${username}!`);
      expect(res.text).toMatch(
        /<form method="post" action="\/logout"[^>]*>\s*<input type="hidden" name="_csrf"/,
      );
    });

    it.each(['/login', '/register', '/login/', '/register/'])('GET %s sends home', async (path) => {
      const res = await agent().get(path).expect(303);
      expect(res.headers.location).toBe('/');
    });

    it('GET /logout signs nobody out', async () => {
      await agent().get('/logout').expect(200);
      await agent().get('/').expect(200);
    });

    it('an unknown path shows the 404 page in the same layout', async () => {
      const res = await agent().get('/nothing/here').expect(404);
      expect(res.text).toContain('Page not found');
      expect(res.text).toContain(`Signed in as <strong>${username}</strong>`);
    });
  });

  describe('GET /healthz', () => {
    it('answers 200 with the status of the database', async () => {
      const res = await sut.agent().get('/healthz').expect(200).expect('Content-Type', /json/);
      expect(res.body).toEqual({ status: 'ok', database: 'ok' });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers 503 when the database does not', async () => {
      const broken = await startTestApp();
      await broken.dataSource.destroy();
      try {
        const res = await broken.agent().get('/healthz').expect(503);
        expect(res.body).toEqual({ status: 'error', database: 'down' });
      } finally {
        await broken.cleanup().catch(() => undefined);
      }
    });
  });

  describe('GET /livez and GET /readyz, for orchestrators', () => {
    it('/livez answers 200 from a serving process, whatever its dependencies', async () => {
      const res = await sut.agent().get('/livez').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('/readyz answers 200 when the database answers and has every migration', async () => {
      const res = await sut.agent().get('/readyz').expect(200);
      expect(res.body).toEqual({ status: 'ok', database: 'ok', migrations: 'ok' });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('/readyz answers 503 when a migration is missing, and /livez still 200', async () => {
      const behind = await startTestApp();
      try {
        const [latest] = await behind.sql<{ name: string }[]>(
          'SELECT name FROM migrations ORDER BY id DESC LIMIT 1',
        );
        await behind.sql('DELETE FROM migrations WHERE name = ?', [latest.name]);

        const res = await behind.agent().get('/readyz').expect(503);
        expect(res.body).toEqual({
          status: 'error',
          database: 'ok',
          migrations: 'pending',
        });
        await behind.agent().get('/livez').expect(200);
      } finally {
        await behind.cleanup();
      }
    });

    it('/readyz answers 503 when the database does not answer', async () => {
      const broken = await startTestApp();
      await broken.dataSource.destroy();
      try {
        const res = await broken.agent().get('/readyz').expect(503);
        expect(res.body).toEqual({ status: 'error', database: 'down', migrations: 'unknown' });
        await broken.agent().get('/livez').expect(200);
      } finally {
        await broken.cleanup().catch(() => undefined);
      }
    });
  });

  describe('errors', () => {
    it('an unknown path gets a 404 HTML page', async () => {
      const res = await sut
        .agent()
        .get('/does-not-exist')
        .expect(404)
        .expect('Content-Type', /html/);
      expect(res.text).toContain('Page not found');
    });

    it('a failure gets the 500 page with a generic message, no stack trace or SQL', async () => {
      const broken = await startTestApp();
      const agent = broken.agent();
      const account = await register(broken.agent());
      await logIn(agent, account.email, account.password);
      // Pull the database away under the app: the account page's query fails (on SQLite the
      // session itself is read on a connection of its own, which stays).
      await broken.dataSource.destroy();
      try {
        const res = await agent.get('/account').expect(500).expect('Content-Type', /html/);
        expect(res.text).toContain('Something went wrong');
        expect(res.text).not.toMatch(/at .*\.(js|ts):\d+|Error:|SELECT|sqlite/i);
      } finally {
        await broken.cleanup().catch(() => undefined);
      }
    });
  });
});
