import { Token } from './auth/core/tokens/token.entity';
import { Passkey } from './auth/core/passkeys/passkey.entity';
import { RecoveryCode } from './auth/core/two-factor/recovery-code.entity';
import { AccountEvent } from './activity/account-event.entity';
import { RateLimit } from './rate-limits/rate-limit.entity';
import { Session } from './sessions/session.entity';
import { User } from './users/user.entity';

/** Every table the app maps: the app and the TypeORM CLI (`ormconfig.ts`) both use this list. */
export const ENTITIES = [User, Session, RateLimit, Token, AccountEvent, RecoveryCode, Passkey];
