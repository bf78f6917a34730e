import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuditLog } from '../../observability/audit-log';
import { CounterStore } from '../../rate-limits/counter.store';
import { UsersService } from '../../users/users.service';
import { AuthService } from '../core/auth.service';
import { endSession } from '../core/login-session';
import { sessionUserOf } from '../core/session.serializer';
import { SignInLimiter } from '../core/sign-in-limiter';
import { TwoFactorService } from '../core/two-factor/two-factor.service';
import { SECOND_STEP_MS, SECOND_STEP_TRIES, SecondStep } from './second-step';

/** What a code sent at the second step did. */
export type SecondStepOutcome = 'signed_in' | 'wrong_code' | 'too_many' | 'ended';

/**
 * The second step of a sign-in: each code counts as a sign-in attempt with the account's
 * address (the same per-minute limit and lockout as the password); a right one completes the
 * sign-in under a new session id, the fifth wrong one ends the attempt.
 */
@Injectable()
export class SecondStepService {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly limiter: SignInLimiter,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly counters: CounterStore,
    private readonly audit: AuditLog,
  ) {}

  async submit(req: Request, step: SecondStep, code: string): Promise<SecondStepOutcome> {
    const ip = req.ip ?? '';
    await this.limiter.admit(step.email, ip);
    // Counted in the counter store, not the session, so that codes sent at once count each.
    const tries = await this.counters.hit(`second-step:${req.sessionID}`, SECOND_STEP_MS, 'fixed');
    if (tries.count > SECOND_STEP_TRIES) {
      await endSession(req);
      return 'too_many';
    }
    const user = await this.users.findById(step.userId);
    // A password changed since this step began (a reset, say) ends it: it was the old one's.
    if (!user || user.disabledAt || (user.passwordChangedAt?.getTime() ?? 0) > step.startedAt) {
      await endSession(req);
      return 'ended';
    }
    const factor = await this.twoFactor.verify(step.userId, code);
    if (factor) {
      await this.audit.record('authn_mfa_success', { userId: user.id, reason: factor });
      await this.auth.completeSignIn(user, ip);
      await this.auth.startSession(req, sessionUserOf(user), { remember: step.remember });
      return 'signed_in';
    }
    const details = { userId: step.userId, email: step.email };
    if (tries.count >= SECOND_STEP_TRIES) {
      await this.audit.record('authn_mfa_fail', { ...details, reason: 'too_many' });
      await endSession(req);
      return 'too_many';
    }
    await this.audit.record('authn_mfa_fail', details);
    return 'wrong_code';
  }
}
