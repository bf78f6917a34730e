import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../../users/user.entity';

/** bigint columns hold milliseconds since the epoch; PostgreSQL returns them as strings. */
const epochMs = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * One of an account's recovery codes, each good for one sign-in without the authenticator. Only
 * its SHA-256 is stored: the codes themselves are shown once, when they are made. Deleted with
 * the account, when two-factor is turned off, and when new codes replace them.
 */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_recovery_codes_user_id' })
  user?: User;

  /** SHA-256 of the code (lower case, without its dash), in hex. */
  @PrimaryColumn({ length: 64 })
  digest!: string;

  /** When it was used; a used code is refused. */
  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
