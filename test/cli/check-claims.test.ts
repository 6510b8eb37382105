// `regenspine check-claims` as a user runs it: a real process, no database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'regenspine.js');
const dir = mkdtempSync(join(tmpdir(), 'regenspine-claims-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'check-claims', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--file seed 004 --format json: the contract, the safety claims contradicted', () => {
  const r = run(['--file', join(ROOT, 'data', 'sources', 'seed-004.txt'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { claims: { text: string; verdict: string }[]; summary: Record<string, number> };
  assert.equal(j.claims.length, 16);
  assert.equal(j.claims.find((c) => c.text.startsWith('Excellent Safety'))!.verdict, 'contradicted');
  assert.equal(j.summary.contradicted, 2);
});

test('--text, stdin (-), text / markdown / html formats', () => {
  const t = run(['--text', 'Stem cell therapy is FDA approved for back pain.']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /1\. \[✗ CONTRADICTED\] \(regulatory, msc\)/);
  assert.match(t.stdout, /docs\/reference\/regulatory\.md/);
  const s = run(['-', '--format', 'markdown'], 'PRP is safe.');
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /\| 1 \| PRP is safe\. \| safety \| prp \| ▲ overstated \|/);
  const h = run(['--text', 'PRP is safe.', '--format', 'html']);
  assert.match(h.stdout, /^<!doctype html>/);
  assert.match(h.stdout, /<mark class="claim v-overstated"/);
});

test('bad input: one line on stderr starting "regenspine: ", exit 1', () => {
  writeFileSync(join(dir, 'big.txt'), 'PRP is safe. '.repeat(3000));
  for (const [args, msg] of [
    [[], /exactly one way/],
    [['--text', 'a', '-'], /exactly one way/],
    [['--file', join(dir, 'missing.txt')], /cannot read --file .*ENOENT/],
    [['--file', join(dir, 'big.txt')], /at most 32768 bytes/],
    [['--text', 'PRP is safe.', '--format', 'pdf'], /--format must be text or markdown or html or json/],
    [['--text', 'PRP is safe.', '--therapy', 'snake-oil'], /--therapy must be one of/],
    [['--text', 'PRP is safe. '.repeat(201)], /at most 200 can be checked/],
  ] as [string[], RegExp][]) {
    const r = run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^regenspine: /);
    assert.match(r.stderr, msg);
  }
});
