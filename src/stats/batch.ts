// One line of `regenspine meta --batch`: a fit specification in, one flat JSON-ready object out, in metafor's
// conventions (estimate on the analysis scale, I² and weights in percent, PI null for EE/MH/Peto).
// Pure: no I/O; the CLI streams lines through fitBatchLine.
import { escalc, MEASURES, type Measure, type StudyData } from './escalc.ts';
import { rmaMH, rmaPeto } from './mh.ts';
import { METHODS, MetaError, type Method, rma, type Test } from './rma.ts';

export type BatchMethod = Method | 'MH' | 'PETO';

export interface BatchSpec {
  id?: unknown;
  measure?: unknown;
  method?: unknown;
  test?: unknown;
  level?: unknown;
  data?: unknown;
}

export interface BatchOutput {
  id: unknown;
  k: number;
  estimate: number | null;
  se: number | null;
  zval?: number | null;
  tval?: number | null;
  pval: number | null;
  ci_lb: number | null;
  ci_ub: number | null;
  pi_lb: number | null;
  pi_ub: number | null;
  tau2: number | null;
  I2: number | null;
  H2: number | null;
  Q: number | null;
  Qp: number | null;
  yi: (number | null)[];
  vi: (number | null)[];
  weights: (number | null)[];
  warnings?: string[];
}

export interface BatchError {
  id: unknown;
  error: string;
}

const MEASURE_SET = new Set<string>(MEASURES);
const METHOD_SET = new Set<string>([...METHODS, 'MH', 'PETO']);

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
const finArr = (a: ArrayLike<number>): (number | null)[] => Array.from(a, fin);

function parseData(data: unknown): StudyData[] {
  if (!Array.isArray(data)) throw new MetaError('"data" must be an array of study objects');
  const out: StudyData[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const row = data[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new MetaError(`data[${i}] must be an object`);
    const r = row as Record<string, unknown>;
    const s: Record<string, number | null> = {};
    for (const key in r) {
      if (key === 'study' || key === 'id') continue;
      const v = r[key];
      if (v === null || v === undefined || v === 'NA' || v === '') s[key] = null;
      else if (typeof v === 'number') s[key] = v;
      else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) s[key] = Number(v);
      else throw new MetaError(`data[${i}].${key} is not a number`);
    }
    out[i] = s as StudyData;
  }
  return out;
}

/** Fits one batch specification; throws MetaError (or Error) when it cannot be fitted. */
export function fitBatchSpec(spec: BatchSpec): BatchOutput {
  const measure = spec.measure;
  const methodIn = spec.method ?? 'REML';
  const testIn = spec.test ?? 'z';
  if (typeof measure !== 'string' || !MEASURE_SET.has(measure))
    throw new MetaError(`unknown measure ${JSON.stringify(measure)} (expected one of ${MEASURES.join(', ')})`);
  if (typeof methodIn !== 'string' || !METHOD_SET.has(methodIn))
    throw new MetaError(`unknown method ${JSON.stringify(methodIn)}`);
  if (testIn !== 'z' && testIn !== 'knha') throw new MetaError(`unknown test ${JSON.stringify(testIn)} (z or knha)`);
  const level = typeof spec.level === 'number' ? spec.level : 95;
  const data = parseData(spec.data);
  const method = methodIn as BatchMethod;
  const test = testIn as Test;

  if (method === 'MH' || method === 'PETO') {
    let r: ReturnType<typeof rmaPeto>;
    if (method === 'PETO') {
      if (measure !== 'PETO' && measure !== 'OR') throw new MetaError('method PETO needs measure PETO');
      r = rmaPeto(data, level);
    } else {
      if (measure !== 'OR' && measure !== 'RR' && measure !== 'RD')
        throw new MetaError('method MH needs measure OR, RR or RD');
      r = rmaMH(measure, data, level);
    }
    return fixedPoolSummary(spec.id, r);
  }

  const es = escalc(measure as Measure, data);
  const r = rma(es.yi, es.vi, { method: method as Method, test, level });
  return rmaSummary(spec.id, r, test);
}

// line breaks as node:readline splits them (crlfDelay: Infinity)
const LINE_BREAK = /\r?\n|\r(?!\n)/;

/**
 * Fits every line of a block of JSONL text (whole lines) and returns the output lines, each ending in a
 * newline; blank lines are skipped. The unit of work of the batch pipeline (and of its worker threads).
 */
export function fitBatchText(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) {
    if (line.trim() === '') continue;
    out += `${JSON.stringify(fitBatchLine(line))}\n`;
  }
  return out;
}

/** Parses and fits one JSONL line; never throws: failures become {"id", "error"}. */
export function fitBatchLine(line: string): BatchOutput | BatchError {
  let spec: BatchSpec;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return { id: null, error: 'input line is not a JSON object' };
    spec = parsed as BatchSpec;
  } catch (e) {
    return { id: null, error: `invalid JSON: ${(e as Error).message}` };
  }
  try {
    return fitBatchSpec(spec);
  } catch (e) {
    return { id: spec.id ?? null, error: (e as Error).message };
  }
}

/** The contract's summary of a Mantel–Haenszel or Peto fit (no tau², no prediction interval). */
export function fixedPoolSummary(id: unknown, r: ReturnType<typeof rmaPeto>): BatchOutput {
  return {
    id,
    k: r.k,
    estimate: fin(r.beta),
    se: fin(r.se),
    zval: fin(r.zval),
    pval: fin(r.pval),
    ci_lb: fin(r.ciLb),
    ci_ub: fin(r.ciUb),
    pi_lb: null,
    pi_ub: null,
    tau2: 0,
    I2: fin(r.I2),
    H2: fin(r.H2),
    Q: fin(r.QE),
    Qp: fin(r.QEp),
    yi: finArr(r.yi),
    vi: finArr(r.vi),
    weights: finArr(r.weights),
  };
}

/** The contract's summary of an intercept-only inverse-variance fit, in metafor's conventions. */
export function rmaSummary(id: unknown, r: ReturnType<typeof rma>, test: Test): BatchOutput {
  const out: BatchOutput = {
    id,
    k: r.k,
    estimate: fin(r.beta[0]!),
    se: fin(r.se[0]!),
    pval: null,
    ci_lb: fin(r.ciLb[0]!),
    ci_ub: fin(r.ciUb[0]!),
    pi_lb: r.pred ? fin(r.pred.piLb) : null,
    pi_ub: r.pred ? fin(r.pred.piUb) : null,
    tau2: fin(r.tau2),
    I2: fin(r.I2),
    H2: fin(r.H2),
    Q: fin(r.QE),
    Qp: fin(r.QEp),
    yi: finArr(r.yi),
    vi: finArr(r.vi),
    weights: finArr(r.weights),
  };
  // keep the documented key order: zval/tval right after se
  const ordered: BatchOutput = {
    id: out.id,
    k: out.k,
    estimate: out.estimate,
    se: out.se,
    ...(test === 'knha' ? { tval: fin(r.zval[0]!) } : { zval: fin(r.zval[0]!) }),
    pval: fin(r.pval[0]!),
    ci_lb: out.ci_lb,
    ci_ub: out.ci_ub,
    pi_lb: out.pi_lb,
    pi_ub: out.pi_ub,
    tau2: out.tau2,
    I2: out.I2,
    H2: out.H2,
    Q: out.Q,
    Qp: out.Qp,
    yi: out.yi,
    vi: out.vi,
    weights: out.weights,
  };
  return ordered;
}
