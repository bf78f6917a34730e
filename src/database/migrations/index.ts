import { CreateUsersAndSessions1795729124519 } from './1795729124519-CreateUsersAndSessions';

/** Every migration, oldest first. A new one from `migration:generate` must be added here. */
export const migrations = [CreateUsersAndSessions1795729124519];
