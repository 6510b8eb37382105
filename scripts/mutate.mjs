#!/usr/bin/env node
// Mutation testing for one part of the code: `npm run mutate -- <path> [more test-file substrings]`.
//   npm run mutate -- src/instruments          mutate src/instruments/**/*.ts
//   npm run mutate -- src/stats/forest.ts cli  one file; also run the test files whose path contains "cli"
//   npm run mutate -- src/registry --unit      only the test files that open nothing (a lower bound, fast)
//   npm run mutate -- src/web/registry --sample 400 [--seed 1] [--part 1/4]
//                                              a simple random sample of 400 of the target's mutants, with every
//                                              test file: an estimate with its 95 % interval where a full run
//                                              costs hours (scripts/mutation-sample.mjs)
// Tests chosen: every test file under test/<area>/ plus every test file whose imports reach the target, except
// browser tests (test/e2e) and test files that spawn processes (see SPAWNS). Extra arguments add the test
// files whose path contains them. Reports: reports/mutation/<name>.html and .json (gitignored).
// The files that open nothing run first, quickest first (timed once here); one mutant at a time unless
// MUTATE_CONCURRENCY says more (see stryker.config.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reachedSources } from './bundle-tests.mjs';
import { allMutants, drawParts } from './mutation-sample.mjs';
import { OPENS, testFiles } from './test-files.mjs';

