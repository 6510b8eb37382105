// `regenspine meta`: meta-analysis of a CSV of studies (text/JSON report, forest plot SVG) or a streamed batch
// of fits (--batch FILE.jsonl, or - for stdin). Thin adapter over src/stats (which does no I/O).
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { fitBatchLine } from '../../stats/batch.ts';
import { confintTau2 } from '../../stats/confint.ts';
import { studiesFromCsv } from '../../stats/csv.ts';
import { escalc, MEASURES, type Measure } from '../../stats/escalc.ts';
import { forestSvg } from '../../stats/forest.ts';
import { rmaMH, rmaPeto } from '../../stats/mh.ts';
import { formatFixedPool, formatRma } from '../../stats/report.ts';
import { METHODS, type Method, rma, type Test } from '../../stats/rma.ts';
import { UserError } from '../main.ts';

interface MetaOpts {
  measure?: string;
  method: string;
  test: string;
  format: string;
  plot?: string;
  batch?: string;
  level: string;
}

const ALL_METHODS = new Set<string>([...METHODS, 'MH', 'PETO']);

/** Streams a JSONL batch: one output line per input line, constant memory. */
export async function runBatch(file: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let input: NodeJS.ReadableStream;
  if (file === '-') input = process.stdin;
  else {
    try {
      await access(file);
    } catch {
      throw new UserError(`cannot read ${file}`);
    }
    input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  }
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let buf = '';
  for await (const line of rl) {
    if (line.trim() === '') continue;
    buf += `${JSON.stringify(fitBatchLine(line))}\n`;
    if (buf.length >= 1 << 16) {
      const ok = out.write(buf);
      buf = '';
      if (!ok) await once(out, 'drain');
    }
  }
  if (buf.length > 0) out.write(buf);
}

async function runFile(file: string, opts: MetaOpts): Promise<void> {
  const measure = opts.measure?.toUpperCase();
  if (!measure || !(MEASURES as readonly string[]).includes(measure))
    throw new UserError(`--measure must be one of ${MEASURES.join(', ')}`);
  const method = opts.method.toUpperCase();
  if (!ALL_METHODS.has(method)) throw new UserError(`--method must be one of ${[...ALL_METHODS].join(', ')}`);
  if (opts.test !== 'z' && opts.test !== 'knha') throw new UserError('--test must be z or knha');
  if (opts.format !== 'text' && opts.format !== 'json') throw new UserError('--format must be text or json');
  const level = Number(opts.level);
  if (!(level > 0 && level < 100)) throw new UserError('--level must be between 0 and 100');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`cannot read ${file}`);
  }
  let csv: ReturnType<typeof studiesFromCsv>;
  try {
    csv = studiesFromCsv(text);
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
  try {
    if (method === 'MH' || method === 'PETO') {
      const r = method === 'PETO' ? rmaPeto(csv.rows, level) : rmaMH(measure as 'OR' | 'RR' | 'RD', csv.rows, level);
      if (method === 'MH' && !['OR', 'RR', 'RD'].includes(measure))
        throw new Error('method MH needs measure OR, RR or RD');
      if (opts.format === 'json') console.log(JSON.stringify({ ...r, measure }, null, 2));
      else console.log(formatFixedPool(r));
      if (opts.plot) throw new Error('--plot is available for inverse-variance models (EE, DL, REML, ...)');
      return;
    }
    const es = escalc(measure as Measure, csv.rows);
    const r = rma(es.yi, es.vi, { method: method as Method, test: opts.test as Test, level });
    const used = Array.from(es.yi.keys()).filter((i) => !Number.isNaN(es.yi[i]!) && !Number.isNaN(es.vi[i]!));
    const ni = used.map((i) => es.ni[i]!);
    const ci = r.method !== 'EE' && r.method !== 'FE' && r.k > 1 ? confintTau2(r) : null;
    if (opts.format === 'json') {
      console.log(
        JSON.stringify(
          { measure, studies: used.map((i) => csv.labels[i]), ni, ...r, tau2CI: ci },
          (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
          2,
        ),
      );
    } else {
      console.log(formatRma(r, { measure: measure as Measure, ni }));
      if (ci)
        console.log(
          `Q-profile 95% CI: tau^2 [${ci.tau2Lb.toFixed(4)}, ${ci.tau2Ub.toFixed(4)}]; I^2 [${ci.I2Lb.toFixed(2)}%, ${ci.I2Ub.toFixed(2)}%]`,
        );
    }
    if (opts.plot) {
      const svg = forestSvg({
        measure: measure as Measure,
        labels: used.map((i) => csv.labels[i]!),
        ni,
        fit: r,
      });
      await writeFile(opts.plot, svg);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError((e as Error).message);
  }
}

export function registerMeta(program: Command): void {
  program
    .command('meta')
    .description('meta-analysis with the same numbers as R metafor (rma.uni, rma.mh, rma.peto)')
    .argument(
      '[file]',
      'CSV of studies: columns named as metafor arguments (ai, bi, ci, di, n1i, n2i, m1i, ...), optional study',
    )
    .option('--measure <measure>', `effect size: ${MEASURES.join(', ')}`)
    .option('--method <method>', `EE, DL, HE, HS, SJ, ML, REML, EB, PM, MH or PETO`, 'REML')
    .option('--test <test>', 'z or knha (Knapp-Hartung)', 'z')
    .option('--level <level>', 'confidence level in percent', '95')
    .option('--format <format>', 'text or json', 'text')
    .option('--plot <file>', 'write a forest plot (standalone SVG)')
    .option('--batch <file>', 'JSONL of fits, one per line (- for stdin); writes one JSON line per fit')
    .action(async (file: string | undefined, opts: MetaOpts) => {
      if (opts.batch !== undefined) {
        if (file) throw new UserError('give either FILE.csv or --batch, not both');
        await runBatch(opts.batch);
        return;
      }
      if (!file) throw new UserError('missing FILE.csv (or use --batch FILE.jsonl)');
      await runFile(file, opts);
    });
}
