// Byte-level input plumbing shared by the readers: any async iterable of chunks (a file stream, a request body)
// becomes a stream of Buffers, gunzipped when it starts with the gzip magic number, with byte counts for a
// progress bar.
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ByteInput = AsyncIterable<Buffer | Uint8Array | string> | Readable;

export interface Progress {
  /** Bytes read from the input (compressed bytes for a gzip input). */
  bytesRead: number;
  /** Bytes after decompression (equal to bytesRead for a plain input). */
  bytesDecoded: number;
  records: number;
  errors: number;
}

function toBuffer(c: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(c)) return c;
  if (typeof c === 'string') return Buffer.from(c, 'utf8');
  return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

async function* counted(input: ByteInput, progress: Progress): AsyncGenerator<Buffer> {
  for await (const c of input as AsyncIterable<Buffer | Uint8Array | string>) {
    const b = toBuffer(c);
    progress.bytesRead += b.length;
    yield b;
  }
}

/**
 * Chunks of the input, decompressed if gzipped. Updates `progress.bytesRead` / `bytesDecoded` as it goes. A
 * corrupt or truncated gzip stream ends the chunks early (so the reader reports the cut record) and is passed
 * to `onError`.
 */
export async function* inputChunks(
  input: ByteInput,
  progress: Progress,
  onError: (e: Error) => void = (e) => {
    throw e;
  },
): AsyncGenerator<Buffer> {
  const it = counted(input, progress)[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  let head = first.value;
  // the gzip magic needs two bytes; a 1-byte first chunk is possible with odd sources
  if (head.length < 2) {
    const second = await it.next();
    if (!second.done) head = Buffer.concat([head, second.value]);
  }
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const feed = (async () => {
      try {
        if (!gunzip.write(head)) await onceDrain(gunzip);
        for await (const c of rest) if (!gunzip.write(c)) await onceDrain(gunzip);
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    try {
      for await (const c of gunzip as AsyncIterable<Buffer>) {
        progress.bytesDecoded += c.length;
        yield c;
      }
    } catch (e) {
      onError(e as Error);
    } finally {
      gunzip.destroy();
      await feed;
    }
    return;
  }
  progress.bytesDecoded += head.length;
  yield head;
  for await (const c of rest) {
    progress.bytesDecoded += c.length;
    yield c;
  }
}

function onceDrain(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      s.off('drain', done);
      s.off('error', fail);
      s.off('close', done);
      resolve();
    };
    const fail = (e: Error) => {
      s.off('drain', done);
      s.off('close', done);
      reject(e);
    };
    s.once('drain', done);
    s.once('close', done);
    s.once('error', fail);
  });
}

/** Number of LF bytes in buf[from, to). */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  // Buffer#indexOf is memchr: several times faster than a byte loop
  let n = 0;
  let i = buf.indexOf(10, from);
  while (i >= 0 && i < to) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

/** Number of "\n" in s[from, to). */
export function countNewlinesStr(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i >= 0 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

/**
 * A growable byte window over a stream: append chunks, consume from the front. Appending compacts only when the
 * consumed prefix is large, so the cost is amortized linear however records straddle chunks.
 */
export class ByteWindow {
  buf: Buffer = Buffer.allocUnsafe(0);
  start = 0;
  end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Buffer): void {
    const need = this.end - this.start + chunk.length;
    if (this.end + chunk.length <= this.buf.length) {
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
      return;
    }
    if (need <= this.buf.length && this.start >= this.buf.length / 2) {
      this.buf.copy(this.buf, 0, this.start, this.end);
    } else {
      const nb = Buffer.allocUnsafe(Math.max(need * 2, 256 * 1024));
      this.buf.copy(nb, 0, this.start, this.end);
      this.buf = nb;
    }
    this.end -= this.start;
    this.start = 0;
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Releases the buffer if it has grown big (after a huge record) and is now (nearly) empty. */
  shrink(): void {
    if (this.buf.length > 8 * 1024 * 1024 && this.length < 1024 * 1024) {
      const nb = Buffer.allocUnsafe(Math.max(this.length * 2, 256 * 1024));
      this.buf.copy(nb, 0, this.start, this.end);
      this.buf = nb;
      this.end -= this.start;
      this.start = 0;
    }
  }
}
