// pulledStream (src/web/registry/stream.ts), the byte stream of every registry export, over hand-made iterators:
// one part per client read, the closing bytes, a part read ahead, the export's place given back exactly once
// (at the end, on a failure, on a client gone), failures reported only while someone is reading, and the
// iterator closed when the client goes away (a database page reader must not be left open).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pulledStream } from '../../src/web/registry/stream.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** An iterator over `parts` that counts its reads and whether it was closed; `fail` throws at that read. */
function parts(list: string[], o: { fail?: number; error?: Error } = {}) {
  const seen = { reads: 0, returned: 0 };
  const it: AsyncIterator<string> = {
    async next() {
      const i = seen.reads++;
      if (i === o.fail) throw o.error ?? new Error('page read failed');
      return i < list.length ? { done: false, value: list[i]! } : { done: true, value: undefined };
    },
    async return() {
      seen.returned++;
      return { done: true, value: undefined };
    },
  };
  return { it, seen };
}

function options() {
  const calls = { release: 0, failures: [] as unknown[] };
  return {
    calls,
    o: {
      encode: (p: string, first: boolean) => enc.encode(`${first ? '[' : ','}${p}`),
      end: (empty: boolean) => enc.encode(empty ? '[]' : ']'),
      release: () => {
        calls.release++;
      },
      onFailure: (e: unknown) => {
        calls.failures.push(e);
      },
    },
  };
}

/** A few turns of the event loop, for reads in flight to settle (counted, not timed). */
const turns = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const readAll = async (s: ReadableStream<Uint8Array>) => {
  const out: string[] = [];
  for await (const chunk of s) out.push(dec.decode(chunk));
  return out;
};

describe('pulledStream', () => {
  test('one part per read, the first marked as first, then the closing bytes; the place given back once', async () => {
    const { it, seen } = parts(['a', 'b', 'c']);
    const { o, calls } = options();
    const s = pulledStream(it, o);
    await turns();
    assert.equal(seen.reads, 0, 'nothing is read before the client asks');
    const reader = s.getReader();
    assert.equal(dec.decode((await reader.read()).value), '[a');
    await turns();
    assert.equal(seen.reads, 1, 'one part per read, none ahead (highWaterMark 0)');
    assert.equal(dec.decode((await reader.read()).value), ',b');
    assert.equal(dec.decode((await reader.read()).value), ',c');
    assert.equal(calls.release, 0, 'still running until the end is read');
    assert.equal(dec.decode((await reader.read()).value), ']');
    assert.equal((await reader.read()).done, true);
    assert.equal(calls.release, 1);
    assert.deepEqual(calls.failures, []);
  });

  test('no parts: the empty closing bytes; without `end`, nothing', async () => {
    const a = options();
    assert.deepEqual(await readAll(pulledStream(parts([]).it, a.o)), ['[]']);
    assert.equal(a.calls.release, 1);
    const b = options();
    const { end: _, ...noEnd } = b.o;
    assert.deepEqual(await readAll(pulledStream(parts(['x', 'y']).it, noEnd)), ['[x', ',y']);
    assert.equal(b.calls.release, 1);
  });

  test('a part read ahead is sent first, and counts as the first', async () => {
    const { o, calls } = options();
    const { it, seen } = parts(['b']);
    assert.deepEqual(await readAll(pulledStream(it, { ...o, head: { done: false, value: 'a' } })), ['[a', ',b', ']']);
    assert.equal(seen.reads, 2);
    assert.equal(calls.release, 1);
    // a read-ahead that was already the end: closed at once, place given back, nothing else read
    const empty = options();
    const other = parts(['never']);
    const s = pulledStream(other.it, { ...empty.o, head: { done: true, value: undefined } });
    assert.equal(empty.calls.release, 1);
    assert.deepEqual(await readAll(s), ['[]']);
    assert.equal(other.seen.reads, 0);
  });

  test('a failure while the client reads: reported once, the stream errors with it, the place given back', async () => {
    const error = new Error('connection reset');
    const { o, calls } = options();
    const reader = pulledStream(parts(['a', 'b'], { fail: 1, error }).it, o).getReader();
    assert.equal(dec.decode((await reader.read()).value), '[a');
    await assert.rejects(reader.read(), (e) => e === error);
    assert.deepEqual(calls.failures, [error]);
    assert.equal(calls.release, 1);
  });

  test('a client gone: the iterator is closed, the place given back once, and a read in flight is no failure', async () => {
    const { o, calls } = options();
    const { it, seen } = parts(['a', 'b', 'c']);
    const reader = pulledStream(it, o).getReader();
    await reader.read();
    const inFlight = reader.read();
    await reader.cancel();
    await inFlight;
    await turns();
    assert.equal(seen.returned, 1, 'the page reader is closed');
    assert.equal(calls.release, 1);
    assert.deepEqual(calls.failures, []);
    // a read that fails after the client went away is not reported either
    const late = options();
    let fail: ((e: Error) => void) | undefined;
    const hanging: AsyncIterator<string> = {
      next: () => new Promise((_, reject) => (fail = reject)),
      return: async () => ({ done: true, value: undefined }),
    };
    const r2 = pulledStream(hanging, late.o).getReader();
    const pending = r2.read();
    while (!fail) await new Promise((resolve) => setImmediate(resolve)); // until the read reaches the iterator
    await r2.cancel();
    fail!(new Error('read after cancel'));
    await pending;
    await turns();
    assert.deepEqual(late.calls.failures, []);
    assert.equal(late.calls.release, 1);
  });
});
