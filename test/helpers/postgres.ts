/** A fresh database on the test run's PostgreSQL cluster (test/setup/postgres.ts). */
import { inject } from 'vitest';
import { createDatabase } from '../../bench/postgres-cluster.js';

/** Creates an empty database and returns its connection URL. */
export function freshDatabase(): Promise<string> {
  return createDatabase(inject('postgresPort'));
}
