// `regenspine meta` as a user runs it: the CSV command, the batch contract, the extra analyses and the plot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'regenspine.js');
const dir = mkdtempSync(join(tmpdir(), 'regenspine-meta-'));
// dat.bcg with its columns named as metafor's arguments (tpos→ai, tneg→bi, cpos→ci, cneg→di).
const BCG = join(dir, 'bcg.csv');
writeFileSync(
  BCG,
  readFileSync(join(ROOT, 'test', 'fixtures', 'meta', 'dat.bcg.csv'), 'utf8').replace(
    /^trial,author,year,tpos,tneg,cpos,cneg,/,
    'study,author,year,ai,bi,ci,di,',
  ),
);
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [BIN, 'meta', ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

test("CSV → REML random-effects on dat.bcg as in metafor's documentation", () => {
  const r = run([BCG, '--measure', 'RR', '--method', 'REML', '--format', 'json', '--plot', join(dir, 'bcg.svg')]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // metafor: rma(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg) → estimate -0.7145, se 0.1798,
  // tau^2 0.3132 (SE 0.1664), I^2 92.22%, Q(df=12) = 152.2330.
  assert.ok(Math.abs(out.estimate - -0.7145) < 5e-5, String(out.estimate));
  assert.ok(Math.abs(out.se - 0.1798) < 5e-5);
  assert.ok(Math.abs(out.tau2 - 0.3132) < 5e-5);
  assert.ok(Math.abs(out.I2 - 92.22) < 5e-3);
  assert.ok(Math.abs(out.Q - 152.233) < 5e-4);
  const svg = readFileSync(join(dir, 'bcg.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

test("batch: one JSON line per fit with the contract's keys; a bad line gives {id, error} and the batch goes on", () => {
  const lines = [
    {
      id: 'a',
      measure: 'OR',
      method: 'DL',
      test: 'z',
      data: [
        { ai: 4, bi: 119, ci: 11, di: 128 },
        { ai: 6, bi: 300, ci: 29, di: 274 },
        { ai: 3, bi: 228, ci: 11, di: 209 },
      ],
    },
    { id: 'b', measure: 'SMD', method: 'EE', test: 'z', data: [] },
    {
      id: 'c',
      measure: 'RR',
      method: 'MH',
      test: 'z',
      data: [
        { ai: 4, bi: 119, ci: 11, di: 128 },
        { ai: 6, bi: 300, ci: 29, di: 274 },
      ],
    },
    {
      id: 'd',
      measure: 'GEN',
      method: 'REML',
      test: 'knha',
      data: [
        { yi: 0.1, vi: 0.02 },
        { yi: 0.4, vi: 0.03 },
        { yi: -0.2, vi: 0.05 },
      ],
    },
  ];
  const r = run(['--batch', '-'], lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    out.map((o) => o.id),
    ['a', 'b', 'c', 'd'],
  );
  for (const k of [
    'k',
    'estimate',
    'se',
    'zval',
    'pval',
    'ci_lb',
    'ci_ub',
    'pi_lb',
    'pi_ub',
    'tau2',
    'I2',
    'H2',
    'Q',
    'Qp',
    'yi',
    'vi',
    'weights',
  ]) {
    assert.ok(k in out[0], `missing ${k}`);
  }
  assert.ok(typeof out[1].error === 'string');
  assert.equal(out[2].pi_lb, null, 'no prediction interval for Mantel-Haenszel');
  assert.ok('tval' in out[3] && !('zval' in out[3]));
  assert.ok(Math.abs(out[0].weights.reduce((a: number, b: number) => a + b, 0) - 100) < 1e-9);
});

test('subgroups, moderators, leave-one-out, cumulative and bias tests run from the CLI', () => {
  for (const extra of [
    ['--subgroup', 'alloc'],
    ['--mods', 'ablat'],
    ['--mods', 'alloc'],
    ['--leave1out'],
    ['--cumulative'],
    ['--bias'],
  ]) {
    const text = run([BCG, '--measure', 'RR', '--method', 'REML', ...extra]);
    assert.equal(text.status, 0, `${extra.join(' ')}: ${text.stderr}`);
    const json = run([BCG, '--measure', 'RR', '--method', 'REML', '--format', 'json', ...extra]);
    assert.equal(json.status, 0, `${extra.join(' ')}: ${json.stderr}`);
    JSON.parse(json.stdout);
  }
});

test('bad input names the column or option', () => {
  writeFileSync(join(dir, 'bad.csv'), 'study,ai,bi,ci,di\nA,4,x,11,128\n');
  const r = run([join(dir, 'bad.csv'), '--measure', 'OR']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /bi/);
  const cols = run([join(ROOT, 'test', 'fixtures', 'meta', 'dat.bcg.csv'), '--measure', 'RR']);
  assert.notEqual(cols.status, 0);
  assert.match(cols.stderr, /needs the columns ai, bi, ci, di or ai, n1i, ci, n2i; the CSV has/);
  const m = run([BCG, '--measure', 'XYZ']);
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /measure/);
});
