// A process killed (SIGKILL) in the middle of loading the evidence leaves the embedded database in the
// state of the last completed load: never a mix.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../../src/store/db.ts';
import { listStudies } from '../../src/store/evidence.ts';

const ROOT = join(import.meta.dirname, '..', '..');

// The child loads the curated studies again and again, each round stamping every study's summary with the
// round number, so a half-applied load would show two different stamps.
const CHILD = `
import { readValidStudies } from './src/app.ts';
import { openDb } from './src/store/db.ts';
import { loadEvidence } from './src/store/evidence.ts';
import { migrate } from './src/store/migrate.ts';
const studies = await readValidStudies();
const db = await openDb({ dataDir: process.env.DIR });
await migrate(db);
for (let round = 1; ; round++) {
  const stamped = studies.map((s) => ({ ...s, summary: 'round ' + round }));
  await loadEvidence(db, stamped);
  if (round === 1) console.log('first load done');
}
`;

test('SIGKILL during repeated loads leaves one consistent load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-kill-'));
  try {
    for (const delay of [150, 700]) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
        cwd: ROOT,
        env: { ...process.env, DIR: dir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => String(d).includes('first load done') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const db = await openDb({ dataDir: dir }); // the dead child's lock is stale and is taken over
      try {
        const studies = await listStudies(db);
        assert.ok(studies.length > 10);
        const stamps = new Set(studies.map((s) => s.summary));
        assert.equal(stamps.size, 1, `mixed state after kill: ${[...stamps].join(', ')}`);
        const flat = await db.query<{ n: number }>('SELECT count(DISTINCT study_id)::int AS n FROM study_arm');
        assert.ok(flat.rows[0]!.n > 0);
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
