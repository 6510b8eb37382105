// Conversions (src/stats/convert.ts). Worked examples: Cochrane Handbook 5.1 §7.7.3.2 (t multiplier for a 95% CI
// with n = 25: 2.0639, divisor 2 × 2.0639 = 4.128; handbook-5-1.cochrane.org) and §16.4.6.4 (SD of differences
// from SDs 2.38 and 2.21 with imputed correlation 0.68, n = 10: SE of the MD 0.583). Wan (2014) / Luo (2018)
// estimators: reference values evaluated in R 4 (qnorm) from the papers' formulas for min 2, q1 5, median 7,
// q3 10, max 20 (metafor 3.8-1 has no conv.fivenum to compare with).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changeCorrelation,
  changeSd,
  ciDivisor,
  countFromPercent,
  meanSdFromMedian,
  percentFromCount,
  sdFromCi,
  sdFromDiffCi,
  sdFromSe,
} from '../../src/stats/convert.ts';

const near = (got: number, exp: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - exp) <= tol * Math.max(1, Math.abs(exp)), `${what}: expected ${exp}, got ${got}`);

const R = [
  // n, S1 mean, S1 sd, S2 mean, S2 sd, S3 mean, S3 sd
  [10, 8.6626117554325361, 5.8190836368666066, 8.37336694544544, 5.0595504803111782, 7.3695, 4.3000173237557497],
  [25, 8.0539948458714044, 4.5819788364462983, 7.9463848755284925, 4.2562846913114569, 7.3578, 3.9305905461766155],
  [50, 7.7016615861290383, 4.0118952461424522, 7.7271207293054944, 3.9142090751291372, 7.3539, 3.8165229041158222],
  [100, 7.4491508390517689, 3.602030737094406, 7.5815838874114334, 3.6815276942022512, 7.35195, 3.7610246513100964],
  [400, 7.1712278939879592, 3.0453146924712913, 7.4326846661032082, 3.3826799922182573, 7.3504875, 3.7200452919652229],
];

test('Wan (2014) SD and Luo (2018) mean for the three scenarios', () => {
  for (const [n, m1, s1, m2, s2, m3, s3] of R as number[][]) {
    const a = meanSdFromMedian({ n: n!, min: 2, median: 7, max: 20 });
    assert.equal(a.scenario, 'S1');
    near(a.mean, m1!, 1e-12, `S1 mean n=${n}`);
    near(a.sd, s1!, 1e-12, `S1 sd n=${n}`);
    const b = meanSdFromMedian({ n: n!, min: 2, q1: 5, median: 7, q3: 10, max: 20 });
    assert.equal(b.scenario, 'S2');
    near(b.mean, m2!, 1e-12, `S2 mean n=${n}`);
    near(b.sd, s2!, 1e-12, `S2 sd n=${n}`);
    const c = meanSdFromMedian({ n: n!, q1: 5, median: 7, q3: 10 });
    assert.equal(c.scenario, 'S3');
    near(c.mean, m3!, 1e-12, `S3 mean n=${n}`);
    near(c.sd, s3!, 1e-12, `S3 sd n=${n}`);
    assert.ok(c.warnings.length > 0, 'normality caveat');
  }
  assert.throws(() => meanSdFromMedian({ n: 10, min: 8, median: 7, max: 20 }), /min/);
  assert.throws(() => meanSdFromMedian({ n: 10, median: 7 }), /give/);
});

test('SE and CI to SD (Cochrane Handbook 6.5.2.2–6.5.2.3; 5.1 §7.7.3.2 example)', () => {
  near(sdFromSe(2, 25), 10, 1e-15, 'SE→SD');
  near(ciDivisor(24, 25), 4.128, 5e-4, 't divisor n=25');
  near(ciDivisor(199, 200), 3.92, 1e-3, 'normal divisor');
  near(ciDivisor(199, 200, { level: 90 }), 3.29, 1e-3, '90% divisor');
  near(ciDivisor(199, 200, { level: 99 }), 5.15, 1e-3, '99% divisor');
  // n = 25, 95% CI of width 4.128 → SE ≈ 1, SD ≈ 5
  near(sdFromCi(10, 14.128, 25), 5, 1e-3, 'CI→SD (t)');
  near(sdFromCi(10, 13.92, 100), 10, 1e-3, 'CI→SD (z)');
  // difference in means, 25 + 22 participants: t with 45 df
  const sd = sdFromDiffCi(-1, 3, 25, 22);
  near(sd, 4 / (2 * 2.0141034) / Math.sqrt(1 / 25 + 1 / 22), 1e-6, 'diff CI→SD');
});

test('change-from-baseline SD (Handbook 6.5.2.8; 5.1 §16.4.6.4 example)', () => {
  const sdDiff = changeSd(2.38, 2.21, 0.68);
  near(sdDiff / Math.sqrt(10), 0.583, 5e-4, 'SE of MD');
  near(changeCorrelation(2.38, 2.21, sdDiff), 0.68, 1e-12, 'round trip');
  near(changeSd(10, 12, 0.6), Math.sqrt(100 + 144 - 144), 1e-12, 'r = 0.6');
  assert.throws(() => changeSd(1, 1, 1.2));
});

test('percentages and counts', () => {
  assert.equal(countFromPercent(33.3, 30).count, 10);
  assert.equal(countFromPercent(33.3, 30).warnings.length, 0);
  assert.ok(countFromPercent(50, 7).exact === 3.5);
  near(percentFromCount(10, 30), 33.333333333333336, 1e-15, 'percent');
  assert.throws(() => percentFromCount(31, 30));
});
