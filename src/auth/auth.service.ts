import { Injectable } from '@nestjs/common';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { RegisterDto } from './dto/register.dto';
import { PasswordService } from './passwords/password.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
  ) {}

  async register(form: RegisterDto): Promise<User> {
    // Checked first so that a taken name costs no bcrypt work; the insert re-checks.
    await this.users.assertAvailable(form.username, form.email);
    const passwordHash = await this.passwords.hash(form.password);
    return this.users.create({ username: form.username, email: form.email, passwordHash });
  }

  /** The account these credentials open, or null. Unknown email and wrong password look alike. */
  async validateCredentials(email: string, password: string): Promise<Express.User | null> {
    const user = await this.users.findByEmailWithPasswordHash(email);
    const matches = await this.passwords.verify(password, user?.passwordHash);
    if (!user || !matches) {
      return null;
    }
    return { id: user.id, username: user.username, email: user.email };
  }
}
