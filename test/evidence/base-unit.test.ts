// Reading the evidence base: the files as read (src/evidence/inputs.ts), their validation as a pure function of
// what was read (src/evidence/files.ts validateEvidenceInputs), and the read commands' guard and cache folder
// (src/evidence/cache.ts validOnly, defaultCacheDir). Rules from the modules' contracts as documented in
// docs/evidence-model.md (every provenance names a registered document; every quote is checked against its
// text) and the cache's header comment (REGENSPINE_CACHE_DIR=off means validating every time; HTTP 500, exit 1).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultCacheDir, EvidenceInvalidError, validOnly } from '../../src/evidence/cache.ts';
import { type EvidenceBase, validateEvidenceInputs } from '../../src/evidence/files.ts';
import {
  DEFAULT_EVIDENCE_DIR,
  DEFAULT_SOURCES_DIR,
  DEFAULT_STATEMENTS_DIR,
  type EvidenceInputs,
  evidenceDirs,
  type FileText,
  parsedFiles,
  readEvidenceInputs,
  readJsonFiles,
  readJsonTexts,
} from '../../src/evidence/inputs.ts';
import type { EvidenceProblem } from '../../src/evidence/validate.ts';
import { makeStudy } from '../helpers/studies.ts';

const dirs = { evidenceDir: '/e/evidence', sourcesDir: '/e/sources', statementsDir: '/e/statements' };
const doc = (id: string, file: string | null) => ({
  id,
  title: `document ${id}`,
  kind: 'seed',
  tier: 'primary-abstract',
  description: 'a synthetic document',
  year: 2022,
  file,
  origin: 'test',
});
const TEXT = 'Fourteen patients were\ntreated with  bone marrow concentrate.';
const Pq = (document: string, quote: string) => ({ document, locator: 'abstract', quote });

function inputs(over: Partial<EvidenceInputs>): EvidenceInputs {
  return { dirs, registries: [], texts: new Map(), studies: [], statements: [], ...over };
}
const registry = (docs: unknown[], file = '/e/sources/sources.json'): FileText => ({
  file,
  text: JSON.stringify(docs),
});
/** A study whose every provenance points at `document` with `quote`. */
function studyFile(id: string, document: string, quote: string): FileText {
  const P = Pq(document, quote);
  const s = makeStudy(id, {
    citation_provenance: P,
    design_provenance: P,
    enrolled: { value: 14, provenance: P },
    followup_months: { value: null, null_reason: 'not stated' },
    arms: [
      {
        id: 't',
        label: 'BMC',
        role: 'treatment',
        therapies: ['bmc'],
        n: { value: 14, provenance: P },
        intervention: 'BMC',
      },
    ],
  });
  return { file: `/e/evidence/${id}.json`, text: JSON.stringify(s) };
}

