// Importing literature into the store, on PGlite and on a real PostgreSQL: counts, idempotency, linked
// duplicates across databases, search, screening, PRISMA and links from registry records.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readValidStudies } from '../../src/app.ts';
import { openDb } from '../../src/store/db.ts';
import { loadEvidence } from '../../src/store/evidence.ts';
import { LiteratureImporter, prismaFromDb, queryRecords, screenRecord } from '../../src/store/literature.ts';
import { migrate } from '../../src/store/migrate.ts';
import { bothEngines } from '../helpers/engines.ts';
import { fixtureArticles, writeLargePubmed } from '../helpers/pubmed-gen.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const MULTI = join(FIX, 'ris', 'citesource-gambling-harms-multidb');
const engines = bothEngines();

for (const [name, open] of engines) {
  describe(`literature import on ${name}`, () => {
    test('multi-database RIS set: every record stored, duplicates linked, re-import adds nothing', async () => {
      const db = await open();
      try {
        await migrate(db);
        const importer = new LiteratureImporter(db);
        const files = readdirSync(MULTI).sort();
        const first = [];
        for (const f of files) first.push(await importer.importFile(join(MULTI, f)));
        assert.equal(
          first.reduce((a, s) => a + s.records, 0),
          645,
        );
        assert.equal(
          first.reduce((a, s) => a + s.imported, 0),
          645,
          'duplicates are stored and linked, not dropped',
        );
        const dups = first.reduce((a, s) => a + s.duplicates, 0);
        // 265 distinct DOIs, 220 of them in 2+ sources (SOURCES.md); records without a DOI match on title.
        assert.ok(dups >= 645 - 300 && dups <= 645 - 265, `duplicates ${dups}`);
        const stored = await queryRecords(db, { limit: 1000 });
        assert.equal(stored.total, 645);
        assert.equal(stored.records.filter((r) => r.duplicate_of !== null).length, dups);
        for (const r of stored.records.filter((x) => x.duplicate_of !== null)) {
          assert.ok(r.duplicate_reason, 'a linked duplicate says why');
          const orig = stored.records.find((x) => x.id === r.duplicate_of)!;
          assert.equal(orig.duplicate_of, null, 'duplicates link to the first occurrence');
        }
        // Re-importing changes nothing.
        const again = new LiteratureImporter(db);
        for (const f of files) {
          const s = await again.importFile(join(MULTI, f));
          assert.equal(s.imported, 0);
          assert.equal(s.duplicates, s.records);
        }
        assert.equal((await queryRecords(db)).total, 645);

        // Search, screening and PRISMA reflect the import.
        const found = await queryRecords(db, { search: 'gambling', limit: 5 });
        assert.ok(found.total > 100);
        const unique = stored.records.filter((r) => r.duplicate_of === null);
        await screenRecord(db, unique[0]!.id, { status: 'excluded', reason: 'not a regenerative therapy' });
        await screenRecord(db, unique[1]!.id, { status: 'included' });
        await assert.rejects(
          screenRecord(db, stored.records.find((r) => r.duplicate_of !== null)!.id, { status: 'included' }),
          /duplicate/,
        );
        const prisma = await prismaFromDb(db);
        assert.equal(prisma.identified.total, 645);
        assert.equal(prisma.duplicates_removed, dups);
        assert.equal(prisma.unique, 645 - dups);
        assert.equal(prisma.excluded_screening, 1);
        assert.equal(prisma.included, 1);
      } finally {
        await db.close();
      }
    });

    test('PubMed XML, MEDLINE and ClinicalTrials.gov: counts, deletions, registry fields and links', async () => {
      const db = await open();
      try {
        await migrate(db);
        await loadEvidence(db, await readValidStudies());
        const importer = new LiteratureImporter(db);
        const nbib = await importer.importFile(join(FIX, 'medline-nbib', 'pubmed-balloongui-set.nbib.gz'));
        assert.equal(nbib.records, 75);
        const ct = await importer.importFile(join(FIX, 'ctgov-json', 'NCT00973089.json'));
        assert.equal(ct.records, 1);
        const [withdrawn] = (await queryRecords(db, { search: 'NCT00973089' })).records;
        assert.equal(withdrawn!.status, 'withdrawn');
        assert.deepEqual(withdrawn!.enrollment, { count: 0, type: 'actual' });
        assert.equal(withdrawn!.source, 'ClinicalTrials.gov');
        // A registry record links to the curated study with its NCT id and to publications that cite it.
        const { writeFileSync, mkdtempSync: mk } = await import('node:fs');
        const tmp = mk(join(tmpdir(), 'regenspine-link-'));
        const study = {
          protocolSection: {
            identificationModule: {
              nctId: 'NCT04102761',
              briefTitle: 'PRP and bone marrow aspirate for lumbar intradiscal injections',
            },
            statusModule: { overallStatus: 'RECRUITING' },
            designModule: { phases: ['PHASE2'], enrollmentInfo: { count: 60, type: 'ESTIMATED' } },
          },
        };
        writeFileSync(join(tmp, 'trial.json'), JSON.stringify(study));
        writeFileSync(
          join(tmp, 'paper.xml'),
          '<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">99000001</PMID><Article><Journal><JournalIssue><PubDate><Year>2024</Year></PubDate></JournalIssue><Title>Pain Med</Title></Journal><ArticleTitle>Intradiscal PRP versus bone marrow concentrate: a randomized trial</ArticleTitle><DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName><AccessionNumberList><AccessionNumber>NCT04102761</AccessionNumber></AccessionNumberList></DataBank></DataBankList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>',
        );
        await importer.importFile(join(tmp, 'trial.json'));
        await importer.importFile(join(tmp, 'paper.xml'));
        rmSync(tmp, { recursive: true, force: true });
        const [trial] = (await queryRecords(db, { search: 'NCT04102761', format: 'ctgov-json' })).records;
        assert.deepEqual(trial!.linked_studies, ['nct04102761']);
        const [paper] = (await queryRecords(db, { search: '99000001' })).records;
        assert.deepEqual(trial!.linked_publications, [paper!.id]);
        assert.equal(trial!.status, 'recruiting');
        assert.deepEqual(trial!.enrollment, { count: 60, type: 'estimated' });

        // The source text is kept for audit, byte for byte.
        const { readFileSync } = await import('node:fs');
        const [audited] = (await queryRecords(db, { search: 'NCT00973089', raw: true })).records;
        assert.equal(audited!.raw?.trim(), readFileSync(join(FIX, 'ctgov-json', 'NCT00973089.json'), 'utf8').trim());
      } finally {
        await db.close();
      }
    });
  });
}

