import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  /** As the person typed it, for display. */
  @Column({ length: 20 })
  username!: string;

  /** The lower-cased username: the unique key, so `Alice` and `alice` are one name. */
  @Index('UQ_users_username_key', { unique: true })
  @Column({ name: 'username_key', length: 20 })
  usernameKey!: string;

  /** Trimmed and lower-cased before it is stored. */
  @Index('UQ_users_email', { unique: true })
  @Column({ length: 254 })
  email!: string;

  /** Never loaded unless asked for by name: only the sign-in check needs it. */
  @Column({ name: 'password_hash', length: 100, select: false })
  passwordHash!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  /**
   * When the owner proved, by a link mailed to it, that the address is theirs; null until then
   * (accounts made before addresses were verified included: nobody has checked theirs).
   */
  @Column({ name: 'email_verified_at', type: Date, nullable: true })
  emailVerifiedAt!: Date | null;

  /** When its owner last chose a new password (a reset or the settings); null: never since sign-up. */
  @Column({ name: 'password_changed_at', type: Date, nullable: true })
  passwordChangedAt!: Date | null;

  /**
   * When an operator disabled the account (`npm run account -- disable`): it cannot sign in and
   * its sessions were ended. Null for an account in use.
   */
  @Column({ name: 'disabled_at', type: Date, nullable: true })
  disabledAt!: Date | null;

  /**
   * The TOTP secret of two-factor sign-in, sealed with a key derived from SESSION_SECRET (see
   * SecretBox); null while two-factor is off. Never loaded unless asked for by name.
   */
  @Column({ name: 'totp_secret', type: 'varchar', length: 200, nullable: true, select: false })
  totpSecret!: string | null;

  /** When two-factor sign-in was turned on; null while it is off. */
  @Column({ name: 'two_factor_enabled_at', type: Date, nullable: true })
  twoFactorEnabledAt!: Date | null;

  /** The time step of the TOTP code last accepted: a code is accepted only once. */
  @Column({ name: 'totp_last_step', type: 'integer', nullable: true, select: false })
  totpLastStep!: number | null;
}
