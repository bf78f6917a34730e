import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, InsertResult, QueryFailedError, Repository } from 'typeorm';
import { FormError } from '../web/form-error';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../infra/database/data-source-options';
import { User } from './user.entity';
import { NewUser, UsersService } from './users.service';
import { userFactory } from '../../test/factories/user.factory';

const newUserFactory = (overrides: Partial<NewUser> = {}): NewUser => ({
  username: 'Alice',
  email: 'alice@example.com',
  passwordHash: '$2b$04$C6UzMDM.H6dfI/f/IKxGhuQJ7ZGaQbWLU4gnh/Ey9bVl8Pw5vdk8O',
  ...overrides,
});

const insertResult = (id: number): InsertResult =>
  Object.assign(new InsertResult(), { identifiers: [{ id }], generatedMaps: [{ id }], raw: id });

const queryFailed = (driverError: Record<string, unknown>) =>
  new QueryFailedError('INSERT INTO "users" ...', [], Object.assign(new Error(), driverError));

/** The field messages of the FormError that `promise` rejects with. */
async function fieldErrorsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormError);
  return (error as FormError).fields;
}

type UsersRepository = jest.Mocked<
  Pick<Repository<User>, 'find' | 'findOne' | 'findOneBy' | 'insert'>
>;

describe(UsersService.name, () => {
  let sut: UsersService;
  let repository: UsersRepository;

  beforeEach(async () => {
    repository = {
      find: jest.fn().mockResolvedValue([]),
      findOne: jest.fn().mockResolvedValue(null),
      findOneBy: jest.fn().mockResolvedValue(null),
      insert: jest.fn().mockResolvedValue(insertResult(7)),
    };
    const module = await Test.createTestingModule({
      providers: [UsersService, { provide: getRepositoryToken(User), useValue: repository }],
    }).compile();
    sut = module.get(UsersService);
  });

  describe('assertAvailable', () => {
    it('passes when no account has the username or the email', async () => {
      await expect(sut.assertAvailable('Alice', 'alice@example.com')).resolves.toBeUndefined();
    });

    it('looks the username up by its lower-cased key', async () => {
      await sut.assertAvailable('ALICE', 'alice@example.com');

      expect(repository.find).toHaveBeenCalledWith(
        expect.objectContaining({
          where: expect.arrayContaining([{ usernameKey: 'alice' }, { email: 'alice@example.com' }]),
        }),
      );
    });

    it('names the username when it is taken, in any case', async () => {
      repository.find.mockResolvedValue([userFactory({ usernameKey: 'alice', email: 'a@x.io' })]);

      await expect(fieldErrorsOf(sut.assertAvailable('ALICE', 'new@example.com'))).resolves.toEqual(
        {
          username: ['Username already taken!'],
        },
      );
    });

    it('names the email when it is taken', async () => {
      repository.find.mockResolvedValue([userFactory({ usernameKey: 'bob' })]);

      await expect(
        fieldErrorsOf(sut.assertAvailable('Alice', 'alice@example.com')),
      ).resolves.toEqual({ email: ['Email already registered!'] });
    });

    it('names both when both are taken, even by two accounts', async () => {
      repository.find.mockResolvedValue([
        userFactory({ id: 1, usernameKey: 'alice', email: 'other@example.com' }),
        userFactory({ id: 2, usernameKey: 'bob', email: 'alice@example.com' }),
      ]);

      await expect(
        fieldErrorsOf(sut.assertAvailable('Alice', 'alice@example.com')),
      ).resolves.toEqual({
        username: ['Username already taken!'],
        email: ['Email already registered!'],
      });
    });

    it('answers 422', async () => {
      repository.find.mockResolvedValue([userFactory()]);

      await expect(sut.assertAvailable('Alice', 'alice@example.com')).rejects.toMatchObject({
        status: 422,
      });
    });
  });

  describe('create', () => {
    it('stores the username as typed, its lower-cased key, the email and the hash', async () => {
      const input = newUserFactory({ username: 'Alice.Smith' });

      await sut.create(input);

      expect(repository.insert).toHaveBeenCalledWith(
        expect.objectContaining({
          username: 'Alice.Smith',
          usernameKey: 'alice.smith',
          email: input.email,
          passwordHash: input.passwordHash,
        }),
      );
    });

    it('returns the new user as read back, without its password hash', async () => {
      repository.findOneBy.mockImplementation((where) =>
        Promise.resolve(userFactory(where as Partial<User>)),
      );

      const user = await sut.create(newUserFactory());

      expect(user).toMatchObject({ id: 7, username: 'Alice', email: 'alice@example.com' });
      expect(user.passwordHash).toBeUndefined();
    });

    it('turns a SQLite unique violation on the email into a form error', async () => {
      repository.insert.mockRejectedValue(
        queryFailed({
          code: 'SQLITE_CONSTRAINT',
          message: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email',
        }),
      );

      await expect(fieldErrorsOf(sut.create(newUserFactory()))).resolves.toEqual({
        email: ['Email already registered!'],
      });
    });

    it('turns a PostgreSQL unique violation on the username into a form error', async () => {
      repository.insert.mockRejectedValue(
        queryFailed({ code: '23505', constraint: 'UQ_users_username_key' }),
      );

      await expect(fieldErrorsOf(sut.create(newUserFactory()))).resolves.toEqual({
        username: ['Username already taken!'],
      });
    });

    it('rethrows any other failure as it is', async () => {
      const failure = queryFailed({
        code: 'SQLITE_BUSY',
        message: 'SQLITE_BUSY: database is locked',
      });
      repository.insert.mockRejectedValue(failure);

      await expect(sut.create(newUserFactory())).rejects.toBe(failure);
    });
  });

  describe('findByEmailWithPasswordHash', () => {
    it('is the query that asks for the password hash', async () => {
      const user = userFactory({ passwordHash: 'hash' });
      repository.findOne.mockResolvedValue(user);

      await expect(sut.findByEmailWithPasswordHash('alice@example.com')).resolves.toBe(user);
      expect(repository.findOne).toHaveBeenCalledWith(
        expect.objectContaining({
          where: { email: 'alice@example.com' },
          select: expect.objectContaining({ passwordHash: true }),
        }),
      );
    });
  });
});

