import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuditLog } from '../../observability/audit-log';
import { UsersService } from '../../users/users.service';
import { AuthService } from '../core/auth.service';
import { endSession } from '../core/login-session';
import { sessionUserOf } from '../core/session.serializer';
import { SignInLimiter } from '../core/sign-in-limiter';
import { TwoFactorService } from '../core/two-factor/two-factor.service';
import { SECOND_STEP_TRIES, SecondStep } from './second-step';

/** What a code sent at the second step did. */
export type SecondStepOutcome = 'signed_in' | 'wrong_code' | 'too_many';

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
    private readonly audit: AuditLog,
  ) {}

  async submit(req: Request, step: SecondStep, code: string): Promise<SecondStepOutcome> {
    const ip = req.ip ?? '';
    await this.limiter.admit(step.email, ip);
    const factor = await this.twoFactor.verify(step.userId, code);
    const user = factor ? await this.users.findById(step.userId) : null;
    if (factor && user && !user.disabledAt) {
      await this.audit.record('authn_mfa_success', { userId: user.id, reason: factor });
      await this.auth.completeSignIn(user, ip);
      await this.auth.startSession(req, sessionUserOf(user), { remember: step.remember });
      return 'signed_in';
    }
    step.failures += 1;
    const details = { userId: step.userId, email: step.email };
    if (step.failures >= SECOND_STEP_TRIES) {
      await this.audit.record('authn_mfa_fail', { ...details, reason: 'too_many' });
      await endSession(req);
      return 'too_many';
    }
    await this.audit.record('authn_mfa_fail', details);
    return 'wrong_code';
  }
}
