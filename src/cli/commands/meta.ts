// `regenspine meta`: meta-analysis of a CSV of studies (text/JSON report, forest plot SVG) or a streamed batch
// of fits (--batch FILE.jsonl, or - for stdin). Thin adapter over src/stats (which does no I/O).
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { access, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { fitBatchText, fixedPoolSummary, rmaSummary } from '../../stats/batch.ts';
import { ranktest, regtest, trimfill } from '../../stats/bias.ts';
import { confintTau2 } from '../../stats/confint.ts';
import { missingColumns, missingValues, studiesFromCsv } from '../../stats/csv.ts';
import { WorkerPool } from '../../workers.ts';

const finiteOrNull = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

import { AppError } from '../../errors.ts';
import { escalc, MEASURES, type Measure } from '../../stats/escalc.ts';
import { type ArmCounts, forestSvg } from '../../stats/forest.ts';
import { rmaMH, rmaPeto } from '../../stats/mh.ts';
import { formatFixedPool, formatRma } from '../../stats/report.ts';
import { type BiasReport, formatBias, formatRefits, formatSubgroups } from '../../stats/report-extra.ts';
import { METHODS, type Method, rma, type Test } from '../../stats/rma.ts';
import { cumul, leave1out } from '../../stats/sensitivity.ts';
import { moderatorDesign, subgroups } from '../../stats/subgroup.ts';
import { checkFormat, ERROR_PREFIX, UserError } from '../errors.ts';

interface MetaOpts {
  measure?: string;
  method: string;
  test: string;
  format: string;
  plot?: string;
  funnel?: string;
  slab?: string;
  batch?: string;
  level: string;
  subgroup?: string;
  mods?: string;
  leave1out?: boolean;
  cumulative?: boolean;
  bias?: boolean;
  favoursLeft?: string;
  favoursRight?: string;
}

const ALL_METHODS = new Set<string>([...METHODS, 'MH', 'PETO']);

// ---- batch pipeline
// Input is read as raw bytes and cut at newlines into blocks of whole lines; each block is fitted by
// fitBatchText (src/stats/batch.ts) on a worker thread (one per core, at most MAX_WORKERS) and the output
// blocks are written in input order. Small inputs (below PARALLEL_MIN bytes) are fitted on the main thread,
// which avoids the worker start-up. Memory stays bounded: at most MAX_INFLIGHT blocks per worker are queued.
const BLOCK_BYTES = 1 << 18;
const PARALLEL_MIN = 1 << 20;
const MAX_WORKERS = 8;
const MAX_INFLIGHT = 3;

function batchWorkerCount(): number {
  const env = Number(process.env.REGENSPINE_META_WORKERS);
  if (Number.isInteger(env) && env >= 0) return Math.min(env, MAX_WORKERS);
  return Math.min(availableParallelism(), MAX_WORKERS);
}

/** Fitted blocks from the worker pool (src/workers.ts), written to `out` in input order. */
class BatchPool {
  private readonly pool: WorkerPool<Uint8Array, Uint8Array>;

  constructor(
    n: number,
    private readonly out: NodeJS.WritableStream,
  ) {
    this.pool = new WorkerPool('meta-worker', { workers: n, maxInflight: MAX_INFLIGHT });
  }

  /** Writes every finished block that is next in input order. */
  private async flush(): Promise<void> {
    for (let bytes = this.pool.ready(); bytes !== undefined; bytes = this.pool.ready())
      if (bytes.length > 0 && !this.out.write(bytes)) await once(this.out, 'drain');
  }

  async submit(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.pool.submit(bytes, [bytes.buffer as ArrayBuffer]);
  }

  async finish(): Promise<void> {
    try {
      await this.flush();
      while (this.pool.pending > 0) {
        const bytes = await this.pool.next();
        if (bytes.length > 0 && !this.out.write(bytes)) await once(this.out, 'drain');
      }
    } finally {
      await this.pool.close();
    }
  }
}

/** Streams a JSONL batch: one output line per input line, in input order, constant memory. */
export async function runBatch(file: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  let input: NodeJS.ReadableStream;
  if (file === '-') input = process.stdin;
  else {
    try {
      await access(file);
    } catch {
      throw new UserError(`cannot read ${file}`);
    }
    input = createReadStream(file, { highWaterMark: 1 << 16 });
  }
  const nWorkers = batchWorkerCount();
  let pool: BatchPool | null = null;
  const parts: Buffer[] = [];
  let partBytes = 0;
  let seen = 0;
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  const writeInline = async (text: string): Promise<void> => {
    const s = fitBatchText(text);
    if (s.length > 0 && !out.write(s)) await once(out, 'drain');
  };
  /** hands over the complete lines gathered so far (all of them at the end of input) */
  const dispatch = async (final: boolean): Promise<void> => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
    let cut = all.length;
    if (!final) {
      cut = all.lastIndexOf(10) + 1;
      if (cut === 0) return; // no complete line yet
    }
    parts.length = 0;
    partBytes = 0;
    if (cut < all.length) {
      parts.push(Buffer.from(all.subarray(cut)));
      partBytes = all.length - cut;
    }
    if (cut === 0) return;
    if (pool === null && nWorkers > 0 && seen >= PARALLEL_MIN) pool = new BatchPool(nWorkers, out);
    if (pool === null) await writeInline(dec.decode(all.subarray(0, cut)));
    else {
      const block = new Uint8Array(cut); // own buffer, transferred to the worker
      block.set(all.subarray(0, cut));
      await pool.submit(block);
    }
  };
  try {
    for await (const chunk of input) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      parts.push(b);
      partBytes += b.length;
      seen += b.length;
      // wait for PARALLEL_MIN bytes before deciding between inline and worker threads
      if (partBytes >= BLOCK_BYTES && (seen >= PARALLEL_MIN || nWorkers === 0)) await dispatch(false);
    }
    if (partBytes > 0) await dispatch(true); // the rest, including a last line without a newline
    if (pool !== null) await (pool as BatchPool).finish();
  } catch (e) {
    if (pool !== null) await (pool as BatchPool).finish().catch(() => undefined);
    throw e;
  }
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'the folder does not exist or cannot hold files',
  ENOTDIR: 'part of the path is not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'no permission',
  EPERM: 'no permission',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};
