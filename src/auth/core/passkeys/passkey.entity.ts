import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../../users/user.entity';

/**
 * A passkey (a WebAuthn credential) of an account: what checks its signatures (the public key,
 * never a secret), the name its owner gave it, and when it was made and last used. Deleted with
 * the account.
 */
@Entity('passkeys')
export class Passkey {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('IDX_passkeys_user_id')
  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_passkeys_user_id' })
  user?: User;

  /** The credential's id, base64url: how the browser names it at sign-in. */
  @Index('UQ_passkeys_credential_id', { unique: true })
  @Column({ name: 'credential_id', length: 1400 })
  credentialId!: string;

  /** Its COSE public key, base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  /**
   * The signature counter the authenticator last reported (0 for most synced passkeys): an
   * unsigned 32-bit number, so a bigint; PostgreSQL returns it as a string.
   */
  @Column({
    type: 'bigint',
    default: 0,
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  counter!: number;

  /** How the browser reaches it (`internal`, `hybrid`, `usb`...), comma-separated. */
  @Column({ type: 'varchar', length: 200, default: '' })
  transports!: string;

  @Column({ length: 64 })
  name!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;
}
