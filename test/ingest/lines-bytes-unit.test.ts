// Unit tests of the byte plumbing (src/ingest/bytes.ts: chunks of any kind, gzip by its magic number 1f 8b
// (RFC 1952 §2.3.1), byte counts, the growable window) and the line splitter of the tagged formats
// (src/ingest/lines.ts: LF and CRLF line ends, the UTF-8 BOM EF BB BF, NUL bytes, invalid UTF-8 decoded as
// Windows-1252 and reported by line, classic Mac CR-only files), and the shared tagged-record state
// (src/ingest/tagged.ts). Inputs are hand-written bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ByteWindow, countNewlines, countNewlinesStr, inputChunks, type Progress } from '../../src/ingest/bytes.ts';
import { type LineBatch, splitLines } from '../../src/ingest/lines.ts';
import { emptyRecord } from '../../src/ingest/record.ts';
import { readTagged, TaggedRecords } from '../../src/ingest/tagged.ts';

const progress = (): Progress => ({ bytesRead: 0, bytesDecoded: 0, records: 0, errors: 0 });

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

async function all(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}

async function batches(chunks: (string | Buffer)[]): Promise<LineBatch[]> {
  const out: LineBatch[] = [];
  for await (const b of splitLines(from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)))))
    out.push(b);
  return out;
}

describe('inputChunks', () => {
  test('strings, Uint8Arrays (with an offset) and Buffers become Buffers; bytes are counted', async () => {
    const p = progress();
    const u8 = new Uint8Array([120, 65, 66, 121]).subarray(1, 3); // "AB" at offset 1
    const got = await all(inputChunks(from<string | Uint8Array | Buffer>(['é', u8, Buffer.from('!')]), p));
    assert.equal(got.toString('utf8'), 'éAB!');
    // "é" is 2 bytes in UTF-8: 2 + 2 + 1
    assert.deepEqual(p, { bytesRead: 5, bytesDecoded: 5, records: 0, errors: 0 });
  });

  test('empty chunks before the first byte are skipped; an empty input gives nothing', async () => {
    const p = progress();
    assert.equal(
      (await all(inputChunks(from([Buffer.alloc(0), Buffer.alloc(0), Buffer.from('x')]), p))).toString(),
      'x',
    );
    assert.deepEqual([p.bytesRead, p.bytesDecoded], [1, 1]);
    const q = progress();
    assert.equal((await all(inputChunks(from([Buffer.alloc(0)]), q))).length, 0);
    assert.deepEqual([q.bytesRead, q.bytesDecoded], [0, 0]);
  });

  test('gzip is recognised by its two magic bytes, even split over two chunks', async () => {
    const text = 'PMID- 1\nTI  - gzipped\n'.repeat(3);
    const gz = gzipSync(Buffer.from(text));
    const p = progress();
    const got = await all(inputChunks(from([gz.subarray(0, 1), gz.subarray(1, 5), gz.subarray(5)]), p));
    assert.equal(got.toString(), text);
    assert.deepEqual([p.bytesRead, p.bytesDecoded], [gz.length, text.length]);
  });

  test('a one-byte input, and a first byte 1f not followed by 8b, are plain', async () => {
    assert.deepEqual([...(await all(inputChunks(from([Buffer.from([0x1f])]), progress())))], [0x1f]);
    assert.deepEqual(
      [...(await all(inputChunks(from([Buffer.from([0x1f, 0x8c, 0x41])]), progress())))],
      [0x1f, 0x8c, 0x41],
    );
  });

  test('a large gzip input streams through whatever its chunking', async () => {
    const text = Buffer.from('x'.repeat(3 * 1024 * 1024));
    const gz = gzipSync(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < gz.length; i += 100) chunks.push(gz.subarray(i, i + 100));
    const p = progress();
    let n = 0;
    for await (const c of inputChunks(from(chunks), p)) n += c.length;
    assert.equal(n, text.length);
    assert.equal(p.bytesDecoded, text.length);
  });

  test('a truncated gzip stream ends the chunks and goes to onError, or throws without one', async () => {
    const gz = gzipSync(Buffer.from('y'.repeat(1000)));
    const cut = gz.subarray(0, gz.length - 6);
    const errors: Error[] = [];
    await all(inputChunks(from([cut]), progress(), (e) => errors.push(e)));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /unexpected end of file/);
    await assert.rejects(all(inputChunks(from([cut]), progress())), /unexpected end of file/);
  });
});

