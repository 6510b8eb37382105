// Online fetch against local stand-ins of the public APIs (no traffic leaves the machine): the normal
// path, a server that never answers (timeout, not a hang) and a closed port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FetchError, fetchCtgov, fetchPubmed } from '../../src/ingest/fetch.ts';
import { collect } from '../../src/ingest/read.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ base: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('PubMed: esearch then efetch; the saved XML imports', async () => {
  const xml = readFileSync(join(FIX, 'pubmed-xml', 'pubmed_efetch_4articles_2024dtd.xml'), 'utf8');
  const seen: string[] = [];
  const { base, server } = await serve((req, res) => {
    seen.push(req.url ?? '');
    if (req.url?.startsWith('/esearch.fcgi')) {
      res.end(JSON.stringify({ esearchresult: { idlist: ['1', '2', '3', '4'] } }));
    } else res.end(xml);
  });
  try {
    const r = await fetchPubmed('platelet-rich plasma AND low back pain', 10, { eutilsBase: base });
    assert.deepEqual(r.pmids, ['1', '2', '3', '4']);
    assert.match(seen[0]!, /term=platelet-rich%20plasma%20AND%20low%20back%20pain/);
    const parsed = await collect(
      (async function* () {
        yield Buffer.from(r.xml);
      })(),
    );
    assert.equal(parsed.records.length, 4);
  } finally {
    server.close();
  }
});

test('ClinicalTrials.gov: records by NCT id; bad ids are refused before any request', async () => {
  const study = gunzipSync(readFileSync(join(FIX, 'ctgov-json', 'NCT02552212.json.gz'))).toString('utf8');
  const { base, server } = await serve((_req, res) => res.end(study));
  try {
    const json = await fetchCtgov(['NCT02552212'], { ctgovBase: base });
    const parsed = await collect(
      (async function* () {
        yield Buffer.from(json);
      })(),
    );
    assert.equal(parsed.records.length, 1);
    await assert.rejects(fetchCtgov(['12345'], { ctgovBase: base }), /NCT ids/);
  } finally {
    server.close();
  }
});

test('no network: a clear error, never a hang', { timeout: 60_000 }, async () => {
  // A server that accepts the connection and never answers.
  let requests = 0;
  const { base, server } = await serve(() => {
    requests++;
  });
  try {
    // the error names the timeout that fired (no elapsed time is asserted: the message proves which path ran)
    await assert.rejects(
      fetchPubmed('x', 5, { eutilsBase: base, timeoutMs: 500 }),
      (e: Error) => e instanceof FetchError && /no answer within 0.5 s/.test(e.message),
    );
    assert.equal(requests, 1, 'one request, given up on, not retried');
  } finally {
    server.closeAllConnections();
    server.close();
  }
  // A closed port.
  await assert.rejects(
    fetchCtgov(['NCT04102761'], { ctgovBase: 'http://127.0.0.1:1', timeoutMs: 2000 }),
    (e: Error) => e instanceof FetchError && /cannot reach/.test(e.message),
  );
});
