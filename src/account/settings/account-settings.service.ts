import { HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { AccountsService } from '../../auth/core/accounts.service';
import { AuthService } from '../../auth/core/auth.service';
import { endSession } from '../../auth/core/login-session';
import { isPersonalPassword, PERSONAL_PASSWORD } from '../../auth/core/passwords/password-rules';
import { PasswordService } from '../../auth/core/passwords/password.service';
import { TokensService, ValidToken } from '../../auth/core/tokens/tokens.service';
import { passwordChangedMail } from '../../auth/core/password-mails';
import { ResetLinkMailer } from '../../auth/core/reset-link-mailer';
import { MailService } from '../../infra/mail/mail.service';
import { AuditLog } from '../../observability/audit-log';
import { SessionsService } from '../../sessions/sessions.service';
import { EMAIL_TAKEN, UsersService } from '../../users/users.service';
import { CounterStore } from '../../rate-limits/counter.store';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { FormError } from '../../web/form-error';
import { PageException } from '../../web/page.exception';
import { ShownTime, shownTime } from '../shown-time';
import {
  confirmNewEmailMail,
  emailChangeAskedMail,
  emailChangedMail,
  goodbyeMail,
} from './account.mails';
import { EMAIL_LINK_EXPIRED_PAGE, EMAIL_TAKEN_PAGE } from './account.pages';

/** What the account page shows of the account. */
export interface AccountOverview {
  username: string;
  email: string;
  emailVerified: boolean;
  memberSince: ShownTime;
  /** Null: not changed since the account was made. */
  passwordChangedAt: ShownTime | null;
  /** Whether signing in asks for a code after the password. */
  twoFactor: boolean;
}

/** Which account an email link moved, and to which address. */
export interface EmailMove {
  userId: number;
  email: string;
}

const SAME_EMAIL = 'That is already your address.';
const HOUR = 60 * 60 * 1000;
/** Email changes one account may ask for in an hour: each mails an address it chose. */
const EMAIL_CHANGES_PER_HOUR = 5;
/** Username changes one account may make in an hour. */
const USERNAME_CHANGES_PER_HOUR = 10;

/** The signed-in user's settings: username, address, password, and deleting the account. */
@Injectable()
export class AccountSettingsService {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly resetLinks: ResetLinkMailer,
    private readonly counters: CounterStore,
    private readonly mail: MailService,
    private readonly audit: AuditLog,
  ) {}

  async overview(userId: number): Promise<AccountOverview> {
    const user = await this.users.findById(userId);
    if (!user) {
      // The account was deleted by another request since this one's session was read.
      throw new NotFoundException();
    }
    return {
      username: user.username,
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      memberSince: shownTime(user.createdAt),
      passwordChangedAt: user.passwordChangedAt ? shownTime(user.passwordChangedAt) : null,
      twoFactor: user.twoFactorEnabledAt !== null,
    };
  }

  /** False when it is the name already, letter for letter. */
  async changeUsername(user: Express.User, username: string): Promise<boolean> {
    if (username === user.username) {
      return false;
    }
    // A name is not changed often; a flood of changes would push the account's sign-ins out of
    // its kept activity.
    const renamed = await this.counters.hit(`username-change:${user.id}`, HOUR, 'fixed');
    if (renamed.count > USERNAME_CHANGES_PER_HOUR) {
      throw new TooManyAttemptsException(
        'Too many username changes for this account.',
        renamed.resetAt,
      );
    }
    await this.users.changeUsername(user.id, username);
    await this.audit.record('user_updated', { userId: user.id, reason: 'username_changed' });
    return true;
  }

  /**
   * Nothing changes yet: a link to the new address makes the change (24 hours); the current
   * address is told.
   */
  async askEmailChange(
    user: Express.User,
    email: string,
    password: string,
    ip: string,
  ): Promise<void> {
    await this.auth.checkCurrentPassword(user, password, ip);
    if (email === user.email) {
      throw new FormError({ email: [SAME_EMAIL] });
    }
    // Each ask mails an address the person chose: a few an hour, whatever the addresses.
    const asked = await this.counters.hit(`email-change:${user.id}`, HOUR, 'fixed');
    if (asked.count > EMAIL_CHANGES_PER_HOUR) {
      throw new TooManyAttemptsException(
        'Too many email changes asked for this account.',
        asked.resetAt,
      );
    }
    if ((await this.users.emailTaken(email, user.id)) || (await this.tokens.heldForUndo(email))) {
      throw new FormError({ email: [EMAIL_TAKEN] });
    }
    const token = await this.tokens.issue('email_change', user.id, email);
    this.mail.send(
      confirmNewEmailMail(user, email, this.mail.link('/account/email/confirm', { token })),
    );
    this.mail.send(emailChangeAskedMail(user, email, this.mail.link('/account')));
    await this.audit.record('user_updated', { userId: user.id, reason: 'email_change_asked' });
  }

  /**
   * Follows the new address's link: the account moves to it, verified, and the old address
   * gets a link that undoes the change (7 days).
   */
  async confirmEmailChange(token: string): Promise<EmailMove> {
    const owner = await this.liveToken('email_change', token);
    const oldEmail = owner.email;
    const newEmail = owner.detail as string;
    if (await this.tokens.heldForUndo(newEmail)) {
      throw new PageException(EMAIL_TAKEN_PAGE, HttpStatus.CONFLICT);
    }
    await this.moveEmail(owner, newEmail);
    // Used once the move is made: a link that changed nothing still works.
    await this.tokens.use('email_change', token);
    const undo = await this.tokens.issue('email_change_undo', owner.id, oldEmail);
    this.mail.send(
      emailChangedMail(
        { username: owner.username, email: newEmail },
        oldEmail,
        new Date(),
        this.mail.link('/account/email/undo', { token: undo }),
      ),
    );
    await this.audit.record('user_updated', { userId: owner.id, reason: 'email_changed' });
    return { userId: owner.id, email: newEmail };
  }

  /**
   * Follows the old address's link: the address comes back, every session ends, and a reset
   * link goes to it (whoever made the change knew the password).
   */
  async undoEmailChange(token: string): Promise<EmailMove> {
    const owner = await this.liveToken('email_change_undo', token);
    const oldEmail = owner.detail as string;
    // Whoever made the change is signed out, and cannot finish another one, whether or not the
    // address can come back.
    await this.sessions.endAll(owner.id, 'email_change_undone');
    await this.tokens.revoke('email_change', owner.id);
    await this.moveEmail(owner, oldEmail);
    await this.tokens.use('email_change_undo', token);
    await this.audit.record('user_updated', { userId: owner.id, reason: 'email_change_undone' });
    await this.resetLinks.send({ id: owner.id, username: owner.username, email: oldEmail });
    return { userId: owner.id, email: oldEmail };
  }

  /**
   * A new password: every other session ends, this one continues under a new id, and a notice
   * is mailed.
   */
  async changePassword(req: Request, currentPassword: string, password: string): Promise<void> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    if (isPersonalPassword(password, user)) {
      throw new FormError({ password: [PERSONAL_PASSWORD] });
    }
    await this.users.changePassword(user.id, await this.passwords.hash(password));
    await this.sessions.endOthers(user.id, req.sessionID, 'password_changed');
    await this.auth.renewSession(req);
    await this.audit.record('authn_password_change', { userId: user.id, reason: 'settings' });
    this.mail.send(
      passwordChangedMail(user, new Date(), this.mail.link('/forgot-password'), 'settings'),
    );
  }

  /** The account goes, with its sessions, tokens and activity; a goodbye mail is sent. */
  async deleteAccount(req: Request, currentPassword: string): Promise<void> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    await this.accounts.delete(user.id);
    // Ended with the account's other sessions: this browser's cookie goes too.
    await endSession(req);
    this.mail.send(goodbyeMail(user, new Date()));
  }

  /** The owner of a token that would be accepted now, without using it; else the 400 page. */
  private async liveToken(
    purpose: 'email_change' | 'email_change_undo',
    token: string,
  ): Promise<ValidToken> {
    const owner = await this.tokens.find(purpose, token);
    if (!owner?.detail) {
      throw new PageException(EMAIL_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
    return owner;
  }

  private async moveEmail(owner: ValidToken, to: string): Promise<void> {
    const moved = await this.users.changeEmail(owner.id, owner.email, to);
    if (moved === 'taken') {
      throw new PageException(EMAIL_TAKEN_PAGE, HttpStatus.CONFLICT);
    }
    if (moved === 'stale') {
      throw new PageException(EMAIL_LINK_EXPIRED_PAGE, HttpStatus.BAD_REQUEST);
    }
  }
}
