// Weighted least-squares workspace for one design matrix: the β, residual, leverage and trace quantities that
// metafor::rma.uni (R/rma.uni.r, metafor 3.8-1) computes with P = W − WX(X'WX)⁻¹X'W, here without forming
// the k×k matrix P (each trace is expanded into sums over the k studies and p×p products).
import { invSPD } from './linalg.ts';

/** Workspace for the weighted least-squares quantities of one design matrix. */
export class Wls {
  readonly k: number;
  readonly p: number;
  /** column-major design, X[j*k + i] */
  readonly X: Float64Array;
  readonly A: Float64Array; // (X'WX)^-1
  readonly M: Float64Array;
  readonly G1: Float64Array;
  readonly G2: Float64Array;
  readonly work: Float64Array;
  readonly beta: Float64Array;
  readonly r: Float64Array; // residuals y - Xβ
  readonly h: Float64Array; // x_i' A x_i
  readonly d: Float64Array; // scratch
  readonly d2: Float64Array;
  logdet = 0;
  sumw = 0;
  rss = 0;

  constructor(X: Float64Array, k: number, p: number) {
    this.k = k;
    this.p = p;
    this.X = X;
    const pp = p * p;
    this.A = new Float64Array(pp);
    this.M = new Float64Array(pp);
    this.G1 = new Float64Array(pp);
    this.G2 = new Float64Array(pp);
    this.work = new Float64Array(pp);
    this.beta = new Float64Array(p);
    this.r = new Float64Array(k);
    this.h = new Float64Array(k);
    this.d = new Float64Array(k);
    this.d2 = new Float64Array(k);
  }

  /** M = X' diag(d) X */
  xtdx(d: Float64Array, out: Float64Array): void {
    const { k, p, X } = this;
    if (p === 1) {
      let s = 0;
      for (let i = 0; i < k; i++) s += d[i]! * X[i]! * X[i]!;
      out[0] = s;
      return;
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        const oa = a * k;
        const ob = b * k;
        for (let i = 0; i < k; i++) s += d[i]! * X[oa + i]! * X[ob + i]!;
        out[a * p + b] = s;
        out[b * p + a] = s;
      }
    }
  }

  /**
   * Weighted fit of y on X with weights w: A, β, residuals, RSS = Σw r², leverages h, log det(X'WX).
   * Returns false when X'WX is not positive definite.
   */
  fit(w: Float64Array, y: Float64Array): boolean {
    const { k, p, X, A, M, beta, r, h } = this;
    let sw = 0;
    for (let i = 0; i < k; i++) sw += w[i]!;
    this.sumw = sw;
    this.xtdx(w, M);
    const ld = invSPD(M, p, A, this.work);
    if (Number.isNaN(ld)) return false;
    this.logdet = ld;
    // β = A X'W y
    if (p === 1) {
      let s = 0;
      for (let i = 0; i < k; i++) s += w[i]! * X[i]! * y[i]!;
      beta[0] = A[0]! * s;
    } else {
      const xwy = this.G1; // scratch p-vector
      for (let a = 0; a < p; a++) {
        let s = 0;
        const oa = a * k;
        for (let i = 0; i < k; i++) s += w[i]! * X[oa + i]! * y[i]!;
        xwy[a] = s;
      }
      for (let a = 0; a < p; a++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += A[a * p + b]! * xwy[b]!;
        beta[a] = s;
      }
    }
    let rss = 0;
    for (let i = 0; i < k; i++) {
      let fitted = 0;
      let hi = 0;
      for (let a = 0; a < p; a++) {
        const xa = X[a * k + i]!;
        fitted += xa * beta[a]!;
        let s = 0;
        for (let b = 0; b < p; b++) s += A[a * p + b]! * X[b * k + i]!;
        hi += xa * s;
      }
      const ri = y[i]! - fitted;
      r[i] = ri;
      h[i] = hi;
      rss += w[i]! * ri * ri;
    }
    this.rss = rss;
    return true;
  }

  /** tr(A·X'D1X·A·X'D2X) */
  trAMAM(d1: Float64Array, d2: Float64Array): number {
    const { p, A, G1, G2, M } = this;
    if (p === 1) {
      this.xtdx(d1, M);
      const m1 = M[0]!;
      this.xtdx(d2, M);
      return A[0]! * m1 * A[0]! * M[0]!;
    }
    this.xtdx(d1, M);
    matmul(A, M, G1, p);
    this.xtdx(d2, M);
    matmul(A, M, G2, p);
    let s = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += G1[i * p + j]! * G2[j * p + i]!;
    return s;
  }

  /** tr(P) for the weights of the last fit: Σw − Σ w² h */
  trP(w: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s += w[i]! - w[i]! * w[i]! * this.h[i]!;
    return s;
  }

  /** tr(PP) = Σw² − 2 tr(A X'W³X) + tr(A X'W²X A X'W²X) */
  trPP(w: Float64Array): number {
    const { k, h, d } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const wi = w[i]!;
      s += wi * wi - 2 * wi * wi * wi * h[i]!;
      d[i] = wi * wi;
    }
    return s + this.trAMAM(d, d);
  }

  /** y'PPy = Σ (w r)² */
  yPPy(w: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) {
      const t = w[i]! * this.r[i]!;
      s += t * t;
    }
    return s;
  }

  /** tr(PV) = Σ v (w − w² h) */
  trPV(w: Float64Array, v: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s += v[i]! * (w[i]! - w[i]! * w[i]! * this.h[i]!);
    return s;
  }

  /** sum(PV * t(PV)) = tr(PVPV) = Σ w²v² − 2 tr(A X'W³V²X) + tr(A X'W²VX A X'W²VX) */
  trPVPV(w: Float64Array, v: Float64Array): number {
    const { k, h, d } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const wv = w[i]! * v[i]!;
      s += wv * wv - 2 * w[i]! * wv * wv * h[i]!;
      d[i] = w[i]! * wv;
    }
    return s + this.trAMAM(d, d);
  }

  /** sum(PV * P) = tr(VPP) = Σ v w² − 2 tr(A X'VW³X) + tr(A X'W²X A X'W²VX) */
  trVPP(w: Float64Array, v: Float64Array): number {
    const { k, h, d, d2 } = this;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const w2 = w[i]! * w[i]!;
      s += v[i]! * w2 - 2 * v[i]! * w2 * w[i]! * h[i]!;
      d[i] = w2;
      d2[i] = w2 * v[i]!;
    }
    return s + this.trAMAM(d, d2);
  }
}

function matmul(a: Float64Array, b: Float64Array, out: Float64Array, p: number): void {
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let q = 0; q < p; q++) s += a[i * p + q]! * b[q * p + j]!;
      out[i * p + j] = s;
    }
}
