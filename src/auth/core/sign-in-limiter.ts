import { Injectable } from '@nestjs/common';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { clientNetwork } from '../../rate-limits/client-network';
import { CounterStore } from '../../rate-limits/counter.store';

const MINUTE = 60 * 1000;

/**
 * Brute-force limits on sign-in, the same for known and unknown emails:
 * - per client network (an IPv4 address, an IPv6 /64): at most
 *   THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE attempts a minute, whatever the email, counted first,
 *   so that one client trying many emails stores at most that many new counters a minute;
 * - per (email, client IP): at most THROTTLE_LOGIN_PER_MINUTE attempts a minute without a success;
 * - per account, whatever the IP: after LOCKOUT_THRESHOLD consecutive attempts without a success
 *   (less than LOCKOUT_MINUTES apart), it is locked for LOCKOUT_MINUTES, the right password
 *   included.
 * Attempts are counted before the password is checked, so guesses sent in parallel count too.
 */
@Injectable()
export class SignInLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async admit(email: string, ip: string): Promise<void> {
    const {
      loginAttemptsPerMinute,
      loginAttemptsPerNetworkPerMinute,
      lockoutThreshold,
      lockoutMs,
    } = this.config.limits;
    const fromNetwork = await this.counters.hit(networkName(ip), MINUTE, 'fixed');
    if (fromNetwork.count > loginAttemptsPerNetworkPerMinute) {
      throw this.refuse(email, 'network_attempts', fromNetwork.resetAt);
    }
    const lock = await this.counters.peek(lockName(email));
    if (lock) {
      throw this.refuse(email, 'account_locked', lock.resetAt);
    }

    const attempts = await this.counters.hit(pairName(email, ip), MINUTE, 'fixed');
    if (attempts.count > loginAttemptsPerMinute) {
      throw this.refuse(email, 'too_many_attempts', attempts.resetAt);
    }

    const failures = await this.counters.hit(failuresName(email), lockoutMs, 'sliding');
    if (failures.count > lockoutThreshold) {
      const lock = await this.counters.hit(lockName(email), lockoutMs, 'fixed');
      // Attempts arriving together may all cross the threshold: only the first locks.
      if (lock.count === 1) {
        await this.counters.reset(failuresName(email));
        // Not awaited, as a failed sign-in: keeping it for an existing account's activity page
        // must not make its lockout answer later than an unknown address's.
        void this.audit.record('authn_login_lock', { email });
      }
      throw this.refuse(email, 'account_locked', lock.resetAt);
    }
  }

  /**
   * A sign-in that names no account (a passkey: the account is known only once its signature
   * is checked): only the per-network limit applies.
   */
  async admitFromNetwork(ip: string): Promise<void> {
    const fromNetwork = await this.counters.hit(networkName(ip), MINUTE, 'fixed');
    if (fromNetwork.count > this.config.limits.loginAttemptsPerNetworkPerMinute) {
      throw this.refuse('', 'network_attempts', fromNetwork.resetAt);
    }
  }

  /** The person proved who they are: the counts start again. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.counters.reset(pairName(email, ip)),
      this.counters.reset(failuresName(email)),
    ]);
  }

  /** Whether the account of this address is locked now, and its failed sign-ins since a success. */
  async lockout(email: string): Promise<{ lockedUntil: Date | null; failures: number }> {
    const [lock, failures] = await Promise.all([
      this.counters.peek(lockName(email)),
      this.counters.peek(failuresName(email)),
    ]);
    return {
      lockedUntil: lock ? new Date(lock.resetAt) : null,
      failures: failures?.count ?? 0,
    };
  }

  /** Lifts the lockout (an operator's `unlock`): the failed sign-ins are forgotten too. */
  async unlock(email: string): Promise<void> {
    await Promise.all([
      this.counters.reset(lockName(email)),
      this.counters.reset(failuresName(email)),
    ]);
  }

  private refuse(email: string, reason: string, resetAt: number): TooManyAttemptsException {
    void this.audit.record('authn_throttled', { ...(email ? { email } : {}), reason });
    return new TooManyAttemptsException(
      reason === 'account_locked'
        ? 'This account is locked after too many failed sign-ins.'
        : reason === 'network_attempts'
          ? 'Too many sign-ins from your network.'
          : 'Too many failed sign-ins.',
      resetAt,
    );
  }
}

const networkName = (ip: string) => `login-network:${clientNetwork(ip)}`;
const pairName = (email: string, ip: string) => `login:${email}:${ip}`;
const failuresName = (email: string) => `login-failures:${email}`;
const lockName = (email: string) => `login-lock:${email}`;
