import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One express-session session, stored server-side; the cookie holds only its signed id. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ length: 128 })
  id!: string;

  /** Milliseconds since the epoch; an expired row is never returned and is pruned in the background. */
  @Index('IDX_sessions_expires_at')
  @Column({
    name: 'expires_at',
    type: 'bigint',
    // PostgreSQL returns bigint as a string.
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  expiresAt!: number;

  /** The session's JSON. */
  @Column('text')
  data!: string;
}
