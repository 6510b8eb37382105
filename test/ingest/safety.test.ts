// Hostile and broken input: entity bombs, external entities, truncation, bad bytes, broken records, random
// mutations. Readers must never hang, never blow memory, never throw, and keep the good records.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { collect, createProgress, readRecords } from '../../src/ingest/read.ts';
import { chunksOf, fixture } from './helpers.ts';

const load = (rel: string) => {
  const b = readFileSync(fixture(rel));
  return rel.endsWith('.gz') ? gunzipSync(b) : b;
};

const ARTICLE = (title: string, pmid = '1') =>
  `<PubmedArticle><MedlineCitation><PMID Version="1">${pmid}</PMID><Article><Journal><Title>J</Title><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal><ArticleTitle>${title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>`;

test('billion laughs: entities are never expanded, reading ends at once with bounded memory', async () => {
  const lols = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lols.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const xml = `<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n ${lols.join('\n ')}\n]>\n<PubmedArticleSet>\n&lol9;\n${ARTICLE('Bomb &lol9;', '1')}\n${ARTICLE('Good title', '2')}\n</PubmedArticleSet>\n`;
  const heap0 = process.memoryUsage().heapUsed;
  const progress = createProgress();
  const r = await collect(chunksOf(Buffer.from(xml)), { progress });
  // Work bounded by counts, not by the clock: the input is decoded once (never grows by expansion) and
  // yields one event per record or error.
  assert.equal(progress.bytesRead, Buffer.byteLength(xml));
  assert.ok(progress.bytesDecoded <= Buffer.byteLength(xml), `decoded ${progress.bytesDecoded} bytes`);
  assert.ok(r.records.length + r.errors.length <= 4, JSON.stringify(r.errors));
  assert.ok(process.memoryUsage().heapUsed - heap0 < 50e6);
  assert.ok(!r.records.some((x) => (x.title ?? '').includes('lol')));
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['Good title'],
  );
  assert.ok(r.errors.some((e) => /DOCTYPE declares entities/.test(e.message)));
  const bomb = r.errors.find((e) => /undefined entity &lol9;/.test(e.message));
  assert.ok(bomb, JSON.stringify(r.errors));
  assert.equal(bomb.line, 16);
});

test('external entities (XXE) are never resolved', async () => {
  const xml = `<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<!ENTITY % pe SYSTEM "http://127.0.0.1:9/evil.dtd"> %pe;\n]>\n<PubmedArticleSet>\n${ARTICLE('&xxe;', '1')}\n${ARTICLE('Fine', '2')}\n</PubmedArticleSet>`;
  const r = await collect(chunksOf(Buffer.from(xml)));
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['Fine'],
  );
  assert.ok(!JSON.stringify(r).includes('root:'));
  assert.ok(r.errors.some((e) => /undefined entity &xxe;/.test(e.message)));
});

test('a DOCTYPE inside a record is refused', async () => {
  const xml = `<PubmedArticleSet>${ARTICLE('<!DOCTYPE x [<!ENTITY a "b">]>', '1')}${ARTICLE('ok', '2')}</PubmedArticleSet>`;
  const r = await collect(chunksOf(Buffer.from(xml)));
  assert.equal(r.records.length, 1);
  assert.match(r.errors[0]!.message, /refused/);
});

test('truncated PubMed XML: the records before the cut, then an error with the line of the cut record', async () => {
  const full = load('pubmed-xml/nlm_pubmedsample18n0001.xml.gz');
  const text = full.toString('utf8');
  let at = 0;
  for (let i = 0; i < 100; i++) at = text.indexOf('<PubmedArticle>', at + 1);
  const cut = Buffer.from(text.slice(0, at + 500));
  const r = await collect(chunksOf(cut, 4096));
  assert.equal(r.records.length, 99);
  const line = text.slice(0, at).split('\n').length;
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [line],
  );
  assert.match(r.errors[0]!.message, /not closed \(truncated file\)/);
});

test('truncated gzip: records before the cut, errors, no exception', async () => {
  const gz = readFileSync(fixture('pubmed-xml/nlm_pubmedsample18n0001.xml.gz'));
  const r = await collect(chunksOf(gz.subarray(0, Math.floor(gz.length / 2))));
  assert.ok(r.records.length > 20 && r.records.length < 177);
  assert.ok(r.errors.some((e) => /unexpected end of file|input ended/.test(e.message)));
  assert.ok(r.errors.every((e) => e.line >= 1));
});

