// `regenspine validate` checks reviewer judgement files (data/judgements/<question-id>.json, here in temporary
// folders): the schema, that the question exists, that the domain is one the question is graded on, and that
// `from` is the suggestion computed now; every error names the file and the field.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const folder = (files: Record<string, unknown>) => {
  const d = mkdtempSync(join(tmpdir(), 'judgements-'));
  dirs.push(d);
  for (const [name, json] of Object.entries(files))
    writeFileSync(join(d, name), typeof json === 'string' ? json : JSON.stringify(json));
  return d;
};
const validate = (dir: string) => {
  const r = spawnSync(process.execPath, [BIN, 'validate', '--judgements', dir, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });
  return { code: r.status, out: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
};

// Singla 2017 (PRP vs steroid, sacroiliac, seed-000): direction only, no estimate.
const ID = 'chronic-low-back-pain.prp.sacroiliac.pain.active.le3m';
const ov = (o: Record<string, unknown>) => ({
  who: 'A Reviewer',
  date: '2026-12-01',
  domain: 'overall',
  from: 'very-low',
  to: 'low',
  reason: 'test',
  ...o,
});

describe('regenspine validate: reviewer judgements', () => {
  test('a judgement made from the computed suggestion is valid', () => {
    const r = validate(folder({ [`${ID}.json`]: { question: ID, overrides: [ov({})] } }));
    assert.equal(r.code, 0, JSON.stringify(r.out?.problems ?? r.stderr));
    assert.equal(r.out.judgements, 1);
  });
  test('errors name the file and the field', () => {
    const missing = 'chronic-low-back-pain.prp.disc.pain.placebo.le3m';
    const r = validate(
      folder({
        [`${ID}.json`]: {
          question: ID,
          overrides: [ov({ from: 'low' }), ov({ domain: 'imprecision', from: 0, to: 1 })],
        },
        [`${missing}.json`]: { question: missing, overrides: [ov({})] },
        'bad-domain.json': { question: 'bad-domain', overrides: [ov({ domain: 'directness', from: 1, to: 0 })] },
        'bad-date.json': { question: 'bad-date', overrides: [ov({ date: '1 Dec 2026', who: '' })] },
        'broken.json': '{ "question": ',
      }),
    );
    assert.equal(r.code, 1);
    const got = (r.out.problems as { file: string; field: string; message: string }[])
      .filter((p) => p.file.includes('judgements-'))
      .map((p) => [p.file.replace(/^.*\//, ''), p.field, p.message]);
    const has = (file: string, field: string, message: RegExp) =>
      assert.ok(
        got.some(([f, fl, m]) => f === file && fl === field && message.test(m!)),
        `${file} ${field} ${message}: ${JSON.stringify(got)}`,
      );
    has(`${ID}.json`, 'overrides.0.from', /computed certainty is very-low, not low/);
    has(`${ID}.json`, 'overrides.1.from', /computed imprecision is 2 step\(s\), not 0/);
    has(`${missing}.json`, 'question', /no question .* in the evidence base/);
    has('bad-domain.json', 'overrides.0.domain', /Invalid/i);
    has('bad-date.json', 'overrides.0.date', /a date YYYY-MM-DD/);
    has('bad-date.json', 'overrides.0.who', /./);
    has('broken.json', '(root)', /not valid JSON/);
  });
});
