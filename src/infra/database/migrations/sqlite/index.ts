import { CreateUsersAndSessions1795729124519 } from './1795729124519-CreateUsersAndSessions';
import { CreateRateLimits1795730231611 } from './1795730231611-CreateRateLimits';
import { SessionOwnersAndDevices1796031236207 } from './1796031236207-SessionOwnersAndDevices';
import { IncrementalVacuum1796033680803 } from './1796033680803-IncrementalVacuum';
import { Tokens1796044831608 } from './1796044831608-Tokens';
import { EmailVerifiedAt1796045706355 } from './1796045706355-EmailVerifiedAt';
import { AccountSettingsAndActivity1796054959276 } from './1796054959276-AccountSettingsAndActivity';
import { DisabledAccounts1796078400000 } from './1796078400000-DisabledAccounts';
import { TwoFactor1796078415000 } from './1796078415000-TwoFactor';
import { Passkeys1796078425000 } from './1796078425000-Passkeys';

/** SQLite's migrations, oldest first. A new one from `migration:generate` must be added here. */
export const sqliteMigrations = [
  CreateUsersAndSessions1795729124519,
  CreateRateLimits1795730231611,
  SessionOwnersAndDevices1796031236207,
  IncrementalVacuum1796033680803,
  Tokens1796044831608,
  EmailVerifiedAt1796045706355,
  AccountSettingsAndActivity1796054959276,
  DisabledAccounts1796078400000,
  TwoFactor1796078415000,
  Passkeys1796078425000,
];
