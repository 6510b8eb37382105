// Import on a worker thread (the project's one worker pool, src/workers.ts): the events a large file gives are
// those the main thread gives for the same file, in the same order, with bounded read-ahead; a file that
// cannot be read fails the import on the main thread instead of hanging it.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type PreparedEvent, preparedEvents } from '../../src/ingest/prepared.ts';
import { createProgress } from '../../src/ingest/read.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ingest');

async function all(path: string, worker: boolean) {
  const progress = createProgress();
  const out: PreparedEvent[] = [];
  for await (const ev of preparedEvents(path, { worker, batchRecords: 7, progress })) out.push(ev);
  return { out, progress };
}

test('worker and main thread give the same events for the same file', async () => {
  const files = ['pubmed-xml', 'medline-nbib', 'ris'].map((d) => {
    const f = readdirSync(join(DIR, d)).find((n) => !n.endsWith('.md'))!;
    return join(DIR, d, f);
  });
  for (const f of files) {
    const inline = await all(f, false);
    const worker = await all(f, true);
    assert.ok(inline.out.filter((e) => e.type === 'batch').length >= 1, f);
    // structured clone turns a Buffer into a plain Uint8Array: compare bytes, not prototypes
    const plain = (evs: PreparedEvent[]) =>
      JSON.stringify(evs, (_k, v) =>
        ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v,
      );
    assert.equal(plain(worker.out), plain(inline.out), f);
    assert.equal(worker.out.at(-1)?.type, 'end');
    assert.equal(worker.progress.records, inline.progress.records, f);
  }
});

test('a file that cannot be read fails the worker import with its error', async () => {
  await assert.rejects(all(join(DIR, 'no-such-file.xml'), true), /ENOENT|no such file/);
});