const argv = process.argv.slice(2);
// --sample N [--seed S]: N mutants drawn at random (seed 1 unless given); the options' values are not paths
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} needs a whole number from 1, not ${JSON.stringify(argv[i + 1] ?? '')}`);
    process.exit(2);
  }
  return v;
};
const sampleSize = option('--sample', 0);
const seed = option('--seed', 1);
// --part K/P: the K-th of P parts of the sample (each a random sample itself; mutation-score.mjs joins the parts)
const partArg = argv.includes('--part') ? argv[argv.indexOf('--part') + 1] : '1/1';
const [part, parts] = /^\d+\/\d+$/.test(partArg ?? '') ? partArg.split('/').map(Number) : [0, 0];
if (!(part >= 1 && part <= parts) || (parts > 1 && !sampleSize)) {
  console.error(`--part needs K/P with 1 ≤ K ≤ P, and --sample: not ${JSON.stringify(partArg ?? '')}`);
  process.exit(2);
}
const VALUED = ['--sample', '--seed', '--part'];
const args = argv.filter((a, i) => !VALUED.includes(a) && !VALUED.includes(argv[i - 1]));
// --unit: only the test files that open nothing (no database, server, browser, worker or child process: OPENS).
// Minutes instead of hours for a folder whose mutants the database tests also reach; the score is then a lower
// bound (a mutant only a database test kills counts as survived or not covered).
const unit = args.includes('--unit');
const [target, ...extra] = args.filter((a) => a !== '--unit');
if (!target || !existsSync(target) || !target.startsWith('src/')) {
  console.error(
    'usage: npm run mutate -- src/<folder or file.ts(x)> [--unit] [--sample N [--seed S] [--part K/P]] [test-path-substring ...]',
  );
  process.exit(2);
}

const clean = target.replace(/\/$/, '');
const area = clean.split('/')[1]; // src/<area>/...
// A test file that starts `regenspine` processes covers the target only inside those children, where the tap
// runner records no coverage, and costs seconds per run: left out unless named by an extra argument.
const SPAWNS = /\bspawn(Sync)?\(|\bexecFile(Sync)?\(/;
const candidates = testFiles('test')
  .filter((f) => !f.startsWith(join('test', 'e2e')))
  .map((f) => ({ f, text: readFileSync(f, 'utf8') }));
// A test file reaches the target when its bundle holds one of the target's files: through a direct import, a
// test helper or src/web/server.ts (which mounts src/web/registry) alike (esbuild's metafile; nothing written).
const reach = await reachedSources(candidates.map(({ f }) => f));
const inTarget = (p) => p === clean || p.startsWith(`${clean}/`);
const chosen = candidates
  .filter(({ f, text }) => {
    if (extra.some((x) => f.includes(x))) return true;
    const reaches = [...(reach[f] ?? [])].some((p) => inTarget(p.split('\\').join('/')));
    return (f.startsWith(join('test', area, '')) || reaches) && !SPAWNS.test(text) && !(unit && OPENS.test(text));
  })
  .map(({ f, text }) => ({ f, heavy: OPENS.test(text), seconds: Number.POSITIVE_INFINITY }))
  .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
// Cheap files first: Stryker tests a mutant with the files that reach it in this list's order and stops at the
// first that fails, so a mutant a quick unit test kills should cost that test, not a slow one's seconds first.
// The files that open something go last; the others are timed once here (a few seconds each, as a ranking:
// every file pays the same tsx start-up) — a unit file that reads large fixtures can be slower than ten others.
// In a sampled run, which has the files that open something, those are timed too and ranked among themselves:
// a database file of 4 s before one of 20 s. A file's time is kept in reports/mutation/test-seconds.json and
// reused while the file is unchanged (the parts of a sample, and re-runs, skip the minutes of timing).
const timesPath = join('reports', 'mutation', 'test-seconds.json');
const times = existsSync(timesPath) ? JSON.parse(readFileSync(timesPath, 'utf8')) : {};
for (const t of chosen) {
  if (t.heavy && !sampleSize) continue;
  const mtimeMs = statSync(t.f).mtimeMs;
  if (times[t.f]?.mtimeMs === mtimeMs) {
    t.seconds = times[t.f].seconds;
    continue;
  }
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
  times[t.f] = { mtimeMs, seconds: t.seconds };
}
mkdirSync(join('reports', 'mutation'), { recursive: true });
writeFileSync(timesPath, `${JSON.stringify(times, null, 1)}\n`);
const tests = chosen.sort((a, b) => Number(a.heavy) - Number(b.heavy) || a.seconds - b.seconds).map(({ f }) => f);
// The sample: drawn from every mutant of the target's files, written beside the reports, where
// scripts/mutation-score.mjs finds it (reports/mutation/<name>.sample.json).
let samplePath = '';
if (sampleSize) {
  const sources = (dir) =>
    statSync(dir).isDirectory()
      ? readdirSync(dir).flatMap((n) => sources(join(dir, n)))
      : /\.tsx?$/.test(dir) && !dir.endsWith('.d.ts')
        ? [dir]
        : [];
  const files = sources(clean).sort();
  const everyMutant = await allMutants(files);
  const picked = drawParts(everyMutant, sampleSize, seed, parts)[part - 1];
  // the report's name, as stryker.config.mjs makes it
  const name = `${clean
    .replace(/^src\//, '')
    .replace(/[\\/]+/g, '-')
    .replace(/\.tsx?$/, '')}${unit ? '-unit' : ''}-sample${parts > 1 ? `-part${part}of${parts}` : ''}`;
  mkdirSync(join('reports', 'mutation'), { recursive: true });
  samplePath = join('reports', 'mutation', `${name}.sample.json`);
  writeFileSync(
    samplePath,
    `${JSON.stringify({ target: clean, unit, seed, size: sampleSize, part, parts, population: everyMutant.length, picked }, null, 1)}\n`,
  );
  console.log(
    `sample: ${picked.length} of ${everyMutant.length} mutants in ${files.length} files (seed ${seed}, part ${part} of ${parts}) → ${samplePath}`,
  );
}
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
    MUTATE_REPORT: [unit ? 'unit' : '', sampleSize ? 'sample' : '', parts > 1 ? `part${part}of${parts}` : '']
      .filter(Boolean)
      .join('-'),
    ...(samplePath ? { MUTATE_SAMPLE: samplePath } : {}),
    MUTATE_TESTS: JSON.stringify(tests),
  },
});
process.exit(r.status ?? 1);
