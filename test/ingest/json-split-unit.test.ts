// splitJsonStudies (src/ingest/json-split.ts) at its size limit, on the cases the sampled mutation run of
// src/ingest left alive (`npm run mutate -- src/ingest --sample 400`, 2026-12-02). The limit is "larger than
// maxBytes" (the message says so): exactly maxBytes is allowed; and a refused input yields its one error and
// nothing after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type JsonSplitEvent, splitJsonStudies } from '../../src/ingest/json-split.ts';

async function events(chunks: string[], maxBytes: number): Promise<JsonSplitEvent[]> {
  async function* gen() {
    for (const c of chunks) yield Buffer.from(c, 'utf8');
  }
  const out: JsonSplitEvent[] = [];
  for await (const e of splitJsonStudies(gen(), maxBytes)) out.push(e);
  return out;
}

// '{"studies":' is 11 bytes: the records array opens at byte offset 11, after an envelope of 11 bytes
const DOC = '{"studies":[{"a":1}]}';

test('an envelope of exactly maxBytes before the records array is allowed', async () => {
  assert.deepEqual(await events([DOC], 11), [{ kind: 'record', text: '{"a":1}', line: 1 }]);
});

test('an envelope of one byte more is refused, with the limit in the message', async () => {
  assert.deepEqual(await events([DOC], 10), [
    { kind: 'error', line: 1, message: 'JSON study larger than 10 bytes; input refused' },
  ]);
});

test('after a refused envelope the rest of the input yields nothing: no record, no document', async () => {
  assert.deepEqual(await events(['{"studies":[', '{"a":1}', ']}'], 5), [
    { kind: 'error', line: 1, message: 'JSON study larger than 5 bytes; input refused' },
  ]);
});
