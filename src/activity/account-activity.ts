import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { In, LessThanOrEqual, Not, Repository } from 'typeorm';
import { AuditLog, SecurityEvent, SecurityEventDetails } from '../observability/audit-log';
import { User } from '../users/user.entity';
import { AccountEvent } from './account-event.entity';

/**
 * How many events of each account are kept, the newest: failed sign-ins and lockouts, which
 * anyone who knows the address can cause, are counted apart from the rest, so that they never
 * push out the sign-ins and changes (nor the devices the new-device mail knows).
 */
export const ACCOUNT_EVENTS_KEPT = 100;
export const FAILURES_KEPT = 50;
const FAILURES = ['authn_login_fail', 'authn_login_lock', 'authn_mfa_fail'];

/**
 * The events an account's owner sees on their activity page. A sign-in shows as its
 * session_created (which knows "Remember me"), so authn_login_success is not repeated there;
 * a session that expires is not something anyone did; of the tokens made, only reset links are
 * news (a verification link is expected).
 */
const SHOWN_TO_OWNER: ReadonlySet<SecurityEvent> = new Set<SecurityEvent>([
  'authn_login_fail',
  'authn_login_lock',
  'authn_mfa_success',
  'authn_mfa_fail',
  'authn_password_change',
  'authn_token_created',
  'session_created',
  'session_destroyed',
  'user_created',
  'user_updated',
  'user_exported',
  'authz_admin',
]);

/** Whose event it is: the user, or the address they sign in with (a lockout knows only that). */
type EventOwner = { userId: number } | { email: string };

/**
 * Each account's own security events, for its owner's activity page: every event the audit log
 * records about an account is kept here too, with the IP and browser of the request.
 */
@Injectable()
export class AccountActivity {
  constructor(
    @InjectRepository(AccountEvent) private readonly events: Repository<AccountEvent>,
    audit: AuditLog,
  ) {
    audit.listen((event, details, req) => this.keep(event, details, req));
  }

  /** The account's events, newest first. */
  list(userId: number, limit = ACCOUNT_EVENTS_KEPT + FAILURES_KEPT): Promise<AccountEvent[]> {
    return this.events.find({ where: { userId }, order: { id: 'DESC' }, take: limit });
  }

  /** The browsers (User-Agent headers) of the account's kept sign-ins, each once. */
  async signInUserAgents(userId: number): Promise<(string | null)[]> {
    const rows = await this.events
      .createQueryBuilder('e')
      .select('DISTINCT e.user_agent', 'userAgent')
      .where('e.user_id = :userId AND e.event = :event', { userId, event: 'session_created' })
      .getRawMany<{ userAgent: string | null }>();
    return rows.map(({ userAgent }) => userAgent);
  }

  /** The account's newest kept sign-in, if any. */
  lastSignIn(userId: number): Promise<AccountEvent | null> {
    return this.events.findOne({
      where: { userId, event: 'session_created' },
      order: { id: 'DESC' },
    });
  }

  /** Keeps the event for its account, when it is one the owner sees and the account exists. */
  private async keep(
    event: SecurityEvent,
    details: SecurityEventDetails,
    req: Request | undefined,
  ): Promise<void> {
    const owner = ownerOf(event, details);
    if (!owner || !SHOWN_TO_OWNER.has(event) || !shownReason(event, details.reason)) {
      return;
    }
    const userId = 'userId' in owner ? owner.userId : await this.userIdOf(owner.email);
    if (userId === undefined) {
      return;
    }
    try {
      await this.events.insert({
        userId,
        event,
        reason: (details.reason ?? (details.remembered ? 'remember_me' : null))?.slice(0, 40),
        ip: clip(req?.ip, 64),
        userAgent: clip(req?.get('user-agent'), 512),
        createdAt: Date.now(),
      });
    } catch (error) {
      // The account was deleted meanwhile: its events went with it.
      if (await this.events.manager.existsBy(User, { id: userId })) {
        throw error;
      }
      return;
    }
    await this.prune(userId, FAILURES.includes(event));
  }

  /** Deletes the account's oldest events of the kind just kept, beyond what is kept of it. */
  private async prune(userId: number, failure: boolean): Promise<void> {
    const kind = failure ? In(FAILURES) : Not(In(FAILURES));
    const [oldestKept] = await this.events.find({
      select: { id: true },
      where: { userId, event: kind },
      order: { id: 'DESC' },
      skip: (failure ? FAILURES_KEPT : ACCOUNT_EVENTS_KEPT) - 1,
      take: 1,
    });
    if (oldestKept) {
      await this.events.delete({ userId, event: kind, id: LessThanOrEqual(oldestKept.id - 1) });
    }
  }

  private async userIdOf(email: string): Promise<number | undefined> {
    const user = await this.events.manager.findOne(User, {
      select: { id: true },
      where: { email },
    });
    return user?.id;
  }
}

/** The account an event is about: a lockout knows only the address it locks. */
function ownerOf(
  event: SecurityEvent,
  { userId, email }: SecurityEventDetails,
): EventOwner | undefined {
  if (userId !== undefined) {
    return { userId };
  }
  return event === 'authn_login_lock' && email !== undefined ? { email } : undefined;
}

/**
 * Of the tokens made, only reset links; of an operator's commands, those that change something
 * (ending sessions shows as its session_destroyed, which says how many).
 */
function shownReason(event: SecurityEvent, reason: string | undefined): boolean {
  switch (event) {
    case 'authn_token_created':
      return reason === 'password_reset';
    case 'authz_admin':
      return !['show', 'list', 'end_sessions', 'delete'].includes(reason ?? '');
    default:
      return true;
  }
}

function clip(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, maxLength) : null;
}
