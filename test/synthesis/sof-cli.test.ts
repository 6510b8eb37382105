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
  });
  test('bad options are refused, naming the option', () => {
    const r = run(['sof', '--therapy', 'prp', '--method', 'XYZ']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--method must be one of/);
    const t = run(['sof', '--therapy', 'nope']);
    assert.match(t.stderr, /--therapy must be one of/);
  });
});

test('reviewer judgement files: a folder that is missing gives none; a broken file is named, with every problem', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { readJudgements } = await import('../../src/cli/commands/sof.ts');
  assert.deepEqual(await readJudgements(join(tmpdir(), 'regenspine-no-such-folder')), []);
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-judgements-'));
  writeFileSync(join(dir, 'a.json'), '{broken');
  writeFileSync(join(dir, 'b.json'), '{}');
  await assert.rejects(readJudgements(dir), (e: Error) => {
    assert.match(e.message, /a\.json: not valid JSON/);
    assert.match(e.message, /b\.json: question/);
    return true;
  });
});
