import { simpleParser } from 'mailparser';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../config/app-config';
import {
  createMailTransport,
  FileMailTransport,
  OutgoingMail,
  SmtpMailTransport,
} from './mail-transport';

const MAIL: OutgoingMail = {
  messageId: '<0b6a0c1e-1d0f-4d8e-9a57-1f1f5e0b4c2a@auth.example.test>',
  from: 'Example Auth <no-reply@example.test>',
  to: 'alice@example.com',
  subject: 'Welcome, Zoë',
  text: 'Hello Zoë,\nconfirm: https://auth.example.test/confirm?token=abc&x=1\n',
  html: '<p>Hello Zoë, <a href="https://auth.example.test/confirm?token=abc&amp;x=1">confirm</a></p>',
};

describe(createMailTransport.name, () => {
  it('sends over SMTP when MAIL_URL is set', () => {
    const transport = createMailTransport(loadConfig({ MAIL_URL: 'smtp://127.0.0.1:2525' }));

    expect(transport).toBeInstanceOf(SmtpMailTransport);
    transport.close();
  });

  it('writes files into <data folder>/mail otherwise', () => {
    expect(createMailTransport(loadConfig({}))).toBeInstanceOf(FileMailTransport);
  });

  it('never writes files in production', () => {
    const config = new AppConfig({ ...loadConfig({}), nodeEnv: 'production' });

    expect(() => createMailTransport(config)).toThrow('MAIL_URL must be set in production');
  });
});

describe(FileMailTransport.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mail-files-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its folder (0700) and writes each mail as a .eml file (0600)', async () => {
    const folder = join(dir, 'data', 'mail');
    const sut = new FileMailTransport(folder);

    const first = await sut.send(MAIL);
    const second = await sut.send(MAIL);

    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder).sort()).toHaveLength(2);
    for (const { file } of [first, second]) {
      expect(file).toMatch(/\/data\/mail\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{8}\.eml$/);
      expect(statSync(file as string).mode & 0o777).toBe(0o600);
    }
  });

  it('writes the raw message an SMTP server would get: headers, a text and an HTML part', async () => {
    const { file } = await new FileMailTransport(dir).send(MAIL);

    const raw = readFileSync(file as string);
    expect(raw.toString()).toMatch(/^Content-Type: multipart\/alternative/im);
    expect(raw.toString()).toMatch(/^Auto-Submitted: auto-generated$/im);
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(MAIL.messageId);
    expect(parsed.from?.value).toEqual([
      { name: 'Example Auth', address: 'no-reply@example.test' },
    ]);
    expect(parsed.to).toMatchObject({ text: 'alice@example.com' });
    expect(parsed.subject).toBe('Welcome, Zoë');
    expect(parsed.text).toBe(MAIL.text);
    expect(parsed.html).toBe(MAIL.html);
  });
});
