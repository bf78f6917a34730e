import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AuditLog } from '../../../observability/audit-log';
import { User } from '../../../users/user.entity';
import { Token, TokenPurpose } from './token.entity';

export type { TokenPurpose } from './token.entity';

const MINUTE = 60 * 1000;

/** How long a token of each purpose works after it is made. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  password_reset: 30 * MINUTE,
  email_verification: 24 * 60 * MINUTE,
  email_change: 24 * 60 * MINUTE,
  email_change_undo: 7 * 24 * 60 * MINUTE,
};

/** The user a valid token was made for, as pages and mails may name them. */
export interface TokenOwner {
  id: number;
  username: string;
  email: string;
}

/** What a valid token opens: its owner, and what it carries (an email change's address). */
export interface ValidToken extends TokenOwner {
  detail: string | null;
}

/** 256 random bits in base64url: what a link carries. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A token row with the user's columns that decide whether it still works. */
interface TokenRow {
  userId: number | string;
  boundTo: string;
  expiresAt: number | string;
  usedAt: number | string | null;
  detail: string | null;
  username: string;
  email: string;
  passwordHash: string;
}

/**
 * Single-use tokens for links sent by mail. A token is 256 random bits; only its SHA-256 is
 * stored, with its purpose, its user, when it expires and whether it was used. It works once,
 * before it expires, for its own purpose, and only while what it may change is as it was when
 * it was made: a reset token dies with any later password change (whatever made it: another
 * reset, a change in the settings, an operator), the others (verification, email change and its undo) when the address changes.
 */
@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(Token) private readonly tokens: Repository<Token>,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Makes a token of `purpose` for the user, carrying `detail` (an email change's address), and
   * returns it: the only time it is seen.
   */
  async issue(
    purpose: TokenPurpose,
    userId: number,
    detail: string | null = null,
  ): Promise<string> {
    const user = await this.tokens.manager.findOne(User, {
      where: { id: userId },
      select: { id: true, email: true, passwordHash: true },
    });
    if (!user) {
      throw new Error('A token was asked for a user that does not exist');
    }
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      digest: digestOf(token),
      purpose,
      userId,
      boundTo: bindingOf(purpose, user),
      expiresAt: Date.now() + TOKEN_LIFETIME_MS[purpose],
      detail,
      usedAt: null,
    });
    await this.audit.record('authn_token_created', { userId, reason: purpose });
    return token;
  }

  /** The owner of `token` when it would be accepted now, without using it; else undefined. */
  async find(purpose: TokenPurpose, token: unknown): Promise<ValidToken | undefined> {
    const row = await this.lookup(purpose, token);
    if (!row) {
      return undefined;
    }
    const owner = row.usedAt === null ? live(purpose, row) : undefined;
    if (!owner) {
      this.refused(purpose, row);
    }
    return owner;
  }

  /**
   * Uses `token`: its owner when it is accepted, else undefined. Of two requests that use one
   * token at once, only one gets its owner.
   */
  async use(purpose: TokenPurpose, token: unknown): Promise<ValidToken | undefined> {
    const owner = await this.find(purpose, token);
    if (!owner) {
      return undefined;
    }
    const { affected } = await this.tokens
      .createQueryBuilder()
      .update(Token)
      .set({ usedAt: Date.now() })
      .where('digest = :digest AND used_at IS NULL', { digest: digestOf(token as string) })
      .execute();
    if (affected !== 1) {
      await this.audit.record('authn_token_reuse', { userId: owner.id, reason: purpose });
      return undefined;
    }
    return owner;
  }

  /** Makes every unused token of `purpose` of the user worthless (a pending email change). */
  async revoke(purpose: TokenPurpose, userId: number): Promise<void> {
    await this.tokens.delete({ purpose, userId, usedAt: IsNull() });
  }

  /**
   * Whether `email` is held for the undo link of an email change: for as long as that link
   * works, the address it would restore is nobody else's to take.
   */
  async heldForUndo(email: string): Promise<boolean> {
    return this.tokens.exists({
      where: {
        purpose: 'email_change_undo',
        detail: email,
        usedAt: IsNull(),
        expiresAt: MoreThan(Date.now()),
      },
    });
  }

  /** The token's row and its user's current state; undefined for a malformed or unknown one. */
  private async lookup(purpose: TokenPurpose, token: unknown): Promise<TokenRow | undefined> {
    if (typeof token !== 'string' || !TOKEN.test(token)) {
      return undefined;
    }
    const row = await this.tokens
      .createQueryBuilder('t')
      .innerJoin(User, 'u', 'u.id = t.user_id')
      .select('t.user_id', 'userId')
      .addSelect('t.bound_to', 'boundTo')
      .addSelect('t.expires_at', 'expiresAt')
      .addSelect('t.used_at', 'usedAt')
      .addSelect('t.detail', 'detail')
      .addSelect('u.username', 'username')
      .addSelect('u.email', 'email')
      .addSelect('u.password_hash', 'passwordHash')
      .where('t.digest = :digest AND t.purpose = :purpose', { digest: digestOf(token), purpose })
      .getRawOne<TokenRow>();
    return row ?? undefined;
  }

  /** A used token that comes back is worth a line in the audit log; a stale one is not. */
  private refused(purpose: TokenPurpose, row: TokenRow): void {
    if (row.usedAt !== null) {
      void this.audit.record('authn_token_reuse', { userId: Number(row.userId), reason: purpose });
    }
  }
}

/** The owner of an unused token that has not expired and whose binding still holds. */
function live(purpose: TokenPurpose, row: TokenRow): ValidToken | undefined {
  const current = bindingOf(purpose, { email: row.email, passwordHash: row.passwordHash });
  if (Number(row.expiresAt) <= Date.now() || row.boundTo !== current) {
    return undefined;
  }
  return { id: Number(row.userId), username: row.username, email: row.email, detail: row.detail };
}

export function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * SHA-256 of what a token of `purpose` depends on (see Token.boundTo):
 * - a reset link and an email change, on the password and the address: a new password (the
 *   owner taking the account back) kills a pending change asked with the old one;
 * - a verification link, on the address it was sent to;
 * - the undo of an email change, on nothing but its account: whatever the address has become
 *   since (a second change by whoever made the first), the old address can take it back.
 */
function bindingOf(purpose: TokenPurpose, user: Pick<User, 'email' | 'passwordHash'>): string {
  switch (purpose) {
    case 'password_reset':
    case 'email_change':
      return digestOf(`${user.passwordHash}\n${user.email}`);
    case 'email_verification':
      return digestOf(user.email);
    case 'email_change_undo':
      return digestOf('the account');
  }
}
