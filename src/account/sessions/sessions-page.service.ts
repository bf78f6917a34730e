import { Injectable } from '@nestjs/common';
import { ActiveSession, SessionsService } from '../../sessions/sessions.service';
import { ShownTime, shownTime } from '../shown-time';
import { describeDevice } from '../../sessions/device-description';

/** One session as the page lists it: never its id. */
export interface SessionRow {
  /** The public handle the page sends back to end it. */
  handle: string;
  /** "Firefox 140 on Linux". */
  device: string;
  ip: string;
  signedInAt: ShownTime;
  lastActiveAt: ShownTime;
  /** Set for a remembered ("Remember me") session: when it ends. */
  rememberedUntil?: ShownTime;
  current: boolean;
}

export interface SessionsPageData {
  /** This device's session first, then the others, most recently active first. */
  sessions: SessionRow[];
  otherCount: number;
}

/** What asking to end one session did. */
export type Ending =
  | { outcome: 'ended'; device: string }
  /** It is the session that asked: the caller signs this browser out. */
  | { outcome: 'current' }
  /** None of the user's live sessions has that handle: nothing was ended. */
  | { outcome: 'none' };

/** The sessions page: a user's sessions with their devices, and ending them. */
@Injectable()
export class SessionsPageService {
  constructor(private readonly sessions: SessionsService) {}

  async page(userId: number, currentSid: string): Promise<SessionsPageData> {
    const sessions = await this.sessions.list(userId, currentSid);
    // Stable: the others keep the store's order, most recently active first.
    const rows = sessions.map(toRow).sort((a, b) => Number(b.current) - Number(a.current));
    return { sessions: rows, otherCount: rows.filter(({ current }) => !current).length };
  }

  /** Ends the user's session with this handle, unless it is the one asking (`currentSid`). */
  async end(userId: number, handle: string, currentSid: string): Promise<Ending> {
    const sessions = await this.sessions.list(userId, currentSid);
    const target = sessions.find((session) => session.handle === handle);
    if (!target) {
      return { outcome: 'none' };
    }
    if (target.current) {
      return { outcome: 'current' };
    }
    // It may have ended between the two calls (signed out, or ended from another tab).
    return (await this.sessions.end(userId, handle))
      ? { outcome: 'ended', device: describeDevice(target.userAgent).name }
      : { outcome: 'none' };
  }

  /** Ends every session of the user but the current one; how many. */
  endOthers(userId: number, currentSid: string): Promise<number> {
    return this.sessions.endOthers(userId, currentSid, 'other_sessions_ended');
  }
}

function toRow(session: ActiveSession): SessionRow {
  return {
    handle: session.handle,
    device: describeDevice(session.userAgent).name,
    ip: session.ip ?? 'Unknown',
    signedInAt: shownTime(session.createdAt),
    lastActiveAt: shownTime(session.lastSeenAt),
    rememberedUntil: session.rememberedUntil ? shownTime(session.rememberedUntil) : undefined,
    current: session.current,
  };
}
