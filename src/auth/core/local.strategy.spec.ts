import type { Request } from 'express';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';

/** The parts of a request the strategy reads besides the email and password. */
const requestFactory = (overrides: Partial<Request> = {}): Request =>
  ({ ip: '203.0.113.7', ...overrides }) as Request;

describe(LocalStrategy.name, () => {
  const user: Express.User = {
    id: 1,
    username: 'Alice',
    email: 'alice@example.com',
    emailVerified: false,
  };
  let auth: jest.Mocked<Pick<AuthService, 'validateCredentials'>>;
  let sut: LocalStrategy;

  beforeEach(() => {
    auth = { validateCredentials: jest.fn() };
    sut = new LocalStrategy(auth as unknown as AuthService);
  });

  it('returns what AuthService.validateCredentials finds for the email, password and IP', async () => {
    auth.validateCredentials.mockResolvedValue(user);

    await expect(
      sut.validate(requestFactory(), 'alice@example.com', 'violet-kettle-42'),
    ).resolves.toBe(user);
    expect(auth.validateCredentials).toHaveBeenCalledWith(
      'alice@example.com',
      'violet-kettle-42',
      '203.0.113.7',
    );
  });

  it('is handed the request by Passport, so the client IP reaches AuthService', async () => {
    auth.validateCredentials.mockResolvedValue(user);
    // What Passport's middleware attaches to the strategy before it authenticates a request.
    const outcome = new Promise<unknown>((resolve, reject) => {
      sut.success = resolve;
      sut.fail = () => reject(new Error('failed'));
      sut.error = reject;
    });

    sut.authenticate(
      requestFactory({ body: { email: 'alice@example.com', password: 'violet-kettle-42' } }),
    );

    await expect(outcome).resolves.toBe(user);
    expect(auth.validateCredentials).toHaveBeenCalledWith(
      'alice@example.com',
      'violet-kettle-42',
      '203.0.113.7',
    );
  });

  it('returns null when AuthService finds no account', async () => {
    auth.validateCredentials.mockResolvedValue(null);

    await expect(sut.validate(requestFactory(), 'alice@example.com', 'wrong')).resolves.toBeNull();
  });

  it('passes an empty IP when the request has none', async () => {
    auth.validateCredentials.mockResolvedValue(null);

    await sut.validate(requestFactory({ ip: undefined }), 'alice@example.com', 'wrong');

    expect(auth.validateCredentials).toHaveBeenCalledWith('alice@example.com', 'wrong', '');
  });

  it('lets a refusal from AuthService (too many attempts) through', async () => {
    const refused = new Error('Too many failed sign-ins.');
    auth.validateCredentials.mockRejectedValue(refused);

    await expect(sut.validate(requestFactory(), 'alice@example.com', 'wrong')).rejects.toBe(
      refused,
    );
  });
});