// The mocks above echo our assumptions about the driver; these check them against real SQLite
// errors and the entity's `select: false`, on a database built by the real migrations.
describe(`${UsersService.name} on SQLite`, () => {
  let dir: string;
  let dataSource: DataSource;
  let sut: UsersService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'users-service-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}` });
    dataSource = new DataSource(dataSourceOptions(config, [User]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    sut = new UsersService(dataSource.getRepository(User));
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a user and returns it without the hash, which only the sign-in query loads', async () => {
    const input = newUserFactory({ username: 'Carol', email: 'carol@example.com' });

    const user = await sut.create(input);

    expect(user).toMatchObject({ username: 'Carol', email: 'carol@example.com' });
    expect(user.passwordHash).toBeUndefined();
    expect((await sut.findById(user.id))?.passwordHash).toBeUndefined();
    expect((await sut.findByEmailWithPasswordHash('carol@example.com'))?.passwordHash).toBe(
      input.passwordHash,
    );
  });

  it('refuses a second account with the same username in another case', async () => {
    await sut.create(newUserFactory({ username: 'Dave', email: 'dave@example.com' }));

    await expect(
      fieldErrorsOf(sut.create(newUserFactory({ username: 'DAVE', email: 'other@example.com' }))),
    ).resolves.toEqual({ username: ['Username already taken!'] });
  });

  it('refuses a second account with the same email', async () => {
    await sut.create(newUserFactory({ username: 'Erin', email: 'erin@example.com' }));

    await expect(
      fieldErrorsOf(sut.create(newUserFactory({ username: 'Erin2', email: 'erin@example.com' }))),
    ).resolves.toEqual({ email: ['Email already registered!'] });
  });
});
