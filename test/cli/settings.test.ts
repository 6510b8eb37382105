// Settings (issue 11 §2): every config/*.json "source" cites a document in the repository (docs/reference/…,
// and the section it names exists there) or a public citation, never a path outside the checkout; code
// comments likewise; and what a user reads when a setting bites (a scoring refusal, a PRP warning) does not
// name internal config keys such as odi.maxMissingSections.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_INSTRUMENT_CONFIG } from '../../src/instruments/config.ts';
import { isFieldError } from '../../src/instruments/input.ts';
import { parseOdiInput } from '../../src/instruments/odi.ts';
import { isResponder } from '../../src/instruments/responder.ts';
import { scoreInstrument } from '../../src/instruments/score.ts';
import { characterizePrp, parsePrpInput } from '../../src/products/prp.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function strings(v: unknown, path: string, out: { path: string; text: string }[]): void {
  if (typeof v === 'string') out.push({ path, text: v });
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) strings(x, `${path}[${i}]`, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) strings(x, path ? `${path}.${k}` : k, out);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test('config sources point into the repository (docs/reference, existing sections) or to public citations', () => {
  const files = readdirSync(join(ROOT, 'config')).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4);
  let cited = 0;
  for (const f of files) {
    const all: { path: string; text: string }[] = [];
    strings(JSON.parse(readFileSync(join(ROOT, 'config', f), 'utf8')), '', all);
    for (const { path, text } of all.filter((s) => /(^|\.)(source|\$comment)$/.test(s.path))) {
      const where = `${f} ${path}`;
      assert.doesNotMatch(text, /\/work\/|\.\.\/shared|shared\/reference|DESIGN\.md/, where);
      // a bare "instruments.md §1.2" would cite a file that is not in the repository
      assert.doesNotMatch(text, /(^|[\s(])(?!docs\/reference\/)[a-z-]+\.md\b/, where);
      for (const m of text.matchAll(/docs\/reference\/([a-z-]+\.md)((?: §[\d.]+(?:\/§?[\d.]+)*)?)/g)) {
        cited++;
        const doc = readFileSync(join(ROOT, 'docs', 'reference', m[1]!), 'utf8');
        for (const sec of m[2]!
          .replace(/^ §/, '')
          .split(/\/§?/)
          .filter((x) => x !== '')) {
          const heading = new RegExp(`^#{2,3} ${sec.replace(/\./g, '\\.')}(\\.| )`, 'm');
          assert.match(doc, heading, `${where}: ${m[1]} has a section ${sec}`);
        }
      }
    }
  }
  assert.ok(cited >= 20, `${cited} citations of docs/reference`);
});

test('no code comment, config or script cites a path outside the repository', () => {
  for (const dir of ['src', 'config', 'scripts', 'bench', 'docs', 'examples']) {
    for (const f of walk(join(ROOT, dir))) {
      const text = readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /\/work\/shared|\.\.\/shared\//, f);
    }
  }
});

test('code cites a reference document by its path in the repository (docs/reference/…), never by a bare name', () => {
  // A bare "regulatory.md §5" named a file of the project's source material, which a clone does not have.
  const docs = new Set(readdirSync(join(ROOT, 'docs', 'reference')));
  const bare: string[] = [];
  for (const f of [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'scripts')), ...walk(join(ROOT, 'bench'))]) {
    const lines = readFileSync(f, 'utf8').split('\n');
    for (const [i, line] of lines.entries())
      for (const m of line.matchAll(/(^|[^/\w-])([a-z-]+\.md)\b/g))
        if (docs.has(m[2]!)) bare.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${m[2]}`);
  }
  assert.deepEqual(bare, []);
});

/** what an internal settings key looks like: section.camelCaseName (odi.maxMissingSections, prp.minFold) */
const CONFIG_KEY = /\b[a-z]+\.[a-z]+[A-Z][A-Za-z]*\b/;

test('user-facing messages about settings do not name internal config keys', () => {
  const messages: string[] = [];
  const err = (instrument: string, input: unknown) => {
    const r = scoreInstrument(instrument, input);
    assert.ok(isFieldError(r), JSON.stringify(r));
    messages.push(r.error);
  };
  err('ODI', { answers: [0, 1, null, null, 4, 5, 0, 1, 2, 3] });
  err('RMDQ', { items: [true, null, null, ...Array(21).fill(false)] });
  err('FRI', { answers: [1, null, null, 1, 1, 1, 1, 1, 1, 1] });
  const reject = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  reject.odi.multipleMarked.value = 'reject';
  assert.throws(
    () => parseOdiInput({ answers: [[1, 3], 0, 0, 0, 0, 0, 0, 0, 0, 0] }, reject),
    (e: Error) => {
      messages.push(e.message);
      return true;
    },
  );
  assert.throws(
    () => isResponder('PROMIS_GPH', 40, 50),
    (e: Error) => {
      messages.push(e.message);
      return true;
    },
  );
  messages.push(
    ...characterizePrp(parsePrpInput({ baseline: { platelets: 250_000 }, prp: { platelets: 500_000 } })).warnings,
  );
  assert.equal(messages.length, 6);
  for (const m of messages) {
    assert.doesNotMatch(m, CONFIG_KEY, m);
    assert.doesNotMatch(m, /\bconfig\b/, m);
    assert.doesNotMatch(m, /\.md\b|docs\/|§/, m); // no document paths or sections either
  }
  // and the eligibility checklist a coordinator reads names no setting either
  const registry = JSON.parse(readFileSync(join(ROOT, 'config', 'registry.json'), 'utf8'));
  for (const item of registry.eligibility.items.value) assert.doesNotMatch(item.label, /minPainMonths|config/);
});
