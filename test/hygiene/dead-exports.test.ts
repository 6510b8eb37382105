// Dead code (code review §7, issue 12 item 7): every name src/ exports is used somewhere — in its own module,
// another module, a test, a script or a benchmark. An export nobody uses is deleted, not kept "just in case".
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === 'fixtures' || n === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : /\.(tsx?|mjs|js)$/.test(n) ? [p] : [];
  });
}

/** Left to the registry rework (issue 12 items 1–4), which rewrites these modules. */
const PENDING = new Set([
  'src/registry/policy.ts:permissionsOf',
  'src/registry/validation.ts:EnrolPatient',
  'src/registry/validation.ts:UpdatePatient',
  'src/registry/validation.ts:RecordConsent',
  'src/registry/validation.ts:UpdateAdverseEvent',
]);

test('no exported name of src/ is unused everywhere', () => {
  const files = ['src', 'test', 'scripts', 'bench', 'bin'].flatMap((d) => walk(join(ROOT, d)));
  const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  const dead: string[] = [];
  for (const f of files.filter((x) => x.startsWith(join(ROOT, 'src')) && /\.tsx?$/.test(x))) {
    const own = text.get(f)!;
    for (const m of own.matchAll(/^export (?:async )?(?:function\*?|const|let|class|type|interface|enum) (\w+)/gm)) {
      const name = m[1]!;
      const word = new RegExp(`\\b${name}\\b`, 'g');
      const usedHere = (own.match(word)?.length ?? 0) > 1;
      const usedElsewhere = [...text].some(([g, t]) => g !== f && word.test(t));
      const key = `${f.slice(ROOT.length + 1)}:${name}`;
      if (!usedHere && !usedElsewhere && !PENDING.has(key)) dead.push(key);
    }
  }
  assert.deepEqual(dead, []);
});