test('an import killed with SIGKILL is completed by running it again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-import-kill-'));
  try {
    const file = join(dir, 'big.xml');
    const articles = fixtureArticles(join(FIX, 'pubmed-xml', 'nlm_pubmedsample18n0001.xml.gz'));
    const n = await writeLargePubmed(file, articles, 12 * 1024 * 1024);
    const env = { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'db'), DATABASE_URL: '' };
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
    const child = spawn(process.execPath, [bin, 'import', '--verbose', file], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Kill it once two batches are committed, while it is writing the third.
    await new Promise<void>((resolve, reject) => {
      let batches = 0;
      child.stderr.on('data', (d) => {
        batches += (String(d).match(/committed/g) ?? []).length;
        if (batches >= 2) resolve();
      });
      child.once('exit', () => reject(new Error('the import finished before it could be killed')));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const rerun = spawn(process.execPath, [bin, 'import', '--json', file], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    rerun.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((r) => rerun.once('exit', r));
    assert.equal(code, 0);
    const summary = JSON.parse(out);
    assert.equal(summary.totals.records, n);
    const db = await openDb({ dataDir: join(dir, 'db') });
    try {
      const total = await queryRecords(db, { limit: 1 });
      assert.equal(total.total, n, 'every record stored exactly once after the re-run');
      const perPmid = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM (SELECT pmid FROM literature_record GROUP BY pmid HAVING count(*) > 1) x',
      );
      assert.equal(perPmid.rows[0]!.n, 0);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