test('countNewlines counts LF in [from, to)', () => {
  const b = Buffer.from('a\nb\n\nc\n');
  // LFs at 1, 3, 4, 6
  assert.equal(countNewlines(b, 0, b.length), 4);
  assert.equal(countNewlines(b, 2, 4), 1);
  assert.equal(countNewlines(b, 1, 1), 0);
  assert.equal(countNewlines(b, 1, 2), 1);
  assert.equal(countNewlines(b, 7, 7), 0);
  assert.equal(countNewlinesStr('a\nb\n\nc\n', 0, 7), 4);
  assert.equal(countNewlinesStr('a\nb\n\nc\n', 2, 4), 1);
  assert.equal(countNewlinesStr('a\nb\n\nc\n', 1, 2), 1);
  assert.equal(countNewlinesStr('abc', 0, 3), 0);
});

describe('ByteWindow', () => {
  test('the first append allocates at least 256 KiB; later appends fill it in place', () => {
    const w = new ByteWindow();
    assert.equal(w.length, 0);
    w.append(Buffer.from('abc'));
    assert.deepEqual([w.buf.length, w.start, w.end, w.length], [256 * 1024, 0, 3, 3]);
    const buf = w.buf;
    w.append(Buffer.from('de'));
    assert.equal(w.buf, buf);
    assert.equal(w.buf.toString('latin1', w.start, w.end), 'abcde');
  });

  test('a consumed front of at least half the buffer is compacted in place', () => {
    const w = new ByteWindow();
    w.append(Buffer.alloc(100000, 97)); // a buffer of max(2 × 100000, 256 KiB) = 262144
    w.append(Buffer.alloc(100000, 97)); // fits: end 200000
    const buf = w.buf;
    assert.equal(buf.length, 262144);
    w.start = 150000; // 50000 "a" left; 150000 ≥ 262144 / 2
    w.append(Buffer.alloc(100000, 98)); // 200000 + 100000 > 262144, but 150000 bytes fit
    assert.equal(w.buf, buf);
    assert.deepEqual([w.start, w.end], [0, 150000]);
    assert.equal(w.buf.toString('latin1', 49999, 50001), 'ab');
  });

  test('otherwise the window moves to a buffer twice the size needed', () => {
    const w = new ByteWindow();
    w.append(Buffer.alloc(100000, 97));
    w.append(Buffer.alloc(100000, 97));
    w.start = 100000; // less than half of 262144 consumed
    w.append(Buffer.alloc(100000, 98)); // need 100000 + 100000: a new buffer of 2 × 200000
    assert.deepEqual([w.buf.length, w.start, w.end], [400000, 0, 200000]);
    assert.equal(w.buf.toString('latin1', 99999, 100001), 'ab');
  });

  test('shrink releases a buffer over 8 MiB once less than 1 MiB is held', () => {
    const w = new ByteWindow();
    w.append(Buffer.alloc(9 * 1024 * 1024, 120));
    assert.equal(w.buf.length, 18 * 1024 * 1024);
    w.start = w.end - 4;
    w.buf.write('tail', w.start, 'latin1');
    w.shrink();
    assert.deepEqual([w.buf.length, w.start, w.end], [256 * 1024, 0, 4]);
    assert.equal(w.buf.toString('latin1', 0, 4), 'tail');
    // a small buffer is left alone
    const s = new ByteWindow();
    s.append(Buffer.from('x'));
    const b = s.buf;
    s.shrink();
    assert.equal(s.buf, b);
  });

  test('a big buffer still holding a lot is kept', () => {
    const w = new ByteWindow();
    w.append(Buffer.alloc(9 * 1024 * 1024, 120));
    w.start = w.end - 2 * 1024 * 1024;
    const b = w.buf;
    w.shrink();
    assert.equal(w.buf, b);
  });
});

