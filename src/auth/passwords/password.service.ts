import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { PASSWORD_MAX_BYTES, passwordBytes } from './password-rules';

/** bcrypt, always through its async API: the hashing runs off the event loop. */
@Injectable()
export class PasswordService implements OnModuleInit {
  /** Compared against when the email is unknown, so that the answer takes just as long. */
  private dummyHash!: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptCost);
  }

  /** True for a hash made at a lower cost than BCRYPT_COST: it is upgraded at the next sign-in. */
  needsRehash(hash: string): boolean {
    return bcrypt.getRounds(hash) < this.config.bcryptCost;
  }

  /**
   * Whether `password` matches `hash`. Runs exactly one bcrypt comparison whatever the input
   * (no hash, or a password longer than bcrypt reads), so timing tells an attacker nothing.
   */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? this.dummyHash);
    // bcrypt ignores what follows the 72nd byte: a longer password must never match.
    return matches && hash !== undefined && passwordBytes(password) <= PASSWORD_MAX_BYTES;
  }
}
