// A simple random sample of a target's mutants, for a mutation score estimated with its interval where a full
// run costs too much (`npm run mutate -- src/web/registry --sample 300`): the route files there are killed only by
// tests that open a database, seconds per test file per mutant.
//
// How: Stryker's own instrumenter lists every mutant the run would make (the same mutators and options, so the
// same list: src/web/registry/views.tsx gives 601 here and in a full run). A seeded pseudo-random draw picks n of
// them without replacement. The Stryker run then tests only those: its `mutate` patterns are each picked mutant's
// exact location (so the instrumenter walks little else), and scripts/stryker-sample-ignorer.mjs marks every other
// mutant it collects as ignored (a picked location holds others: a block statement every mutant of its block, a
// node the mutants of its other mutators). scripts/mutation-score.mjs counts the picked mutants of the report.
import { readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';

const quiet = {
  trace() {},
  debug() {},
  info() {},
  warn: (...a) => console.warn(...a),
  error: (...a) => console.error(...a),
  fatal: (...a) => console.error(...a),
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
};

/** Every mutant Stryker makes in `files` (paths relative to the project), with its 0-based API location. */
export async function allMutants(files) {
  const instrumenter = new Instrumenter(quiet);
  const input = files.map((name) => ({ name, mutate: true, content: readFileSync(name, 'utf8') }));
  // Stryker's defaults: no excluded mutators, no ignorers, no static-mutant filter.
  const { mutants } = await instrumenter.instrument(input, { plugins: null, excludedMutations: [], ignorers: [] });
  return mutants.map(({ fileName, location, mutatorName, replacement }) => ({
    fileName,
    location,
    mutatorName,
    replacement,
  }));
}

/** mulberry32 (Tommy Ettinger's public-domain 32-bit generator): deterministic for a seed, uniform on [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n of the mutants without replacement (a partial Fisher–Yates shuffle), dealt in draw order into `parts` parts,
 * each in source order. Each part is itself a simple random sample, and so is the union of any of them: a sample
 * too costly for one sitting is run a part at a time (`--part K/P`) and scored on the parts that ran.
 */
export function drawParts(mutants, n, seed, parts = 1) {
  const random = mulberry32(seed);
  const pool = mutants.map((_, i) => i);
  const k = Math.min(n, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const out = Array.from({ length: parts }, () => []);
  for (let i = 0; i < k; i++) out[i % parts].push(pool[i]);
  return out.map((part) => part.sort((x, y) => x - y).map((i) => mutants[i]));
}

/** n of the mutants without replacement, in source order. */
export const drawSample = (mutants, n, seed) => drawParts(mutants, n, seed, 1)[0];

/** A Stryker `mutate` pattern for exactly this mutant's location (the pattern's lines are 1-based). */
export const rangePattern = ({ fileName, location: { start, end } }) =>
  `${fileName}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`;

/**
 * The picked mutants of one part found in that part's Stryker report (key → the report's mutant and its file).
 * Only the part's own picks count: its report also lists, as "Ignored", mutants another part picked that sit at
 * one of its locations (a picked block statement holds every mutant of the block), and those must not overwrite
 * the other part's result when the parts are joined.
 */
export function pickedInReport(sample, report) {
  const mine = new Set(sample.picked.map(sampleKey));
  const found = new Map();
  for (const [file, entry] of Object.entries(report.files ?? {})) {
    for (const m of entry.mutants) {
      const k = reportKey(file, m.location, m.mutatorName, m.replacement);
      if (mine.has(k)) found.set(k, { file, ...m });
    }
  }
  return found;
}

/** The key of a mutant in a Stryker JSON report, whose positions are 1-based (lines and columns). */
export const reportKey = (fileName, { start, end }, mutatorName, replacement) =>
  `${fileName}|${start.line}:${start.column}-${end.line}:${end.column}|${mutatorName}|${replacement ?? ''}`;
/** The same key for a picked mutant, whose API positions are 0-based. */
const oneBased = ({ line, column }) => ({ line: line + 1, column: column + 1 });
export const sampleKey = (m) =>
  reportKey(
    m.fileName,
    { start: oneBased(m.location.start), end: oneBased(m.location.end) },
    m.mutatorName,
    m.replacement,
  );

/**
 * Wilson's score interval for a proportion (Wilson 1927, J Am Stat Assoc 22:209), z = 1.959964 for 95 %, with the
 * finite-population correction (N − n)/(N − 1) applied to the variance, because the sample is drawn without
 * replacement from the N mutants.
 */
export function wilson(killed, n, population, z = 1.959964) {
  if (n === 0) return null;
  const p = killed / n;
  // an infinite population (no correction) gives R's prop.test(x, n, correct = FALSE) interval
  const fpc = !Number.isFinite(population) ? 1 : population > 1 ? Math.max(0, (population - n) / (population - 1)) : 0;
  const z2 = z * z * fpc;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Math.sqrt(z2) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
