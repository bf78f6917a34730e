import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomInt } from 'node:crypto';
import { IsNull, Not, Repository } from 'typeorm';
import { AuditLog } from '../../../observability/audit-log';
import { User } from '../../../users/user.entity';
import { RecoveryCode } from './recovery-code.entity';
import { SecretBox } from './secret-box';
import { verifiedTotpStep } from './totp';

/** How many recovery codes an account gets at a time. */
export const RECOVERY_CODES = 10;
/** Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i). */
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** How a second factor was proved. */
export type SecondFactor = 'totp' | 'recovery_code';

/**
 * Two-factor sign-in with TOTP and recovery codes: turning it on (with a code of the new
 * secret), off, new recovery codes, and checking a code at sign-in. The TOTP secret is stored
 * sealed (SecretBox); a TOTP code is accepted once (the step of the last one is kept, and moved
 * on in the same statement that checks it); a recovery code once (only its digest is stored).
 */
@Injectable()
export class TwoFactorService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
  ) {}

  /** Whether the account signs in with a second factor. */
  async isEnabled(userId: number): Promise<boolean> {
    const user = await this.users.findOne({
      where: { id: userId },
      select: { id: true, twoFactorEnabledAt: true },
    });
    return Boolean(user?.twoFactorEnabledAt);
  }

  /** Its unused recovery codes. */
  recoveryCodesLeft(userId: number): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  /** A secret sealed for keeping outside the database (in a session) until it is turned on. */
  seal(secret: string): string {
    return this.box.seal(secret);
  }

  open(sealed: string): string | null {
    return this.box.open(sealed);
  }

  /**
   * Turns two-factor on with `secret`, if `code` is its current code: the new recovery codes, to
   * be shown once; 'wrong_code'; or 'already_on' when it is on already.
   */
  async enable(
    userId: number,
    secret: string,
    code: string,
    now = Date.now(),
  ): Promise<string[] | 'wrong_code' | 'already_on'> {
    const step = verifiedTotpStep(secret, compact(code), null, now);
    if (step === null) {
      return 'wrong_code';
    }
    const { affected } = await this.users.update(
      { id: userId, twoFactorEnabledAt: IsNull() },
      { totpSecret: this.box.seal(secret), twoFactorEnabledAt: new Date(now), totpLastStep: step },
    );
    if (!affected) {
      return 'already_on';
    }
    const codes = await this.replaceRecoveryCodes(userId);
    await this.audit.record('user_updated', { userId, reason: 'two_factor_enabled' });
    return codes;
  }

  /** Turns two-factor off: the secret and the recovery codes go. False when it was off. */
  async disable(userId: number): Promise<boolean> {
    const { affected } = await this.users.update(
      { id: userId, twoFactorEnabledAt: Not(IsNull()) },
      { totpSecret: null, twoFactorEnabledAt: null, totpLastStep: null },
    );
    await this.codes.delete({ userId });
    if (!affected) {
      return false;
    }
    await this.audit.record('user_updated', { userId, reason: 'two_factor_disabled' });
    return true;
  }

  /** New recovery codes, the old ones worthless; null when two-factor is off. */
  async newRecoveryCodes(userId: number): Promise<string[] | null> {
    if (!(await this.isEnabled(userId))) {
      return null;
    }
    const codes = await this.replaceRecoveryCodes(userId);
    await this.audit.record('user_updated', { userId, reason: 'recovery_codes_renewed' });
    return codes;
  }

  /**
   * Which second factor `input` proves for the account: a TOTP code of the current step (or
   * one either side) not used before, or an unused recovery code, which is then used up; null
   * for anything else.
   */
  async verify(userId: number, input: string, now = Date.now()): Promise<SecondFactor | null> {
    const code = compact(input);
    if (/^\d{6}$/.test(code)) {
      return (await this.useTotpCode(userId, code, now)) ? 'totp' : null;
    }
    if (!/^[a-z0-9]{10}$/.test(code)) {
      return null;
    }
    const { affected } = await this.codes.update(
      { userId, digest: digestOf(code), usedAt: IsNull() },
      { usedAt: now },
    );
    return affected ? 'recovery_code' : null;
  }

  private async useTotpCode(userId: number, code: string, now: number): Promise<boolean> {
    const user = await this.users.findOne({
      where: { id: userId, twoFactorEnabledAt: Not(IsNull()) },
      select: { id: true, totpSecret: true, totpLastStep: true },
    });
    const secret = user?.totpSecret ? this.box.open(user.totpSecret) : null;
    if (!user || secret === null) {
      return false;
    }
    const step = verifiedTotpStep(secret, code, user.totpLastStep, now);
    if (step === null) {
      return false;
    }
    // Two requests with the same code at once: only one moves the step on.
    const { affected } = await this.users
      .createQueryBuilder()
      .update()
      .set({ totpLastStep: step })
      .where('id = :userId AND (totp_last_step IS NULL OR totp_last_step < :step)', {
        userId,
        step,
      })
      .execute();
    return Boolean(affected);
  }

  private async replaceRecoveryCodes(userId: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.codes.delete({ userId });
    await this.codes.insert(
      codes.map((code) => ({ userId, digest: digestOf(compact(code)), usedAt: null })),
    );
    return codes;
  }
}

/** `abcde-23456`: 10 characters of 31, about 49 bits. */
function newRecoveryCode(): string {
  const characters = Array.from(
    { length: 10 },
    () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)],
  );
  return `${characters.slice(0, 5).join('')}-${characters.slice(5).join('')}`;
}

/** What was typed, without spaces and dashes, in lower case. */
function compact(input: string): string {
  return input.replace(/[\s-]/g, '').toLowerCase();
}

function digestOf(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
