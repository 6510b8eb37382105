// The registry exports on a real PostgreSQL server (bench:registry:export found the bug): a page of patients
// is read inside one transaction, i.e. on one pg client, and its queries used to be sent at once
// (Promise.all), which pg 8 queues with a DeprecationWarning ("Calling client.query() when the client is
// already executing a query") and pg 9 refuses. Every query of an export's transactions must now start
// after the previous one ended; the pages still add up to the whole registry (pages of one patient here).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../../src/store/db.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { csvExportChunks, fhirExportChunks } from '../../src/store/registry-export.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { buildWorld, fullPatient, type World } from './fixtures.ts';

// Listening from the start of the process: pg warns once per process (util.deprecate).
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

let pg: TestPostgres;
let db: Db;
let w: World;
/** The most queries in flight at once on one transaction's client, over all transactions. */
let maxInFlight = 0;

/** The same database, with each transaction's client counting the queries it has running. */
function counting(base: Db): Db {
  return {
    ...base,
    transaction: (fn, opts) =>
      base.transaction((tx) => {
        let running = 0;
        const counted: Queryable = {
          ...tx,
          async query(sql, params) {
            running++;
            maxInFlight = Math.max(maxInFlight, running);
            try {
              return await tx.query(sql, params);
            } finally {
              running--;
            }
          },
        };
        return fn(counted);
      }, opts),
  } as Db;
}

before(async () => {
  pg = await startPostgres();
  db = await openDb({ databaseUrl: pg.url });
  w = await buildWorld(db);
  // The second without research consent: a page that a de-identified export leaves empty, between two others.
  for (let i = 0; i < 4; i++) await fullPatient(w, 'A', { visit: true, research: i !== 1 });
});
after(async () => {
  await db?.close();
  await pg?.stop();
});

/** A FHIR export's chunks (UTF-8) as one text. */
async function bundleText(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * A Bundle text with what differs per export evened out: UUIDs numbered by first appearance, the timestamp
 * blanked and, de-identified, the keyed pseudonyms and shifted dates blanked.
 */
function normalised(text: string, deidentified: boolean): string {
  const seen = new Map<string, number>();
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
      if (!seen.has(u)) seen.set(u, seen.size);
      return `uuid-${seen.get(u)}`;
    })
    .replace(/"timestamp":"[^"]+"/, '"timestamp":"T"')
    .replace(deidentified ? /"S-[0-9a-f]{16}"|"\d{4}-\d{2}-\d{2}"/g : /^$/, '"keyed"');
}

describe('registry exports on PostgreSQL', () => {
  test('a FHIR export read in pages of one patient is the one read in one page, byte for byte (ids aside)', async () => {
    const admin = w.actors.A.admin;
    for (const deidentified of [false, true]) {
      // pages of one patient: a separator between every page's entries, none before the first or after the last
      const o = { deidentified, today: '2026-06-01' };
      const onePage = await bundleText(fhirExportChunks(db, admin, { ...o, pagePatients: 100 }));
      const paged = await bundleText(fhirExportChunks(db, admin, { ...o, pagePatients: 1 }));
      const patients = (JSON.parse(paged) as { entry: { resource: { resourceType: string } }[] }).entry.filter(
        (e) => e.resource.resourceType === 'Patient',
      );
      assert.equal(patients.length, deidentified ? 3 : 4, 'the patients of site A (de-identified: research consent)');
      assert.equal(normalised(paged, deidentified), normalised(onePage, deidentified));
    }
  });

  test('FHIR and CSV exports run one query at a time on each transaction; no pg deprecation warning', async () => {
    const admin = w.actors.A.admin;
    const cdb = counting(db);
    const fhir = await bundleText(fhirExportChunks(cdb, admin, { deidentified: false, pagePatients: 1 }));
    const bundle = JSON.parse(fhir) as { entry: { resource: { resourceType: string } }[] };
    assert.equal(bundle.entry.filter((e) => e.resource.resourceType === 'Patient').length, 4);
    let csv = '';
    for await (const c of csvExportChunks(cdb, admin, 'scores', { deidentified: false, pagePatients: 1 })) csv += c;
    assert.ok(csv.split('\n').length > 3);
    assert.equal(maxInFlight, 1);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.deepEqual(
      warnings.filter((x) => /already executing a query/.test(x)),
      [],
    );
  });
});
