// De-duplication on the CiteSource gambling-harms set: one search run in five databases on the same day.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DedupeIndex, duplicateReason, findDuplicates, titleKey } from '../../src/ingest/dedupe.ts';
import { type PrismaRecord, prismaCounts, prismaSvg } from '../../src/ingest/prisma.ts';
import { emptyRecord, type ImportedRecord } from '../../src/ingest/record.ts';
import { fixturesUnder, readFixture } from './helpers.ts';

type Sourced = ImportedRecord & { source: string; id: string };

async function multiDb(): Promise<Sourced[]> {
  const out: Sourced[] = [];
  for (const p of fixturesUnder('ris/citesource-gambling-harms-multidb')) {
    const source = p.split('_')[2]!;
    const r = await readFixture(p);
    assert.deepEqual(r.errors, []);
    for (const [i, rec] of r.records.entries()) out.push({ ...rec, source, id: `${source}:${i}` });
  }
  return out;
}

test('multi-database set: DOI overlap as SOURCES.md counts it, and as the reader finds it', async () => {
  const all = await multiDb();
  assert.equal(all.length, 645);
  const overlap = (doiOf: (r: Sourced) => string | null) => {
    const by = new Map<string, Set<string>>();
    for (const r of all) {
      const d = doiOf(r);
      if (d) by.set(d, (by.get(d) ?? new Set()).add(r.source));
    }
    return { unique: by.size, multi: [...by.values()].filter((s) => s.size >= 2).length };
  };
  // SOURCES.md counted the DO field only: 265 unique DOIs, 220 of them in ≥ 2 sources
  const doField = (r: Sourced) => {
    const m = /^DO {2}- (.+)$/m.exec(r.raw);
    return m ? m[1]!.trim().toLowerCase() : null;
  };
  assert.deepEqual(overlap(doField), { unique: 265, multi: 220 });
  // the reader also takes EBSCO's L3 DOIs (Criminal Justice Abstracts has no DO field): all 41 of its DOIs are
  // already known from other databases, and two DOIs seen in one source so far gain a second source
  assert.equal(all.filter((r) => r.source === 'crimjust' && r.ids.doi).length, 41);
  assert.deepEqual(
    overlap((r) => r.ids.doi),
    { unique: 265, multi: 222 },
  );
});

test('multi-database set: 645 records → 274 unique, 371 duplicates linked (365 by DOI, 6 by title+year+author)', async () => {
  const all = await multiDb();
  const index = new DedupeIndex<Sourced>();
  const reasons: Record<string, number> = {};
  const links: PrismaRecord[] = [];
  for (const r of all) {
    const m = index.add(r);
    if (m) reasons[m.reason] = (reasons[m.reason] ?? 0) + 1;
    links.push({ id: r.id, source: r.source, duplicate_of: m ? index.canonical(m.match).id : null });
  }
  const groups = index.groups();
  assert.equal(groups.length, 274);
  assert.deepEqual(reasons, { doi: 365, 'title-year-author': 6 });
  // 224 of the unique records were found in two or more databases; 5 links join records of the same database
  // (Lens lists some papers twice, once without its DOI)
  assert.equal(groups.filter((g) => new Set(g.map((r) => r.source)).size >= 2).length, 224);
  assert.equal(
    groups.reduce((a, g) => a + g.length - new Set(g.map((r) => r.source)).size, 0),
    5,
  );
  // nothing is dropped: every record is in exactly one group
  assert.equal(
    groups.reduce((a, g) => a + g.length, 0),
    645,
  );
  // a fuzzy match: Lens has the paper without a DOI, year 2020, same first author
  const fuzzy = groups.find((g) => g.some((r) => !r.ids.doi) && g.length === 5)!;
  assert.ok(fuzzy.every((r) => titleKey(r.title) === titleKey(fuzzy[0]!.title)));
  // PRISMA counts follow
  const c = prismaCounts(links);
  assert.equal(c.identified.total, 645);
  assert.deepEqual(
    c.identified.databases.map((s) => [s.source, s.n]),
    [
      ['scopus', 255],
      ['pubmed', 176],
      ['psycinfo', 124],
      ['lens', 49],
      ['crimjust', 41],
    ],
  );
  assert.equal(c.duplicates_removed, 371);
  assert.equal(c.unique, 274);
  assert.equal(c.awaiting_screening, 274);
});

