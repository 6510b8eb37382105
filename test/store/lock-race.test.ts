// Issue 11 M2: the embedded lock had a check-then-act race; with a stale lock (a dead holder's pid) two
// processes starting together could both take it (19 of 300 rounds). Here several real processes race for
// the lock of one folder, round after round, each round starting from a stale lock file; a holder marks
// itself in a shared folder while it holds the lock and counts the marks it sees. Never two.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireDirLock, DatabaseLockedError } from '../../src/store/db.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PROCESSES = 6;
const ROUNDS = 40;

// Each child: for every round, wait for the go file, try the lock, and if it holds it, mark, look, wait a
// little, unmark, release. It writes one line per round: "held <n marks seen>" or "refused".
const CHILD = `
import { existsSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDirLock } from './src/store/db.ts';
const [dir, shared, rounds, out] = [process.env.DIR, process.env.SHARED, Number(process.env.ROUNDS), process.env.OUT];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (let round = 0; round < rounds; round++) {
    while (!existsSync(join(shared, 'go-' + round))) await sleep(2);
    let line;
    try {
      const lock = await acquireDirLock(dir);
      const mark = join(shared, 'holding-' + process.pid);
      writeFileSync(mark, '');
      await sleep(15);
      const seen = readdirSync(shared).filter((n) => n.startsWith('holding-')).length;
      rmSync(mark);
      lock.release();
      line = 'held ' + seen;
    } catch (e) {
      line = e.constructor.name === 'DatabaseLockedError' ? 'refused' : 'error ' + e.message;
    }
    appendFileSync(out, round + ' ' + line + '\\n');
    writeFileSync(join(shared, 'done-' + round + '-' + process.pid), '');
  }
})();
`;

/** The pid of a process that has exited: what a lock file holds after its holder was killed. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

test(`${PROCESSES} processes racing for one embedded lock over ${ROUNDS} rounds: never two holders`, {
  timeout: 600_000,
}, async () => {
  const base = mkdtempSync(join(tmpdir(), 'regenspine-lockrace-'));
  const dir = join(base, 'db');
  const shared = join(base, 'shared');
  mkdirSync(dir);
  mkdirSync(shared);
  const outs = Array.from({ length: PROCESSES }, (_, i) => join(base, `out-${i}`));
  const children = outs.map((out) =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: ROOT,
      env: { ...process.env, DIR: dir, SHARED: shared, ROUNDS: String(ROUNDS), OUT: out },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  try {
    const stale = deadPid();
    for (let round = 0; round < ROUNDS; round++) {
      writeFileSync(join(dir, 'regenspine.lock'), String(stale)); // as left by a holder killed with -9
      writeFileSync(join(shared, `go-${round}`), '');
      // No clock here: a round that never finishes is ended by the test's own timeout (the runner's hang guard).
      while (readdirSync(shared).filter((n) => n.startsWith(`done-${round}-`)).length < PROCESSES) {
        assert.ok(
          children.every((c) => c.exitCode === null || c.exitCode === 0),
          'a racing process failed',
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const lines = outs.flatMap((o) => (existsSync(o) ? readFileSync(o, 'utf8').trim().split('\n') : []));
    assert.equal(lines.length, PROCESSES * ROUNDS);
    const errors = lines.filter((l) => / error /.test(l));
    assert.deepEqual(errors, []);
    const overlaps = lines.filter((l) => /held (\d+)/.test(l) && Number(/held (\d+)/.exec(l)![1]) > 1);
    assert.deepEqual(overlaps, [], 'two processes held the lock at once');
    // Every round somebody got the stale lock (it is taken over, not left blocking).
    for (let round = 0; round < ROUNDS; round++) {
      assert.ok(
        lines.some((l) => l.startsWith(`${round} held`)),
        `nobody took the stale lock in round ${round}`,
      );
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  }
});

test('a live holder is named in the refusal; after release the lock can be taken again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-lock-'));
  try {
    const lock = await acquireDirLock(dir);
    await assert.rejects(
      acquireDirLock(dir),
      (e: Error) => e instanceof DatabaseLockedError && e.message.includes(`process ${process.pid}`),
    );
    lock.release();
    (await acquireDirLock(dir)).release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