describe('splitLines', () => {
  test('LF and CRLF line ends; the last line without a line end', async () => {
    assert.deepEqual(await batches(['a\r\nb\n\nc']), [
      { lines: ['a', 'b', ''], first: 1, errors: [] },
      { lines: ['c'], first: 4, errors: [] },
    ]);
  });

  test('lines split over chunks are joined; line numbers go on across batches', async () => {
    assert.deepEqual(await batches(['ab', 'c\nd', 'e\nf\n', 'g']), [
      { lines: ['abc'], first: 1, errors: [] },
      { lines: ['de', 'f'], first: 2, errors: [] },
      { lines: ['g'], first: 4, errors: [] },
    ]);
  });

  test('an empty input gives no batch; a lone CR at a line end is removed, inside a line kept', async () => {
    assert.deepEqual(await batches([]), []);
    assert.deepEqual(await batches(['a\rb\r\n\r\n']), [{ lines: ['a\rb', ''], first: 1, errors: [] }]);
  });

  test('the UTF-8 BOM is removed from the first line only, even when split over chunks', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    assert.deepEqual(
      await batches([bom.subarray(0, 2), Buffer.concat([bom.subarray(2), Buffer.from('TY\n\uFEFFx\n')])]),
      [{ lines: ['TY', '\uFEFFx'], first: 1, errors: [] }],
    );
    assert.deepEqual(await batches(['\uFEFF']), [{ lines: [''], first: 1, errors: [] }]);
  });

  test('NUL bytes are removed', async () => {
    assert.deepEqual(await batches(['a\0b\n\0\n']), [{ lines: ['ab', ''], first: 1, errors: [] }]);
  });

  test('a line that is not UTF-8 is decoded as Windows-1252 and reported; the others are unaffected', async () => {
    // 0xE9 is "é" and 0xA3 is "£" in Windows-1252; alone they are not UTF-8
    const bad = Buffer.concat([Buffer.from('ok é\n'), Buffer.from([0xa3, 0x41, 0xe9, 0x0a]), Buffer.from('fine\n')]);
    assert.deepEqual(await batches(['x\n', bad]), [
      { lines: ['x'], first: 1, errors: [] },
      {
        lines: ['ok é', '£Aé', 'fine'],
        first: 2,
        errors: [{ line: 3, message: 'invalid UTF-8; line decoded as Windows-1252' }],
      },
    ]);
  });

  test('an invalid last line without a line end is reported with its number', async () => {
    assert.deepEqual(await batches(['a\nb\n', Buffer.from([0x63, 0xe9])]), [
      { lines: ['a', 'b'], first: 1, errors: [] },
      { lines: ['cé'], first: 3, errors: [{ line: 3, message: 'invalid UTF-8; line decoded as Windows-1252' }] },
    ]);
  });

  test('classic Mac files (CRs and no LF in the first chunk) read CRs as line ends; the input is not changed', async () => {
    const input = Buffer.from('a\rb\rc');
    assert.deepEqual(await batches([input]), [
      { lines: ['a', 'b'], first: 1, errors: [] },
      { lines: ['c'], first: 3, errors: [] },
    ]);
    assert.equal(input.toString(), 'a\rb\rc');
    // decided on the first chunk with a line end: a later CR-only chunk in an LF file is not split
    assert.deepEqual(await batches(['ab', 'c\nd\re\n']), [{ lines: ['abc', 'd\re'], first: 1, errors: [] }]);
    assert.deepEqual(await batches(['ab', 'c\rd\r', 'e\nf\r']), [
      { lines: ['abc', 'd'], first: 1, errors: [] },
      { lines: ['e', 'f'], first: 3, errors: [] },
    ]);
  });

  test('a line longer than 4 MiB is cut and reported', async () => {
    const max = 4 * 1024 * 1024;
    const out = await batches([Buffer.alloc(max + 10, 120)]);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0]!.errors, [{ line: 1, message: 'line longer than 4194304 bytes; cut' }]);
    assert.equal(out[0]!.first, 1);
    assert.equal(out[0]!.lines.length, 1);
    assert.equal(out[0]!.lines[0]!.length, max);
    // exactly 4 MiB without a line end is kept whole, as the last line
    const exact = await batches([Buffer.alloc(max, 121)]);
    assert.deepEqual(
      exact.map((b) => [b.first, b.errors, b.lines.length, b.lines[0]!.length]),
      [[1, [], 1, max]],
    );
  });

  test('after a cut line the next lines are numbered on', async () => {
    const max = 4 * 1024 * 1024;
    const out = await batches([Buffer.alloc(max + 1, 120), 'next\n']);
    assert.deepEqual(
      out.map((b) => [b.first, b.lines.length]),
      [
        [1, 1],
        [2, 1],
      ],
    );
  });
});

