import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { FieldErrors, FormError } from '../web/form-error';
import { uniqueViolation } from './unique-violation';
import { User } from './user.entity';

export interface NewUser {
  username: string;
  /** Already trimmed and lower-cased. */
  email: string;
  passwordHash: string;
}

export const EMAIL_TAKEN = 'Email already registered!';

const TAKEN: Record<'username' | 'email', string> = {
  username: 'Username already taken!',
  email: EMAIL_TAKEN,
};

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  /** With the password hash, which no other query loads: for checking a sign-in. */
  findByEmailWithPasswordHash(email: string): Promise<User | null> {
    return this.findWithPasswordHash({ email });
  }

  /** With the password hash: for checking the current password of a signed-in user. */
  findByIdWithPasswordHash(id: number): Promise<User | null> {
    return this.findWithPasswordHash({ id });
  }

  private findWithPasswordHash(where: { id: number } | { email: string }): Promise<User | null> {
    return this.users.findOne({
      where,
      select: {
        id: true,
        username: true,
        email: true,
        passwordHash: true,
        createdAt: true,
        emailVerifiedAt: true,
        passwordChangedAt: true,
        disabledAt: true,
        twoFactorEnabledAt: true,
      },
    });
  }

  /** The same password, hashed again (at a new BCRYPT_COST): not a change its owner made. */
  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  /** A new password chosen by its owner (a reset, or the settings). */
  async changePassword(id: number, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash, passwordChangedAt: new Date() });
  }

  /** Renames the account; a name another account has (in any case) is refused as at sign-up. */
  async changeUsername(id: number, username: string): Promise<void> {
    const usernameKey = username.toLowerCase();
    const holder = await this.users.findOne({ where: { usernameKey }, select: { id: true } });
    if (holder && holder.id !== id) {
      throw new FormError({ username: [TAKEN.username] });
    }
    try {
      await this.users.update({ id }, { username, usernameKey });
    } catch (error) {
      if (uniqueViolation(error) === 'username') {
        throw new FormError({ username: [TAKEN.username] });
      }
      throw error;
    }
  }

  /** Whether another account than `id` uses the address. */
  async emailTaken(email: string, id: number): Promise<boolean> {
    const holder = await this.users.findOne({ where: { email }, select: { id: true } });
    return holder !== null && holder.id !== id;
  }

  /**
   * Moves the account from address `from` to `to`, verified (a link mailed to it was followed).
   * 'moved', 'stale' when the account no longer uses `from` (or no longer exists), 'taken' when
   * another account has `to` by now.
   */
  async changeEmail(id: number, from: string, to: string): Promise<'moved' | 'stale' | 'taken'> {
    try {
      const { affected } = await this.users.update(
        { id, email: from },
        { email: to, emailVerifiedAt: new Date() },
      );
      return (affected ?? 0) > 0 ? 'moved' : 'stale';
    } catch (error) {
      if (uniqueViolation(error) === 'email') {
        return 'taken';
      }
      throw error;
    }
  }

  /** Disables the account (an operator's decision), or enables it again; false when unchanged. */
  async setDisabled(id: number, disabled: boolean): Promise<boolean> {
    const { affected } = await this.users.update(
      { id, disabledAt: disabled ? IsNull() : Not(IsNull()) },
      { disabledAt: disabled ? new Date() : null },
    );
    return (affected ?? 0) > 0;
  }

  /**
   * A page of accounts, oldest first, whose username or email contains `text` (in any case),
   * with how many match in all.
   */
  async list(
    text: string,
    { page, perPage }: { page: number; perPage: number },
  ): Promise<{ users: User[]; total: number }> {
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const query = this.users
      .createQueryBuilder('u')
      .where("(u.username_key LIKE :pattern ESCAPE '\\' OR u.email LIKE :pattern ESCAPE '\\')", {
        pattern,
      })
      .orderBy('u.id', 'ASC')
      .skip((page - 1) * perPage)
      .take(perPage);
    const [users, total] = await query.getManyAndCount();
    return { users, total };
  }

  /** Deletes the account; its tokens and activity go with it (foreign keys, ON DELETE CASCADE). */
  async delete(id: number): Promise<void> {
    await this.users.delete({ id });
  }

  /**
   * Marks the address verified, if it is still the account's address and was not verified yet;
   * false when nothing changed.
   */
  async markEmailVerified(id: number, email: string): Promise<boolean> {
    const { affected } = await this.users.update(
      { id, email, emailVerifiedAt: IsNull() },
      { emailVerifiedAt: new Date() },
    );
    return (affected ?? 0) > 0;
  }

  /** Refuses a username or email that an account already has, naming each one taken. */
  async assertAvailable(username: string, email: string): Promise<void> {
    const existing = await this.users.find({
      where: [{ usernameKey: username.toLowerCase() }, { email }],
      select: { id: true, usernameKey: true, email: true },
    });
    const errors: FieldErrors = {};
    if (existing.some((user) => user.usernameKey === username.toLowerCase())) {
      errors.username = [TAKEN.username];
    }
    if (existing.some((user) => user.email === email)) {
      errors.email = [TAKEN.email];
    }
    if (Object.keys(errors).length > 0) {
      throw new FormError(errors);
    }
  }

  /**
   * Adds an account. The unique indexes have the last word: when two registrations race past
   * `assertAvailable`, the second insert fails and gets the same message as a plain duplicate.
   */
  async create({ username, email, passwordHash }: NewUser): Promise<User> {
    try {
      // One INSERT, no transaction: SQLite's single connection would let concurrent
      // transactions (as `save` opens) interleave and roll back each other's rows.
      const { identifiers } = await this.users.insert({
        username,
        usernameKey: username.toLowerCase(),
        email,
        passwordHash,
      });
      return (await this.findById(identifiers[0].id as number)) as User;
    } catch (error) {
      const field = uniqueViolation(error);
      if (field) {
        throw new FormError({ [field]: [TAKEN[field]] });
      }
      throw error;
    }
  }
}
