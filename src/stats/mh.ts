// Mantel–Haenszel and Peto pooling of 2×2 tables: ports of metafor::rma.mh and metafor::rma.peto
// (R/rma.mh.r, R/rma.peto.r, metafor 3.8-1), with their defaults add = c(1/2, 0), to = c("only0", "none"),
// drop00 = c(TRUE, FALSE): the study-level yi/vi used for the Q-test come from escalc with 1/2 added to tables
// with a zero cell and double-zero tables dropped, while the pooled estimate uses the unadjusted counts of all
// tables.
//   MH OR: Mantel & Haenszel (1959), variance of Robins, Breslow & Greenland (1986)
//   MH RR: Greenland & Robins (1985); MH RD: Greenland & Robins (1985) with the Sato et al. (1989) variance
//   Peto: Yusuf, Peto, Lewis, Collins & Sleight (1985): β = Σ(Oi − Ei)/ΣVi, SE = 1/√ΣVi
import { pchisqUpper, pnorm2, qnormUpper } from './dist.ts';
import { escalc, type StudyData } from './escalc.ts';
import { MetaError } from './rma.ts';

export interface FixedPoolResult {
  model: 'rma.mh' | 'rma.peto';
  measure: 'OR' | 'RR' | 'RD' | 'PETO';
  /** number of tables used for pooling */
  k: number;
  /** number of studies with a finite yi/vi (used for the Q-test) */
  kYi: number;
  beta: number;
  se: number;
  zval: number;
  pval: number;
  ciLb: number;
  ciUb: number;
  QE: number;
  QEp: number;
  I2: number;
  H2: number;
  tau2: 0;
  /** study-level outcomes used in the Q-test */
  yi: number[];
  vi: number[];
  /** weights in percent for the k tables */
  weights: number[];
  warnings: string[];
}

interface Tables {
  a: number[];
  b: number[];
  c: number[];
  d: number[];
}

function tables(data: readonly StudyData[]): Tables {
  const t: Tables = { a: [], b: [], c: [], d: [] };
  for (const r of data) {
    const ai = r.ai ?? Number.NaN;
    const ci = r.ci ?? Number.NaN;
    const bi = r.bi ?? (r.n1i ?? Number.NaN) - ai;
    const di = r.di ?? (r.n2i ?? Number.NaN) - ci;
    if ([ai, bi, ci, di].some((x) => Number.isNaN(x))) continue;
    if (ai < 0 || bi < 0 || ci < 0 || di < 0) throw new MetaError('One or more counts are negative.');
    t.a.push(ai);
    t.b.push(bi);
    t.c.push(ci);
    t.d.push(di);
  }
  return t;
}

function studyOutcomes(measure: 'OR' | 'RR' | 'RD' | 'PETO', data: readonly StudyData[]) {
  const es = escalc(measure, data, { add: 0.5, to: 'only0', drop00: true });
  const yi: number[] = [];
  const vi: number[] = [];
  for (let i = 0; i < es.yi.length; i++) {
    if (!Number.isNaN(es.yi[i]!) && !Number.isNaN(es.vi[i]!)) {
      yi.push(es.yi[i]!);
      vi.push(es.vi[i]!);
    }
  }
  return { yi, vi };
}

function heterogeneity(yi: number[], vi: number[], beta: number) {
  const k = yi.length;
  if (k > 1) {
    let q = 0;
    for (let i = 0; i < k; i++) q += (yi[i]! - beta) ** 2 / vi[i]!;
    const QE = Math.max(0, q);
    return { QE, QEp: pchisqUpper(QE, k - 1), I2: Math.max(0, (100 * (QE - (k - 1))) / QE), H2: QE / (k - 1) };
  }
  return { QE: 0, QEp: 1, I2: 0, H2: 1 };
}

