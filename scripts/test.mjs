#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (Node 20 has no --test globs), three at a time, through
// scripts/run-tests.mjs.
// Usage: node scripts/test.mjs [filter...]  — filters are substrings of test file paths.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundledName, bundleTests } from './bundle-tests.mjs';
import { OPENS, testFiles } from './test-files.mjs';

// The runner starts files in the order given, a few at a time. Longest first, so that the last minutes are not
// one long file running alone while the other slots idle: the files below cost ≥ 5 CPU s each, heaviest first
// (each file run alone, `node --test`, user + sys CPU seconds, 2026-12-01, the development machine; the tour
// after its npx change): registry/issue11-pg 44.4, registry/analysis-facts 39.9, readme/tour 38, registry/store
// 19.8, literature/import-store 19.4, registry/web 17.2, e2e/registry-coordinator 16.1, e2e/registry-forms-admin
// 15.4, cli/cli 15.4, cli/conventions 14.4, registry/export 14.1, e2e/sof-page 13.3, … Every other file follows
// in name order; a file missing from this list still runs, only later.
const SLOW_FIRST = [
  'test/registry/issue11-pg.test.ts',
  'test/registry/analysis-facts.test.ts',
  'test/readme/tour.test.ts',
  'test/registry/store.test.ts',
  'test/literature/import-store.test.ts',
  'test/registry/web.test.ts',
  'test/e2e/registry-coordinator.test.ts',
  'test/e2e/registry-forms-admin.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/conventions.test.ts',
  'test/registry/export.test.ts',
  'test/e2e/sof-page.test.ts',
  'test/registry/review-accounts.test.ts',
  'test/e2e/narrow-screen.test.ts',
  'test/registry/issue11.test.ts',
  'test/registry/web-layer.test.ts',
  'test/e2e/clinic-beside.test.ts',
  'test/store/store.test.ts',
  'test/store/pg-outage.test.ts',
  'test/store/kill-load.test.ts',
  'test/e2e/evidence-browse.test.ts',
  'test/store/shared-db.test.ts',
  'test/registry/rls.test.ts',
  'test/registry/analysis-pg.test.ts',
  'test/e2e/epro-patient.test.ts',
  'test/e2e/patient-guide.test.ts',
  'test/e2e/check-claims.test.ts',
  'test/registry/followup-status.test.ts',
  'test/literature/cli.test.ts',
  'test/registry/analysis-web.test.ts',
  'test/web/literature-pages.test.ts',
  'test/web/clinic-beside.test.ts',
  'test/registry/export-pg.test.ts',
  'test/registry/epro-smtp.test.ts',
  'test/store/roles.test.ts',
  'test/registry/cli-registry.test.ts',
  'test/cli/forest-plot.test.ts',
  'test/guide/guide-web.test.ts',
  'test/cli/meta-cli.test.ts',
];
const rank = (f) => {
  const i = SLOW_FIRST.indexOf(f.split('\\').join('/'));
  return i < 0 ? SLOW_FIRST.length : i;
};