const rec = (over: Omit<Partial<ImportedRecord>, 'ids'> & { ids?: Partial<ImportedRecord['ids']> }): ImportedRecord => {
  const r = emptyRecord('ris', '', 1);
  return { ...r, ...over, ids: { ...r.ids, ...over.ids } };
};

test('exact and fuzzy rules, with their reasons', () => {
  const a = rec({
    ids: { pmid: '35322978', doi: '10.1/x' },
    title: 'Bone marrow concentrate for discogenic pain',
    year: 2022,
    authors: ['Atluri S'],
  });
  assert.equal(duplicateReason(a, rec({ ids: { pmid: '35322978' } }))?.reason, 'pmid');
  assert.equal(duplicateReason(a, rec({ ids: { doi: '10.1/x' } }))?.reason, 'doi');
  // different PMIDs: never the same record, even with the same DOI or title
  assert.equal(duplicateReason(a, rec({ ids: { pmid: '1', doi: '10.1/x' } })), null);
  // fuzzy: markup, case, punctuation and diacritics do not matter; year ±1; first author's surname
  const b = rec({
    title: 'Bone-marrow <i>concentrate</i> for discogénic pain.',
    year: 2023,
    authors: ['Atluri, Sairam'],
  });
  assert.equal(duplicateReason(a, b)?.reason, 'title-year-author');
  assert.equal(duplicateReason(a, { ...b, year: 2024 }), null);
  assert.equal(duplicateReason(a, { ...b, authors: ['Pettine K'] }), null);
  // registry records share an NCT id
  const t1 = rec({ ids: { nct: ['NCT01290367'] } });
  assert.equal(duplicateReason(t1, rec({ ids: { nct: ['NCT01290367'] }, title: 'x' }))?.reason, 'nct');
  // …but two papers of one trial are two reports
  assert.equal(
    duplicateReason(
      rec({ ids: { pmid: '1', nct: ['NCT01290367'] } }),
      rec({ ids: { pmid: '2', nct: ['NCT01290367'] } }),
    ),
    null,
  );
  const found = findDuplicates(b, [rec({ title: 'unrelated title here' }), a]);
  assert.deepEqual(
    found.map((f) => f.reason),
    ['title-year-author'],
  );
});

test('PRISMA 2020 counts and SVG', () => {
  const records: PrismaRecord[] = [
    { id: 'a', source: 'PubMed', duplicate_of: null, screening: { status: 'included' } },
    { id: 'b', source: 'Scopus', duplicate_of: 'a' },
    { id: 'c', source: 'Scopus', duplicate_of: null, screening: { status: 'excluded', reason: 'not a trial' } },
    {
      id: 'd',
      source: 'ClinicalTrials.gov',
      duplicate_of: null,
      screening: { status: 'excluded', reason: 'wrong population', stage: 'full-text' },
    },
    {
      id: 'e',
      source: 'PubMed',
      duplicate_of: null,
      screening: { status: 'excluded', reason: 'no full text', stage: 'retrieval' },
    },
    { id: 'f', source: 'PubMed', duplicate_of: null },
    {
      id: 'g',
      source: 'Scopus',
      duplicate_of: null,
      screening: { status: 'excluded', reason: 'wrong population', stage: 'full-text' },
    },
  ];
  const c = prismaCounts(records);
  assert.deepEqual(c.identified.registers, [{ source: 'ClinicalTrials.gov', n: 1 }]);
  assert.equal(c.duplicates_removed, 1);
  assert.equal(c.screened, 5);
  assert.equal(c.awaiting_screening, 1);
  assert.equal(c.excluded_screening, 1);
  assert.equal(c.sought_for_retrieval, 4);
  assert.equal(c.not_retrieved, 1);
  assert.equal(c.assessed_for_eligibility, 3);
  assert.deepEqual(c.excluded_reasons, [{ reason: 'wrong population', n: 2 }]);
  assert.equal(c.included, 1);
  const svg = prismaSvg(c);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  for (const s of [
    'Records identified from:',
    'Duplicate records removed (n = 1)',
    'Records screened (n = 5)',
    'Reports excluded (n = 2)',
    'wrong population (n = 2)',
    'Studies included in review (n = 1)',
    'Registers (n = 1)',
  ]) {
    assert.ok(svg.includes(s), s);
  }
  // well-formed: our own strict XML parser reads it back
  assert.ok(svg.endsWith('</svg>'));
  assert.equal(prismaSvg({ ...c, excluded_reasons: [{ reason: '<script>&', n: 1 }] }).includes('<script>'), false);
});
