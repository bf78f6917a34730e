import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SessionData } from 'express-session';
import { FindOptionsWhere, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { deviceIn, newHandle, ownerOf, rememberedUntilOf } from './session-device';
import { Session } from './session.entity';
import { SessionLookup, sessionLookup } from './session-lookup';
import { parseSession, StoredSession, UserSessionStoreBase } from './session-store';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store on the app's own database, through the `sessions` table. It enforces
 * the idle timeout: a session unused for SESSION_IDLE_MINUTES is never returned again (and
 * HousekeepingService deletes it later); a remembered one, past the end it was signed in with.
 * Each row also carries the session's user and device
 * in columns of their own, copied from its data on every write, to list and end a user's
 * sessions.
 */
@Injectable()
export class TypeormSessionStore extends UserSessionStoreBase {
  private readonly logger = new Logger(TypeormSessionStore.name);
  private readonly lookup: SessionLookup;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    config: AppConfig,
    private readonly audit: AuditLog,
  ) {
    super(config.sessionTimeouts.idleMs);
    this.lookup = sessionLookup(sessions.manager.connection);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.settle(callback, async () => {
      // The session and its user in one query: a signed-in page needs no second round trip.
      const row = await this.lookup.find(sid);
      if (!row) {
        return null;
      }
      const session = parseSession(row.data);
      if (!session) {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
      const expiresAt = Number(row.expiresAt);
      const remembered = rememberedUntilOf(session) !== null;
      if (expiresAt <= Date.now()) {
        await this.sessions.delete({ id: sid });
        const userId = session.passport?.user;
        if (typeof userId === 'number') {
          await this.audit.record('session_expired', {
            userId,
            reason: remembered ? 'remember_days' : 'idle',
          });
        }
        return null;
      }
      this.remember(session, expiresAt, remembered ? Number(row.lastSeenAt) : undefined);
      if (row.userId !== null) {
        this.rememberUser(session, {
          id: Number(row.userId),
          username: row.username as string,
          email: row.email as string,
          emailVerified: Boolean(row.emailVerifiedAt),
        });
      }
      return session;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.settle(callback, async () => {
      const now = Date.now();
      const device = deviceIn(session);
      const changes = {
        data: JSON.stringify(session),
        expiresAt: this.expiryOf(session, now),
        lastSeenAt: now,
        userId: ownerOf(session),
        ip: device?.ip ?? null,
        userAgent: device?.userAgent ?? null,
        // A session without a device record (no sign-in yet, or from before there were any)
        // keeps the handle and start it was first stored with.
        ...(device ? { handle: device.handle, createdAt: device.createdAt } : {}),
      };
      if (this.isStored(session)) {
        // This request loaded or wrote it: only an UPDATE. If the session was ended meanwhile
        // (signed out elsewhere, ended from the list of sessions), it stays ended.
        await this.sessions.update({ id: sid }, changes);
      } else {
        await this.sessions
          .createQueryBuilder()
          .insert()
          .into(Session)
          .values({ id: sid, handle: newHandle(), createdAt: now, ...changes })
          .orUpdate(
            [
              'data',
              'expires_at',
              'last_seen_at',
              'user_id',
              'ip',
              'user_agent',
              ...(device ? ['handle', 'created_at'] : []),
            ],
            ['id'],
          )
          .updateEntity(false)
          .execute();
      }
      this.remember(session, changes.expiresAt, now);
    });
  }

  /**
   * Records the request as the latest and pushes the expiry back (a remembered session's stays
   * where it is): at most once a minute.
   */
  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const now = Date.now();
    // Recorded less than a touch interval ago: the UPDATE would change nothing.
    if (this.recentlyTouched(session, now)) {
      callback?.();
      return;
    }
    const expiresAt = this.expiryOf(session, now);
    // Only a row not written since: a browser session's expiry moves with each recorded
    // request, a remembered session's never does, so its latest request is compared instead.
    const stale =
      rememberedUntilOf(session) === null
        ? { expiresAt: LessThan(expiresAt - this.touchIntervalMs) }
        : { lastSeenAt: LessThan(now - this.touchIntervalMs) };
    this.settle(callback, async () => {
      await this.sessions.update({ id: sid, ...stale }, { expiresAt, lastSeenAt: now });
      this.remember(session, expiresAt, now);
    });
  }

  onApplicationShutdown(): void {
    this.lookup.close();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.settle(callback, async () => {
      await this.sessions.delete({ id: sid });
    });
  }

  async listSessions(userId: number): Promise<StoredSession[]> {
    const rows = await this.sessions.find({
      select: {
        id: true,
        data: true,
        handle: true,
        createdAt: true,
        lastSeenAt: true,
        ip: true,
        userAgent: true,
      },
      where: { userId, expiresAt: MoreThan(Date.now()) },
      order: { lastSeenAt: 'DESC', createdAt: 'DESC' },
    });
    return rows.map(({ id, data, handle, createdAt, lastSeenAt, ip, userAgent }) => {
      const session = parseSession(data);
      return {
        sid: id,
        handle,
        createdAt,
        lastSeenAt,
        ip,
        userAgent,
        rememberedUntil: session ? rememberedUntilOf(session) : null,
      };
    });
  }

  async endSession(userId: number, handle: string): Promise<boolean> {
    const { affected } = await this.sessions.delete({
      userId,
      handle,
      expiresAt: MoreThan(Date.now()),
    });
    return (affected ?? 0) > 0;
  }

  async endSessions(userId: number, keepSid?: string): Promise<number> {
    const where: FindOptionsWhere<Session> = { userId, expiresAt: MoreThan(Date.now()) };
    if (keepSid !== undefined) {
      where.id = Not(keepSid);
    }
    const { affected } = await this.sessions.delete(where);
    return affected ?? 0;
  }
}
