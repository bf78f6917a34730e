import { Test } from '@nestjs/testing';
import { userFactory } from '../../../test/factories/user.factory';
import { MailService } from '../../infra/mail/mail.service';
import { AuditLog } from '../../observability/audit-log';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { PageException } from '../../web/page.exception';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { PasswordService } from '../core/passwords/password.service';
import { ResetLinkMailer } from '../core/reset-link-mailer';
import { TokensService } from '../core/tokens/tokens.service';
import { PasswordResetService } from './password-reset.service';
import { ResetRequestLimiter } from './reset-request-limiter';

const TOKEN = 'T'.repeat(43);
const HASH = '$2b$04$newhashnewhashnewhashnewhashnewhashnewhashnewhashnew';
const OWNER = { id: 1, username: 'Alice', email: 'alice@example.com', detail: null };
const IP = '203.0.113.7';

/** Lets the work queued behind the answer (setImmediate) run. */
const afterTheAnswer = () => new Promise((resolve) => setImmediate(resolve)).then(() => undefined);

describe(PasswordResetService.name, () => {
  let sut: PasswordResetService;
  let users: jest.Mocked<Pick<UsersService, 'findByEmail' | 'changePassword'>>;
  let passwords: jest.Mocked<Pick<PasswordService, 'hash'>>;
  let tokens: jest.Mocked<Pick<TokensService, 'issue' | 'find' | 'use'>>;
  let sessions: jest.Mocked<Pick<SessionsService, 'endAll'>>;
  let limiter: jest.Mocked<Pick<ResetRequestLimiter, 'admit'>>;
  let mail: jest.Mocked<Pick<MailService, 'send' | 'link'>>;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;

  beforeEach(async () => {
    users = {
      findByEmail: jest.fn().mockResolvedValue(null),
      changePassword: jest.fn().mockResolvedValue(undefined),
    };
    passwords = { hash: jest.fn().mockResolvedValue(HASH) };
    tokens = {
      issue: jest.fn().mockResolvedValue(TOKEN),
      find: jest.fn().mockResolvedValue(OWNER),
      use: jest.fn().mockResolvedValue(OWNER),
    };
    sessions = { endAll: jest.fn().mockResolvedValue(2) };
    limiter = { admit: jest.fn().mockResolvedValue(undefined) };
    mail = {
      send: jest.fn(),
      link: jest.fn(
        (path: string, query: Record<string, string> = {}) =>
          `https://auth.example.test${path}${query.token ? `?token=${query.token}` : ''}`,
      ),
    };
    audit = { record: jest.fn() };
    const module = await Test.createTestingModule({
      providers: [
        PasswordResetService,
        ResetLinkMailer,
        { provide: UsersService, useValue: users },
        { provide: PasswordService, useValue: passwords },
        { provide: TokensService, useValue: tokens },
        { provide: SessionsService, useValue: sessions },
        { provide: ResetRequestLimiter, useValue: limiter },
        { provide: MailService, useValue: mail },
        { provide: AuditLog, useValue: audit },
      ],
    }).compile();
    sut = module.get(PasswordResetService);
  });

  describe('request', () => {
    it('counts the request, and answers before looking the address up', async () => {
      users.findByEmail.mockResolvedValue(userFactory());

      await sut.request('alice@example.com', IP);

      expect(limiter.admit).toHaveBeenCalledWith('alice@example.com', IP);
      expect(users.findByEmail).not.toHaveBeenCalled();
      expect(tokens.issue).not.toHaveBeenCalled();
      expect(mail.send).not.toHaveBeenCalled();
    });

    it('then mails a reset link with a new token to an address with an account', async () => {
      users.findByEmail.mockResolvedValue(userFactory());

      await sut.request('alice@example.com', IP);
      await sut.onModuleDestroy();

      expect(users.findByEmail).toHaveBeenCalledWith('alice@example.com');
      expect(tokens.issue).toHaveBeenCalledWith('password_reset', 1);
      expect(mail.link).toHaveBeenCalledWith('/reset-password', { token: TOKEN });
      expect(mail.send).toHaveBeenCalledWith(
        expect.objectContaining({
          to: 'alice@example.com',
          subject: 'Reset your password',
          template: 'mail/notice',
        }),
      );
    });

    it('then makes nothing and mails nothing for an address without one', async () => {
      await sut.request('nobody@example.com', IP);
      await sut.onModuleDestroy();

      expect(users.findByEmail).toHaveBeenCalledWith('nobody@example.com');
      expect(tokens.issue).not.toHaveBeenCalled();
      expect(mail.send).not.toHaveBeenCalled();
    });

    it('does nothing more when the limiter refuses', async () => {
      const refused = new TooManyAttemptsException('Too many.', Date.now() + 60_000);
      limiter.admit.mockRejectedValue(refused);

      await expect(sut.request('alice@example.com', IP)).rejects.toBe(refused);
      await afterTheAnswer();

      expect(users.findByEmail).not.toHaveBeenCalled();
    });
  });

  describe('resetPassword', () => {
    it('hashes the new password, then uses the token, sets the hash and ends every session', async () => {
      await sut.resetPassword(TOKEN, 'a-brand-new-passphrase');

      expect(passwords.hash).toHaveBeenCalledWith('a-brand-new-passphrase');
      expect(tokens.use).toHaveBeenCalledWith('password_reset', TOKEN);
      expect(passwords.hash.mock.invocationCallOrder[0]).toBeLessThan(
        tokens.use.mock.invocationCallOrder[0],
      );
      expect(users.changePassword).toHaveBeenCalledWith(1, HASH);
      expect(sessions.endAll).toHaveBeenCalledWith(1, 'password_reset');
      expect(audit.record).toHaveBeenCalledWith('authn_password_change', {
        userId: 1,
        reason: 'password_reset',
      });
    });

    it('mails the "password changed" notice, with a way to reset it again', async () => {
      await sut.resetPassword(TOKEN, 'a-brand-new-passphrase');

      expect(mail.send).toHaveBeenCalledTimes(1);
      const [notice] = mail.send.mock.calls[0];
      expect(notice).toMatchObject({
        to: 'alice@example.com',
        subject: 'Your password was changed',
      });
      expect(JSON.stringify(notice)).toContain('https://auth.example.test/forgot-password');
      expect(JSON.stringify(notice)).not.toContain(TOKEN);
      expect(JSON.stringify(notice)).not.toContain('a-brand-new-passphrase');
    });

    it.each(['Alice', 'ALICE@example.com', 'alice'])(
      'refuses %p, the owner’s name or address, before any bcrypt work',
      async (password) => {
        const refusal = await sut.resetPassword(TOKEN, password).catch((error: unknown) => error);

        expect(refusal).toBeInstanceOf(FormError);
        expect((refusal as FormError).fields).toEqual({
          password: ['Password must not be your username or email address'],
        });
        expect(passwords.hash).not.toHaveBeenCalled();
        expect(tokens.use).not.toHaveBeenCalled();
      },
    );

    it.each([
      ['found', 'find'],
      ['used', 'use'],
    ] as const)(
      'answers the 400 page and changes nothing when the token cannot be %s',
      async (_name, step) => {
        tokens[step].mockResolvedValue(undefined);

        const refusal = await sut
          .resetPassword(TOKEN, 'a-brand-new-passphrase')
          .catch((error: unknown) => error);

        expect(refusal).toBeInstanceOf(PageException);
        expect((refusal as PageException).getStatus()).toBe(400);
        expect((refusal as PageException).page.view).toBe('password-reset/link-expired');
        expect(users.changePassword).not.toHaveBeenCalled();
        expect(sessions.endAll).not.toHaveBeenCalled();
        expect(mail.send).not.toHaveBeenCalled();
      },
    );
  });

  it('check answers the 400 page for a token that would not be accepted', async () => {
    tokens.find.mockResolvedValue(undefined);

    await expect(sut.check('nope')).rejects.toBeInstanceOf(PageException);
    tokens.find.mockResolvedValue(OWNER);
    await expect(sut.check(TOKEN)).resolves.toBe(OWNER);
  });
});
