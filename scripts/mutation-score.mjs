#!/usr/bin/env node
// The mutation score from one or more Stryker JSON reports (reports/mutation/*.json, written by `npm run mutate`).
//   node scripts/mutation-score.mjs reports/mutation/registry-unit.json
//   node scripts/mutation-score.mjs reports/mutation/registry-*-unit.json          one report per file, summed
//   node scripts/mutation-score.mjs --survivors src/registry/export-csv.ts <report.json ...>
//   node scripts/mutation-score.mjs reports/mutation/web-registry-sample.json    a sampled run (--sample N): the
//                                              estimate from the picked mutants, with its 95 % interval
// Score = (killed + timed out) / (killed + timed out + survived + not covered), as Stryker's "mutation score"
// (https://stryker-mutator.io/docs/mutation-testing-elements/mutant-states-and-metrics/); compile and runtime
// errors are not counted. When several reports hold the same source file, the newest report's result for it
// is used, so per-file runs made after a folder run replace that file's figures.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { pickedInReport, sampleKey, wilson } from './mutation-sample.mjs';

const args = process.argv.slice(2);
const si = args.indexOf('--survivors');
const survivorsOf = si >= 0 ? args[si + 1] : undefined;
// a glob like reports/mutation/web-registry-*.json also names Stryker's incremental files and the samples
const reports = args.filter(
  (a, i) =>
    a.endsWith('.json') &&
    !a.endsWith('.incremental.json') &&
    !a.endsWith('.sample.json') &&
    !(si >= 0 && i === si + 1),
);
if (reports.length === 0) {
  console.error('usage: node scripts/mutation-score.mjs [--survivors src/<file>.ts] <report.json ...>');
  process.exit(2);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** source file → { mutants, from, time } keeping the newest report's entry */
const files = new Map();
/** the sampled runs, a group per sample (its parts joined) */
const samples = new Map();
for (const path of reports) {
  const time = statSync(path).mtimeMs;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  // A sampled run's report: only the picked mutants count (the others are reported as ignored; see
  // scripts/mutation-sample.mjs), and they estimate the score of the whole target; not merged with full runs.
  // The parts of one sample (--part K/P) are joined: each part is a random sample, and so is their union.
  const samplePath = path.replace(/\.json$/, '.sample.json');
  if (existsSync(samplePath)) {
    const sample = JSON.parse(readFileSync(samplePath, 'utf8'));
    const group = `${sample.target}|${sample.unit ? 'unit' : 'all'}|${sample.seed}|${sample.size ?? ''}|${sample.parts ?? 1}`;
    const g = samples.get(group) ?? { sample, partsRun: [], picked: new Set(), found: new Map(), reports: [] };
    samples.set(group, g);
    g.partsRun.push(sample.part ?? 1);
    g.reports.push(path);
    for (const m of sample.picked) g.picked.add(sampleKey(m));
    for (const [k, m] of pickedInReport(sample, report)) g.found.set(k, m);
    continue;
  }
  for (const [file, entry] of Object.entries(report.files ?? {})) {
    const seen = files.get(file);
    if (!seen || seen.time < time) files.set(file, { mutants: entry.mutants, source: entry.source, from: path, time });
  }
}

for (const { sample, partsRun, picked, found, reports: from } of samples.values()) {
  const counted = [...found.values()].filter((m) => DETECTED.has(m.status) || UNDETECTED.has(m.status));
  const killed = counted.filter((m) => DETECTED.has(m.status)).length;
  const ci = wilson(killed, counted.length, sample.population);
  const parts = sample.parts ?? 1;
  console.log(
    `${from.join(', ')}: ${picked.size} mutants drawn at random from the ${sample.population} of ${sample.target}` +
      ` (seed ${sample.seed}${parts > 1 ? `, parts ${partsRun.sort((a, b) => a - b).join(', ')} of ${parts}` : ''}${sample.unit ? ', unit test files only' : ''})`,
  );
  const missing = picked.size - found.size;
  if (missing > 0) console.log(`  ${missing} picked mutants are not in the reports (a run that was stopped?)`);
  if (survivorsOf) {
    for (const m of counted.filter((x) => UNDETECTED.has(x.status) && x.file === survivorsOf)) {
      console.log(
        `  ${m.location.start.line}:${m.location.start.column}\t${m.status}\t${m.mutatorName}\t${JSON.stringify(m.replacement ?? '')}`,
      );
    }
  }
  console.log(
    ci
      ? `  estimated score ${((100 * killed) / counted.length).toFixed(1)} % (95 % interval ${(100 * ci.low).toFixed(1)}–${(100 * ci.high).toFixed(1)} %): ${killed} of ${counted.length} killed, ${found.size - counted.length} compile/runtime errors not counted`
      : '  no picked mutant was tested',
  );
}
if (files.size === 0) process.exit(0);

if (survivorsOf) {
  const entry = files.get(survivorsOf);
  if (!entry) {
    console.error(`${survivorsOf}: not in ${reports.join(', ')}`);
    process.exit(1);
  }
  const lines = entry.source.split('\n');
  for (const m of [...entry.mutants].sort((a, b) => a.location.start.line - b.location.start.line)) {
    if (!UNDETECTED.has(m.status)) continue;
    const { line, column } = m.location.start;
    const code = lines[line - 1].trim().slice(0, 100);
    console.log(`${line}:${column}\t${m.status}\t${m.mutatorName}\t${JSON.stringify(m.replacement ?? '')}\t| ${code}`);
  }
  process.exit(0);
}

const rows = [];
const total = { detected: 0, undetected: 0, noCoverage: 0, errors: 0 };
for (const [file, { mutants }] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const c = { detected: 0, undetected: 0, noCoverage: 0, errors: 0 };
  for (const m of mutants) {
    if (DETECTED.has(m.status)) c.detected++;
    else if (UNDETECTED.has(m.status)) {
      c.undetected++;
      if (m.status === 'NoCoverage') c.noCoverage++;
    } else c.errors++;
  }
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push({ file, ...c });
}
const pct = (d, u) => (d + u === 0 ? '—' : `${((100 * d) / (d + u)).toFixed(1)} %`);
for (const r of rows) {
  console.log(
    `${pct(r.detected, r.undetected).padStart(8)}  ${String(r.detected).padStart(5)} killed  ${String(r.undetected - r.noCoverage).padStart(5)} survived  ${String(r.noCoverage).padStart(5)} no coverage  ${r.file}`,
  );
}
console.log(
  `${pct(total.detected, total.undetected).padStart(8)}  ${String(total.detected).padStart(5)} killed  ${String(total.undetected - total.noCoverage).padStart(5)} survived  ${String(total.noCoverage).padStart(5)} no coverage  total of ${rows.length} files (${total.errors} compile/runtime errors not counted)`,
);
