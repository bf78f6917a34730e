import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as authenticator apps expect it: 6 digits, a 30-second step, HMAC-SHA-1. */
const DIGITS = 6;
const PERIOD_SECONDS = 30;
/** A code of the step before or after the current one is accepted too: clocks drift. */
const DRIFT_STEPS = 1;

/** A new secret: 160 random bits (RFC 4226's recommended length), as base32 text. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = '', issuer = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** The `otpauth://` address an authenticator app reads from the QR code. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totpOf(secret, account, issuer).toString();
}

/** The code of `secret` at `now` (ms since the epoch): for tests, and nothing else. */
export function totpCode(secret: string, now: number): string {
  return totpOf(secret).generate({ timestamp: now });
}

/**
 * The time step whose code `code` is, within one step of `now` either way, when it is later
 * than `lastStep` (the step of the code last accepted: a code is accepted once); else null.
 */
export function verifiedTotpStep(
  secret: string,
  code: string,
  lastStep: number | null,
  now: number,
): number | null {
  if (!/^\d{6}$/.test(code)) {
    return null;
  }
  const totp = totpOf(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: DRIFT_STEPS });
  if (delta === null) {
    return null;
  }
  const step = totp.counter({ timestamp: now }) + delta;
  return lastStep === null || step > lastStep ? step : null;
}
