import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** bigint columns hold milliseconds since the epoch; PostgreSQL returns them as strings. */
const epochMs = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/**
 * One express-session session, stored server-side; the cookie holds only its signed id. The
 * columns beside `data` are copied from it by the store, so that a user's sessions can be listed
 * and ended without reading every row's JSON.
 */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ length: 128 })
  id!: string;

  /** An expired row is never returned, and is deleted in the background (HousekeepingService). */
  @Index('IDX_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  /** The session's JSON. */
  @Column('text')
  data!: string;

  /**
   * The signed-in user (Passport's `passport.user`). Null for a session that has no user yet,
   * such as a sign-in waiting for a second factor.
   */
  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  /**
   * A public random identifier of the session (128 bits, base64url), which pages may show and
   * send back to end it. Never the session id, which would let anyone who sees it use the session.
   */
  @Index('UQ_sessions_handle', { unique: true })
  @Column({ length: 32 })
  handle!: string;

  /** When the session started: the sign-in. */
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  /** The latest request, to the minute: written with the expiry, at most once a minute. */
  @Column({ name: 'last_seen_at', type: 'bigint', transformer: epochMs })
  lastSeenAt!: number;

  /** The client's address at sign-in. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  /** The browser's User-Agent at sign-in, cut to 512 characters. */
  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;
}
