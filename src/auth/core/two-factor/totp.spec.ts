import { Secret } from 'otpauth';
import { newTotpSecret, totpCode, totpUri, verifiedTotpStep } from './totp';

/** RFC 6238's SHA-1 key, "12345678901234567890" in ASCII, as base32. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;

describe('TOTP', () => {
  // RFC 6238, appendix B (SHA-1): the last 6 of its 8 digits, which is what 6 digits are.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('gives the RFC 6238 code at %i s: %s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
    expect(verifiedTotpStep(RFC_SECRET, code, null, seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  const now = 1_800_000_015_000;
  const step = Math.floor(now / 30_000);

  it('accepts the code of one step before or after, not two', () => {
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), null, now)).toBe(
      step - 1,
    );
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), null, now)).toBe(
      step + 1,
    );
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), null, now)).toBeNull();
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), null, now)).toBeNull();
  });

  it('refuses a code of the step last accepted, or of an earlier one: each is used once', () => {
    const code = totpCode(RFC_SECRET, now);
    expect(verifiedTotpStep(RFC_SECRET, code, step, now)).toBeNull();
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), step, now)).toBeNull();
    expect(verifiedTotpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), step, now)).toBe(
      step + 1,
    );
  });

  it.each([[''], ['12345'], ['1234567'], ['12345a'], [' 123456'], ['１２３４５６']])(
    'refuses %p, which is no 6-digit code',
    (code) => {
      expect(verifiedTotpStep(RFC_SECRET, code, null, now)).toBeNull();
    },
  );

  it('makes 160-bit base32 secrets, each new, and the otpauth:// address apps read', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'alice@example.com', 'Nest Auth'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Nest Auth');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(decodeURIComponent(uri.pathname)).toContain('alice@example.com');
  });
});
