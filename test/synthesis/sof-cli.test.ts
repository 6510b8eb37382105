// `regenspine sof` as a user runs it: a real process on the curated data (no database needed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('regenspine sof', () => {
  test('json for prp: the contract, Xuan 2020 as a reported analysis', () => {
    const r = run(['sof', '--condition', 'chronic low back pain', '--therapy', 'prp', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.condition, 'chronic low back pain');
    assert.equal(s.therapy, 'prp');
    assert.ok(
      s.questions.some((q: { reported_analyses: { estimate: number }[] }) =>
        q.reported_analyses.some((a) => a.estimate === -1.47),
      ),
    );
    assert.ok(Array.isArray(s.asipp));
  });
  test('text, markdown and csv; --target and --method', () => {
    const t = run(['sof', '--therapy', 'msc', '--target', 'disc', '--method', 'DL']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /Summary of Findings: msc/);
    assert.match(t.stdout, /DL \+ Knapp–Hartung/);
    // --target keeps studies that include the target; multi-target studies stay, under target "multiple"
    for (const m of t.stdout.matchAll(/· target (\S+) {2}\[/g)) assert.ok(['disc', 'multiple'].includes(m[1]!), m[1]);
    const m = run(['sof', '--therapy', 'bmc', '--format', 'markdown']);
    assert.match(m.stdout, /^# Summary of Findings: bmc/);
    const c = run(['sof', '--therapy', 'prp', '--format', 'csv']);
    assert.match(c.stdout, /^id,outcome,timepoint,comparison,target/);
    assert.match(
      c.stdout.split('\n')[0]!,
      /,risk_with_comparator_per_1000,difference_per_1000,difference_ci_lb,difference_ci_ub$/,
    );
  });
  test('--format html: a standalone document with the SoF table, the forest plot and the provenance quotes', () => {
    const h = run(['sof', '--therapy', 'msc', '--format', 'html']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^<!doctype html><html lang="en">/);
    assert.match(h.stdout, /<caption>Summary of Findings/);
    // Kumar 6/10 and Orozco 9/10 (seed-000): the one MSC question with two study effects has its forest plot
    assert.equal(h.stdout.match(/<svg /g)?.length, 1);
    assert.match(h.stdout, /<svg role="img" aria-labelledby="[^"]+-alt"/);
    // no site navigation in a standalone document; quotes are in the page itself
    assert.ok(!h.stdout.includes('<nav aria-label="Main">'));
    assert.match(h.stdout, /<details class="prov"><summary title="/);
    assert.ok(h.stdout.trimEnd().endsWith('</html>'));
  });
  test('bad options are refused, naming the option', () => {
    const r = run(['sof', '--therapy', 'prp', '--method', 'XYZ']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--method must be one of/);
    const t = run(['sof', '--therapy', 'nope']);
    assert.match(t.stderr, /--therapy must be one of/);
  });
});

test('reviewer judgement files: a folder that is missing gives none; a broken file is named, with every problem', async (t) => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { readJudgements } = await import('../../src/cli/commands/sof.ts');
  assert.deepEqual(await readJudgements(join(tmpdir(), 'regenspine-no-such-folder')), []);
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-judgements-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.json'), '{broken');
  writeFileSync(join(dir, 'b.json'), '{}');
  await assert.rejects(readJudgements(dir), (e: Error) => {
    assert.match(e.message, /a\.json: not valid JSON/);
    assert.match(e.message, /b\.json: question/);
    return true;
  });
});
