import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import { currentRequest } from '../../observability/request-context';
import { userLoadedWithSession } from '../../sessions/session-store';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';

type Done<T> = (error: unknown, value?: T) => void;

/**
 * Keeps only the user id in the session, and loads the user again on every request: from the
 * session store's own query when it loaded the user with the session (the database store), else
 * by id.
 */
@Injectable()
export class SessionSerializer extends PassportSerializer {
  constructor(private readonly users: UsersService) {
    super();
  }

  serializeUser(user: Express.User, done: Done<number>): void {
    done(null, user.id);
  }

  /**
   * `false` makes the request anonymous: a malformed id, an account that no longer exists, or
   * one an operator disabled (its sessions were ended; this catches a sign-in that raced it).
   */
  deserializeUser(id: unknown, done: Done<Express.User | false>): void {
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      done(null, false);
      return;
    }
    const loaded = userLoadedWithSession(currentRequest());
    if (loaded?.id === id) {
      const { username, email, emailVerified } = loaded;
      done(null, { id, username, email, emailVerified });
      return;
    }
    this.users
      .findById(id)
      .then((user) => done(null, user && !user.disabledAt ? sessionUserOf(user) : false), done);
  }
}

/** What a request keeps of its signed-in user. */
export function sessionUserOf(user: User): Express.User {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    // A query that did not load the column leaves it undefined: not verified, as far as we know.
    emailVerified: Boolean(user.emailVerifiedAt),
  };
}
