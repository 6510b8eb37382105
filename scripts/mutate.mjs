#!/usr/bin/env node
// Mutation testing for one part of the code: `npm run mutate -- <path> [more test-file substrings]`.
//   npm run mutate -- src/instruments          mutate src/instruments/**/*.ts
//   npm run mutate -- src/stats/forest.ts cli  one file; also run the test files whose path contains "cli"
//   npm run mutate -- src/registry --unit      only the test files that open nothing (a lower bound, fast)
// Tests chosen: every test file under test/<area>/ plus every test file that imports from the target, except
// browser tests (test/e2e) and test files that spawn processes (see SPAWNS). Extra arguments add the test
// files whose path contains them. Reports: reports/mutation/<name>.html and .json (gitignored).
// The files that open nothing run first, quickest first (timed once here); one mutant at a time unless
// MUTATE_CONCURRENCY says more (see stryker.config.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENS, testFiles } from './test-files.mjs';

const args = process.argv.slice(2);
// --unit: only the test files that open nothing (no database, server, browser, worker or child process: OPENS).
// Minutes instead of hours for a folder whose mutants the database tests also reach; the score is then a lower
// bound (a mutant only a database test kills counts as survived or not covered).
const unit = args.includes('--unit');
const [target, ...extra] = args.filter((a) => a !== '--unit');
if (!target || !existsSync(target) || !target.startsWith('src/')) {
  console.error('usage: npm run mutate -- src/<folder or file.ts(x)> [--unit] [test-path-substring ...]');
  process.exit(2);
}

const clean = target.replace(/\/$/, '');
const area = clean.split('/')[1]; // src/<area>/...
const importPath = clean.replace(/\.tsx?$/, '');
// A test file that starts `regenspine` processes covers the target only inside those children, where the tap
// runner records no coverage, and costs seconds per run: left out unless named by an extra argument.
const SPAWNS = /\bspawn(Sync)?\(|\bexecFile(Sync)?\(/;
const chosen = testFiles('test')
  .filter((f) => !f.startsWith(join('test', 'e2e')))
  .map((f) => ({ f, text: readFileSync(f, 'utf8') }))
  .filter(({ f, text }) => {
    if (extra.some((x) => f.includes(x))) return true;
    return (
      (f.startsWith(join('test', area, '')) || text.includes(importPath)) &&
      !SPAWNS.test(text) &&
      !(unit && OPENS.test(text))
    );
  })
  .map(({ f, text }) => ({ f, heavy: OPENS.test(text), seconds: Number.POSITIVE_INFINITY }))
  .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
// Cheap files first: Stryker tests a mutant with the files that reach it in this list's order and stops at the
// first that fails, so a mutant a quick unit test kills should cost that test, not a slow one's seconds first.
// The files that open something go last; the others are timed once here (a few seconds each, as a ranking:
// every file pays the same tsx start-up) — a unit file that reads large fixtures can be slower than ten others.
for (const t of chosen) {
  if (t.heavy) continue;
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', t.f], {
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'test' },
  });
  t.seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) {
    console.error(`${t.f} fails without any mutant: fix it first (node --import tsx --test ${t.f})`);
    process.exit(1);
  }
}
const tests = chosen.sort((a, b) => Number(a.heavy) - Number(b.heavy) || a.seconds - b.seconds).map(({ f }) => f);
if (tests.length === 0) {
  console.error(`no test file exercises ${target}`);
  process.exit(1);
}
console.log(`mutating ${target} with ${tests.length} test files:\n  ${tests.join('\n  ')}`);
const r = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'test',
    MUTATE_TARGET: clean,
    MUTATE_REPORT: unit ? 'unit' : '',
    MUTATE_TESTS: JSON.stringify(tests),
  },
});
process.exit(r.status ?? 1);
