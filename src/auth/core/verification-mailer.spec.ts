import { MailService } from '../../infra/mail/mail.service';
import { CounterStore } from '../../rate-limits/counter.store';
import { TokensService } from './tokens/tokens.service';
import { VerificationMailer } from './verification-mailer';

const USER = { id: 7, username: 'Alice', email: 'alice@example.com' };
const TOKEN = 'V'.repeat(43);

describe(VerificationMailer.name, () => {
  let tokens: jest.Mocked<Pick<TokensService, 'issue'>>;
  let mail: jest.Mocked<Pick<MailService, 'send' | 'link'>>;
  let counters: jest.Mocked<Pick<CounterStore, 'hit'>>;
  let sut: VerificationMailer;

  beforeEach(() => {
    tokens = { issue: jest.fn().mockResolvedValue(TOKEN) };
    mail = {
      send: jest.fn(),
      link: jest.fn(
        (path: string, query: Record<string, string> = {}) =>
          `https://auth.example.test${path}?token=${query.token}`,
      ),
    };
    counters = { hit: jest.fn().mockResolvedValue({ count: 1, resetAt: Date.now() + 60_000 }) };
    sut = new VerificationMailer(
      tokens as unknown as TokensService,
      mail as unknown as MailService,
      counters as unknown as CounterStore,
    );
  });

  it('mails a link with a new verification token to the user’s address', async () => {
    await expect(sut.send(USER)).resolves.toEqual({ sent: true });

    expect(tokens.issue).toHaveBeenCalledWith('email_verification', 7);
    expect(mail.link).toHaveBeenCalledWith('/verify-email', { token: TOKEN });
    expect(mail.send).toHaveBeenCalledWith(
      expect.objectContaining({
        to: 'alice@example.com',
        subject: 'Confirm your email address',
        template: 'mail/notice',
      }),
    );
    const context = JSON.stringify(mail.send.mock.calls[0][0].context);
    expect(context).toContain(`https://auth.example.test/verify-email?token=${TOKEN}`);
    expect(context).toContain('within 24 hours');
  });

  it('counts the mails of each user in a window of a minute', async () => {
    await sut.send(USER);

    expect(counters.hit).toHaveBeenCalledWith('verify-mail:7', 60_000, 'fixed');
  });

  it('sends no second mail within the minute, and says when the next may go', async () => {
    const resetAt = Date.now() + 42_000;
    counters.hit.mockResolvedValue({ count: 2, resetAt });

    await expect(sut.send(USER)).resolves.toEqual({ sent: false, retryAt: resetAt });
    expect(tokens.issue).not.toHaveBeenCalled();
    expect(mail.send).not.toHaveBeenCalled();
  });
});