describe('tagged records', () => {
  test('TaggedRecords opens, closes and reports; closing with nothing open does nothing', () => {
    const r = new TaggedRecords<string>((fields, raw, line) => ({
      ...emptyRecord('ris', raw, line),
      keywords: fields,
    }));
    r.close();
    assert.deepEqual(r.events, []);
    assert.equal(r.fields, null);
    const f = r.open(5, ['a'], ['L1']);
    f.push('b');
    r.raw.push('L2');
    assert.equal(r.start, 5);
    r.error(6, 'oops');
    r.close();
    assert.equal(r.fields, null);
    assert.deepEqual(r.raw, []);
    assert.deepEqual(r.events, [
      { type: 'error', line: 6, message: 'oops' },
      { type: 'record', record: { ...emptyRecord('ris', 'L1\nL2', 5), keywords: ['a', 'b'] } },
    ]);
    const g = new TaggedRecords<string>(() => emptyRecord('ris', '', 0));
    assert.deepEqual(g.open(2), []);
    assert.deepEqual(g.raw, []);
  });

  test('readTagged gives line errors first, then each line to the grammar, and closes at the end', async () => {
    const seen: [string, number][] = [];
    const ev = [];
    const bad = Buffer.concat([Buffer.from('one\n'), Buffer.from([0xff, 0x0a]), Buffer.from('three')]);
    for await (const e of readTagged<string>(from([bad]), () => ({
      record: (fields, raw, line) => ({ ...emptyRecord('wos', raw, line), keywords: fields }),
      line(l, ln, r) {
        seen.push([l, ln]);
        if (!r.fields) r.open(ln);
        r.fields!.push(l);
        r.raw.push(l);
      },
      end(r) {
        r.error(99, `open since ${r.start}`);
      },
    })))
      ev.push(e);
    assert.deepEqual(seen, [
      ['one', 1],
      ['ÿ', 2],
      ['three', 3],
    ]);
    assert.deepEqual(ev, [
      { type: 'error', line: 2, message: 'invalid UTF-8; line decoded as Windows-1252' },
      { type: 'error', line: 99, message: 'open since 1' },
      { type: 'record', record: { ...emptyRecord('wos', 'one\nÿ\nthree', 1), keywords: ['one', 'ÿ', 'three'] } },
    ]);
  });

  test('events are yielded as soon as a line makes them, and a grammar without end() is fine', async () => {
    const order: string[] = [];
    const gen = readTagged<string>(from([Buffer.from('a\nb\n')]), () => ({
      record: (_f, raw, line) => emptyRecord('ris', raw, line),
      line(l, ln, r) {
        order.push(`line ${l}`);
        r.error(ln, l);
      },
    }));
    for await (const e of gen) order.push(`event ${e.type === 'error' ? e.message : e.type}`);
    assert.deepEqual(order, ['line a', 'event a', 'line b', 'event b']);
  });
});
