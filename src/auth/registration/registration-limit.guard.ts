import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AppConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { CounterStore } from '../../rate-limits/counter.store';

const HOUR = 60 * 60 * 1000;

/** At most THROTTLE_REGISTER_PER_HOUR registration attempts per client IP an hour. */
@Injectable()
export class RegistrationLimitGuard implements CanActivate {
  constructor(
    private readonly counters: CounterStore,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { ip } = context.switchToHttp().getRequest<Request>();
    const attempts = await this.counters.hit(`register:${ip}`, HOUR, 'fixed');
    if (attempts.count <= this.config.limits.registrationsPerHour) {
      return true;
    }
    this.audit.record('authn_throttled', { reason: 'registrations_per_ip' });
    throw new TooManyAttemptsException(
      'Too many registrations from your network.',
      attempts.resetAt,
    );
  }
}
