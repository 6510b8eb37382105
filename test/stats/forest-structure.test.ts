// Structure of the forest plot SVG (code review T8 / §4.3: a mutation drawing the study squares at −yi survived
// every test, which checked only that an <svg> came out). What a forest plot is (Lewis & Clarke 2001, BMJ
// 322:1479; Cochrane Handbook §10.2.1): each study is a square at its estimate on a linear axis, with a
// horizontal line for its confidence interval, a larger square for a larger weight, and the pooled estimate a
// diamond whose centre is the estimate and whose ends are the interval.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forestSvg } from '../../src/stats/forest.ts';
import { rma } from '../../src/stats/rma.ts';

// Effects chosen by hand: distinct, both signs, all inside the axis; variances give distinct weights.
const yi = [-0.5, 0.1, 0.3, 0.8];
const vi = [0.04, 0.01, 0.05, 0.03];

function squares(svg: string): { cx: number; side: number }[] {
  return [...svg.matchAll(/<rect x="([-\d.]+)" y="[-\d.]+" width="([\d.]+)" height="[\d.]+" fill="#1f3b73"\/>/g)].map(
    (m) => ({ cx: Number(m[1]) + Number(m[2]) / 2, side: Number(m[2]) }),
  );
}

test('study squares sit at their estimates on a linear, left-to-right axis; bigger weight, bigger square', () => {
  const fit = rma(yi, vi, { method: 'REML' });
  const svg = forestSvg({ measure: 'GEN', labels: ['A', 'B', 'C', 'D'], fit });
  const sq = squares(svg);
  assert.equal(sq.length, 4);
  // x = a + b·yi with b > 0: from the first and last study, predict the middle two
  const b = (sq[3]!.cx - sq[0]!.cx) / (yi[3]! - yi[0]!);
  assert.ok(b > 0, 'larger effects are further right');
  for (const i of [1, 2]) assert.ok(Math.abs(sq[0]!.cx + b * (yi[i]! - yi[0]!) - sq[i]!.cx) < 0.2, `study ${i}`);
  // study B has the smallest variance, so the largest weight and the largest square
  const biggest = sq.reduce((m, s, i) => (s.side > sq[m]!.side ? i : m), 0);
  assert.equal(biggest, 1);
  // the CI line of each study runs through its square
  const lines = [...svg.matchAll(/<line x1="([-\d.]+)" x2="([-\d.]+)" y1="([-\d.]+)" y2="\3" stroke="#000"/g)];
  for (const [i, s] of sq.entries()) {
    assert.ok(
      lines.some((l) => Number(l[1]) < s.cx && s.cx < Number(l[2])),
      `a CI line through study ${i}`,
    );
  }
  // the pooled diamond (red) is centred at the pooled estimate on the same axis
  const xAt = (v: number) => sq[0]!.cx + b * (v - yi[0]!);
  const diamond =
    /<polygon class="overall" points="([-\d.]+),[-\d.]+ ([-\d.]+),[-\d.]+ ([-\d.]+),[-\d.]+ ([-\d.]+),[-\d.]+"/.exec(
      svg,
    );
  assert.ok(diamond, 'an overall diamond');
  const [left, top, right] = [1, 2, 3].map((k) => Number(diamond[k]));
  assert.ok(Math.abs(top! - xAt(fit.beta[0]!)) < 0.2, 'diamond centred at the pooled estimate');
  assert.ok(Math.abs(left! - xAt(fit.ciLb[0]!)) < 0.2, 'diamond starts at the lower bound');
  assert.ok(Math.abs(right! - xAt(fit.ciUb[0]!)) < 0.2, 'diamond ends at the upper bound');
});
