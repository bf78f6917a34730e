import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, loadConfig } from '../../config/app-config';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AuditLog } from '../../observability/audit-log';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { ACCOUNT_DISABLED, AuthService } from './auth.service';
import { NewDeviceNotice } from './new-device-notice';
import { SignInLimiter } from './sign-in-limiter';
import { PasswordService } from './passwords/password.service';
import { userFactory } from '../../../test/factories/user.factory';

const HASH = '$2b$04$storedhashstoredhashstoredhashstoredhashstoredhashsto';
const NEW_HASH = '$2b$12$upgradedhashupgradedhashupgradedhashupgradedhashupgr';
const PASSWORD = 'violet-kettle-42';
const IP = '203.0.113.7';

describe(AuthService.name, () => {
  let sut: AuthService;
  let users: jest.Mocked<Pick<UsersService, 'findByEmailWithPasswordHash' | 'updatePasswordHash'>>;
  let passwords: jest.Mocked<Pick<PasswordService, 'hash' | 'verify' | 'needsRehash'>>;
  let limiter: jest.Mocked<Pick<SignInLimiter, 'admit' | 'recordSuccess'>>;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;

  /** Alice is registered with HASH, and PASSWORD is her password. */
  const givenAlice = (overrides: Partial<User> = {}) => {
    users.findByEmailWithPasswordHash.mockResolvedValue(
      userFactory({ passwordHash: HASH, ...overrides }),
    );
    passwords.verify.mockImplementation((password, hash) =>
      Promise.resolve(password === PASSWORD && hash !== undefined),
    );
  };

  beforeEach(async () => {
    users = {
      findByEmailWithPasswordHash: jest.fn().mockResolvedValue(null),
      updatePasswordHash: jest.fn().mockResolvedValue(undefined),
    };
    passwords = {
      hash: jest.fn().mockResolvedValue(HASH),
      verify: jest.fn().mockResolvedValue(false),
      needsRehash: jest.fn().mockReturnValue(false),
    };
    limiter = {
      admit: jest.fn().mockResolvedValue(undefined),
      recordSuccess: jest.fn().mockResolvedValue(undefined),
    };
    audit = { record: jest.fn() };
    const module = await Test.createTestingModule({
      providers: [
        AuthService,
        { provide: UsersService, useValue: users },
        { provide: PasswordService, useValue: passwords },
        { provide: SignInLimiter, useValue: limiter },
        { provide: AuditLog, useValue: audit },
        { provide: AppConfig, useValue: loadConfig({}) },
        { provide: NewDeviceNotice, useValue: { signingIn: jest.fn() } },
      ],
    }).compile();
    sut = module.get(AuthService);
  });

  describe('validateCredentials', () => {
    it('returns only the id, username, email and whether it is verified for the right password', async () => {
      givenAlice();

      const result = await sut.validateCredentials('alice@example.com', PASSWORD, IP);

      expect(result).toEqual({
        id: 1,
        username: 'Alice',
        email: 'alice@example.com',
        emailVerified: false,
      });
      expect(passwords.verify).toHaveBeenCalledWith(PASSWORD, HASH);
    });

    it('asks the limiter to admit the email and IP before looking anything up', async () => {
      givenAlice();

      await sut.validateCredentials('alice@example.com', PASSWORD, IP);

      expect(limiter.admit).toHaveBeenCalledWith('alice@example.com', IP);
      expect(limiter.admit.mock.invocationCallOrder[0]).toBeLessThan(
        users.findByEmailWithPasswordHash.mock.invocationCallOrder[0],
      );
    });

    it('stops before any lookup or bcrypt work when the limiter refuses', async () => {
      givenAlice();
      const refused = new TooManyAttemptsException('Too many failed sign-ins.', Date.now() + 60e3);
      limiter.admit.mockRejectedValue(refused);

      await expect(sut.validateCredentials('alice@example.com', PASSWORD, IP)).rejects.toBe(
        refused,
      );
      expect(users.findByEmailWithPasswordHash).not.toHaveBeenCalled();
      expect(passwords.verify).not.toHaveBeenCalled();
      expect(limiter.recordSuccess).not.toHaveBeenCalled();
    });

    it('resets the limits and records authn_login_success on success', async () => {
      givenAlice();

      await sut.validateCredentials('alice@example.com', PASSWORD, IP);

      expect(limiter.recordSuccess).toHaveBeenCalledWith('alice@example.com', IP);
      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith('authn_login_success', {
        userId: 1,
        email: 'alice@example.com',
      });
    });

    it('returns null for a wrong password, recording the failure with the user id', async () => {
      givenAlice();

      await expect(
        sut.validateCredentials('alice@example.com', 'nope-nope-nope', IP),
      ).resolves.toBeNull();

      expect(limiter.admit).toHaveBeenCalledTimes(1);
      expect(limiter.recordSuccess).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith('authn_login_fail', {
        email: 'alice@example.com',
        userId: 1,
      });
    });

    it('refuses a disabled account with 403 and its message only for the right password', async () => {
      givenAlice({ disabledAt: new Date() });

      const refusal = await sut
        .validateCredentials('alice@example.com', PASSWORD, IP)
        .catch((error: unknown) => error);
      await expect(
        sut.validateCredentials('alice@example.com', 'nope-nope-nope', IP),
      ).resolves.toBeNull();

      expect(refusal).toBeInstanceOf(FormError);
      expect((refusal as FormError).getStatus()).toBe(403);
      expect((refusal as FormError).fields).toEqual({ form: [ACCOUNT_DISABLED] });
      expect(limiter.recordSuccess).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledWith('authn_login_fail', {
        userId: 1,
        email: 'alice@example.com',
        reason: 'account_disabled',
      });
    });

    it('returns null for an unknown email, after verifying against no hash', async () => {
      await expect(sut.validateCredentials('nobody@example.com', PASSWORD, IP)).resolves.toBeNull();

      expect(passwords.verify).toHaveBeenCalledTimes(1);
      expect(passwords.verify).toHaveBeenCalledWith(PASSWORD, undefined);
    });

    it('records a failure for an unknown email just as for a wrong password', async () => {
      await sut.validateCredentials('nobody@example.com', PASSWORD, IP);

      expect(limiter.admit).toHaveBeenCalledWith('nobody@example.com', IP);
      expect(limiter.recordSuccess).not.toHaveBeenCalled();
      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith('authn_login_fail', {
        email: 'nobody@example.com',
        userId: undefined,
      });
    });

    it('returns null for an unknown email even if verify were to say yes', async () => {
      passwords.verify.mockResolvedValue(true);

      await expect(sut.validateCredentials('nobody@example.com', PASSWORD, IP)).resolves.toBeNull();
      expect(limiter.recordSuccess).not.toHaveBeenCalled();
    });

    it('re-hashes the password at the current cost when the stored hash is weaker', async () => {
      givenAlice();
      passwords.needsRehash.mockReturnValue(true);
      passwords.hash.mockResolvedValue(NEW_HASH);

      await expect(
        sut.validateCredentials('alice@example.com', PASSWORD, IP),
      ).resolves.not.toBeNull();

      expect(passwords.needsRehash).toHaveBeenCalledWith(HASH);
      expect(passwords.hash).toHaveBeenCalledWith(PASSWORD);
      expect(users.updatePasswordHash).toHaveBeenCalledWith(1, NEW_HASH);
    });

    it('still signs in, and warns without the password, when the upgraded hash cannot be stored', async () => {
      givenAlice();
      passwords.needsRehash.mockReturnValue(true);
      passwords.hash.mockResolvedValue(NEW_HASH);
      users.updatePasswordHash.mockRejectedValue(new Error('SQLITE_BUSY: database is locked'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

      try {
        await expect(sut.validateCredentials('alice@example.com', PASSWORD, IP)).resolves.toEqual({
          id: 1,
          username: 'Alice',
          email: 'alice@example.com',
          emailVerified: false,
        });

        expect(users.updatePasswordHash).toHaveBeenCalledWith(1, NEW_HASH);
        expect(limiter.recordSuccess).toHaveBeenCalledWith('alice@example.com', IP);
        expect(audit.record).toHaveBeenCalledWith('authn_login_success', {
          userId: 1,
          email: 'alice@example.com',
        });
        expect(warn).toHaveBeenCalledTimes(1);
        const logged = JSON.stringify(warn.mock.calls);
        expect(logged).toContain('database is locked');
        for (const secret of [PASSWORD, HASH, NEW_HASH]) {
          expect(logged).not.toContain(secret);
        }
      } finally {
        warn.mockRestore();
      }
    });

    it('keeps a stored hash that is strong enough', async () => {
      givenAlice();

      await sut.validateCredentials('alice@example.com', PASSWORD, IP);

      expect(passwords.hash).not.toHaveBeenCalled();
      expect(users.updatePasswordHash).not.toHaveBeenCalled();
    });

    it('never re-hashes after a wrong password', async () => {
      givenAlice();
      passwords.needsRehash.mockReturnValue(true);

      await sut.validateCredentials('alice@example.com', 'nope-nope-nope', IP);

      expect(passwords.hash).not.toHaveBeenCalled();
      expect(users.updatePasswordHash).not.toHaveBeenCalled();
    });
  });

  it('never puts a password or a hash in an audit event', async () => {
    passwords.needsRehash.mockReturnValue(true);
    passwords.hash.mockResolvedValue(NEW_HASH);
    givenAlice();
    await sut.validateCredentials('alice@example.com', PASSWORD, IP);
    await sut.validateCredentials('alice@example.com', 'nope-nope-nope', IP);
    users.findByEmailWithPasswordHash.mockResolvedValue(null);
    await sut.validateCredentials('nobody@example.com', PASSWORD, IP);

    const recorded = JSON.stringify(audit.record.mock.calls);
    expect(audit.record.mock.calls.map(([event]) => event)).toEqual([
      'authn_login_success',
      'authn_login_fail',
      'authn_login_fail',
    ]);
    for (const secret of [PASSWORD, 'nope-nope-nope', HASH, NEW_HASH]) {
      expect(recorded).not.toContain(secret);
    }
  });
});
