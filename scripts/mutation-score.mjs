#!/usr/bin/env node
// The mutation score from one or more Stryker JSON reports (reports/mutation/*.json, written by `npm run mutate`).
//   node scripts/mutation-score.mjs reports/mutation/registry-unit.json
//   node scripts/mutation-score.mjs reports/mutation/registry-*-unit.json          one report per file, summed
//   node scripts/mutation-score.mjs --survivors src/registry/export-csv.ts <report.json ...>
// Score = (killed + timed out) / (killed + timed out + survived + not covered), as Stryker's "mutation score"
// (https://stryker-mutator.io/docs/mutation-testing-elements/mutant-states-and-metrics/); compile and runtime
// errors are not counted. When several reports hold the same source file, the newest report's result for it
// is used, so per-file runs made after a folder run replace that file's figures.
import { readFileSync, statSync } from 'node:fs';

const args = process.argv.slice(2);
const si = args.indexOf('--survivors');
const survivorsOf = si >= 0 ? args[si + 1] : undefined;
const reports = args.filter((a, i) => a.endsWith('.json') && !(si >= 0 && i === si + 1));
if (reports.length === 0) {
  console.error('usage: node scripts/mutation-score.mjs [--survivors src/<file>.ts] <report.json ...>');
  process.exit(2);
}

/** source file → { mutants, from, time } keeping the newest report's entry */
const files = new Map();
for (const path of reports) {
  const time = statSync(path).mtimeMs;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, entry] of Object.entries(report.files ?? {})) {
    const seen = files.get(file);
    if (!seen || seen.time < time) files.set(file, { mutants: entry.mutants, source: entry.source, from: path, time });
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

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
