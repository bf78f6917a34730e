import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../observability/audit-log';
import { SessionsService } from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';

/** What happens to a whole account, asked for by its owner (the settings) or an operator. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The account goes: first its sessions (in Redis too), then the row, and with it (foreign
   * keys) its tokens and activity. Its address and username are free again.
   */
  async delete(userId: number): Promise<void> {
    await this.sessions.endAll(userId, 'account_deleted');
    await this.users.delete(userId);
    await this.audit.record('user_deleted', { userId });
  }

  /**
   * Disables the account, then ends its sessions, so that no sign-in slips in between; false
   * when it was disabled already.
   */
  async disable(userId: number): Promise<{ changed: boolean; sessionsEnded: number }> {
    const changed = await this.users.setDisabled(userId, true);
    const sessionsEnded = await this.sessions.endAll(userId, 'account_disabled');
    return { changed, sessionsEnded };
  }
}
