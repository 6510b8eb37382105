// `records reread` (issue 11: records imported before a reader fix kept what the old reader made of them).
// The "old reader" is simulated by writing into the stored columns what it produced per import-review.md B1
// (a SICI DOI cut at "<") and what migration 004 left (volume/issue/pages null), plus the wrong duplicate link
// that followed from the cut DOI. The expected values are the fixture's own fields, written out by hand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compressRaw } from '../../src/ingest/prepared.ts';
import { openDb } from '../../src/store/db.ts';
import { LiteratureImporter, screenRecord } from '../../src/store/literature.ts';
import { rereadRecords } from '../../src/store/literature-reread.ts';
import { migrate } from '../../src/store/migrate.ts';

// Two real papers of one issue of Cancer (vol. 86 no. 8, 1999) with their SICI DOIs as Web of Science lists
// them (import-review.md B1); titles and pages as published.
const RIS = `TY  - JOUR
TI  - Survival of patients with metastatic breast cancer
T2  - Cancer
AU  - Smith, John
PY  - 1999
VL  - 86
IS  - 8
SP  - 1557
EP  - 1564
DO  - 10.1002/(SICI)1097-0142(19991015)86:8<1557::AID-CNCR24>3.0.CO;2-2
ER  - 

TY  - JOUR
TI  - Quality of life after radiotherapy for prostate cancer
T2  - Cancer
AU  - Jones, Mary
PY  - 1999
VL  - 86
IS  - 8
SP  - 1565
EP  - 1572
DO  - 10.1002/(SICI)1097-0142(19991015)86:8<1565::AID-CNCR25>3.0.CO;2-O
ER  - 
`;
const CUT = '10.1002/(sici)1097-0142(19991015)86:8';

test('records reread restores what an old reader lost, relinks duplicates, keeps screening, and is idempotent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-reread-'));
  const db = await openDb({ memory: true, migrated: true });
  try {
    await migrate(db);
    const file = join(dir, 'cancer.ris');
    writeFileSync(file, RIS);
    const s = await new LiteratureImporter(db).importFile(file);
    assert.equal(s.imported, 2);
    // what the old reader stored
    await db.query('UPDATE literature_record SET doi = $1, volume = NULL, issue = NULL, pages = NULL', [CUT]);
    await db.query("UPDATE literature_record SET duplicate_of = 1, duplicate_reason = 'doi: ' || $1 WHERE id = 2", [
      CUT,
    ]);
    await screenRecord(db, 1, { status: 'excluded', reason: 'not low back pain' });

    const dry = await rereadRecords(db, { dryRun: true });
    assert.deepEqual(
      { records: dry.records, changed: dry.changed, relinked: dry.relinked, columns: dry.columns },
      { records: 2, changed: 2, relinked: 1, columns: { doi: 2, volume: 2, issue: 2, pages: 2 } },
    );
    const untouched = await db.query<{ doi: string }>('SELECT doi FROM literature_record ORDER BY id');
    assert.deepEqual(
      untouched.rows.map((r) => r.doi),
      [CUT, CUT],
      'a dry run changes nothing',
    );

    const r = await rereadRecords(db);
    assert.equal(r.changed, 2);
    assert.equal(r.relinked, 1);
    assert.deepEqual(r.unreadable, []);
    const rows = await db.query<{
      doi: string;
      volume: string;
      issue: string;
      pages: string;
      duplicate_of: number | null;
      screening_status: string;
      exclusion_reason: string | null;
    }>(
      'SELECT doi, volume, issue, pages, duplicate_of, screening_status, exclusion_reason FROM literature_record ORDER BY id',
    );
    assert.deepEqual(rows.rows, [
      {
        doi: '10.1002/(sici)1097-0142(19991015)86:8<1557::aid-cncr24>3.0.co;2-2',
        volume: '86',
        issue: '8',
        pages: '1557-1564',
        duplicate_of: null,
        screening_status: 'excluded',
        exclusion_reason: 'not low back pain',
      },
      {
        doi: '10.1002/(sici)1097-0142(19991015)86:8<1565::aid-cncr25>3.0.co;2-o',
        volume: '86',
        issue: '8',
        pages: '1565-1572',
        duplicate_of: null,
        screening_status: 'unscreened',
        exclusion_reason: null,
      },
    ]);

    const again = await rereadRecords(db);
    assert.deepEqual([again.changed, again.relinked], [0, 0], 'a second reread finds nothing to do');

    // a source text today's reader cannot read is reported and left as it was
    await db.query('UPDATE literature_record SET raw_deflate = $1 WHERE id = 2', [compressRaw('not a record\n')]);
    const bad = await rereadRecords(db);
    assert.equal(bad.unreadable.length, 1);
    assert.equal(bad.unreadable[0]!.id, 2);
    assert.equal(bad.changed, 0);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