/** metafor::rma.mh for measure OR, RR or RD. */
export function rmaMH(measure: 'OR' | 'RR' | 'RD', data: readonly StudyData[], level = 95): FixedPoolResult {
  const warnings: string[] = [];
  const t = tables(data);
  const k = t.a.length;
  if (k < data.length) warnings.push('Tables with NAs omitted from model fitting.');
  if (k < 1) throw new MetaError('Processing terminated since k = 0.');
  const { yi, vi } = studyOutcomes(measure, data);
  const alpha = 1 - level / 100;
  const crit = qnormUpper(alpha / 2);
  let beta: number;
  let se: number;
  const wts: number[] = [];
  if (measure === 'OR') {
    let R = 0;
    let S = 0;
    let PR = 0;
    let PSQR = 0;
    let QS = 0;
    for (let i = 0; i < k; i++) {
      const [a, b, c, d] = [t.a[i]!, t.b[i]!, t.c[i]!, t.d[i]!];
      const N = a + b + c + d;
      const Pi = a / N + d / N;
      const Qi = b / N + c / N;
      const Ri = (a / N) * d;
      const Si = (b / N) * c;
      R += Ri;
      S += Si;
      PR += Pi * Ri;
      PSQR += Pi * Si + Qi * Ri;
      QS += Qi * Si;
      wts.push((b / N) * c);
    }
    if (R === 0 || S === 0)
      throw new MetaError(
        'Mantel-Haenszel odds ratio cannot be computed (no events or no non-events in one group across all tables).',
      );
    beta = Math.log(R / S);
    se = Math.sqrt(0.5 * (PR / R ** 2 + PSQR / (R * S) + QS / S ** 2));
  } else if (measure === 'RR') {
    let R = 0;
    let S = 0;
    let sa = 0;
    let sc = 0;
    let V = 0;
    for (let i = 0; i < k; i++) {
      const [a, b, c, d] = [t.a[i]!, t.b[i]!, t.c[i]!, t.d[i]!];
      const n1 = a + b;
      const n2 = c + d;
      const N = n1 + n2;
      R += a * (n2 / N);
      S += c * (n1 / N);
      sa += a;
      sc += c;
      V += (n1 / N) * (n2 / N) * (a + c) - (a / N) * c;
      wts.push((c / N) * (a + b));
    }
    if (sa === 0 || sc === 0)
      throw new MetaError('Mantel-Haenszel risk ratio cannot be computed (no events in one group across all tables).');
    beta = Math.log(R / S);
    se = Math.sqrt(V / (R * S));
  } else {
    let num = 0;
    let den = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < k; i++) {
      const [a, b, c, d] = [t.a[i]!, t.b[i]!, t.c[i]!, t.d[i]!];
      const n1 = a + b;
      const n2 = c + d;
      const N = n1 + n2;
      num += a * (n2 / N) - c * (n1 / N);
      den += n1 * (n2 / N);
      wts.push((n1 / N) * (c + d));
    }
    beta = num / den;
    for (let i = 0; i < k; i++) {
      const [a, b, c, d] = [t.a[i]!, t.b[i]!, t.c[i]!, t.d[i]!];
      const n1 = a + b;
      const n2 = c + d;
      const N = n1 + n2;
      s1 += c * (n1 / N) ** 2 - a * (n2 / N) ** 2 + ((n1 / N) * (n2 / N) * (n2 - n1)) / 2;
      s2 += (a * (n2 - c)) / N + (c * (n1 - a)) / N;
    }
    se = Math.sqrt((beta * s1 + s2 / 2) / den ** 2);
  }
  if (!Number.isFinite(beta) || !Number.isFinite(se))
    throw new MetaError('Mantel-Haenszel estimate cannot be computed.');
  const zval = beta / se;
  const sw = wts.reduce((s, x) => s + x, 0);
  return {
    model: 'rma.mh',
    measure,
    k,
    kYi: yi.length,
    beta,
    se,
    zval,
    pval: pnorm2(zval),
    ciLb: beta - crit * se,
    ciUb: beta + crit * se,
    ...heterogeneity(yi, vi, beta),
    tau2: 0,
    yi,
    vi,
    weights: wts.map((x) => (100 * x) / sw),
    warnings,
  };
}

/** metafor::rma.peto (Peto's one-step log odds ratio). */
export function rmaPeto(data: readonly StudyData[], level = 95): FixedPoolResult {
  const warnings: string[] = [];
  const t = tables(data);
  const k = t.a.length;
  if (k < data.length) warnings.push('Tables with NAs omitted from model fitting.');
  if (k < 1) throw new MetaError('Processing terminated since k = 0.');
  const { yi, vi } = studyOutcomes('PETO', data);
  const OE: number[] = [];
  const V: number[] = [];
  let sumOE = 0;
  let sumV = 0;
  for (let i = 0; i < k; i++) {
    const [a, b, c, d] = [t.a[i]!, t.b[i]!, t.c[i]!, t.d[i]!];
    const n1 = a + b;
    const n2 = c + d;
    const N = n1 + n2;
    const xt = a + c;
    const yt = b + d;
    const Ei = (xt * n1) / N;
    const Vi = (xt * yt * (n1 / N) * (n2 / N)) / (N - 1);
    OE.push(a - Ei);
    V.push(Vi);
    sumOE += a - Ei;
    sumV += Vi;
  }
  if (sumV === 0)
    throw new MetaError("One of the two outcomes never occurred in any of the tables. Peto's method cannot be used.");
  const beta = sumOE / sumV;
  const se = Math.sqrt(1 / sumV);
  const zval = beta / se;
  const crit = qnormUpper((1 - level / 100) / 2);
  let q = 0;
  for (let i = 0; i < k; i++) if (V[i]! > 0) q += OE[i]! ** 2 / V[i]!;
  const QE = Math.max(0, q - sumOE ** 2 / sumV);
  const kYi = yi.length;
  const kPos = V.filter((x) => x > 0).length;
  const het =
    kPos > 1
      ? { QE, QEp: pchisqUpper(QE, kYi - 1), I2: Math.max(0, (100 * (QE - (kYi - 1))) / QE), H2: QE / (kYi - 1) }
      : { QE, QEp: 1, I2: 0, H2: 1 };
  return {
    model: 'rma.peto',
    measure: 'PETO',
    k,
    kYi,
    beta,
    se,
    zval,
    pval: pnorm2(zval),
    ciLb: beta - crit * se,
    ciUb: beta + crit * se,
    ...het,
    tau2: 0,
    yi,
    vi,
    weights: V.map((x) => (100 * x) / sumV),
    warnings,
  };
}
