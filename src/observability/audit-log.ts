import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Request } from 'express';
import { currentRequest } from './request-context';

export const APP_LOGGER = Symbol('APP_LOGGER');

/** Security events, named as in the OWASP logging vocabulary. */
export type SecurityEvent =
  | 'authn_login_success'
  | 'authn_login_fail'
  | 'authn_login_lock'
  /** The second step of a sign-in passed; `reason`: `totp` or `recovery_code`. */
  | 'authn_mfa_success'
  /** A wrong code at the second step of a sign-in. */
  | 'authn_mfa_fail'
  | 'authn_throttled'
  | 'authn_password_change'
  | 'authn_token_created'
  | 'authn_token_reuse'
  | 'session_created'
  | 'session_expired'
  | 'session_destroyed'
  | 'malicious_csrf'
  | 'user_created'
  | 'user_updated'
  | 'user_deleted'
  /** The owner downloaded their data (the account page's export). */
  | 'user_exported'
  /** An operator's command (`npm run account`); `reason` names it: `disable`, `unlock`... */
  | 'authz_admin';

export interface SecurityEventDetails {
  userId?: number;
  /** The email a sign-in, registration or password reset was for, normalised. */
  email?: string;
  reason?: string;
  /** session_created: whether the sign-in asked to be remembered ("Remember me"). */
  remembered?: boolean;
  /** session_destroyed: how many sessions one action ended, when more than one. */
  count?: number;
  /** authz_admin: the operator's name on the machine that ran the command. */
  operator?: string;
}

/**
 * Keeps security events somewhere besides the log (AccountActivity keeps each account's own, for
 * its activity page). `req` is the request that caused the event, when there is one.
 */
export type SecurityEventListener = (
  event: SecurityEvent,
  details: SecurityEventDetails,
  req: Request | undefined,
) => Promise<void>;

/**
 * Writes one JSON line per security event with the user, the client IP, the request id and the
 * UTC time, then hands it to the listeners. Callers pass only the details above: never a
 * password, hash, session id or token. JSON escapes control characters, so a crafted email
 * cannot forge a line.
 */
@Injectable()
export class AuditLog {
  private readonly listeners: SecurityEventListener[] = [];

  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  /** `record` waits for the listener; a listener that fails is logged, never thrown. */
  listen(listener: SecurityEventListener): void {
    this.listeners.push(listener);
  }

  async record(event: SecurityEvent, details: SecurityEventDetails = {}): Promise<void> {
    const req = currentRequest();
    this.logger.info(
      { audit: true, event, ...details, ip: req?.ip, requestId: req?.id },
      `security event ${event}`,
    );
    // Written at once, not with the next batch of request lines.
    this.logger.flush();
    for (const listener of this.listeners) {
      try {
        await listener(event, details, req);
      } catch (error) {
        // The line above has it: the page that caused it is not failed for a copy.
        this.logger.error(`A security event could not be kept: ${(error as Error).message}`);
      }
    }
  }
}
