import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collect, type ReadOptions } from '../../src/ingest/read.ts';

export const FIXTURES = new URL('../fixtures/ingest/', import.meta.url).pathname;

export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

export function readFixture(rel: string, opts: ReadOptions = {}) {
  return collect(createReadStream(fixture(rel)), opts);
}

/** Every fixture file under a folder (relative paths), recursively. */
export function fixturesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(FIXTURES, rel))) {
      const r = join(rel, name);
      if (statSync(join(FIXTURES, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk(dir);
  return out.sort();
}

/** Chunks of a buffer, for feeding readers from memory. */
export async function* chunksOf(buf: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}
