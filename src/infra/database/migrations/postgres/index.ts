import { InitialSchema1795732354747 } from './1795732354747-InitialSchema';
import { SessionOwnersAndDevices1796031280463 } from './1796031280463-SessionOwnersAndDevices';

/** PostgreSQL's migrations, oldest first. A new one from `migration:generate` must be added here. */
export const postgresMigrations = [
  InitialSchema1795732354747,
  SessionOwnersAndDevices1796031280463,
];
