import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../observability/audit-log';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { PasswordService } from '../core/passwords/password.service';
import { RegisterDto } from './register.dto';

@Injectable()
export class RegistrationService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly audit: AuditLog,
  ) {}

  async register(form: RegisterDto): Promise<User> {
    // Checked first so that a taken name costs no bcrypt work; the insert re-checks.
    await this.users.assertAvailable(form.username, form.email);
    const passwordHash = await this.passwords.hash(form.password);
    const user = await this.users.create({
      username: form.username,
      email: form.email,
      passwordHash,
    });
    this.audit.record('user_created', { userId: user.id, email: user.email });
    return user;
  }
}
