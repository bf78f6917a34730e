import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { FieldErrors, FormError } from '../web/form-error';
import { uniqueViolation } from './unique-violation';
import { User } from './user.entity';

export interface NewUser {
  username: string;
  /** Already trimmed and lower-cased. */
  email: string;
  passwordHash: string;
}

const TAKEN: Record<'username' | 'email', string> = {
  username: 'Username already taken!',
  email: 'Email already registered!',
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

  /** The only query that loads the password hash: for checking a sign-in. */
  findByEmailWithPasswordHash(email: string): Promise<User | null> {
    return this.users.findOne({
      where: { email },
      select: {
        id: true,
        username: true,
        email: true,
        passwordHash: true,
        createdAt: true,
        emailVerifiedAt: true,
      },
    });
  }

  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
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
