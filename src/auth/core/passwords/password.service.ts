import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { concurrencyLimit } from './concurrency-limit';
import { AppConfig } from '../../../config/app-config';
import { PASSWORD_MAX_BYTES, passwordBytes } from './password-rules';

/**
 * How many bcrypt jobs may run at once. They run on libuv's thread pool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), which SQLite queries and file reads share: leaving two
 * threads free keeps pages answering during a flood of sign-ins, and more jobs than cores would
 * not finish sooner.
 */
export const BCRYPT_SLOTS = Math.max(
  1,
  Math.min(availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 2),
);

/** bcrypt, always through its async API: the hashing runs off the event loop. */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly bcryptSlot = concurrencyLimit(BCRYPT_SLOTS);
  /** Compared against when the email is unknown, so that the answer takes just as long. */
  private dummyHash!: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return this.bcryptSlot(() => bcrypt.hash(password, this.config.bcryptCost));
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
    const matches = await this.bcryptSlot(() => bcrypt.compare(password, hash ?? this.dummyHash));
    // bcrypt ignores what follows the 72nd byte: a longer password must never match.
    return matches && hash !== undefined && passwordBytes(password) <= PASSWORD_MAX_BYTES;
  }
}