const writeError = (e: unknown): string =>
  WRITE_ERRORS[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;

/**
 * Says in one line why `path` cannot be written (missing folder, a folder, no permission, read-only), before
 * any work: it opens the file for appending (creating nothing that stays: a file it created is removed).
 */
async function checkWritable(path: string, flag: string): Promise<void> {
  const full = resolve(path);
  const folder = dirname(full);
  const st = await stat(full).catch(() => null);
  if (st?.isDirectory()) throw new UserError(`${flag} ${path}: is a folder; give a file name such as forest.svg`);
  const dst = await stat(folder).catch(() => null);
  if (!dst) throw new UserError(`${flag} ${path}: the folder ${folder} does not exist`);
  if (!dst.isDirectory()) throw new UserError(`${flag} ${path}: ${folder} is not a folder`);
  try {
    const fh = await open(full, 'a');
    await fh.close();
    if (!st) await unlink(full);
  } catch (e) {
    throw new UserError(`${flag} ${path}: cannot write the file: ${writeError(e)}`);
  }
}

async function writeOutput(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (e) {
    throw new UserError(`${flag} ${path}: cannot write the file: ${writeError(e)}`);
  }
}

async function runFile(file: string, opts: MetaOpts): Promise<void> {
  const measure = opts.measure?.toUpperCase();
  if (!measure || !(MEASURES as readonly string[]).includes(measure))
    throw new UserError(`--measure must be one of ${MEASURES.join(', ')}`);
  const method = opts.method.toUpperCase();
  if (!ALL_METHODS.has(method)) throw new UserError(`--method must be one of ${[...ALL_METHODS].join(', ')}`);
  if (opts.test !== 'z' && opts.test !== 'knha') throw new UserError('--test must be z or knha');
  opts.format = checkFormat(opts.format, ['text', 'json'] as const);
  const level = Number(opts.level);
  if (!(level > 0 && level < 100)) throw new UserError('--level must be between 0 and 100');
  if ((opts.plot || opts.funnel) && (method === 'MH' || method === 'PETO'))
    throw new UserError(
      `--${opts.plot ? 'plot' : 'funnel'} is available for inverse-variance models (EE, DL, REML, ...), not ${method}`,
    );
  if ((opts.plot || opts.funnel) && opts.mods)
    throw new UserError(`--${opts.plot ? 'plot' : 'funnel'} is available for models without moderators (drop --mods)`);
  // Before any work: an output file that cannot be written is the user's to fix, and nothing is half-done.
  if (opts.plot) await checkWritable(opts.plot, '--plot');
  if (opts.funnel) await checkWritable(opts.funnel, '--funnel');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`cannot read ${file}`);
  }
  let csv: ReturnType<typeof studiesFromCsv>;
  try {
    csv = studiesFromCsv(text, opts.slab ? { slab: opts.slab } : {});
  } catch (e) {
    if (e instanceof AppError) throw new UserError(`${file}: ${e.message}`);
    throw e;
  }
  const missing = missingColumns(measure, csv.header);
  if (missing) throw new UserError(`${file}: ${missing}`);
  {
    if (method === 'MH' || method === 'PETO') {
      const r = method === 'PETO' ? rmaPeto(csv.rows, level) : rmaMH(measure as 'OR' | 'RR' | 'RD', csv.rows, level);
      if (method === 'MH' && !['OR', 'RR', 'RD'].includes(measure))
        throw new UserError('method MH needs measure OR, RR or RD');
      if (opts.format === 'json') {
        const { id: _id, ...summary } = fixedPoolSummary(null, r);
        console.log(JSON.stringify({ measure, method, ...summary, studies: csv.labels, model: r }, finiteOrNull, 2));
      } else console.log(formatFixedPool(r));
      return;
    }
    const es = escalc(measure as Measure, csv.rows);
    const extraCol = (name: string): string[] => {
      const col = csv.extra[name];
      if (!col) throw new UserError(`column ${name} not found in ${file}`);
      return col;
    };
    const modCols = opts.mods
      ? opts.mods
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '')
      : [];
    const design = modCols.length > 0 ? moderatorDesign(modCols.map((c) => ({ name: c, values: extraCol(c) }))) : null;
    const r = rma(es.yi, es.vi, {
      method: method as Method,
      test: opts.test as Test,
      level,
      ...(design ? { mods: design.mods, modNames: design.modNames } : {}),
    });
    const used = Array.from(es.yi.keys()).filter(
      (i) =>
        !Number.isNaN(es.yi[i]!) &&
        !Number.isNaN(es.vi[i]!) &&
        !(design?.mods.some((m) => Number.isNaN(m[i]!)) ?? false),
    );
    const ni = used.map((i) => es.ni[i]!);
    const labels = used.map((i) => csv.labels[i]!);
    // metafor drops a study whose effect size cannot be computed with a warning; name each one and why
    const usedSet = new Set(used);
    const dropped = csv.rows
      .map((row, i) => ({ row, i }))
      .filter(({ i }) => !usedSet.has(i))
      .map(({ row, i }) => {
        const gaps = missingValues(measure, row);
        const modGap = modCols.filter((c) => {
          const v = csv.extra[c]?.[i] ?? '';
          return v === '' || v === 'NA';
        });
        const reason = gaps
          ? `${gaps.join(', ')} ${gaps.length === 1 ? 'is' : 'are'} empty`
          : modGap.length > 0
            ? `moderator ${modGap.join(', ')} ${modGap.length === 1 ? 'is' : 'are'} empty`
            : `the ${measure} cannot be computed from its values`;
        return { line: csv.lines[i] ?? i + 2, study: csv.labels[i]!, reason };
      });
    for (const d of dropped)
      process.stderr.write(`${ERROR_PREFIX}note: line ${d.line} (${d.study}) left out: ${d.reason}\n`);
    const ci = r.method !== 'EE' && r.method !== 'FE' && r.k > 1 ? confintTau2(r) : null;
    // analyses beyond pooling (only when asked for: the default output is unchanged)
    const extra: Record<string, unknown> = {};
    const sections: string[] = [];
    const needIntOnly = (flag: string): void => {
      if (!r.intOnly) throw new UserError(`${flag} needs a model without moderators (drop --mods)`);
    };
    const attempt = <T>(f: () => T): T | { error: string } => {
      try {
        return f();
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return { error: e.message };
      }
    };
    if (opts.subgroup) {
      const g = extraCol(opts.subgroup);
      const sg = subgroups(Array.from(es.yi), Array.from(es.vi), g, {
        method: method as Method,
        test: opts.test as Test,
        level,
        column: opts.subgroup,
      });
      extra.subgroups = sg;
      sections.push(formatSubgroups(sg));
    }
    if (opts.leave1out) {
      needIntOnly('--leave1out');
      const rows = leave1out(r);
      extra.leave1out = rows.map((x) => ({ study: labels[x.index], ...x }));
      sections.push(formatRefits('Leave-one-out analysis', rows, labels, r.test === 'knha'));
    }
    if (opts.cumulative) {
      needIntOnly('--cumulative');
      const rows = cumul(r);
      extra.cumulative = rows.map((x) => ({ study: labels[x.index], ...x }));
      sections.push(formatRefits('Cumulative meta-analysis (in file order)', rows, labels, r.test === 'knha'));
    }
    if (opts.bias) {
      needIntOnly('--bias');
      const b: BiasReport = {
        regtest: attempt(() => regtest(r)),
        ranktest: attempt(() => ranktest(r)),
        trimfill: attempt(() => trimfill(r)),
      };
      extra.bias = b;
      sections.push(formatBias(b));
    }
    if (opts.format === 'json') {
      console.log(
        JSON.stringify(
          {
            measure,
            method,
            test: opts.test,
            // The same keys as a --batch output line (metafor's conventions), then the details.
            ...(r.intOnly
              ? (({ id: _id, ...summary }) => summary)(rmaSummary(null, r, opts.test as 'z' | 'knha'))
              : {}),
            studies: labels,
            ni,
            dropped,
            tau2_ci: ci,
            ...extra,
            model: r,
          },
          finiteOrNull,
          2,
        ),
      );
    } else {
      console.log(formatRma(r, { measure: measure as Measure, ni }));
      if (ci)
        console.log(
          `Q-profile 95% CI: tau^2 [${ci.tau2Lb.toFixed(4)}, ${ci.tau2Ub.toFixed(4)}]; I^2 [${ci.I2Lb.toFixed(2)}%, ${ci.I2Ub.toFixed(2)}%]`,
        );
      for (const sec of sections) console.log(sec);
    }
    if (opts.plot) {
      const binary = ['RR', 'OR', 'RD', 'PETO'].includes(measure);
      const counts: ArmCounts[] | undefined = binary
        ? used.map((i) => {
            const d = csv.rows[i]!;
            const v = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);
            return {
              e1: v(d.ai),
              n1: d.n1i != null ? d.n1i : v(d.ai) + v(d.bi),
              e2: v(d.ci),
              n2: d.n2i != null ? d.n2i : v(d.ci) + v(d.di),
            };
          })
        : undefined;
      const sg = extra.subgroups as ReturnType<typeof subgroups> | undefined;
      const groupCol = opts.subgroup ? csv.extra[opts.subgroup] : undefined;
      const svg = forestSvg({
        measure: measure as Measure,
        labels,
        ni,
        fit: r,
        ...(counts ? { counts } : {}),
        ...(sg && groupCol
          ? {
              subgroups: {
                column: opts.subgroup!,
                group: used.map((i) => {
                  const g = groupCol[i] ?? '';
                  return g === '' || g === 'NA' ? null : g;
                }),
                result: sg,
              },
            }
          : {}),
        ...(opts.favoursLeft ? { favoursLeft: opts.favoursLeft } : {}),
        ...(opts.favoursRight ? { favoursRight: opts.favoursRight } : {}),
      });
      await writeOutput(opts.plot, svg, '--plot');
    }
    if (opts.funnel) {
      const { funnelSvg } = await import('../../stats/funnel.ts'); // loads Plot only when a funnel is drawn
      await writeOutput(opts.funnel, funnelSvg({ measure: measure as Measure, fit: r, labels }), '--funnel');
    }
  }
  // A model the data cannot give (MetaError, an AppError) reaches main(), which prints it as one line; any other
  // exception is a bug and keeps its stack.
}