describe('validating the evidence base as read', () => {
  test('documents of every registry file are registered; a quote found in its text validates', () => {
    const base = validateEvidenceInputs(
      inputs({
        registries: [
          registry([doc('seed-a', 'a.txt')]),
          registry([doc('seed-b', null)], '/e/sources/sources-extra.json'),
        ],
        texts: new Map([['a.txt', { file: '/e/sources/a.txt', text: TEXT }]]),
        studies: [studyFile('akeda-x', 'seed-a', 'Fourteen patients were treated with bone marrow concentrate')],
      }),
    );
    assert.deepEqual(base.problems, []);
    assert.deepEqual(
      base.documents.map((d) => d.id),
      ['seed-a', 'seed-b'],
    );
    assert.deepEqual(
      base.studies.map((s) => s.id),
      ['akeda-x'],
    );
    // the loader fills in each provenance's tier from its document (docs/evidence-model.md §Provenance)
    assert.equal(base.studies[0]!.citation_provenance.source_tier, 'primary-abstract');
  });

  test('a quote that is not in the document text is a problem, and the study is not loaded', () => {
    const base = validateEvidenceInputs(
      inputs({
        registries: [registry([doc('seed-a', 'a.txt')])],
        texts: new Map([['a.txt', { file: '/e/sources/a.txt', text: TEXT }]]),
        studies: [studyFile('bad-x', 'seed-a', 'Forty patients')],
      }),
    );
    assert.deepEqual(base.studies, []);
    assert.ok(base.problems.length > 0);
    assert.ok(base.problems.every((p) => p.file === '/e/evidence/bad-x.json' && p.field.endsWith('.quote')));
  });

  test('a registry that could not be read, or is not JSON, is a problem of its file at (root)', () => {
    const base = validateEvidenceInputs(
      inputs({
        registries: [
          { file: '/e/sources/sources.json', error: 'EACCES: permission denied' },
          { file: '/e/sources/sources-b.json', text: '[{' },
        ],
      }),
    );
    assert.equal(base.problems.length, 2);
    assert.deepEqual(base.problems[0], {
      file: '/e/sources/sources.json',
      field: '(root)',
      message: 'EACCES: permission denied',
    });
    assert.equal(base.problems[1]!.file, '/e/sources/sources-b.json');
    assert.equal(base.problems[1]!.field, '(root)');
    assert.deepEqual(base.documents, []);
  });

  test('a registry entry that breaks the schema is a problem naming the field; nothing of that file is registered', () => {
    const base = validateEvidenceInputs(
      inputs({ registries: [registry([doc('seed-a', null), { ...doc('seed-b', null), tier: 'blog' }])] }),
    );
    assert.deepEqual(base.documents, []);
    assert.deepEqual(
      base.problems.map((p) => [p.file, p.field]),
      [['/e/sources/sources.json', '[1].tier']],
    );
  });

  test('a document registered twice is a problem of the sources folder naming the id', () => {
    const base = validateEvidenceInputs(
      inputs({
        registries: [registry([doc('seed-a', null)]), registry([doc('seed-a', null)], '/e/sources/sources-b.json')],
      }),
    );
    assert.deepEqual(base.problems, [
      { file: '/e/sources', field: 'seed-a', message: 'document id "seed-a" is registered twice' },
    ]);
  });

  test('a text that could not be read is a problem of that file at <document>.file', () => {
    const base = validateEvidenceInputs(
      inputs({
        registries: [registry([doc('seed-a', 'a.txt'), doc('seed-b', 'b.txt')])],
        texts: new Map([['a.txt', { file: '/e/sources/a.txt', error: 'ENOENT: no such file' }]]),
      }),
    );
    assert.deepEqual(base.problems, [
      { file: '/e/sources/a.txt', field: 'seed-a.file', message: 'ENOENT: no such file' },
      { file: join('/e/sources', 'b.txt'), field: 'seed-b.file', message: 'not read' },
    ]);
  });

  test('a study or statement file that is not JSON is a problem naming it', () => {
    const base = validateEvidenceInputs(
      inputs({
        studies: [{ file: '/e/evidence/x.json', error: 'EISDIR' }],
        statements: [{ file: '/e/statements/y.json', text: 'nope' }],
      }),
    );
    assert.deepEqual(
      base.problems.map((p) => [p.file, p.field, p.message.startsWith('not valid JSON: ')]),
      [
        ['/e/evidence/x.json', '(root)', true],
        ['/e/statements/y.json', '(root)', true],
      ],
    );
    assert.equal(base.problems[0]!.message, 'not valid JSON: EISDIR');
  });
});

describe('parsed files', () => {
  test('each file is parsed in order; an unreadable or malformed one is a problem, the rest are kept', () => {
    const problems: EvidenceProblem[] = [];
    const out = parsedFiles(
      [
        { file: 'a.json', text: '{"id":"a"}' },
        { file: 'b.json', error: 'EACCES' },
        { file: 'c.json', text: '[1, 2]' },
      ],
      problems,
    );
    assert.deepEqual(out, [
      { file: 'a.json', json: { id: 'a' } },
      { file: 'c.json', json: [1, 2] },
    ]);
    assert.deepEqual(problems, [{ file: 'b.json', field: '(root)', message: 'not valid JSON: EACCES' }]);
  });
});