const filters = process.argv.slice(2);
const files = testFiles('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// A whole run first rebuilds dist/ when it is older than the sources (`npm ci` leaves it fresh on a clean
// checkout; an edited one is stale): bin/regenspine.js runs the bundle only when it is fresh, else the sources
// through tsx (≈ 1.3 s more CPU per command, and the CLI tests run hundreds), and in-memory test databases load
// the build's dist/pgdata-empty.tar instead of running initdb (src/store/db.ts MEMORY_TEMPLATE).
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}
if (filters.length === 0) {
  const bundle = join('dist', 'regenspine.mjs');
  const fresh =
    existsSync(bundle) &&
    existsSync(join('dist', 'pgdata-empty.tar')) &&
    existsSync(join('dist', 'pgdata-migrated.tar')) &&
    statSync(bundle).mtimeMs >= Math.max(newestMtime('src'), newestMtime('config'));
  if (!fresh) {
    console.log('dist/ is older than the sources: building it first (npm run build)');
    const b = spawnSync(process.execPath, [join('scripts', 'build.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
}
// --liftoff-only: node:test gives every test file's process the runner's own flags. A test file opens in-memory
// databases (PostgreSQL compiled to WebAssembly) and runs for seconds; V8's recompiling the hot WebAssembly with
// its optimising compiler on background threads costs more CPU than it saves there (test/registry/web.test.ts
// 25.7 → 19.5 CPU s, measured 2026-12-01). It changes how V8 compiles the code, not what the code does; the CLI
// does the same for its commands (bin/regenspine.js).
// Shared processes. node:test runs every file in a process of its own, and a process cost ≈ 1.3 CPU s before
// the first test under tsx (less bundled, see below, but still the modules a test imports): 59 of the 116
// files cost less than 3.5 CPU s each in all, 95 CPU s together (each file alone, 2026-12-01). A file that
// cannot disturb another runs with others in one process, a few such processes in all, each importing its
// files in turn. A file can disturb another, and keeps its own process, when it has hooks at the top level
// (they would apply to every file of the process), changes process-wide state (environment, working folder,
// exit code, mocks, signal handlers, the scrypt cost, console or standard output), or opens a database, a browser, a server, a worker or a child process
// (heavy, and better spread over both slots). A failure still names its test, and its stack names its file.
const SHARED_PROCESSES = 6;
const OWN_PROCESS = [
  /^(before|after|beforeEach|afterEach)\(/m,
  /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|process\.chdir|process\.exitCode|process\.on\(|\bmock\b|lowerScryptCostForTests/,
  /process\.(stdout|stderr)\.write\s*=|console\.\w+\s*=[^=]/,
  // a database, browser, server, worker or child process, opened here or through a test helper
  OPENS,
];
const shareable = (f) => {
  const text = readFileSync(f, 'utf8');
  return !OWN_PROCESS.some((re) => re.test(text));
};
const shared = files.filter(shareable);
// Every test file, and each group of shared files, is bundled with esbuild (scripts/bundle-tests.mjs), and the
// test processes run JavaScript without tsx; source maps are on, so a failure's stack names the .ts file and
// line. Whole runs, 2026-12-01: 374 s and ≈ 604 CPU s under tsx, 301 s and ≈ 493 CPU s bundled. A run's folder
// is removed when the run ends, and one left by a run that was stopped is removed a day later.
const bundleRoot = join('.tmp', 'test-bundles');
mkdirSync(bundleRoot, { recursive: true });
for (const old of readdirSync(bundleRoot)) {
  const p = join(bundleRoot, old);
  if (Date.now() - statSync(p).mtimeMs > 24 * 3600_000) rmSync(p, { recursive: true, force: true });
}
const bundleDir = mkdtempSync(join(bundleRoot, 'run-'));
const entries = {};
// the heavy own-process files first (SLOW_FIRST), then the shared processes (5–15 s each), then the remaining
// own-process files, the shortest, to fill the end
const own = shared.length > 1 ? files.filter((f) => !shared.includes(f)) : files;
const heavy = own.filter((f) => rank(f) < SLOW_FIRST.length);
const groupNames = [];
if (shared.length > 1) {
  // balanced by size (a rough measure of a file's work): largest first, each into the lightest group so far
  const groups = Array.from({ length: Math.min(SHARED_PROCESSES, shared.length) }, () => ({ files: [], bytes: 0 }));
  const sized = shared.map((f) => ({ f, bytes: statSync(f).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { f, bytes } of sized) {
    const g = groups.reduce((x, y) => (y.bytes < x.bytes ? y : x));
    g.files.push(f);
    g.bytes += bytes;
  }
  groups.forEach((g, i) => {
    const name = `shared-${i + 1}-of-${groups.length}.test`;
    const p = join(bundleDir, 'groups', `${name}.mjs`);
    // one file after another; a file that fails to load is reported as a failing test naming it, and the
    // others still run (with static imports, one failed module would stop the whole group)
    const imports = g.files.map(
      (f) =>
        `try { await import(${JSON.stringify(resolve(f))}); } catch (e) { test(${JSON.stringify(`${f} loads`)}, () => { throw e; }); }\n`,
    );
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, `import { test } from 'node:test';\n${imports.join('')}`);
    entries[name] = p;
    groupNames.push(name);
  });
}
for (const f of own) entries[bundledName(f)] = f;
const runEntries = [
  ...heavy.map(bundledName),
  ...groupNames,
  ...own.filter((f) => !heavy.includes(f)).map(bundledName),
];
try {
  await bundleTests(entries, bundleDir);
} catch {
  // esbuild has printed the error with its file and line
  rmSync(bundleDir, { recursive: true, force: true });
  process.exit(1);
}
// The tests' temporary folders (databases, PostgreSQL clusters, CLI data folders, Chromium profiles) go to
// /dev/shm (on Linux, memory) when it has room (≥ 4 GiB free: a container's is often 64 MiB) and allows running
// programs (the README tour runs a script it writes), unless TMPDIR is set. The code under test does the same:
// each commit of an embedded database still calls fsync (test/store/durability.test.ts counts them), and it
// returns at once on memory instead of waiting for the disk's journal. Whole runs, 2026-12-02: 301 s with /tmp on ext4, 272–292 s with /dev/shm.
function memoryTmp() {
  if (process.env.TMPDIR || process.platform !== 'linux' || !existsSync('/dev/shm')) return null;
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize < 4 * 2 ** 30) return null;
    const probe = mkdtempSync(join('/dev/shm', 'regenspine-probe-'));
    try {
      const script = join(probe, 'ok');
      writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      return spawnSync(script).status === 0 ? '/dev/shm' : null;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  } catch {
    return null;
  }
}
const tmp = memoryTmp();
const r = spawnSync(
  process.execPath,
  [
    '--liftoff-only',
    '--enable-source-maps',
    // REGENSPINE_TEST_TIMELINE=FILE: each test process appends its start, end and CPU time there
    ...(process.env.REGENSPINE_TEST_TIMELINE ? ['--import', './scripts/test-timeline.mjs'] : []),
    join('scripts', 'run-tests.mjs'),
    ...runEntries.map((e) => join(bundleDir, `${e}.mjs`)),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', ...(tmp ? { TMPDIR: tmp } : {}) },
  },
);
rmSync(bundleDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
