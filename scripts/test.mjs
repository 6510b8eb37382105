#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (Node 20 has no --test globs), two at a time, through
// scripts/run-tests.mjs.
// Usage: node scripts/test.mjs [filter...]  — filters are substrings of test file paths.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// The runner starts files in the order given, two at a time. Longest first, so that the last minutes are not
// one long file running alone while the other slot idles: the files below cost ≥ 8 s of CPU each, heaviest
// first (each file run alone through this script, user + sys CPU seconds; issue 11 "Tests"). The first 16
// (and literature/cli) re-measured 2026-12-01 after the --liftoff-only change below, on a shared machine (load
// average ≈ 9): tour 65.5, issue11-pg 47.9, registry/store 21.5, registry/web 19.5, import-store 19.1,
// cli 17.0, conventions 16.6, export 15.6, review-accounts 13.3, web-layer 11.5, hardening 11.4, rls 10.5,
// store/store 10.4, issue11 9.5, cli-registry 9.4, literature/cli 7.8; the others keep their earlier place.
// Every other file follows in name order; a file missing from this list still runs, only later.
const SLOW_FIRST = [
  'test/readme/tour.test.ts',
  'test/registry/issue11-pg.test.ts',
  'test/registry/store.test.ts',
  'test/registry/web.test.ts',
  'test/literature/import-store.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/conventions.test.ts',
  'test/registry/export.test.ts',
  'test/registry/review-accounts.test.ts',
  'test/e2e/registry-forms-admin.test.ts',
  'test/e2e/registry-coordinator.test.ts',
  'test/registry/web-layer.test.ts',
  'test/registry/hardening.test.ts',
  'test/e2e/epro-patient.test.ts',
  'test/registry/rls.test.ts',
  'test/store/store.test.ts',
  'test/registry/issue11.test.ts',
  'test/registry/cli-registry.test.ts',
  'test/registry/followup-status.test.ts',
  'test/e2e/sof-page.test.ts',
  'test/registry/analysis-pg.test.ts',
  'test/registry/epro-smtp.test.ts',
  'test/registry/analysis-web.test.ts',
  'test/store/kill-load.test.ts',
  'test/registry/epro.test.ts',
  'test/e2e/narrow-screen.test.ts',
  'test/literature/cli.test.ts',
  'test/cli/meta-cli.test.ts',
  'test/store/pg-outage.test.ts',
  'test/store/shared-db.test.ts',
  'test/e2e/evidence-browse.test.ts',
  'test/store/evidence-no-db.test.ts',
  'test/ingest/safety.test.ts',
  'test/literature/reread.test.ts',
  'test/e2e/patient-guide.test.ts',
  'test/cli/check-claims.test.ts',
  'test/guide/guide-web.test.ts',
  'test/e2e/check-claims.test.ts',
  'test/store/roles.test.ts',
  'test/cli/forest-plot.test.ts',
];
const rank = (f) => {
  const i = SLOW_FIRST.indexOf(f.split('\\').join('/'));
  return i < 0 ? SLOW_FIRST.length : i;
};

const filters = process.argv.slice(2);
const files = walk('test')
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
const r = spawnSync(
  process.execPath,
  ['--liftoff-only', '--import', 'tsx', join('scripts', 'run-tests.mjs'), ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  },
);
process.exit(r.status ?? 1);
