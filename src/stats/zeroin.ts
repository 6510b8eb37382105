// Brent's root finder, a line-by-line port of R's R_zeroin2 (src/library/stats/src/zeroin.c), which R's
// uniroot() calls. metafor finds the Paule–Mandel τ² and the Q-profile CI bounds with uniroot() at a loose
// tolerance (.Machine$double.eps^0.25), so matching metafor to 1e-6 requires taking exactly the same steps.

export interface ZeroinResult {
  root: number;
  /** iterations used; −1 when maxiter was reached (R: uniroot warns "_NOT_ converged"). */
  iter: number;
  /** estimated precision (R: estim.prec). */
  prec: number;
}

const EPSILON = 2.220446049250313e-16;

/** R_zeroin2(ax, bx, fa, fb, f, tol, maxit). fa = f(ax) and fb = f(bx) must have opposite signs. */
export function zeroin2(
  ax: number,
  bx: number,
  faIn: number,
  fbIn: number,
  f: (x: number) => number,
  tol: number,
  maxitIn: number,
): ZeroinResult {
  let a = ax;
  let b = bx;
  let fa = faIn;
  let fb = fbIn;
  let c = a;
  let fc = fa;
  let maxit = maxitIn + 1;
  if (fa === 0) return { root: a, iter: 0, prec: 0 };
  if (fb === 0) return { root: b, iter: 0, prec: 0 };
  while (maxit--) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) {
      return { root: b, iter: maxitIn + 1 - maxit - 1, prec: Math.abs(c - b) };
    }
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return { root: b, iter: -1, prec: -1 };
}

/** R's uniroot(f, c(lower, upper), tol, maxiter) with extendInt = "no". Throws when the signs do not differ. */
export function uniroot(
  f: (x: number) => number,
  lower: number,
  upper: number,
  tol: number,
  maxiter = 1000,
): ZeroinResult {
  const fl = f(lower);
  const fu = f(upper);
  if (Number.isNaN(fl) || Number.isNaN(fu)) throw new Error('f() value at an end point is NA');
  if (fl * fu > 0) throw new Error('f() values at end points not of opposite sign');
  return zeroin2(lower, upper, fl, fu, f, tol, maxiter);
}

/** .Machine$double.eps^0.25, R's default uniroot tolerance and metafor's control$tol. */
export const R_TOL = 2.220446049250313e-16 ** 0.25;
