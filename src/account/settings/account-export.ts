import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccountActivity } from '../../activity/account-activity';
import { AuthService } from '../../auth/core/auth.service';
import { PasskeysService } from '../../auth/core/passkeys/passkeys.service';
import { AuditLog } from '../../observability/audit-log';
import { describeDevice } from '../../sessions/device-description';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import { describeEvent } from '../activity/activity-page.service';

/** What a person downloads of their account: all of it that is theirs, and no secret. */
export interface AccountExport {
  exportedAt: string;
  account: {
    username: string;
    email: string;
    emailVerified: boolean;
    createdAt: string;
    passwordChangedAt: string | null;
    /** When two-factor sign-in was turned on; null while it is off. Never its key or codes. */
    twoFactorEnabledAt: string | null;
  };
  /** Each live session: its device and times, never its id or handle. */
  sessions: {
    device: string;
    userAgent: string | null;
    ip: string | null;
    signedInAt: string;
    lastActiveAt: string;
    rememberedUntil: string | null;
    thisDevice: boolean;
  }[];
  /** Its passkeys: their names and dates, never a key or a credential id. */
  passkeys: { name: string; createdAt: string; lastUsedAt: string | null }[];
  /** The account's kept security events, newest first. */
  activity: { event: string; description: string; at: string; device: string; ip: string | null }[];
}

/**
 * The "download your data" file: the account, its sessions, its passkeys and its activity, as JSON, after the
 * current password (a stolen session alone must not walk away with it).
 */
@Injectable()
export class AccountExporter {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly activity: AccountActivity,
    private readonly passkeys: PasskeysService,
    private readonly audit: AuditLog,
  ) {}

  async export(req: Request, currentPassword: string): Promise<AccountExport> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    const [row, sessions, events, passkeys] = await Promise.all([
      this.users.findById(user.id),
      this.sessions.list(user.id, req.sessionID),
      this.activity.list(user.id),
      this.passkeys.list(user.id),
    ]);
    await this.audit.record('user_exported', { userId: user.id });
    return {
      exportedAt: new Date().toISOString(),
      account: {
        username: row?.username ?? user.username,
        email: row?.email ?? user.email,
        emailVerified: Boolean(row?.emailVerifiedAt),
        createdAt: (row?.createdAt ?? new Date()).toISOString(),
        passwordChangedAt: row?.passwordChangedAt?.toISOString() ?? null,
        twoFactorEnabledAt: row?.twoFactorEnabledAt?.toISOString() ?? null,
      },
      sessions: sessions.map((session) => ({
        device: describeDevice(session.userAgent).name,
        userAgent: session.userAgent,
        ip: session.ip,
        signedInAt: session.createdAt.toISOString(),
        lastActiveAt: session.lastSeenAt.toISOString(),
        rememberedUntil: session.rememberedUntil?.toISOString() ?? null,
        thisDevice: session.current,
      })),
      passkeys: passkeys.map((passkey) => ({
        name: passkey.name,
        createdAt: passkey.createdAt.toISOString(),
        lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
      })),
      activity: events.map((event) => ({
        event: event.event,
        description: describeEvent(event.event, event.reason),
        at: new Date(event.createdAt).toISOString(),
        device: describeDevice(event.userAgent).name,
        ip: event.ip,
      })),
    };
  }
}
