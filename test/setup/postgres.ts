/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run; each
 * test takes a fresh database of it with `freshDatabase()` (test/helpers/postgres.ts).
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../bench/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide('postgresPort', cluster.port);
  return () => cluster.stop();
}
