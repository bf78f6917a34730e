import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../../observability/audit-log';
import { User } from '../../users/user.entity';
import { EMAIL_TAKEN, UsersService } from '../../users/users.service';
import { FormError } from '../../web/form-error';
import { PasswordService } from '../core/passwords/password.service';
import { TokensService } from '../core/tokens/tokens.service';
import { VerificationMailer } from '../core/verification-mailer';
import { RegisterDto } from './register.dto';

@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly verification: VerificationMailer,
    private readonly tokens: TokensService,
    private readonly audit: AuditLog,
  ) {}

  async register(form: RegisterDto): Promise<User> {
    // Checked first so that a taken name costs no bcrypt work; the insert re-checks.
    await this.users.assertAvailable(form.username, form.email);
    if (await this.tokens.heldForUndo(form.email)) {
      // An account moved away from it lately, and may take it back: it counts as taken.
      throw new FormError({ email: [EMAIL_TAKEN] });
    }
    const passwordHash = await this.passwords.hash(form.password);
    const user = await this.users.create({
      username: form.username,
      email: form.email,
      passwordHash,
    });
    await this.audit.record('user_created', { userId: user.id, email: user.email });
    await this.sendVerificationLink(user);
    return user;
  }

  /** The account is made whatever happens here: the person can ask for the link again. */
  private async sendVerificationLink(user: User): Promise<void> {
    try {
      await this.verification.send(user);
    } catch (error) {
      this.logger.warn(`No verification link for a new account: ${(error as Error).message}`);
    }
  }
}
