import { Injectable } from '@nestjs/common';
import { AccountActivity } from '../../activity/account-activity';
import type { AccountEvent } from '../../activity/account-event.entity';
import { describeDevice } from '../../sessions/device-description';
import { ShownTime, shownTime } from '../shown-time';

/** One event as the activity page lists it. */
export interface ActivityRow {
  /** What happened, in words: "Signed in", "Password changed"... */
  what: string;
  /** Whether it is worth a look: a failure, a lockout, a change of the password or address. */
  notable: boolean;
  device: string;
  ip: string;
  at: ShownTime;
}

/** What each kept event says, by its audit name and reason (`event` or `event:reason`). */
const WORDS: Record<string, string> = {
  user_created: 'Account created',
  user_exported: 'Data downloaded',
  session_created: 'Signed in',
  'session_created:remember_me': 'Signed in, with “Remember me”',
  authn_login_fail: 'Failed sign-in: wrong password',
  'authn_login_fail:current_password': 'Wrong current password in the account settings',
  authn_login_lock: 'Account locked after too many failed sign-ins',
  'authn_password_change:password_reset': 'Password changed with a reset link',
  'authn_password_change:settings': 'Password changed in the account settings',
  'authn_token_created:password_reset': 'Password reset link sent',
  'user_updated:email_verified': 'Email address confirmed',
  'user_updated:username_changed': 'Username changed',
  'user_updated:email_change_asked': 'Email change asked for: confirmation link sent',
  'user_updated:email_changed': 'Email address changed',
  'user_updated:email_change_undone': 'Email change undone',
  'session_destroyed:signed_out': 'Signed out',
  'session_destroyed:ended_from_sessions_page': 'Session ended from the sessions page',
  'session_destroyed:other_sessions_ended': 'Other sessions ended',
  'session_destroyed:password_reset': 'Every session ended by a password reset',
  'session_destroyed:password_changed': 'Other sessions ended by a password change',
  'session_destroyed:email_change_undone': 'Every session ended by undoing an email change',
  'session_destroyed:not_me': 'Every session ended: “This wasn’t me”',
  'session_destroyed:account_disabled': 'Every session ended: the account was disabled',
  'session_destroyed:operator': 'Every session ended by an operator',
  'authn_login_fail:account_disabled': 'Sign-in refused: the account is disabled',
  'authn_mfa_success:totp': 'Second step of a sign-in: authenticator code',
  'authn_mfa_success:recovery_code': 'Second step of a sign-in: recovery code used',
  authn_mfa_fail: 'Failed second step of a sign-in: wrong code',
  'authn_mfa_fail:too_many': 'Sign-in ended after too many wrong codes',
  'user_updated:passkey_added': 'Passkey added',
  'user_updated:passkey_removed': 'Passkey removed',
  'user_updated:two_factor_enabled': 'Two-factor sign-in turned on',
  'user_updated:two_factor_disabled': 'Two-factor sign-in turned off',
  'user_updated:recovery_codes_renewed': 'New recovery codes made',
  'authz_admin:create': 'Account created by an operator',
  'authz_admin:disable': 'Account disabled by an operator',
  'authz_admin:enable': 'Account enabled again by an operator',
  'authz_admin:unlock': 'Account unlocked by an operator',
  'authz_admin:two_factor_off': 'Two-factor sign-in turned off by an operator',
  'authz_admin:verify': 'Email address marked verified by an operator',
};

const NOTABLE = new Set([
  'authn_login_fail',
  'authn_mfa_fail',
  'authn_login_lock',
  'authn_password_change',
  'authz_admin',
]);

const NOTABLE_REASONS = new Set([
  'email_changed',
  'two_factor_disabled',
  'recovery_code',
  'passkey_added',
]);

/** The account's own security events, newest first, in words. */
@Injectable()
export class ActivityPageService {
  constructor(private readonly activity: AccountActivity) {}

  async page(userId: number): Promise<{ events: ActivityRow[] }> {
    const events = await this.activity.list(userId);
    return { events: events.map(toRow) };
  }
}

function toRow(event: AccountEvent): ActivityRow {
  return {
    what: describeEvent(event.event, event.reason),
    notable: NOTABLE.has(event.event) || NOTABLE_REASONS.has(event.reason ?? ''),
    device: describeDevice(event.userAgent).name,
    ip: event.ip ?? 'Unknown',
    at: shownTime(event.createdAt),
  };
}

export function describeEvent(event: string, reason: string | null): string {
  return WORDS[`${event}:${reason}`] ?? WORDS[event] ?? event.replaceAll('_', ' ');
}
