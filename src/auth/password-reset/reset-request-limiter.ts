import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { clientNetwork } from '../../rate-limits/client-network';
import { CounterStore } from '../../rate-limits/counter.store';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';

const HOUR = 60 * 60 * 1000;

/**
 * Limits on password-reset requests, counted before anything is looked up, so that known and
 * unknown addresses are limited alike and the refusal tells nothing:
 * - per client network (an IPv4 address, an IPv6 /64): THROTTLE_RESET_PER_NETWORK_PER_HOUR,
 *   counted first, so that one client trying many addresses stores at most that many counters;
 * - per address: THROTTLE_RESET_PER_ADDRESS_PER_HOUR, so that nobody can fill a mailbox.
 */
@Injectable()
export class ResetRequestLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async admit(email: string, ip: string): Promise<void> {
    const { resetRequestsPerNetworkPerHour, resetRequestsPerAddressPerHour } = this.config.limits;
    const fromNetwork = await this.counters.hit(
      `reset-network:${clientNetwork(ip)}`,
      HOUR,
      'fixed',
    );
    if (fromNetwork.count > resetRequestsPerNetworkPerHour) {
      await this.audit.record('authn_throttled', { email, reason: 'reset_requests_per_network' });
      throw new TooManyAttemptsException(
        'Too many password reset requests from your network.',
        fromNetwork.resetAt,
      );
    }
    const forAddress = await this.counters.hit(`reset:${email}`, HOUR, 'fixed');
    if (forAddress.count > resetRequestsPerAddressPerHour) {
      await this.audit.record('authn_throttled', { email, reason: 'reset_requests_per_address' });
      throw new TooManyAttemptsException(
        'Too many password reset requests for this address.',
        forAddress.resetAt,
      );
    }
  }
}
