import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../../users/user.entity';

/** What a token may be used for; a token of one purpose is worthless for any other. */
export type TokenPurpose =
  | 'password_reset'
  | 'email_verification'
  /** Confirms a new address, from a mail to that address; `detail` is the new address. */
  | 'email_change'
  /** Undoes an address change, from a mail to the old address; `detail` is the old address. */
  | 'email_change_undo';

/** bigint columns hold milliseconds since the epoch; PostgreSQL returns them as strings. */
const epochMs = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * A single-use token sent by mail (a password-reset or email-verification link). The token
 * itself is never stored: only its SHA-256, which a copy of the database cannot turn back into a
 * working link. Deleted with its user; HousekeepingService deletes it once it has expired.
 */
@Entity('tokens')
export class Token {
  /** SHA-256 of the token, in hex. */
  @PrimaryColumn({ length: 64 })
  digest!: string;

  @Column({ type: 'varchar', length: 32 })
  purpose!: TokenPurpose;

  @Index('IDX_tokens_user_id')
  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_tokens_user_id' })
  user?: User;

  /**
   * SHA-256 of what the token depends on, as it was when the token was made: the password hash
   * and the address for a reset, the address for the others. When that has changed since (a new
   * password, another address), the token is worthless.
   */
  @Column({ name: 'bound_to', length: 64 })
  boundTo!: string;

  @Index('IDX_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  /** What the token carries besides its user: the address of an email change (see purposes). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  detail!: string | null;

  /** When it was used; a used token is refused. */
  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
