// Evidence read commands read data/evidence directly and never start the embedded database (issue 11 §2:
// `studies` booted PGlite to read 29 files, 3.9 s and 260 MB). A database start takes the folder's lock and
// creates its cluster (regenspine.lock, pgdata), so a data folder holding nothing but the evidence cache
// (cache/, src/evidence/cache.ts) afterwards proves that none was opened. Times are printed by
// `npm run bench:durability`, never asserted here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');

test('studies, study, card, export and validate run without creating or opening a database', () => {
  const parent = mkdtempSync(join(tmpdir(), 'regenspine-nodb-'));
  try {
    const dataDir = join(parent, 'never-created');
    for (const args of [
      ['studies'],
      ['study', 'amirdelfan-2021'],
      ['card', '--therapy', 'msc'],
      ['export', '--format', 'json'],
      ['validate'],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        encoding: 'utf8',
        // An unreachable server as well: a command that tried to connect would fail.
        env: { ...process.env, REGENSPINE_DATA_DIR: dataDir, DATABASE_URL: '' },
      });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stdout.length > 0, `${args.join(' ')} printed nothing`);
      const made = existsSync(dataDir) ? readdirSync(dataDir) : [];
      assert.deepEqual(
        made.filter((n) => n !== 'cache'),
        [],
        `${args.join(' ')} created a database in the data folder`,
      );
      const viaServer = spawnSync(process.execPath, [BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, REGENSPINE_DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      });
      assert.equal(viaServer.status, 0, `${args.join(' ')} with an unreachable DATABASE_URL: ${viaServer.stderr}`);
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
