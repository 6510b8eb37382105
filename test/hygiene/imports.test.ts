// Import-graph hygiene (code review §3.2.7, issue 12 item 7): no module of src/ reaches itself through its
// imports. A runtime cycle (cli/main.ts ↔ cli/commands/meta.ts, through a re-export) makes load order matter;
// a type-only cycle (ingest/read.ts ↔ the readers, through ReadEvent) says a type lives in the wrong module.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(p) ? [p] : [];
  });
}

/** Module → the project modules it imports (`import … from './x.ts'`, `export … from`, `import('./x.ts')`). */
function graph(typesToo: boolean): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const f of walk(SRC)) {
    const text = readFileSync(f, 'utf8');
    const out: string[] = [];
    for (const m of text.matchAll(re)) {
      const spec = m[3] ?? m[4]!;
      if (m[2] && !typesToo) continue;
      out.push(resolve(dirname(f), spec));
    }
    g.set(f, out);
  }
  return g;
}

/** Cycles (strongly connected components of more than one module, or a self-import). */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(relative(SRC, w));
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

test('no runtime import cycle in src/', () => {
  assert.deepEqual(cycles(graph(false)), []);
});

test('no import cycle in src/, type imports included (a type lives beside what it describes)', () => {
  // ReadEvent in ingest/record.ts; the Db types in store/db-types.ts (db-share.ts needs them, db.ts loads
  // db-share.ts); EvidenceSource in web/evidence-source.ts (the route modules need it, server.ts mounts them).
  assert.deepEqual(cycles(graph(true)), []);
});

test('the graph reader sees the imports it must (a check of the check)', () => {
  const g = graph(true);
  const read = g.get(join(SRC, 'ingest', 'read.ts'))!;
  assert.ok(read.includes(join(SRC, 'ingest', 'ris.ts')));
  assert.ok(read.includes(join(SRC, 'ingest', 'record.ts')));
  const main = graph(false).get(join(SRC, 'cli', 'main.ts'))!;
  assert.ok(main.includes(join(SRC, 'cli', 'commands', 'meta.ts')));
});
