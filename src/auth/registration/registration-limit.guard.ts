import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { clientNetwork } from '../../rate-limits/client-network';
import { CounterStore } from '../../rate-limits/counter.store';

const HOUR = 60 * 60 * 1000;

/**
 * At most THROTTLE_REGISTER_PER_HOUR registration attempts an hour per client network: an IPv4
 * address, or an IPv6 /64 (one host with many addresses gets no more).
 */
@Injectable()
export class RegistrationLimitGuard implements CanActivate {
  constructor(
    private readonly counters: CounterStore,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { ip } = context.switchToHttp().getRequest<Request>();
    const attempts = await this.counters.hit(`register:${clientNetwork(ip ?? '')}`, HOUR, 'fixed');
    if (attempts.count <= this.config.limits.registrationsPerHour) {
      return true;
    }
    await this.audit.record('authn_throttled', { reason: 'registrations_per_ip' });
    throw new TooManyAttemptsException(
      'Too many registrations from your network.',
      attempts.resetAt,
    );
  }
}
