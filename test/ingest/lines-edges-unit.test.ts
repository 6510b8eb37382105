// splitLines (src/ingest/lines.ts) on the edges the mutation run left alive (`npm run mutate --
// src/ingest/lines.ts --unit`, 2026-12-02): where a byte sits at offset 0, and a U+FEFF after the start of a file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LineBatch, splitLines } from '../../src/ingest/lines.ts';

async function batches(chunks: (string | Buffer)[]): Promise<LineBatch[]> {
  async function* gen() {
    for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
  }
  const out: LineBatch[] = [];
  for await (const b of splitLines(gen())) out.push(b);
  return out;
}
const lines = (bs: LineBatch[]) => bs.flatMap((b) => b.lines);

test('only the file’s first U+FEFF is a byte order mark; one starting a later chunk’s line is text', async () => {
  // The Unicode Standard §23.8: U+FEFF at the start of a stream is a BOM; anywhere else it is ZERO WIDTH
  // NO-BREAK SPACE, part of the text. Lines arrive in batches, one per chunk here.
  const bs = await batches(['\ufeffTY  - JOUR\n', '\ufeffER  - \n']);
  assert.deepEqual(lines(bs), ['TY  - JOUR', '\ufeffER  - ']);
});

test('classic Mac line endings whose first byte is a CR: every CR is a line break', async () => {
  // no LF in the first chunk and a CR at offset 0: the file is CR-only
  const bs = await batches(['\rTY  - JOUR\rER  - \r']);
  assert.deepEqual(lines(bs), ['', 'TY  - JOUR', 'ER  - ']);
});

test('a NUL as the very first byte is removed like any other', async () => {
  assert.deepEqual(lines(await batches(['\0PMID- 1\n'])), ['PMID- 1']);
});

test('a chunk that is one LF is a batch of one empty line, numbered 1; the next line is line 2', async () => {
  const bs = await batches(['\n', 'abc']);
  assert.deepEqual(
    bs.map((b) => [b.first, b.lines]),
    [
      [1, ['']],
      [2, ['abc']],
    ],
  );
});
