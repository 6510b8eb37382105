// npm run bench:durability — what durable embedded writes cost (issue 11 M1), and how long a fresh
// embedded database takes to create (issue 11 §2: goal first start < 3 s).
//  1. first start: open + migrate + load data/evidence into an empty folder, as `regenspine serve` does, from
//     the build's initialised template and (for comparison) with initdb;
//  2. single-row transactions, one after another, with fsync (the default) and with
//     REGENSPINE_EMBEDDED_SYNC=off (no fsync, the behaviour before the fix), each in a fresh folder;
//  3. the evidence read commands as a user runs them (whole process), which must not open the database.
// Figures are wall-clock on whatever machine runs this; the fsync count shows the writes reach the disk.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app.ts';
import { EMBEDDED_TEMPLATE, embeddedFsyncCount, openDb } from '../src/store/db.ts';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 300);
const ROOT = join(import.meta.dirname, '..');

const f = (x: number, d = 0) => x.toFixed(d);

function fresh(): string {
  return mkdtempSync(join(tmpdir(), 'regenspine-bench-dur-'));
}

async function firstStart(sync: 'on' | 'off', noTemplate = false) {
  process.env.REGENSPINE_EMBEDDED_SYNC = sync;
  const dir = fresh();
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const app = await openApp({ dataDir: dir, noTemplate });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    await app.db.close();
    // CPU time too: on a shared machine the wall clock mostly measures the neighbours.
    return `${f(ms)} ms wall, ${f((c.user + c.system) / 1000)} ms CPU`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function commits(sync: 'on' | 'off') {
  process.env.REGENSPINE_EMBEDDED_SYNC = sync;
  const dir = fresh();
  try {
    const db = await openDb({ dataDir: dir });
    await db.exec('CREATE TABLE bench_commit (id serial PRIMARY KEY, note text NOT NULL)');
    const fsyncs = embeddedFsyncCount();
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < COMMITS; i++) {
      const s = performance.now();
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO bench_commit (note) VALUES ($1)', [`row ${i}`]);
      });
      lat.push(performance.now() - s);
    }
    const total = performance.now() - t0;
    const perCommitFsyncs = (embeddedFsyncCount() - fsyncs) / COMMITS;
    await db.close();
    lat.sort((a, b) => a - b);
    return {
      perSecond: (COMMITS / total) * 1000,
      p50: lat[Math.floor(lat.length / 2)]!,
      p99: lat[Math.floor(lat.length * 0.99)]!,
      perCommitFsyncs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`first start (empty folder → migrated, evidence loaded):`);
console.log(
  `  (template ${existsSync(EMBEDDED_TEMPLATE) ? 'built' : 'MISSING: run npm run build'}: ${EMBEDDED_TEMPLATE})`,
);
for (const sync of ['on', 'off'] as const) console.log(`  sync ${sync}: ${await firstStart(sync)}`);
console.log(`  sync on, initdb instead of the template: ${await firstStart('on', true)}`);

console.log(`\n${COMMITS} single-row transactions, one at a time:`);
for (const sync of ['on', 'off'] as const) {
  const r = await commits(sync);
  console.log(
    `  sync ${sync}: ${f(r.perSecond)} commits/s, p50 ${f(r.p50, 2)} ms, p99 ${f(r.p99, 2)} ms, ${f(r.perCommitFsyncs, 1)} fsync/commit`,
  );
}

console.log('\nevidence read commands (whole process, no database):');
const dataDir = join(fresh(), 'never-created');
for (const args of [
  ['studies'],
  ['study', 'amirdelfan-2021'],
  ['card', '--therapy', 'msc'],
  ['export'],
  ['validate'],
]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'regenspine.js'), ...args], {
    env: { ...process.env, REGENSPINE_DATA_DIR: dataDir, DATABASE_URL: '' },
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  console.log(`  regenspine ${args.join(' ')}: ${f(ms)} ms${r.status === 0 ? '' : ` (exit ${r.status})`}`);
}
