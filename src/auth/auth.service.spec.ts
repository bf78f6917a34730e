import { Test } from '@nestjs/testing';
import { FormError } from '../common/form-error';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { RegisterDto } from './dto/register.dto';
import { PasswordService } from './passwords/password.service';

const HASH = '$2b$04$storedhashstoredhashstoredhashstoredhashstoredhashsto';

const userFactory = (overrides: Partial<User> = {}): User =>
  Object.assign(new User(), {
    id: 1,
    username: 'Alice',
    usernameKey: 'alice',
    email: 'alice@example.com',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  });

const registerFormFactory = (overrides: Partial<RegisterDto> = {}): RegisterDto =>
  Object.assign(new RegisterDto(), {
    username: 'Alice',
    email: 'alice@example.com',
    password: 'violet-kettle-42',
    confirmPassword: 'violet-kettle-42',
    ...overrides,
  });

describe(AuthService.name, () => {
  let sut: AuthService;
  let users: jest.Mocked<
    Pick<UsersService, 'assertAvailable' | 'create' | 'findByEmailWithPasswordHash'>
  >;
  let passwords: jest.Mocked<Pick<PasswordService, 'hash' | 'verify'>>;

  beforeEach(async () => {
    users = {
      assertAvailable: jest.fn().mockResolvedValue(undefined),
      create: jest.fn((values) =>
        Promise.resolve(userFactory({ ...values, passwordHash: undefined })),
      ),
      findByEmailWithPasswordHash: jest.fn().mockResolvedValue(null),
    };
    passwords = {
      hash: jest.fn().mockResolvedValue(HASH),
      verify: jest.fn().mockResolvedValue(false),
    };
    const module = await Test.createTestingModule({
      providers: [
        AuthService,
        { provide: UsersService, useValue: users },
        { provide: PasswordService, useValue: passwords },
      ],
    }).compile();
    sut = module.get(AuthService);
  });

  describe('register', () => {
    it('checks availability, then stores the hash of the password', async () => {
      const form = registerFormFactory();

      const user = await sut.register(form);

      expect(users.assertAvailable).toHaveBeenCalledWith('Alice', 'alice@example.com');
      expect(passwords.hash).toHaveBeenCalledWith('violet-kettle-42');
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

    it('spends no bcrypt work and creates nothing when the name is taken', async () => {
      const taken = new FormError({ username: ['Username already taken!'] });
      users.assertAvailable.mockRejectedValue(taken);

      await expect(sut.register(registerFormFactory())).rejects.toBe(taken);
      expect(passwords.hash).not.toHaveBeenCalled();
      expect(users.create).not.toHaveBeenCalled();
    });
  });

  describe('validateCredentials', () => {
    it('returns only the id, username and email for the right password', async () => {
      users.findByEmailWithPasswordHash.mockResolvedValue(userFactory({ passwordHash: HASH }));
      passwords.verify.mockResolvedValue(true);

      const result = await sut.validateCredentials('alice@example.com', 'violet-kettle-42');

      expect(result).toEqual({ id: 1, username: 'Alice', email: 'alice@example.com' });
      expect(passwords.verify).toHaveBeenCalledWith('violet-kettle-42', HASH);
    });

    it('returns null for a wrong password', async () => {
      users.findByEmailWithPasswordHash.mockResolvedValue(userFactory({ passwordHash: HASH }));
      passwords.verify.mockResolvedValue(false);

      await expect(
        sut.validateCredentials('alice@example.com', 'nope-nope-nope'),
      ).resolves.toBeNull();
    });

    it('returns null for an unknown email, after verifying against no hash', async () => {
      await expect(
        sut.validateCredentials('nobody@example.com', 'violet-kettle-42'),
      ).resolves.toBeNull();

      expect(passwords.verify).toHaveBeenCalledTimes(1);
      expect(passwords.verify).toHaveBeenCalledWith('violet-kettle-42', undefined);
    });

    it('returns null for an unknown email even if verify were to say yes', async () => {
      passwords.verify.mockResolvedValue(true);

      await expect(
        sut.validateCredentials('nobody@example.com', 'violet-kettle-42'),
      ).resolves.toBeNull();
    });
  });
});
