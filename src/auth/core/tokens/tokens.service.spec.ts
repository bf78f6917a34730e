import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, Repository } from 'typeorm';
import { loadConfig } from '../../../config/app-config';
import { dataSourceOptions } from '../../../infra/database/data-source-options';
import { AuditLog } from '../../../observability/audit-log';
import { User } from '../../../users/user.entity';
import { UsersService } from '../../../users/users.service';
import { Token } from './token.entity';
import { digestOf, TOKEN_LIFETIME_MS, TokensService } from './tokens.service';
import { fakeClock } from '../../../../test/helpers/clock';

const NOW = new Date('2030-01-01T12:00:00Z').getTime();
const MINUTE = 60 * 1000;

describe(TokensService.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let rows: Repository<Token>;
  let users: UsersService;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  let sut: TokensService;
  let sequence = 0;

  /** A new account, so that tests share the database but no user. */
  const newUser = () => {
    sequence += 1;
    return users.create({
      username: `user${sequence}`,
      email: `user${sequence}@example.com`,
      passwordHash: `$2b$04$hash-number-${sequence}`,
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}` });
    dataSource = new DataSource(dataSourceOptions(config, [User, Token]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    rows = dataSource.getRepository(Token);
    users = new UsersService(dataSource.getRepository(User));
  });

  beforeEach(() => {
    fakeClock(NOW);
    audit = { record: jest.fn() };
    sut = new TokensService(rows, audit as unknown as AuditLog);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('issue', () => {
    it('gives 256 random bits in base64url, a new one each time', async () => {
      const user = await newUser();

      const tokens = [
        await sut.issue('password_reset', user.id),
        await sut.issue('password_reset', user.id),
      ];

      for (const token of tokens) {
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      }
      expect(tokens[0]).not.toBe(tokens[1]);
    });

    it('stores only the SHA-256 of the token, with its purpose, user and end', async () => {
      const user = await newUser();

      const token = await sut.issue('password_reset', user.id);

      const stored = await rows.findOneByOrFail({ userId: user.id });
      expect(stored).toEqual({
        digest: digestOf(token),
        purpose: 'password_reset',
        userId: user.id,
        boundTo: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        expiresAt: NOW + 30 * MINUTE,
        detail: null,
        usedAt: null,
      });
      const everything = JSON.stringify(await dataSource.query('SELECT * FROM tokens'));
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
    });

    it('records authn_token_created with the user and purpose, never the token', async () => {
      const user = await newUser();

      const token = await sut.issue('email_verification', user.id);

      expect(audit.record).toHaveBeenCalledWith('authn_token_created', {
        userId: user.id,
        reason: 'email_verification',
      });
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain(token);
    });

    it('refuses a user that does not exist', async () => {
      await expect(sut.issue('password_reset', 999_999)).rejects.toThrow(/does not exist/);
      await expect(rows.countBy({ userId: 999_999 })).resolves.toBe(0);
    });
  });

  describe('find', () => {
    it("gives a live token's owner, without using the token", async () => {
      const user = await newUser();
      const token = await sut.issue('password_reset', user.id);

      const owner = { id: user.id, username: user.username, email: user.email, detail: null };
      await expect(sut.find('password_reset', token)).resolves.toEqual(owner);
      await expect(sut.find('password_reset', token)).resolves.toEqual(owner);
      await expect(sut.use('password_reset', token)).resolves.toEqual(owner);
    });

    it('gives nothing for a used token, and records that it came back', async () => {
      const user = await newUser();
      const token = await sut.issue('password_reset', user.id);
      await sut.use('password_reset', token);

      await expect(sut.find('password_reset', token)).resolves.toBeUndefined();
      expect(audit.record).toHaveBeenLastCalledWith('authn_token_reuse', {
        userId: user.id,
        reason: 'password_reset',
      });
    });
  });

  describe('use', () => {
    it('accepts a token once', async () => {
      const user = await newUser();
      const token = await sut.issue('email_verification', user.id);

      await expect(sut.use('email_verification', token)).resolves.toMatchObject({ id: user.id });
      await expect(sut.use('email_verification', token)).resolves.toBeUndefined();
      await expect(rows.findOneByOrFail({ digest: digestOf(token) })).resolves.toMatchObject({
        usedAt: NOW,
      });
    });

    it('records authn_token_reuse when a used token comes back', async () => {
      const user = await newUser();
      const token = await sut.issue('password_reset', user.id);
      await sut.use('password_reset', token);

      await sut.use('password_reset', token);

      expect(audit.record).toHaveBeenLastCalledWith('authn_token_reuse', {
        userId: user.id,
        reason: 'password_reset',
      });
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain(token);
    });

    it('gives the owner to only one of many requests that use a token at once', async () => {
      const token = await sut.issue('password_reset', (await newUser()).id);

      const results = await Promise.all(
        Array.from({ length: 10 }, () => sut.use('password_reset', token)),
      );

      expect(results.filter((owner) => owner !== undefined)).toHaveLength(1);
    });
  });

  describe.each([
    ['password_reset', 30 * MINUTE],
    ['email_verification', 24 * 60 * MINUTE],
    ['email_change', 24 * 60 * MINUTE],
    ['email_change_undo', 7 * 24 * 60 * MINUTE],
  ] as const)('%s tokens', (purpose, lifetime) => {
    it(`work for ${lifetime / MINUTE} minutes, and not a moment longer`, async () => {
      expect(TOKEN_LIFETIME_MS[purpose]).toBe(lifetime);
      const early = await sut.issue(purpose, (await newUser()).id);
      const late = await sut.issue(purpose, (await newUser()).id);

      jest.setSystemTime(NOW + lifetime - 1);
      await expect(sut.find(purpose, early)).resolves.toBeDefined();
      await expect(sut.use(purpose, early)).resolves.toBeDefined();

      jest.setSystemTime(NOW + lifetime);
      await expect(sut.find(purpose, late)).resolves.toBeUndefined();
      await expect(sut.use(purpose, late)).resolves.toBeUndefined();
    });

    it('are worthless for the other purpose', async () => {
      const other = purpose === 'password_reset' ? 'email_verification' : 'password_reset';
      const token = await sut.issue(purpose, (await newUser()).id);

      await expect(sut.find(other, token)).resolves.toBeUndefined();
      await expect(sut.use(other, token)).resolves.toBeUndefined();
      await expect(sut.use(purpose, token)).resolves.toBeDefined();
    });

    it('are worthless once their user is deleted, and go with them', async () => {
      const user = await newUser();
      const token = await sut.issue(purpose, user.id);

      await dataSource.getRepository(User).delete({ id: user.id });

      await expect(sut.use(purpose, token)).resolves.toBeUndefined();
      await expect(rows.countBy({ userId: user.id })).resolves.toBe(0);
    });

    it.each([
      [
        'one character changed',
        (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      ],
      ['with one character more', (token: string) => `${token}A`],
      ['with one character less', (token: string) => token.slice(0, -1)],
      ['in capitals', (token: string) => token.toUpperCase()],
      ['given as its digest', (token: string) => digestOf(token)],
      ['sent twice', (token: string) => [token, token]],
      ['when empty', () => ''],
      ['when missing', () => undefined],
    ])('refuse the token %s', async (_name, tamper) => {
      const token = await sut.issue(purpose, (await newUser()).id);

      await expect(sut.find(purpose, tamper(token))).resolves.toBeUndefined();
      await expect(sut.use(purpose, tamper(token))).resolves.toBeUndefined();
      await expect(sut.use(purpose, token)).resolves.toBeDefined();
    });
  });

  describe('a password change', () => {
    it('makes every older reset token worthless', async () => {
      const user = await newUser();
      const first = await sut.issue('password_reset', user.id);
      const second = await sut.issue('password_reset', user.id);

      await users.updatePasswordHash(user.id, '$2b$04$a-new-password-hash');

      await expect(sut.find('password_reset', first)).resolves.toBeUndefined();
      await expect(sut.use('password_reset', second)).resolves.toBeUndefined();
    });

    it('leaves a reset token made after it working', async () => {
      const user = await newUser();
      await users.updatePasswordHash(user.id, '$2b$04$a-new-password-hash');

      const token = await sut.issue('password_reset', user.id);

      await expect(sut.use('password_reset', token)).resolves.toMatchObject({ id: user.id });
    });

    it('leaves a verification token working: it is bound to the address', async () => {
      const user = await newUser();
      const token = await sut.issue('email_verification', user.id);

      await users.updatePasswordHash(user.id, '$2b$04$a-new-password-hash');

      await expect(sut.use('email_verification', token)).resolves.toMatchObject({ id: user.id });
    });
  });

  it('a verification token is worthless once the address has changed', async () => {
    const user = await newUser();
    const token = await sut.issue('email_verification', user.id);

    await dataSource.getRepository(User).update({ id: user.id }, { email: `new-${user.email}` });

    await expect(sut.use('email_verification', token)).resolves.toBeUndefined();
  });

  describe('an address change', () => {
    it.each(['email_verification', 'password_reset', 'email_change'] as const)(
      'makes a %s token worthless: it went to the old address',
      async (purpose) => {
        const user = await newUser();
        const token = await sut.issue(
          purpose,
          user.id,
          purpose === 'email_change' ? 'n@x.io' : null,
        );

        await users.changeEmail(user.id, user.email, `new-${user.email}`);

        await expect(sut.use(purpose, token)).resolves.toBeUndefined();
      },
    );
  });

  it('gives back what a token carries: the new address of an email change', async () => {
    const user = await newUser();
    const token = await sut.issue('email_change', user.id, 'alice.new@example.com');

    await expect(sut.use('email_change', token)).resolves.toMatchObject({
      id: user.id,
      email: user.email,
      detail: 'alice.new@example.com',
    });
  });
});
