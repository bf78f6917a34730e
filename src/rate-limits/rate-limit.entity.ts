import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One counter of attempts (failed sign-ins, registrations) and when it starts again from zero. */
@Entity('rate_limits')
export class RateLimit {
  /** A SHA-256 of the counter's name, so no email or IP is stored in the clear. */
  @PrimaryColumn({ length: 64 })
  key!: string;

  @Column('integer')
  count!: number;

  /** Milliseconds since the epoch. */
  @Index('IDX_rate_limits_reset_at')
  @Column({
    name: 'reset_at',
    type: 'bigint',
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  resetAt!: number;
}
