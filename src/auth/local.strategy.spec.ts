import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';

describe(LocalStrategy.name, () => {
  const user: Express.User = { id: 1, username: 'Alice', email: 'alice@example.com' };
  let auth: jest.Mocked<Pick<AuthService, 'validateCredentials'>>;
  let sut: LocalStrategy;

  beforeEach(() => {
    auth = { validateCredentials: jest.fn() };
    sut = new LocalStrategy(auth as unknown as AuthService);
  });

  it('returns what AuthService.validateCredentials finds for the email and password', async () => {
    auth.validateCredentials.mockResolvedValue(user);

    await expect(sut.validate('alice@example.com', 'violet-kettle-42')).resolves.toBe(user);
    expect(auth.validateCredentials).toHaveBeenCalledWith('alice@example.com', 'violet-kettle-42');
  });

  it('returns null when AuthService finds no account', async () => {
    auth.validateCredentials.mockResolvedValue(null);

    await expect(sut.validate('alice@example.com', 'wrong')).resolves.toBeNull();
  });
});
