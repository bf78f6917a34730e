import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';

/**
 * What a session records at sign-in, so that its owner can recognise it in a list of their
 * sessions and end it. Kept in the session's own data; each store also copies it where it can
 * list a user's sessions without reading them all (the `sessions` table's columns, Redis's
 * per-user index).
 */
export interface SessionDevice {
  /**
   * The session's public identifier: 128 random bits, base64url. A page may show it and send it
   * back to end the session; unlike the session id, it cannot be used to act as the user.
   */
  handle: string;
  /** When the session started (ms since the epoch): the sign-in. */
  createdAt: number;
  /** The client's address at sign-in. */
  ip: string | null;
  /** The browser's User-Agent at sign-in, cut to USER_AGENT_MAX_LENGTH characters. */
  userAgent: string | null;
}

export const IP_MAX_LENGTH = 64;
export const USER_AGENT_MAX_LENGTH = 512;
const HANDLE = /^[A-Za-z0-9_-]{22}$/;

export function newHandle(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether `value` has the shape of a handle, before it is looked up. */
export function isHandle(value: unknown): value is string {
  return typeof value === 'string' && HANDLE.test(value);
}

/** The device of the request that is signing in, with a new handle. */
export function deviceOf(req: Request, now = Date.now()): SessionDevice {
  return {
    handle: newHandle(),
    createdAt: now,
    ip: clip(req.ip, IP_MAX_LENGTH),
    userAgent: clip(req.get('user-agent'), USER_AGENT_MAX_LENGTH),
  };
}

/** The session's device record, or undefined when it has none (or not one the app wrote). */
export function deviceIn(session: SessionData): SessionDevice | undefined {
  const device = session.device;
  if (
    typeof device !== 'object' ||
    device === null ||
    !isHandle(device.handle) ||
    !Number.isSafeInteger(device.createdAt)
  ) {
    return undefined;
  }
  return {
    handle: device.handle,
    createdAt: device.createdAt,
    ip: clip(device.ip, IP_MAX_LENGTH),
    userAgent: clip(device.userAgent, USER_AGENT_MAX_LENGTH),
  };
}

/**
 * The signed-in user of a session: Passport's user id when it is a safe integer (as the
 * SessionSerializer requires), else null.
 */
export function ownerOf(session: SessionData): number | null {
  const user = session.passport?.user;
  return typeof user === 'number' && Number.isSafeInteger(user) ? user : null;
}

/** When a remembered session ends (ms since the epoch), or null for a browser session. */
export function rememberedUntilOf(session: SessionData): number | null {
  const until = session.rememberedUntil;
  return typeof until === 'number' && Number.isSafeInteger(until) ? until : null;
}

function clip(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, maxLength) : null;
}
