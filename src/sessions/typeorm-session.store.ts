import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SessionData } from 'express-session';
import { FindOptionsWhere, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditLog } from '../observability/audit-log';
import { deviceIn, newHandle, ownerOf } from './session-device';
import { Session } from './session.entity';
import { SessionLookup, sessionLookup } from './session-lookup';
import { StoredSession, UserSessionStoreBase } from './session-store';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * express-session's store on the app's own database, through the `sessions` table. It enforces
 * the idle timeout: a session unused for SESSION_IDLE_MINUTES is never returned again (and
 * HousekeepingService deletes it later). Each row also carries the session's user and device
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
      let session: SessionData;
      try {
        session = JSON.parse(row.data) as SessionData;
      } catch {
        this.logger.warn('A stored session could not be read; treating it as signed out');
        return null;
      }
      const expiresAt = Number(row.expiresAt);
      if (expiresAt <= Date.now()) {
        await this.sessions.delete({ id: sid });
        const userId = session.passport?.user;
        if (typeof userId === 'number') {
          this.audit.record('session_expired', { userId, reason: 'idle' });
        }
        return null;
      }
      this.remember(session, expiresAt);
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
        expiresAt: now + this.idleMs,
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
      this.remember(session, changes.expiresAt);
    });
  }

  /** Pushes the expiry back, and records the request as the latest: at most once a minute. */
  override touch(sid: string, session: SessionData, callback?: Callback): void {
    const now = Date.now();
    const expiresAt = now + this.idleMs;
    // Pushed back less than a touch interval ago: the UPDATE would change nothing.
    if (this.recentlyTouched(session, expiresAt)) {
      callback?.();
      return;
    }
    this.settle(callback, async () => {
      await this.sessions.update(
        { id: sid, expiresAt: LessThan(expiresAt - this.touchIntervalMs) },
        { expiresAt, lastSeenAt: now },
      );
      this.remember(session, expiresAt);
    });
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
        handle: true,
        createdAt: true,
        lastSeenAt: true,
        ip: true,
        userAgent: true,
      },
      where: { userId, expiresAt: MoreThan(Date.now()) },
      order: { lastSeenAt: 'DESC', createdAt: 'DESC' },
    });
    return rows.map(({ id, handle, createdAt, lastSeenAt, ip, userAgent }) => ({
      sid: id,
      handle,
      createdAt,
      lastSeenAt,
      ip,
      userAgent,
    }));
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
