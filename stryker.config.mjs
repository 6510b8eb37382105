// Stryker mutation-testing configuration. Normally run through `npm run mutate -- <path>`
// (scripts/mutate.mjs), which sets MUTATE_TARGET (the source folder or file to mutate) and
// MUTATE_TESTS (a JSON list of the test files that exercise it).
//
// Test runner: @stryker-mutator/tap-runner, which runs each test file as its own Node process
// (node:test prints TAP when run directly) and records which mutants each file reaches, so with
// coverageAnalysis "perTest" a mutant is tested only by the files that execute it.
// Stryker 9.x is used because 10.x needs Node 22 and the project targets Node 20.
// The test files run bundled, as in `npm test`: after Stryker has written the instrumented sources into its
// sandbox, buildCommand bundles the chosen test files with them (scripts/bundle-tests.mjs) into
// .tmp/mutate-tests/, and the runner starts those, without tsx. A test process under tsx spent ≈ 2 CPU s
// before its first test, and the tap runner starts one per test file per mutant.
import { readFileSync } from 'node:fs';
import { bundledName } from './scripts/bundle-tests.mjs';
import { rangePattern } from './scripts/mutation-sample.mjs';

const target = process.env.MUTATE_TARGET ?? 'src/instruments';
const tests = JSON.parse(process.env.MUTATE_TESTS ?? '[]');
const BUNDLE = '.tmp/mutate-tests';
// reports/mutation/<name>: the target's path, "-unit" for a run with the unit test files only (--unit)
const name =
  target
    .replace(/^src\//, '')
    .replace(/[\\/]+/g, '-')
    .replace(/\.tsx?$/, '') + (process.env.MUTATE_REPORT ? `-${process.env.MUTATE_REPORT}` : '');
// A folder's views are .tsx (hono/jsx components): they are mutated too.
// MUTATE_SAMPLE (`npm run mutate -- <path> --sample N`): the picked mutants' JSON; only their locations are
// mutated, and the ignorer plugin keeps the mutants nested inside those locations out (scripts/mutation-sample.mjs).
const sample = process.env.MUTATE_SAMPLE ? JSON.parse(readFileSync(process.env.MUTATE_SAMPLE, 'utf8')).picked : null;
const mutate = sample
  ? sample.map(rangePattern)
  : /\.tsx?$/.test(target)
    ? [target]
    : [`${target.replace(/\/$/, '')}/**/*.{ts,tsx}`];

export default {
  packageManager: 'npm',
  mutate,
  ...(sample ? { plugins: ['@stryker-mutator/*', './scripts/stryker-sample-ignorer.mjs'], ignorers: ['sample'] } : {}),
  testRunner: 'tap',
  buildCommand: `node scripts/bundle-tests.mjs ${BUNDLE}`,
  tap: {
    testFiles: tests.map((f) => `${BUNDLE}/${bundledName(f)}.mjs`),
    nodeArgs: ['-r', '{{hookFile}}', '--liftoff-only', '--test-reporter=tap', '{{testFile}}'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: one mutant at a time, unless MUTATE_CONCURRENCY says more.
  concurrency: Number(process.env.MUTATE_CONCURRENCY || 1),
  // Test files that start PostgreSQL or a CLI process need headroom over the dry-run timing; the unit files
  // (--unit) open nothing, and 10 s over twice their dry-run time is still several times their slowest run on a
  // busy machine, while a mutant that loops (the XML reader's) costs 10 s instead of 30.
  timeoutMS: /(^|-)unit(-|$)/.test(process.env.MUTATE_REPORT ?? '') ? 10000 : 30000,
  // The initial run of every chosen test file, on a busy 2-core machine.
  dryRunTimeoutMinutes: 30,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  // Remembers results between runs of the same target so a re-run only tests changed code/tests.
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', 'test-artifacts', '.regenspine', '.tmp'],
  thresholds: { high: 90, low: 85, break: null },
};
