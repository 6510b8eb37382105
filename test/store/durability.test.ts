// Issue 11 M1: embedded mode acknowledged writes that were only in the page cache (PGlite starts PostgreSQL
// with -F, and Emscripten's NODEFS has no fsync: strace showed 0 fsync calls for 50 commits). Now every
// commit asks the host to fsync the WAL before it returns, and the server's settings say so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { embeddedFsyncCount, openDb } from '../../src/store/db.ts';

test('an embedded commit is fsynced before it is acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-durable-'));
  const db = await openDb({ dataDir: dir });
  try {
    const settings = await db.query<{ fsync: string; sc: string; wsm: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc, current_setting('wal_sync_method') AS wsm",
    );
    assert.deepEqual(settings.rows, [{ fsync: 'on', sc: 'on', wsm: 'fsync' }]);
    await db.exec('CREATE TABLE durable_probe (n integer)');
    for (let i = 0; i < 5; i++) {
      const before = embeddedFsyncCount();
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO durable_probe VALUES ($1)', [i]);
      });
      assert.ok(embeddedFsyncCount() > before, `commit ${i} returned without an fsync`);
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
