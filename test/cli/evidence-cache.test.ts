// The read commands as a user runs them, with the evidence cache (src/evidence/cache.ts): the first command
// writes the cache file in the data folder, later ones read it without writing, and every answer is the one
// a command without the cache gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
const root = mkdtempSync(join(tmpdir(), 'regenspine-cli-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', REGENSPINE_CACHE_DIR: '', ...env },
  });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('read commands share one cache file in the data folder, written once, with the uncached answers', () => {
  const dataDir = join(root, 'data');
  const cached = { REGENSPINE_DATA_DIR: dataDir };
  const uncached = { REGENSPINE_DATA_DIR: join(root, 'other'), REGENSPINE_CACHE_DIR: 'off' };
  const commands = [
    ['studies', '--format', 'json'],
    ['card', '--therapy', 'prp', '--format', 'json'],
    ['export', '--format', 'json'],
  ];
  const first = run(commands[0]!, cached);
  const cacheDir = join(dataDir, 'cache');
  const files = readdirSync(cacheDir);
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0]!, /^evidence-[0-9a-f]{16}\.json$/);
  const written = statSync(join(cacheDir, files[0]!));
  assert.equal(first, run(commands[0]!, uncached));
  for (const args of commands) assert.equal(run(args, cached), run(args, uncached), args.join(' '));
  // read, never rewritten (a rewrite is a rename over it: a new inode)
  const later = statSync(join(cacheDir, files[0]!));
  assert.deepEqual([later.ino, later.mtimeMs], [written.ino, written.mtimeMs]);
  assert.deepEqual(readdirSync(cacheDir), files);
  // REGENSPINE_CACHE_DIR=off wrote nothing
  assert.throws(() => readdirSync(join(root, 'other', 'cache')), /ENOENT/);
});
