// The imported-records pages and API over a real (embedded) database.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Db, openDb } from '../../src/store/db.ts';
import { LiteratureImporter, queryRecords } from '../../src/store/literature.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
let db: Db;
before(async () => {
  db = await openDb({ memory: true, migrated: true });
  await migrate(db);
  const importer = new LiteratureImporter(db);
  await importer.importFile(
    join(FIX, 'ris', 'citesource-gambling-harms-multidb', '20221207_gambling-harms_lens_49.ris'),
  );
  await importer.importFile(join(FIX, 'ctgov-json', 'NCT00973089.json'));
});
after(async () => {
  await db?.close();
});

test('records page: search, filters, escaping, paging links', async () => {
  const app = createApp(staticEvidence([]), { db });
  const all = await (await app.request('/records')).text();
  assert.match(all, /50 records/);
  assert.match(all, /<label for="search">/);
  const found = await (await app.request('/records?search=NCT00973089')).text();
  assert.match(found, /1 records/);
  assert.match(found, /withdrawn/);
  const dups = await (await app.request('/records?duplicates=only')).text();
  const n = (await queryRecords(db, { duplicates: 'only' })).total;
  assert.match(dups, new RegExp(`${n} records`));
  const evil = await (await app.request('/records?search=%3Cscript%3E')).text();
  assert.ok(!evil.includes('<script>'));
});

test('PRISMA page, SVG and API agree with the store', async () => {
  const app = createApp(staticEvidence([]), { db });
  const counts = (await (await app.request('/api/prisma')).json()) as { identified: { total: number } };
  assert.equal(counts.identified.total, 50);
  const svg = await app.request('/records/prisma.svg');
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  assert.match(await svg.text(), /<svg/);
  assert.match(await (await app.request('/records/prisma')).text(), /50 records identified/);
  const api = (await (await app.request('/api/records?search=NCT00973089&limit=5')).json()) as {
    total: number;
    records: { ids: { nct: string }; format: string; status: string }[];
  };
  assert.equal(api.total, 1);
  assert.deepEqual(
    [api.records[0]!.ids.nct, api.records[0]!.format, api.records[0]!.status],
    ['NCT00973089', 'ctgov', 'withdrawn'],
  );
});

test('records page cites a paper with its volume, issue and pages (Vancouver form)', async () => {
  const own = await openDb({ memory: true, migrated: true });
  try {
    await migrate(own);
    await new LiteratureImporter(own).importFile(join(FIX, 'pubmed-xml', 'pubmed-29768149_nejm_rct.xml'));
    const page = await (await createApp(staticEvidence([]), { db: own }).request('/records')).text();
    // the PubMed record's own JournalIssue (378, 20), PubDate (2018) and MedlinePgn (1865-1876)
    assert.match(page, /The New England journal of medicine\. 2018;378\(20\):1865-1876\./);
  } finally {
    await own.close();
  }
});
