import hbs = require('hbs');
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MailRenderer } from './mail-renderer';
import { DEFAULT_MAIL_OPTIONS } from './mail.options';

const LAYOUT = { subject: 'Reset your password', senderName: 'Nest Auth' };

describe(MailRenderer.name, () => {
  describe('the shipped templates (mail/notice in layouts/mail)', () => {
    const sut = new MailRenderer(DEFAULT_MAIL_OPTIONS.viewsDir);
    const context = {
      heading: 'Reset <your> password',
      paragraphs: ['Someone asked to reset the password of Tom & Jerry\'s "account".', 'Second.'],
      action: { label: 'Choose a new password', url: 'https://auth.example.test/reset?a=1&b=2' },
      note: 'If it was not you, ignore this mail.',
    };

    it('renders a text part and an HTML part with the same content', () => {
      const { text, html } = sut.render('mail/notice', context, LAYOUT);

      for (const part of [text, html]) {
        expect(part).toContain('Choose a new password');
        expect(part).toContain('Second.');
        expect(part).toContain('If it was not you, ignore this mail.');
      }
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<title>Reset your password</title>');
      expect(html).toContain('Nest Auth');
      expect(text).not.toMatch(/<(p|a|h1|table)\b/);
    });

    it('HTML-escapes every value in the HTML part, the links included', () => {
      const { html } = sut.render('mail/notice', context, LAYOUT);

      expect(html).toContain('Reset &lt;your&gt; password');
      expect(html).toContain('Tom &amp; Jerry&#x27;s &quot;account&quot;.');
      expect(html).toContain('href="https://auth.example.test/reset?a&#x3D;1&amp;b&#x3D;2"');
      expect(html).not.toContain('<your>');
    });

    it('escapes nothing in the text part', () => {
      const { text } = sut.render('mail/notice', context, LAYOUT);

      expect(text).toBe(
        [
          'Reset <your> password',
          '',
          'Someone asked to reset the password of Tom & Jerry\'s "account".',
          '',
          'Second.',
          '',
          'Choose a new password:',
          'https://auth.example.test/reset?a=1&b=2',
          '',
          'If it was not you, ignore this mail.',
          '',
        ].join('\n'),
      );
    });

    it('leaves out the optional button and note', () => {
      const { text, html } = sut.render(
        'mail/notice',
        { heading: 'Your password was changed', paragraphs: ['Just now.'] },
        LAYOUT,
      );

      expect(text).toBe('Your password was changed\n\nJust now.\n');
      expect(html).not.toContain('href=');
    });

    it('escapes the subject and sender name in the layout', () => {
      const { html } = sut.render(
        'mail/notice',
        { heading: 'H', paragraphs: [] },
        { subject: '<b>Hi</b>', senderName: 'A & B' },
      );

      expect(html).toContain('<title>&lt;b&gt;Hi&lt;/b&gt;</title>');
      expect(html).toContain('A &amp; B');
    });
  });

  describe('with templates of its own', () => {
    let views: string;
    const write = (file: string, source: string) => {
      mkdirSync(dirname(join(views, file)), { recursive: true });
      writeFileSync(join(views, file), source);
    };

    beforeEach(() => {
      views = mkdtempSync(join(tmpdir(), 'mail-views-'));
      write('layouts/mail.hbs', '<html>{{subject}}|{{{body}}}</html>');
      write('test/hello.text.hbs', 'Hello {{name}}');
      write('test/hello.html.hbs', '<p>Hello {{name}}</p>');
    });

    afterEach(() => rmSync(views, { recursive: true, force: true }));

    it('wraps only the HTML part in the layout', () => {
      expect(new MailRenderer(views).render('test/hello', { name: 'Ann' }, LAYOUT)).toEqual({
        text: 'Hello Ann\n',
        html: '<html>Reset your password|<p>Hello Ann</p></html>',
      });
    });

    it('fails on a value the template names but the context lacks, rather than leave a hole', () => {
      expect(() => new MailRenderer(views).render('test/hello', {}, LAYOUT)).toThrow(
        /"name" not defined/,
      );
    });

    it('fails when a part is missing', () => {
      rmSync(join(views, 'test/hello.html.hbs'));

      expect(() => new MailRenderer(views).render('test/hello', { name: 'Ann' }, LAYOUT)).toThrow(
        /ENOENT/,
      );
    });

    it.each(['../hello', 'test/../test/hello', '/test/hello', 'Test/Hello', 'test/hello.text', ''])(
      'refuses the template name %j',
      (name) => {
        expect(() => new MailRenderer(views).render(name, { name: 'Ann' }, LAYOUT)).toThrow(
          /Not a mail template name/,
        );
      },
    );

    it('compiles each template once', () => {
      const sut = new MailRenderer(views);
      sut.render('test/hello', { name: 'Ann' }, LAYOUT);
      write('test/hello.text.hbs', 'Changed {{name}}');

      expect(sut.render('test/hello', { name: 'Ann' }, LAYOUT).text).toBe('Hello Ann\n');
    });

    it("has a Handlebars of its own: the pages' partials and helpers are not there", () => {
      hbs.registerPartial('mailRendererSpecPartial', 'partial');
      hbs.registerHelper('mailRendererSpecHelper', () => 'helper');
      write('test/partial.text.hbs', '{{> mailRendererSpecPartial}}');
      write('test/partial.html.hbs', '');
      write('test/helper.text.hbs', '{{mailRendererSpecHelper}}');
      write('test/helper.html.hbs', '');
      const sut = new MailRenderer(views);

      expect(() => sut.render('test/partial', {}, LAYOUT)).toThrow(/could not be found/);
      expect(() => sut.render('test/helper', {}, LAYOUT)).toThrow(/not defined/);
    });
  });
});
