// The read commands' evidence cache (src/evidence/cache.ts): a validation is reused only for the very same
// files, never reports a stale "valid", and a damaged or foreign cache file is ignored.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { evidenceCacheStats, readEvidenceBaseCached } from '../../src/evidence/cache.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import {
  DEFAULT_EVIDENCE_DIR,
  DEFAULT_SOURCES_DIR,
  DEFAULT_STATEMENTS_DIR,
  evidenceDirs,
} from '../../src/evidence/inputs.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A private copy of data/evidence, data/sources and data/statements, and an empty cache folder. */
function copyOfEvidence() {
  const root = mkdtempSync(join(tmpdir(), 'regenspine-cache-'));
  dirs.push(root);
  cpSync(DEFAULT_EVIDENCE_DIR, join(root, 'evidence'), { recursive: true });
  cpSync(DEFAULT_SOURCES_DIR, join(root, 'sources'), { recursive: true });
  cpSync(DEFAULT_STATEMENTS_DIR, join(root, 'statements'), { recursive: true });
  return {
    root,
    dirs: evidenceDirs(join(root, 'evidence'), join(root, 'sources')),
    cacheDir: join(root, 'cache'),
  };
}

/** Runs `fn` and says how many validations and cache hits it took. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; validations: number; hits: number }> {
  const v0 = evidenceCacheStats.validations;
  const h0 = evidenceCacheStats.hits;
  const value = await fn();
  return { value, validations: evidenceCacheStats.validations - v0, hits: evidenceCacheStats.hits - h0 };
}

const cacheFile = (cacheDir: string) => {
  const names = readdirSync(cacheDir).filter((n) => n.endsWith('.json'));
  assert.equal(names.length, 1, `one cache file in ${cacheDir}: ${names.join(', ')}`);
  return join(cacheDir, names[0]!);
};

test('the validated evidence base survives JSON unchanged, so a cached copy is the same value', async () => {
  const fresh = await readEvidenceBase();
  assert.equal(fresh.problems.length, 0);
  // deepStrictEqual tells a missing key from one set to undefined, and a Date or NaN from its JSON form
  assert.deepStrictEqual(JSON.parse(JSON.stringify(fresh)), fresh);
});

test('the second read of unchanged files validates nothing and gives the same evidence base', async () => {
  const e = copyOfEvidence();
  const first = await counted(() => readEvidenceBaseCached(e));
  assert.deepEqual([first.validations, first.hits], [1, 0]);
  const second = await counted(() => readEvidenceBaseCached(e));
  assert.deepEqual([second.validations, second.hits], [0, 1]);
  assert.deepStrictEqual(second.value, first.value);
  assert.deepStrictEqual(second.value, await readEvidenceBase(e.dirs.evidenceDir, e.dirs.sourcesDir));
  assert.ok(second.value.studies.some((s) => s.id === 'amirdelfan-2021'));
});

test('an edited number in a quote is re-validated: the next read reports the quote, not a stale "valid"', async () => {
  const e = copyOfEvidence();
  assert.equal((await readEvidenceBaseCached(e)).problems.length, 0);
  const file = join(e.dirs.evidenceDir, 'amirdelfan-2021.json');
  const text = readFileSync(file, 'utf8');
  // seed-000 says "One hundred patients were randomly divided …"; 101 stands nowhere in it
  writeFileSync(
    file,
    text.replace('"One hundred patients were randomly', '"One hundred and one patients were randomly'),
  );
  const edited = await counted(() => readEvidenceBaseCached(e));
  assert.equal(edited.validations, 1);
  const problem = edited.value.problems.find((p) => p.file === file);
  assert.ok(problem, JSON.stringify(edited.value.problems));
  assert.equal(problem.field, 'enrolled.provenance.quote');
  assert.match(problem.message, /quote not found in document "seed-000"/);
  assert.ok(!edited.value.studies.some((s) => s.id === 'amirdelfan-2021'));
  // and again (now from the cache): still the problem
  const again = await counted(() => readEvidenceBaseCached(e));
  assert.deepEqual([again.validations, again.hits], [0, 1]);
  assert.deepStrictEqual(again.value.problems, edited.value.problems);
  // put back: valid again
  writeFileSync(file, text);
  assert.equal((await readEvidenceBaseCached(e)).problems.length, 0);
});

test('an edited source text is re-validated too', async () => {
  const e = copyOfEvidence();
  assert.equal((await readEvidenceBaseCached(e)).problems.length, 0);
  const seed = join(e.dirs.sourcesDir, 'seed-000.txt');
  writeFileSync(seed, readFileSync(seed, 'utf8').replace('One hundred patients', 'Ninety patients'));
  const r = await counted(() => readEvidenceBaseCached(e));
  assert.equal(r.validations, 1);
  assert.ok(
    r.value.problems.some(
      (p) => p.file.endsWith('amirdelfan-2021.json') && /quote not found in document "seed-000"/.test(p.message),
    ),
    JSON.stringify(r.value.problems.slice(0, 3)),
  );
});

test('a new, removed or renamed study file is re-validated', async () => {
  const e = copyOfEvidence();
  const before = await readEvidenceBaseCached(e);
  const file = join(e.dirs.evidenceDir, 'amirdelfan-2021.json');
  const moved = join(e.dirs.evidenceDir, 'amirdelfan-2021-copy.json');
  cpSync(file, moved);
  rmSync(file);
  const r = await counted(() => readEvidenceBaseCached(e));
  assert.equal(r.validations, 1);
  assert.ok(r.value.problems.some((p) => p.file === moved && p.field === 'id'));
  rmSync(moved);
  const removed = await counted(() => readEvidenceBaseCached(e));
  assert.equal(removed.validations, 1);
  assert.equal(removed.value.studies.length, before.studies.length - 1);
});

test('a damaged, foreign or tampered cache file is ignored and replaced', async () => {
  const e = copyOfEvidence();
  const good = await readEvidenceBaseCached(e);
  const file = cacheFile(e.cacheDir);
  const original = readFileSync(file, 'utf8');
  const [head, body] = [original.slice(0, original.indexOf('\n')), original.slice(original.indexOf('\n') + 1)];
  const damaged = [
    '',
    'not json at all',
    original.slice(0, original.length / 2), // cut short
    `${head}\n${body.replace('"amirdelfan-2021"', '"amirdelfan-2022"')}`, // content changed under its digest
    `${JSON.stringify({ ...JSON.parse(head), key: '0'.repeat(64) })}\n${body}`, // another key
    `${JSON.stringify({ ...JSON.parse(head), format: 'something/else' })}\n${body}`,
  ];
  for (const content of damaged) {
    writeFileSync(file, content);
    const r = await counted(() => readEvidenceBaseCached(e));
    assert.deepEqual([r.validations, r.hits], [1, 0], content.slice(0, 60));
    assert.deepStrictEqual(r.value, good);
    assert.equal(readFileSync(file, 'utf8'), original, 'rewritten');
  }
});

test('no cache folder, or one that cannot be written: validated every time, same result, no error', async () => {
  const e = copyOfEvidence();
  const expected = await readEvidenceBase(e.dirs.evidenceDir, e.dirs.sourcesDir);
  const off = await counted(() => readEvidenceBaseCached({ dirs: e.dirs, cacheDir: null }));
  assert.equal(off.validations, 1);
  assert.deepStrictEqual(off.value, expected);
  const blocker = join(e.root, 'a-file');
  writeFileSync(blocker, 'x');
  for (let i = 0; i < 2; i++) {
    const r = await counted(() => readEvidenceBaseCached({ dirs: e.dirs, cacheDir: join(blocker, 'cache') }));
    assert.equal(r.validations, 1);
    assert.deepStrictEqual(r.value, expected);
  }
  assert.deepEqual(readdirSync(e.root).sort(), ['a-file', 'evidence', 'sources', 'statements']);
});

test('fresh (regenspine validate) validates even with a warm cache, and leaves its result for the next read', async () => {
  const e = copyOfEvidence();
  await readEvidenceBaseCached(e);
  const fresh = await counted(() => readEvidenceBaseCached({ ...e, fresh: true }));
  assert.deepEqual([fresh.validations, fresh.hits], [1, 0]);
  const next = await counted(() => readEvidenceBaseCached(e));
  assert.deepEqual([next.validations, next.hits], [0, 1]);
  assert.deepStrictEqual(next.value, fresh.value);
});
