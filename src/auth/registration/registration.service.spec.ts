import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { userFactory } from '../../../test/factories/user.factory';
import { AuditLog } from '../../observability/audit-log';
import { UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { PasswordService } from '../core/passwords/password.service';
import { TokensService } from '../core/tokens/tokens.service';
import { VerificationMailer } from '../core/verification-mailer';
import { RegisterDto } from './register.dto';
import { RegistrationService } from './registration.service';

const HASH = '$2b$04$storedhashstoredhashstoredhashstoredhashstoredhashsto';
const PASSWORD = 'violet-kettle-42';

const registerFormFactory = (overrides: Partial<RegisterDto> = {}): RegisterDto =>
  Object.assign(new RegisterDto(), {
    username: 'Alice',
    email: 'alice@example.com',
    password: PASSWORD,
    confirmPassword: PASSWORD,
    ...overrides,
  });

describe(RegistrationService.name, () => {
  let sut: RegistrationService;
  let users: jest.Mocked<Pick<UsersService, 'assertAvailable' | 'create'>>;
  let passwords: jest.Mocked<Pick<PasswordService, 'hash'>>;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  let verification: jest.Mocked<Pick<VerificationMailer, 'send'>>;

  beforeEach(async () => {
    users = {
      assertAvailable: jest.fn().mockResolvedValue(undefined),
      create: jest.fn((values) =>
        Promise.resolve(userFactory({ ...values, passwordHash: undefined })),
      ),
    };
    passwords = { hash: jest.fn().mockResolvedValue(HASH) };
    audit = { record: jest.fn() };
    verification = { send: jest.fn().mockResolvedValue({ sent: true }) };
    const module = await Test.createTestingModule({
      providers: [
        RegistrationService,
        { provide: UsersService, useValue: users },
        { provide: PasswordService, useValue: passwords },
        { provide: AuditLog, useValue: audit },
        { provide: VerificationMailer, useValue: verification },
        { provide: TokensService, useValue: { heldForUndo: jest.fn().mockResolvedValue(false) } },
      ],
    }).compile();
    sut = module.get(RegistrationService);
  });

  it('checks availability, then stores the hash of the password', async () => {
    const form = registerFormFactory();

    const user = await sut.register(form);

    expect(users.assertAvailable).toHaveBeenCalledWith('Alice', 'alice@example.com');
    expect(passwords.hash).toHaveBeenCalledWith(PASSWORD);
    expect(users.assertAvailable.mock.invocationCallOrder[0]).toBeLessThan(
      passwords.hash.mock.invocationCallOrder[0],
    );
    expect(users.create).toHaveBeenCalledWith({
      username: 'Alice',
      email: 'alice@example.com',
      passwordHash: HASH,
    });
    expect(user).toMatchObject({ username: 'Alice', email: 'alice@example.com' });
  });

  it('records user_created with the new id and email', async () => {
    await sut.register(registerFormFactory());

    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith('user_created', {
      userId: 1,
      email: 'alice@example.com',
    });
  });

  it('mails the new account a link to verify its address', async () => {
    const user = await sut.register(registerFormFactory());

    expect(verification.send).toHaveBeenCalledTimes(1);
    expect(verification.send).toHaveBeenCalledWith(user);
    expect(verification.send.mock.invocationCallOrder[0]).toBeGreaterThan(
      users.create.mock.invocationCallOrder[0],
    );
  });

  it('still makes the account, with a warning, when the link cannot be made', async () => {
    verification.send.mockRejectedValue(new Error('SQLITE_BUSY: database is locked'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    try {
      await expect(sut.register(registerFormFactory())).resolves.toMatchObject({ id: 1 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('database is locked'));
    } finally {
      warn.mockRestore();
    }
  });

  it('spends no bcrypt work, creates nothing and records nothing when the name is taken', async () => {
    const taken = new FormError({ username: ['Username already taken!'] });
    users.assertAvailable.mockRejectedValue(taken);

    await expect(sut.register(registerFormFactory())).rejects.toBe(taken);
    expect(passwords.hash).not.toHaveBeenCalled();
    expect(users.create).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
    expect(verification.send).not.toHaveBeenCalled();
  });

  it('never puts the password or its hash in the audit event', async () => {
    await sut.register(registerFormFactory());

    const recorded = JSON.stringify(audit.record.mock.calls);
    expect(recorded).not.toContain(PASSWORD);
    expect(recorded).not.toContain(HASH);
  });
});