export function registerMeta(program: Command): void {
  program
    .command('meta')
    .description('meta-analysis with the same numbers as R metafor (rma.uni, rma.mh, rma.peto)')
    .argument(
      '[file]',
      'CSV of studies: columns named as metafor arguments (ai, bi, ci, di, n1i, n2i, m1i, ...), optional label column',
    )
    .option(
      '--slab <columns>',
      'study label column(s), e.g. author or "author,year" (default: slab, study, or author with year)',
    )
    .option('--measure <measure>', `effect size: ${MEASURES.join(', ')}`)
    .option('--method <method>', `EE, DL, HE, HS, SJ, ML, REML, EB, PM, MH or PETO`, 'REML')
    .option('--test <test>', 'z or knha (Knapp-Hartung)', 'z')
    .option('--level <level>', 'confidence level in percent', '95')
    .option('--format <format>', 'text or json (--json = --format json)', 'text')
    .option('--plot <file>', 'write a forest plot (standalone SVG; with --subgroup, drawn by subgroup with subtotals)')
    .option('--funnel <file>', 'write a funnel plot (standalone SVG)')
    .option('--batch <file>', 'JSONL of fits, one per line (- for stdin); writes one JSON line per fit')
    .option('--subgroup <column>', 'subgroup analysis by a CSV column (per-subgroup fits and tests of differences)')
    .option('--mods <columns>', 'meta-regression on CSV columns (comma-separated; text columns are dummy coded)')
    .option('--leave1out', 'leave-one-out analysis')
    .option('--cumulative', 'cumulative meta-analysis in file order')
    .option('--bias', "small-study effects: Egger's regression test, rank correlation test, trim-and-fill")
    .option('--favours-left <text>', 'forest plot caption left of the null line (e.g. "Favours treatment")')
    .option('--favours-right <text>', 'forest plot caption right of the null line')
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