test('a broken record in the middle is reported with its line; the others are kept', async () => {
  const text = load('pubmed-xml/nlm_pubmedsample18n0001.xml.gz').toString('utf8');
  // drop the end tag of the 10th record, and break the nesting of the 20th
  let at = 0;
  for (let i = 0; i < 10; i++) at = text.indexOf('</PubmedArticle>', at + 1);
  let broken = `${text.slice(0, at)}${text.slice(at + '</PubmedArticle>'.length)}`;
  let at20 = 0;
  for (let i = 0; i < 19; i++) at20 = broken.indexOf('<PubmedArticle>', at20 + 1);
  const t20 = broken.indexOf('</ArticleTitle>', at20);
  broken = `${broken.slice(0, t20)}</Title>${broken.slice(t20 + '</ArticleTitle>'.length)}`;
  const r = await collect(chunksOf(Buffer.from(broken), 10000));
  assert.equal(r.records.length, 175);
  assert.equal(r.errors.length, 2);
  let start10 = 0;
  for (let i = 0; i < 10; i++) start10 = text.indexOf('<PubmedArticle>', start10 + 1);
  assert.equal(r.errors[0]!.line, text.slice(0, start10).split('\n').length);
  assert.match(r.errors[0]!.message, /not closed before the next/);
  assert.equal(r.errors[1]!.line, broken.slice(0, t20).split('\n').length);
  assert.match(r.errors[1]!.message, /<\/Title> does not close <ArticleTitle>/);
});

test('bad encoding: invalid UTF-8 is reported with its line and does not lose the record', async () => {
  const xml = Buffer.concat([
    Buffer.from(`<PubmedArticleSet>\n${ARTICLE('ok', '1')}\n`),
    Buffer.from(ARTICLE('caf\u0000', '2').replace('caf\u0000', 'caf'), 'utf8'),
  ]);
  const bad = Buffer.from(`<PubmedArticleSet>\n${ARTICLE('one', '1')}\n${ARTICLE('caf#', '2')}\n</PubmedArticleSet>`);
  bad[bad.indexOf('#')] = 0xe9; // Latin-1 é in a UTF-8 file
  const r = await collect(chunksOf(bad));
  assert.equal(r.records.length, 2);
  assert.equal(r.records[1]!.title, 'caf\ufffd');
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [3],
  );
  assert.ok(xml.length > 0);
  // text formats: the bad line is decoded as Windows-1252
  const ris = Buffer.from('TY  - JOUR\nTI  - Caf# au lait\nAU  - M#ller, J\nER  - \n');
  ris[ris.indexOf('#')] = 0xe9;
  ris[ris.indexOf('#')] = 0xfc;
  const rr = await collect(chunksOf(ris));
  assert.equal(rr.records[0]!.title, 'Café au lait');
  assert.deepEqual(rr.records[0]!.authors, ['Müller J']);
  assert.deepEqual(
    rr.errors.map((e) => e.line),
    [2, 3],
  );
});

test('RIS and MEDLINE: broken records give errors with lines, good records still come', async () => {
  const ris = 'TY  - JOUR\nTI  - One\nER  - \nTI  - stray\nTY  - JOUR\nTI  - Two\nTY  - JOUR\nTI  - Three\n';
  const r = await collect(chunksOf(Buffer.from(ris)));
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['One', 'Two', 'Three'],
  );
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [4, 5, 7],
  );
  const nbib = 'PMID- 1\nTI  - One\n\nPMID- 2\nTI  - Two\n!!garbage\nPMID- 3\nTI  - Three';
  const m = await collect(chunksOf(Buffer.from(nbib)));
  assert.deepEqual(
    m.records.map((x) => x.ids.pmid),
    ['1', '2', '3'],
  );
  assert.deepEqual(
    m.errors.map((e) => e.line),
    [6],
  );
});

test('ClinicalTrials.gov JSON: a {studies:[…]} page streams study by study; a broken study is skipped', async () => {
  const a = load('ctgov-json/NCT00973089.json').toString();
  const b = load('ctgov-json/NCT03475563.json').toString();
  // the middle study is balanced but not JSON (an unbalanced one would swallow the rest, as in any JSON reader)
  const page = `{"studies":[${a},\n{"protocolSection": {"identificationModule": oops}},\n${b}],"nextPageToken":"x"}`;
  const r = await collect(chunksOf(Buffer.from(page), 1000));
  assert.deepEqual(
    r.records.map((x) => x.ids.nct[0]),
    ['NCT00973089', 'NCT03475563'],
  );
  assert.deepEqual(
    r.errors.map((e) => e.line),
    [a.split('\n').length + 1],
  );
  const truncated = `{"studies":[${a},${b.slice(0, 3000)}`;
  const t = await collect(chunksOf(Buffer.from(truncated), 777));
  assert.equal(t.records.length, 1);
  assert.match(t.errors[0]!.message, /truncated/);
});