describe('the folders', () => {
  test('data/statements goes with data/evidence; another evidence folder has a sibling statements folder', () => {
    assert.deepEqual(evidenceDirs(), {
      evidenceDir: DEFAULT_EVIDENCE_DIR,
      sourcesDir: DEFAULT_SOURCES_DIR,
      statementsDir: DEFAULT_STATEMENTS_DIR,
    });
    assert.deepEqual(evidenceDirs('/x/evidence', '/x/src'), {
      evidenceDir: '/x/evidence',
      sourcesDir: '/x/src',
      statementsDir: join('/x', 'statements'),
    });
    assert.equal(evidenceDirs('/x/evidence', '/x/src', '/y/st').statementsDir, '/y/st');
  });

  test('reading: registries sources.json and sources-<topic>.json in name order, the texts they name, *.json only', async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'regenspine-inputs-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const src = join(root, 'sources');
    const ev = join(root, 'evidence');
    mkdirSync(src);
    mkdirSync(ev);
    writeFileSync(
      join(src, 'sources.json'),
      JSON.stringify([{ file: ' a.txt ' }, { file: 'missing.txt' }, { file: '' }, null]),
    );
    writeFileSync(
      join(src, 'sources-b-2.json'),
      JSON.stringify([{ file: 'zeta.txt' }, { file: 'a.txt' }, { file: 3 }, {}]),
    );
    writeFileSync(join(src, 'sources-c.json'), '{"file": "c.txt"}');
    writeFileSync(join(src, 'sources-d.json'), 'not json');
    writeFileSync(join(src, 'sources_e.json'), '[{"file": "e.txt"}]');
    writeFileSync(join(src, 'sources-F.json'), '[{"file": "f.txt"}]');
    writeFileSync(join(src, 'sources-.json'), '[{"file": "g.txt"}]');
    writeFileSync(join(src, 'xsources.json'), '[{"file": "h.txt"}]');
    writeFileSync(join(src, 'sources.json.bak'), '[{"file": "i.txt"}]');
    writeFileSync(join(src, 'a.txt'), 'text of a');
    writeFileSync(join(ev, 'b.json'), '{"id":"b"}');
    writeFileSync(join(ev, 'a.json'), '{"id":"a"}');
    writeFileSync(join(ev, 'notes.md'), 'not a study');
    const got = await readEvidenceInputs(evidenceDirs(ev, src));
    assert.deepEqual(
      got.registries.map((r) => r.file),
      [
        join(src, 'sources-b-2.json'),
        join(src, 'sources-c.json'),
        join(src, 'sources-d.json'),
        join(src, 'sources.json'),
      ],
    );
    // each named text once, in name order
    assert.deepEqual([...got.texts.keys()], ['a.txt', 'missing.txt', 'zeta.txt']);
    assert.deepEqual(got.texts.get('a.txt'), { file: join(src, 'a.txt'), text: 'text of a' });
    assert.equal(got.texts.get('missing.txt')!.file, join(src, 'missing.txt'));
    assert.ok('error' in got.texts.get('missing.txt')!);
    assert.deepEqual(got.studies, [
      { file: join(ev, 'a.json'), text: '{"id":"a"}' },
      { file: join(ev, 'b.json'), text: '{"id":"b"}' },
    ]);
    // a folder that does not exist has no files
    assert.deepEqual(got.statements, []);
    assert.deepEqual(await readJsonTexts(join(root, 'nowhere')), []);
    const problems: EvidenceProblem[] = [];
    assert.deepEqual(await readJsonFiles(ev, problems), [
      { file: join(ev, 'a.json'), json: { id: 'a' } },
      { file: join(ev, 'b.json'), json: { id: 'b' } },
    ]);
    assert.deepEqual(problems, []);
    // a path that is a file, not a folder, is an error, not "no files"
    await assert.rejects(() => readJsonTexts(join(src, 'a.txt')));
  });
});

describe('the read commands', () => {
  const base = (problems: EvidenceProblem[]): EvidenceBase => ({
    studies: [],
    statements: [],
    documents: [],
    problems,
  });

  test('a base without problems is used as it is', () => {
    const b = base([]);
    assert.equal(validOnly(b), b);
  });

  test('a base with problems loads nothing: HTTP 500 listing each problem as file: field: message', () => {
    const p = (i: number) => ({ file: `f${i}.json`, field: 'id', message: `m${i}` });
    assert.throws(
      () => validOnly(base([p(1), p(2)])),
      (e: unknown) => {
        assert.ok(e instanceof EvidenceInvalidError);
        assert.equal(e.status, 500);
        assert.equal(e.exitCode, 1);
        assert.equal(
          e.message,
          'the evidence base has 2 problem(s); nothing was loaded:\n  f1.json: id: m1\n  f2.json: id: m2',
        );
        return true;
      },
    );
  });

  test('at most 20 problems are listed, then an ellipsis', () => {
    const list = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ file: 'f', field: 'x', message: String(i + 1) }));
    const msg = (n: number) => {
      try {
        validOnly(base(list(n)));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const lines20 = Array.from({ length: 20 }, (_, i) => `  f: x: ${i + 1}`).join('\n');
    assert.equal(msg(20), `the evidence base has 20 problem(s); nothing was loaded:\n${lines20}`);
    assert.equal(msg(21), `the evidence base has 21 problem(s); nothing was loaded:\n${lines20}\n  …`);
  });

  test('the cache folder: REGENSPINE_CACHE_DIR, off, or cache in the data folder (default .regenspine)', () => {
    assert.equal(defaultCacheDir({ REGENSPINE_CACHE_DIR: 'off', REGENSPINE_DATA_DIR: '/d' }), null);
    assert.equal(defaultCacheDir({ REGENSPINE_CACHE_DIR: '/c', REGENSPINE_DATA_DIR: '/d' }), '/c');
    assert.equal(defaultCacheDir({ REGENSPINE_DATA_DIR: '/d' }), join('/d', 'cache'));
    assert.equal(defaultCacheDir({ REGENSPINE_CACHE_DIR: '' }), join('.regenspine', 'cache'));
    assert.equal(defaultCacheDir({}), join('.regenspine', 'cache'));
  });
});
