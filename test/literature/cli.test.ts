// `regenspine import` and `regenspine records` as a user runs them (real process, embedded database).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'ingest');
const dir = mkdtempSync(join(tmpdir(), 'regenspine-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'db'), DATABASE_URL: '' };
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'regenspine.js'), ...args], { encoding: 'utf8', env });

test('import --json summary, records --json fields, exit code 2 on a broken file', () => {
  const files = [join(FIX, 'pubmed-xml', 'pubmed-29768149_nejm_rct.xml'), join(FIX, 'ctgov-json', 'NCT00973089.json')];
  const r = run(['import', '--json', ...files]);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(
    summary.files.map((f: { format: string; records: number; imported: number }) => [f.format, f.records, f.imported]),
    [
      ['pubmed', 1, 1],
      ['ctgov', 1, 1],
    ],
  );
  for (const f of summary.files)
    for (const k of ['path', 'format', 'records', 'imported', 'duplicates', 'errors']) assert.ok(k in f);
  assert.deepEqual(summary.totals, { records: 2, imported: 2, duplicates: 0, errors: 0 });

  const again = JSON.parse(run(['import', '--json', ...files]).stdout);
  assert.deepEqual(again.totals, { records: 2, imported: 0, duplicates: 2, errors: 0 });

  const records = JSON.parse(run(['records', '--json']).stdout) as Record<string, unknown>[];
  assert.equal(records.length, 2);
  for (const rec of records) {
    for (const k of ['ids', 'title', 'year', 'authors', 'journal', 'abstract', 'publication_types'])
      assert.ok(k in rec, k);
    for (const k of ['pmid', 'doi', 'nct']) assert.ok(k in (rec.ids as object), k);
  }
  const trial = records.find((x) => (x.ids as { nct: string }).nct === 'NCT00973089')!;
  assert.equal(trial.status, 'withdrawn');
  assert.deepEqual(trial.enrollment, { count: 0, type: 'actual' });
  assert.ok('phase' in trial);
  const rct = records.find((x) => (x.ids as { pmid: string }).pmid === '29768149')!;
  assert.match(String(rct.title), /Budesonide|budesonide/);
  // volume, issue and pages are exported, as the PubMed XML gives them (JournalIssue 378/20, MedlinePgn 1865-1876)
  assert.deepEqual([rct.volume, rct.issue, rct.pages], ['378', '20', '1865-1876']);
  assert.deepEqual([trial.volume, trial.issue, trial.pages], [null, null, null]);

  const broken = join(dir, 'broken.ris');
  writeFileSync(broken, 'TY  - JOUR\nTI  - A complete record\nER  - \nTY  - JOUR\nTI  - cut off here\n');
  const bad = run(['import', '--json', broken]);
  assert.equal(bad.status, 2);
  const badSummary = JSON.parse(bad.stdout);
  // The cut-off record is kept (RIS exporters do end files without ER) but reported, with its line.
  assert.equal(badSummary.files[0].errors[0].line, 4);
  assert.match(badSummary.files[0].errors[0].message, /no ER line/);
  assert.equal(badSummary.totals.errors, 1);
});

test('import of a folder, or of an unrecognised file, is a clear error and writes nothing', () => {
  const folder = run(['import', join(FIX, 'ris')]);
  assert.equal(folder.status, 1);
  assert.match(folder.stderr, /ris is a folder; give the files in it/);
  assert.doesNotMatch(folder.stderr, /\n\s+at /, 'no stack trace');

  // a PMC article set (Biopython's efetch_pmc.xml is one): not a format we read; the review found it recorded
  // as "ris" (B10)
  const pmc = join(dir, 'efetch_pmc.xml');
  writeFileSync(pmc, '<?xml version="1.0"?>\n<pmc-articleset><article><front/></article></pmc-articleset>\n');
  const before = (JSON.parse(run(['records', '--json', '--limit', '100000']).stdout) as unknown[]).length;
  const bad = run(['import', '--json', join(FIX, 'medline-nbib', 'single.nbib'), pmc]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /efetch_pmc\.xml: unrecognized format/);
  assert.doesNotMatch(bad.stdout, /"ris"/);
  const after = (JSON.parse(run(['records', '--json', '--limit', '100000']).stdout) as unknown[]).length;
  assert.equal(after, before, 'nothing imported when one file of the command is unrecognised');

  // an ERIC file (MEDLINE-tagged, no PMID) is counted under ERIC for PRISMA, not PubMed (review B5)
  const eric = JSON.parse(run(['import', '--json', join(FIX, 'peers', 'colrev', 'eric_nbib.nbib')]).stdout);
  assert.deepEqual(
    eric.files.map((f: { format: string; source: string; records: number }) => [f.format, f.source, f.records]),
    [['medline', 'ERIC', 1]],
  );
});