test('a record over maxRecordBytes is skipped with an error; reading goes on', async () => {
  const big = ARTICLE('x'.repeat(300_000), '1');
  const xml = `<PubmedArticleSet>${big}${ARTICLE('small', '2')}</PubmedArticleSet>`;
  const r = await collect(chunksOf(Buffer.from(xml), 8192), { maxRecordBytes: 100_000 });
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['small'],
  );
  assert.match(r.errors[0]!.message, /larger than/);
});

test('gzip input reads the same as plain input; progress counts bytes', async () => {
  const plain = load('medline-nbib/pubmed-balloongui-set.nbib.gz');
  const progress = { bytesRead: 0, bytesDecoded: 0, records: 0, errors: 0 };
  const a = await collect(chunksOf(gzipSync(plain)), { progress });
  const b = await collect(chunksOf(plain));
  assert.deepEqual(a.records, b.records);
  assert.equal(progress.bytesDecoded, plain.length);
  assert.ok(progress.bytesRead < plain.length);
  assert.equal(progress.records, 75);
});

const SMALL = [
  'pubmed-xml/biopython_pubmed1.xml',
  'pubmed-xml/pubmed-29768149_nejm_rct.xml',
  'medline-nbib/pmc_medlars_export.txt',
  'ris/ovid_cab_numbered_4_synthesisr.ris',
  'ris/embase_6_bom_asreview.ris',
  'ris/wos-plaintext/wos_5_synthesisr.ciw',
  'ctgov-json/NCT00973089.json',
  'ctgov-json/legacy-xml/NCT03182660.xml',
];

test('property: the records do not depend on how the input is chunked', async () => {
  for (const rel of SMALL) {
    const buf = load(rel);
    const whole = await collect(chunksOf(buf, buf.length));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), async (size) => {
        const r = await collect(chunksOf(buf, size));
        assert.deepEqual(r, whole);
      }),
      { numRuns: 15, examples: [[1], [2], [3]] },
    );
  }
});

test('fuzz: random mutations and truncations never crash or hang a reader', async () => {
  const inputs = SMALL.map(load);
  const mutation = fc.record({
    which: fc.nat(inputs.length - 1),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    edits: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.nat(3)), {
      maxLength: 12,
    }),
    chunk: fc.integer({ min: 1, max: 5000 }),
  });
  await fc.assert(
    fc.asyncProperty(mutation, async ({ which, cut, edits, chunk }) => {
      const src = inputs[which]!;
      let b = Buffer.from(src.subarray(0, Math.max(1, Math.floor(src.length * (0.05 + 0.95 * cut)))));
      for (const [pos, byte, kind] of edits) {
        const i = Math.floor(pos * (b.length - 1));
        if (kind === 0)
          b[i] = byte; // overwrite
        else if (kind === 1)
          b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]); // delete
        else if (kind === 2)
          b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]); // insert
        else b = Buffer.concat([b.subarray(0, i), Buffer.from('<>&"</x>'), b.subarray(i)]); // markup noise
      }
      // Work is bounded by counts, not by the clock (a loaded machine must not fail the test): the reader
      // pulls each input byte once and yields at most one event per input byte plus a final one, so it can
      // neither loop over the input nor produce unbounded output. A hang is caught by the runner's timeout.
      let pulled = 0;
      let pulls = 0;
      async function* counted(): AsyncGenerator<Buffer> {
        for await (const c of chunksOf(b, chunk)) {
          pulls++;
          pulled += c.length;
          yield c;
        }
      }
      let events = 0;
      for await (const ev of readRecords(counted())) {
        events++;
        if (ev.type === 'error') assert.ok(Number.isInteger(ev.line) && ev.line >= 1, JSON.stringify(ev));
        // bounded work, counted (never timed): every event stands for at least one byte of the input
        assert.ok(events <= b.length + 2, `${events} events from ${b.length} bytes`);
      }
      assert.ok(events >= 1);
      assert.equal(pulled, b.length, 'every byte pulled exactly once');
      assert.equal(pulls, Math.ceil(b.length / chunk), 'no chunk pulled twice');
      assert.ok(events <= b.length + 1, `${events} events for ${b.length} bytes`);
    }),
    { numRuns: 300 },
  );
});
