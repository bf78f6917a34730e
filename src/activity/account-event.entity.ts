import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** bigint columns hold milliseconds since the epoch; PostgreSQL returns them as strings. */
const epochMs = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/**
 * One security event of an account, kept for its owner's activity page: the audit log's event
 * name and reason, the client's IP and browser, and when. Deleted with the account; only the
 * newest ACCOUNT_EVENTS_KEPT of each account are kept.
 */
@Entity('account_events')
@Index('IDX_account_events_user_id_id', ['userId', 'id'])
export class AccountEvent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_account_events_user_id' })
  user?: User;

  /** The audit log's name for it, such as `session_created`. */
  @Column({ length: 40 })
  event!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  /** Cut to 512 characters. */
  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
