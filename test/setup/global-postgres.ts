/** vitest global setup: one throw-away PostgreSQL server for the run (`inject('postgresUrl')`). */
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
