import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { userInfo } from 'node:os';
import { AccountActivity } from '../activity/account-activity';
import { AccountsService } from '../auth/core/accounts.service';
import { NewAccountDto } from '../auth/core/new-account.dto';
import { PasskeysService } from '../auth/core/passkeys/passkeys.service';
import { PasswordService } from '../auth/core/passwords/password.service';
import { SignInLimiter } from '../auth/core/sign-in-limiter';
import { TwoFactorService } from '../auth/core/two-factor/two-factor.service';
import { AuditLog } from '../observability/audit-log';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { FormError } from '../web/form-error';

import { OperatorError } from './operator-error';

/** What `show` tells of an account. */
export interface AccountReport {
  user: User;
  /** Unused recovery codes, when two-factor is on. */
  recoveryCodesLeft: number;
  passkeys: number;
  liveSessions: number;
  lastSignIn: { at: Date; ip: string | null } | null;
  lockedUntil: Date | null;
  failedSignIns: number;
}

/** One line of `list`: the account, and whether a lockout holds it now. */
export interface ListedAccount {
  user: User;
  locked: boolean;
}

/**
 * The operator's actions on accounts, for `npm run account`: each finds the account by its
 * address (an unknown one is an OperatorError), does its work through the same services as the
 * pages, and records an `authz_admin` audit event naming the action and the operator.
 */
@Injectable()
export class OperatorService {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly limiter: SignInLimiter,
    private readonly passwords: PasswordService,
    private readonly twoFactor: TwoFactorService,
    private readonly passkeys: PasskeysService,
    private readonly activity: AccountActivity,
    private readonly audit: AuditLog,
  ) {}

  async list(
    text: string,
    page: number,
    perPage: number,
  ): Promise<{ accounts: ListedAccount[]; total: number }> {
    const { users, total } = await this.users.list(text, { page, perPage });
    const accounts = await Promise.all(
      users.map(async (user) => ({
        user,
        locked: (await this.limiter.lockout(user.email)).lockedUntil !== null,
      })),
    );
    await this.record('list');
    return { accounts, total };
  }

  async show(email: string): Promise<AccountReport> {
    const user = await this.find(email);
    const [sessions, lastSignIn, lockout, recoveryCodesLeft, passkeys] = await Promise.all([
      this.sessions.list(user.id),
      this.activity.lastSignIn(user.id),
      this.limiter.lockout(user.email),
      this.twoFactor.recoveryCodesLeft(user.id),
      this.passkeys.count(user.id),
    ]);
    await this.record('show', user);
    return {
      user,
      recoveryCodesLeft,
      passkeys,
      liveSessions: sessions.length,
      lastSignIn: lastSignIn && { at: new Date(Number(lastSignIn.createdAt)), ip: lastSignIn.ip },
      lockedUntil: lockout.lockedUntil,
      failedSignIns: lockout.failures,
    };
  }

  /** Lifts a lockout after failed sign-ins; false when there was none to lift. */
  async unlock(email: string): Promise<boolean> {
    const user = await this.find(email);
    const { lockedUntil, failures } = await this.limiter.lockout(user.email);
    await this.limiter.unlock(user.email);
    await this.record('unlock', user);
    return lockedUntil !== null || failures > 0;
  }

  /** The account can no longer sign in, and its sessions end at once. */
  async disable(email: string): Promise<{ changed: boolean; sessionsEnded: number }> {
    const user = await this.find(email);
    const result = await this.accounts.disable(user.id);
    await this.record('disable', user);
    return result;
  }

  /** A disabled account may sign in again; false when it was not disabled. */
  async enable(email: string): Promise<boolean> {
    const user = await this.find(email);
    const changed = await this.users.setDisabled(user.id, false);
    await this.record('enable', user);
    return changed;
  }

  /** Ends every session of the account (a stolen cookie, say); returns how many. */
  async endSessions(email: string): Promise<number> {
    const user = await this.find(email);
    const ended = await this.sessions.endAll(user.id, 'operator');
    await this.record('end_sessions', user);
    return ended;
  }

  /**
   * Turns two-factor sign-in off for an owner who lost their device and recovery codes (once
   * the operator is sure who is asking); false when it was off.
   */
  async disableTwoFactor(email: string): Promise<boolean> {
    const user = await this.find(email);
    const changed = await this.twoFactor.disable(user.id);
    await this.record('two_factor_off', user);
    return changed;
  }

  /** Marks the address verified, as following the mailed link would; false when it was. */
  async verify(email: string): Promise<boolean> {
    const user = await this.find(email);
    const changed = await this.users.markEmailVerified(user.id, user.email);
    await this.record('verify', user);
    return changed;
  }

  /** The account, its sessions, tokens and activity go. */
  async delete(email: string): Promise<User> {
    const user = await this.find(email);
    // Recorded first: with the account gone, the event would have nobody to name.
    await this.record('delete', user);
    await this.accounts.delete(user.id);
    return user;
  }

  /**
   * Makes an account with the registration's rules (an address or username in use is refused
   * the same way); its address is not verified unless `verified`.
   */
  async create(fields: NewAccountDto, verified: boolean): Promise<User> {
    const form = plainToInstance(NewAccountDto, fields);
    const errors = await validate(form);
    if (errors.length > 0) {
      throw new OperatorError(
        errors.map((error) => Object.values(error.constraints ?? {})[0]).join('\n'),
      );
    }
    let user: User;
    try {
      await this.users.assertAvailable(form.username, form.email);
      user = await this.users.create({
        username: form.username,
        email: form.email,
        passwordHash: await this.passwords.hash(form.password),
      });
    } catch (error) {
      if (error instanceof FormError) {
        throw new OperatorError(Object.values(error.fields).flat().join('\n'));
      }
      throw error;
    }
    if (verified) {
      await this.users.markEmailVerified(user.id, user.email);
    }
    await this.audit.record('user_created', { userId: user.id, email: user.email });
    await this.record('create', user);
    return (await this.users.findById(user.id)) ?? user;
  }

  private async find(email: string): Promise<User> {
    const address = email.trim().toLowerCase();
    const user = address === '' ? null : await this.users.findByEmail(address);
    if (!user) {
      throw new OperatorError(`No account has the address ${JSON.stringify(email)}.`);
    }
    return user;
  }

  private record(action: string, user?: User): Promise<void> {
    return this.audit.record('authz_admin', {
      ...(user ? { userId: user.id, email: user.email } : {}),
      reason: action,
      operator: operatorName(),
    });
  }
}

/** Who ran the command: the user behind `sudo`, else the account the process runs as. */
function operatorName(): string {
  try {
    return process.env.SUDO_USER || userInfo().username;
  } catch {
    return 'unknown';
  }
}
