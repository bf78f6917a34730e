import { InitialSchema1795732354747 } from './1795732354747-InitialSchema';
import { SessionOwnersAndDevices1796031280463 } from './1796031280463-SessionOwnersAndDevices';
import { Tokens1796044841561 } from './1796044841561-Tokens';
import { EmailVerifiedAt1796045717864 } from './1796045717864-EmailVerifiedAt';
import { AccountSettingsAndActivity1796054965696 } from './1796054965696-AccountSettingsAndActivity';
import { DisabledAccounts1796078410000 } from './1796078410000-DisabledAccounts';
import { TwoFactor1796078420000 } from './1796078420000-TwoFactor';
import { Passkeys1796078430000 } from './1796078430000-Passkeys';

/** PostgreSQL's migrations, oldest first. A new one from `migration:generate` must be added here. */
export const postgresMigrations = [
  InitialSchema1795732354747,
  SessionOwnersAndDevices1796031280463,
  Tokens1796044841561,
  EmailVerifiedAt1796045717864,
  AccountSettingsAndActivity1796054965696,
  DisabledAccounts1796078410000,
  TwoFactor1796078420000,
  Passkeys1796078430000,
];
