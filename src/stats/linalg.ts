// Small dense linear algebra for p×p systems (p = number of model coefficients, usually 1–6).
// Matrices are row-major Float64Arrays.

/**
 * Inverts the symmetric positive-definite p×p matrix `m` into `out` by Cholesky decomposition and returns
 * log(det(m)); returns NaN (and leaves `out` undefined) when `m` is not positive definite.
 */
export function invSPD(m: Float64Array, p: number, out: Float64Array, work: Float64Array): number {
  if (p === 1) {
    const a = m[0]!;
    if (!(a > 0)) return Number.NaN;
    out[0] = 1 / a;
    return Math.log(a);
  }
  // work holds L (lower triangular), row-major
  const L = work;
  L.fill(0, 0, p * p);
  let logdet = 0;
  for (let j = 0; j < p; j++) {
    let s = m[j * p + j]!;
    for (let q = 0; q < j; q++) s -= L[j * p + q]! * L[j * p + q]!;
    if (!(s > 0)) return Number.NaN;
    const d = Math.sqrt(s);
    L[j * p + j] = d;
    logdet += 2 * Math.log(d);
    for (let i = j + 1; i < p; i++) {
      let t = m[i * p + j]!;
      for (let q = 0; q < j; q++) t -= L[i * p + q]! * L[j * p + q]!;
      L[i * p + j] = t / d;
    }
  }
  // inverse of L (in place into out as lower triangular Linv), then m^-1 = Linv' Linv
  const Li = out;
  Li.fill(0, 0, p * p);
  for (let i = 0; i < p; i++) {
    Li[i * p + i] = 1 / L[i * p + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let q = j; q < i; q++) s -= L[i * p + q]! * Li[q * p + j]!;
      Li[i * p + j] = s / L[i * p + i]!;
    }
  }
  // out = Li' Li (compute into work, then copy)
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let q = i; q < p; q++) s += Li[q * p + i]! * Li[q * p + j]!;
      work[i * p + j] = s;
      work[j * p + i] = s;
    }
  }
  for (let i = 0; i < p * p; i++) out[i] = work[i]!;
  return logdet;
}

/**
 * Columns of X (column-major, k rows) that are linearly dependent on earlier columns, in the way R's lm()
 * reports aliased (NA) coefficients: sequential Gram–Schmidt with relative tolerance 1e-7.
 */
export function redundantColumns(X: readonly Float64Array[], k: number): boolean[] {
  const basis: Float64Array[] = [];
  return X.map((col) => {
    const r = Float64Array.from(col);
    let norm0 = 0;
    for (let i = 0; i < k; i++) norm0 += col[i]! * col[i]!;
    for (const b of basis) {
      let d = 0;
      for (let i = 0; i < k; i++) d += r[i]! * b[i]!;
      for (let i = 0; i < k; i++) r[i] = r[i]! - d * b[i]!;
    }
    let n = 0;
    for (let i = 0; i < k; i++) n += r[i]! * r[i]!;
    if (norm0 === 0 || Math.sqrt(n) <= 1e-7 * Math.sqrt(norm0)) return true;
    const s = Math.sqrt(n);
    for (let i = 0; i < k; i++) r[i] = r[i]! / s;
    basis.push(r);
    return false;
  });
}
