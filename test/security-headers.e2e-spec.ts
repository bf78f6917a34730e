import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import request from 'supertest';
import { PRODUCTION_MAIL, startTestApp, TestApp, TEST_SECRET } from './helpers/test-app';

const CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';" +
  "connect-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self'";

describe('Security headers', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(() => sut.cleanup());

  const answers: [string, () => request.Test, number][] = [
    ['a page', () => request(sut.app.getHttpServer()).get('/login'), 200],
    ['a redirect', () => request(sut.app.getHttpServer()).get('/'), 303],
    ['a 404', () => request(sut.app.getHttpServer()).get('/missing'), 404],
    [
      'a refused form',
      () => request(sut.app.getHttpServer()).post('/login').type('form').send('email=a'),
      403,
    ],
    ['a static file', () => request(sut.app.getHttpServer()).get('/static/app.css'), 200],
    ['the health check', () => request(sut.app.getHttpServer()).get('/healthz'), 200],
  ];

  it.each(answers)(
    '%s carries the strict CSP and the other headers',
    async (_name, send, status) => {
      const res = await send().expect(status);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['x-permitted-cross-domain-policies']).toBe('none');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      // HSTS only in production: over plain HTTP in development it would do harm.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    },
  );

  it.each(answers.filter(([name]) => name !== 'a static file'))(
    '%s is never cached',
    async (_name, send, status) => {
      const res = await send().expect(status);
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('pages carry no ETag (never cached, so never revalidated); static files do', async () => {
    const page = await request(sut.app.getHttpServer()).get('/login').expect(200);
    const file = await request(sut.app.getHttpServer()).get('/static/app.css').expect(200);

    expect(page.headers.etag).toBeUndefined();
    expect(file.headers.etag).toMatch(/^W\/"/);
  });

  it("Bootstrap's CSS is served by the app itself", async () => {
    const res = await request(sut.app.getHttpServer())
      .get('/static/bootstrap/bootstrap.min.css')
      .expect(200)
      .expect('Content-Type', /css/);
    expect(res.text).toContain('Bootstrap');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  const dir = join(__dirname, '..', 'views');
  const templates = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.hbs'),
  );
  /** Mail templates (in a `mail/` folder, and the mail layout) are read by mail programs. */
  const isMail = (file: string) =>
    file === join('layouts', 'mail.hbs') || file.split(sep).includes('mail');

  it('no page template has an inline script, style or event handler (the CSP would block it)', () => {
    const pages = templates.filter((file) => !isMail(file));
    expect(pages.length).toBeGreaterThan(5);
    for (const file of pages) {
      const html = readFileSync(join(dir, file), 'utf8');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(html).not.toMatch(
        /<style\b|\sstyle=|\son[a-z]+=|javascript:|https?:\/\/(?!localhost)/i,
      );
    }
  });

  it('no mail template has a script, an event handler or an outside resource', () => {
    // Inline styles are how mail is styled: mail programs drop <style> and outside files.
    const mails = templates.filter(isMail);
    expect(mails.length).toBeGreaterThan(0);
    for (const file of mails) {
      const html = readFileSync(join(dir, file), 'utf8');
      expect(html).not.toMatch(
        /<script\b|<style\b|<link\b|<img\b|\son[a-z]+=|javascript:|https?:\/\//i,
      );
    }
  });

  describe('in production', () => {
    let production: TestApp;

    beforeAll(async () => {
      production = await startTestApp({
        NODE_ENV: 'production',
        SESSION_SECRET: TEST_SECRET,
        ...PRODUCTION_MAIL,
      });
    });

    afterAll(() => production.cleanup());

    it('sends HSTS for a year and upgrades insecure requests', async () => {
      const res = await request(production.app.getHttpServer()).get('/healthz').expect(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['content-security-policy']).toBe(`${CSP};upgrade-insecure-requests`);
    });
  });
});
