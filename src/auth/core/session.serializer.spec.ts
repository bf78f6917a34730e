import * as sessionStore from '../../sessions/session-store';
import { UsersService } from '../../users/users.service';
import { SessionSerializer } from './session.serializer';
import { userFactory } from '../../../test/factories/user.factory';

describe(SessionSerializer.name, () => {
  let users: jest.Mocked<Pick<UsersService, 'findById'>>;
  let sut: SessionSerializer;

  beforeEach(() => {
    users = { findById: jest.fn().mockResolvedValue(null) };
    sut = new SessionSerializer(users as unknown as UsersService);
  });

  /** The (error, value) that deserializeUser hands to its callback. */
  const deserialize = (id: unknown) =>
    new Promise<[unknown, unknown]>((resolve) =>
      sut.deserializeUser(id, (error, value) => resolve([error, value])),
    );

  it('keeps only the user id in the session', () => {
    const done = jest.fn();

    sut.serializeUser(
      { id: 42, username: 'Alice', email: 'alice@example.com', emailVerified: true },
      done,
    );

    expect(done).toHaveBeenCalledWith(null, 42);
  });

  it.each([['42'], [null], [undefined], [1.5], [Number.MAX_SAFE_INTEGER + 1], [{ id: 1 }]])(
    'makes the request anonymous for the id %p, without a query',
    async (id) => {
      await expect(deserialize(id)).resolves.toEqual([null, false]);
      expect(users.findById).not.toHaveBeenCalled();
    },
  );

  it('makes the request anonymous when the account no longer exists', async () => {
    await expect(deserialize(7)).resolves.toEqual([null, false]);
    expect(users.findById).toHaveBeenCalledWith(7);
  });

  it('makes the request anonymous when an operator disabled the account', async () => {
    users.findById.mockResolvedValue(userFactory({ id: 7, disabledAt: new Date() }));

    await expect(deserialize(7)).resolves.toEqual([null, false]);
  });

  it('loads the user, without the fields the request does not need', async () => {
    users.findById.mockResolvedValue(userFactory({ id: 7, passwordHash: 'hash' }));

    await expect(deserialize(7)).resolves.toEqual([
      null,
      { id: 7, username: 'Alice', email: 'alice@example.com', emailVerified: false },
    ]);
  });

  it('says whether the address is verified', async () => {
    users.findById.mockResolvedValue(userFactory({ id: 7, emailVerifiedAt: new Date() }));

    await expect(deserialize(7)).resolves.toEqual([
      null,
      { id: 7, username: 'Alice', email: 'alice@example.com', emailVerified: true },
    ]);
  });

  it('takes the user the session store loaded with the session, without a query', async () => {
    const loaded = { id: 7, username: 'Alice', email: 'alice@example.com', emailVerified: true };
    const spy = jest.spyOn(sessionStore, 'userLoadedWithSession').mockReturnValue(loaded);
    try {
      await expect(deserialize(7)).resolves.toEqual([null, loaded]);
      expect(users.findById).not.toHaveBeenCalled();

      // Loaded for another id (it cannot be, but if it were): looked up by the session's id.
      users.findById.mockResolvedValue(userFactory({ id: 9 }));
      await expect(deserialize(9)).resolves.toEqual([
        null,
        { id: 9, username: 'Alice', email: 'alice@example.com', emailVerified: false },
      ]);
      expect(users.findById).toHaveBeenCalledWith(9);
    } finally {
      spy.mockRestore();
    }
  });

  it('passes a database failure on', async () => {
    const failure = new Error('SQLITE_BUSY');
    users.findById.mockRejectedValue(failure);

    await expect(deserialize(7)).resolves.toEqual([failure, undefined]);
  });
});
