// The two database engines every storage test runs on: embedded PGlite (in memory) and a real PostgreSQL
// server started for the test file. Call at module level: it registers the server's before/after hooks.
import { after, before } from 'node:test';
import { type Db, openDb } from '../../src/store/db.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

export function bothEngines(): [name: string, open: () => Promise<Db>][] {
  let pg: TestPostgres | undefined;
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });
  return [
    ['pglite', () => openDb({ memory: true })],
    ['postgres', () => openDb({ databaseUrl: pg!.url })],
  ];
}
