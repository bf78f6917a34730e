import { User } from '../../src/users/user.entity';

/** A user as the repository returns it by default: without the password hash. */
export const userFactory = (overrides: Partial<User> = {}): User =>
  Object.assign(new User(), {
    id: 1,
    username: 'Alice',
    usernameKey: 'alice',
    email: 'alice@example.com',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    emailVerifiedAt: null,
    disabledAt: null,
    ...overrides,
  });
