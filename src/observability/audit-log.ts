import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { currentRequest } from './request-context';

export const APP_LOGGER = Symbol('APP_LOGGER');

/** Security events, named as in the OWASP logging vocabulary. */
export type SecurityEvent =
  | 'authn_login_success'
  | 'authn_login_fail'
  | 'authn_login_lock'
  | 'authn_throttled'
  | 'authn_password_change'
  | 'authn_token_created'
  | 'authn_token_reuse'
  | 'session_created'
  | 'session_expired'
  | 'session_destroyed'
  | 'malicious_csrf'
  | 'user_created'
  | 'user_updated';

export interface SecurityEventDetails {
  userId?: number;
  /** The email a sign-in, registration or password reset was for, normalised. */
  email?: string;
  reason?: string;
  /** session_created: whether the sign-in asked to be remembered ("Remember me"). */
  remembered?: boolean;
}

/**
 * Writes one JSON line per security event with the user, the client IP, the request id and the
 * UTC time. Callers pass only the details above: never a password, hash, session id or token.
 * JSON escapes control characters, so a crafted email cannot forge a line.
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  record(event: SecurityEvent, details: SecurityEventDetails = {}): void {
    const req = currentRequest();
    this.logger.info(
      { audit: true, event, ...details, ip: req?.ip, requestId: req?.id },
      `security event ${event}`,
    );
    // Written at once, not with the next batch of request lines.
    this.logger.flush();
  }
}
