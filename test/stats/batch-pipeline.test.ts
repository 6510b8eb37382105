// The `meta --batch` pipeline (worker threads above 1 MB of input): output in input order, byte-identical to
// fitting line by line on the main thread, blank lines skipped, errors kept in place, last line without newline.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runBatch } from '../../src/cli/commands/meta.ts';
import { fitBatchText } from '../../src/stats/batch.ts';

test('batch pipeline keeps input order and matches the single-thread output', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const data = Array.from({ length: 10 }, (_, j) => ({
      yi: Math.sin(i + j) / 2,
      vi: 0.02 + ((i * 7 + j) % 13) / 50,
    }));
    lines.push(JSON.stringify({ id: `f${i}`, measure: 'GEN', method: i % 3 ? 'REML' : 'DL', test: 'knha', data }));
    if (i % 500 === 0) lines.push('', 'not json');
  }
  const text = `${lines.join('\r\n')}`; // CRLF, no final newline
  assert.ok(text.length > 1 << 20);
  const dir = mkdtempSync(join(tmpdir(), 'batch-'));
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, text);
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  const prev = process.env.REGENSPINE_META_WORKERS;
  process.env.REGENSPINE_META_WORKERS = '2';
  try {
    await runBatch(file, out);
  } finally {
    if (prev === undefined) delete process.env.REGENSPINE_META_WORKERS;
    else process.env.REGENSPINE_META_WORKERS = prev;
    rmSync(dir, { recursive: true, force: true });
  }
  const got = Buffer.concat(chunks).toString('utf8');
  assert.equal(got, fitBatchText(text));
  assert.equal(got.split('\n').length - 1, 3000 + 6);
});
