// Meta-analysis benchmark: (1) in-process REML + Knapp–Hartung fits/s at k = 20; (2) the whole
// `meta --batch` process on 100,000 fits (temp JSONL, spawned, timed end to end); (3) metafor's in-R rate on
// the same data when Rscript exists. Run: npm run bench:meta
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitBatchSpec } from '../src/stats/batch.ts';
import { rma } from '../src/stats/rma.ts';

const K = 20;
const N_BATCH = Number(process.env.META_BENCH_N ?? 100_000);
const N_R = Number(process.env.META_BENCH_R ?? 2_000);

let seed = 12345;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());

function dataset(): { yi: number[]; vi: number[] } {
  const mu = gauss() * 0.3;
  const tau = rand() * 0.5;
  const vi = Array.from({ length: K }, () => 0.02 + rand() * 0.3);
  const yi = vi.map((v) => mu + gauss() * Math.sqrt(v + tau * tau));
  return { yi, vi };
}

// ---- 1. in-process
// keep data sets that metafor can fit too (Fisher scoring can fail to converge, in R as here)
const sets = Array.from({ length: 2100 }, dataset)
  .filter((s) => {
    try {
      rma(s.yi, s.vi, { method: 'REML', test: 'knha' });
      return true;
    } catch {
      return false;
    }
  })
  .slice(0, 2000);
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 2000) {
  const s = sets[n % sets.length]!;
  rma(s.yi, s.vi, { method: 'REML', test: 'knha' });
  n++;
}
const inproc = n / ((performance.now() - t0) / 1000);
console.log(`in-process rma(REML, knha), k=${K}: ${Math.round(inproc).toLocaleString('en')} fits/s`);
const b0 = performance.now();
let nb = 0;
while (performance.now() - b0 < 1000) {
  const s = sets[nb % sets.length]!;
  fitBatchSpec({
    id: nb,
    measure: 'GEN',
    method: 'REML',
    test: 'knha',
    data: s.yi.map((y, i) => ({ yi: y, vi: s.vi[i] })),
  });
  nb++;
}
console.log(
  `in-process fitBatchSpec (incl. escalc, output object): ${Math.round(nb / ((performance.now() - b0) / 1000)).toLocaleString('en')} fits/s`,
);

// ---- 2. whole batch process
const dir = mkdtempSync(join(tmpdir(), 'meta-bench-'));
const jsonl = join(dir, 'fits.jsonl');
const ws = createWriteStream(jsonl);
for (let i = 0; i < N_BATCH; i++) {
  const s = sets[i % sets.length]!;
  ws.write(
    `${JSON.stringify({ id: `f${i}`, measure: 'GEN', method: 'REML', test: 'knha', data: s.yi.map((y, j) => ({ yi: y, vi: s.vi[j] })) })}\n`,
  );
}
await new Promise<void>((r) => ws.end(r));
const entry = ['bin/regenspine.js'];
const p0 = performance.now();
const child = spawn(process.execPath, [...entry, 'meta', '--batch', jsonl], { stdio: ['ignore', 'pipe', 'inherit'] });
let lines = 0;
child.stdout.on('data', (b: Buffer) => {
  for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
});
await new Promise((r) => child.on('close', r));
const secs = (performance.now() - p0) / 1000;
const batchRate = lines / secs;
console.log(
  `batch process (${entry[0]} meta --batch): ${lines.toLocaleString('en')} fits in ${secs.toFixed(2)} s = ${Math.round(batchRate).toLocaleString('en')} fits/s`,
);

// ---- 3. metafor in R on the same data
const rs = spawnSync('Rscript', ['--version'], { encoding: 'utf8' });
if (rs.error) {
  console.log('metafor: Rscript not found, skipped (apt-get install r-base-core r-cran-metafor to compare)');
} else {
  const csv = join(dir, 'sets.csv');
  const rowsOut: string[] = ['set,yi,vi'];
  for (let i = 0; i < N_R; i++) {
    const s = sets[i % sets.length]!;
    for (let j = 0; j < K; j++) rowsOut.push(`${i},${s.yi[j]},${s.vi[j]}`);
  }
  writeFileSync(csv, rowsOut.join('\n'));
  const script = `suppressMessages(library(metafor)); d <- read.csv("${csv}"); s <- split(d, d$set);
t <- system.time(for (x in s) { r <- rma(x$yi, x$vi, method="REML", test="knha"); p <- predict(r); w <- weights(r) })[["elapsed"]];
cat(length(s) / t, "\\n")`;
  const out = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
  const rRate = Number(out.stdout.trim());
  if (!Number.isFinite(rRate)) console.log(`metafor: failed (${out.stderr.trim().slice(0, 200)})`);
  else {
    console.log(
      `metafor rma(REML, knha) + predict + weights in R, k=${K}: ${Math.round(rRate).toLocaleString('en')} fits/s`,
    );
    console.log(
      `batch process / metafor: ${(batchRate / rRate).toFixed(0)}×   in-process / metafor: ${(inproc / rRate).toFixed(0)}×`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
