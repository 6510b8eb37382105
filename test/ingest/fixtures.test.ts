// Every real fixture imports with the record counts that SOURCES.md gives, and spot-checked fields are right.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixturesUnder, readFixture } from './helpers.ts';

// path (relative to test/fixtures/ingest) → [records, deleted PMIDs]
const COUNTS: Record<string, [number, number]> = {
  'pubmed-xml/nlm_pubmedsample18n0001.xml.gz': [177, 0],
  'pubmed-xml/medline16n0902_MedlineCitationSet.xml.gz': [604, 1],
  'pubmed-xml/pubmed26n1334_baseline_excerpt.xml.gz': [30, 0],
  'pubmed-xml/pubmed26n1335_update_excerpt.xml.gz': [30, 6],
  'pubmed-xml/pubmed20n1016_update_excerpt.xml.gz': [26, 262],
  'pubmed-xml/pubmed-29768149_nejm_rct.xml': [1, 0],
  'pubmed-xml/pubmed_efetch_4articles_2024dtd.xml': [4, 0],
  'pubmed-xml/biopython_pubmed1.xml': [2, 0],
  'pubmed-xml/biopython_pubmed2.xml': [2, 0],
  'pubmed-xml/biopython_pubmed4.xml': [1, 0],
  'pubmed-xml/biopython_pubmed5.xml': [1, 0],
  'pubmed-xml/biopython_pubmed6.xml': [1, 0],
  'pubmed-xml/biopython_pubmed7.xml': [1, 0],
  'pubmed-xml/pubmed_result_93articles_with_references.xml.gz': [93, 0],
  'pubmed-xml/pubmed_result_106articles_2015dtd_bom.xml.gz': [106, 0],
  'medline-nbib/pubmed-balloongui-set.nbib.gz': [75, 0],
  'medline-nbib/single.nbib': [1, 0],
  'medline-nbib/pmc_medlars_export.txt': [5, 0],
  'medline-nbib/biopython_pubmed_result1.txt': [1, 0],
  'medline-nbib/biopython_pubmed_result2.txt': [4, 0],
  'medline-nbib/biopython_pubmed_result3.txt': [1, 0],
  'medline-nbib/synthesisr_PubMed_example.txt': [3, 0],
  'medline-nbib/marcelis-20301770_book_chapter.nbib': [1, 0],
  'ris/wos-plaintext/wos_5_synthesisr.ciw': [5, 0],
  'ris/wos-plaintext/wos_4_synthesisr.txt': [4, 0],
  'ris/wos-plaintext/wos_fullrecord_12_knh11545.txt': [12, 0],
};

const FORMAT_OF = (p: string) =>
  p.startsWith('pubmed-xml/')
    ? 'pubmed-xml'
    : p.startsWith('medline-nbib/')
      ? 'medline'
      : p.includes('wos-plaintext/')
        ? 'wos'
        : p.includes('legacy-xml/')
          ? 'ctgov-xml'
          : p.startsWith('ctgov-json/')
            ? 'ctgov-json'
            : 'ris';

/** RIS files carry their record count in their name (…_92_…, …_crimjust_41.ris). */
function expectedRis(p: string): number {
  const name = p.split('/').pop()!;
  const m = /_(\d+)(?:_|\.ris)/.exec(name);
  assert.ok(m, `no count in ${name}`);
  return Number(m[1]);
}

const files = [
  ...fixturesUnder('pubmed-xml'),
  ...fixturesUnder('medline-nbib'),
  ...fixturesUnder('ris').filter((p) => !p.includes('ovid-tagged/')),
  ...fixturesUnder('ctgov-json'),
];

test('every fixture file is covered', () => {
  assert.ok(files.length >= 70, `${files.length} files`);
});

for (const p of files) {
  test(`imports ${p}`, async () => {
    const r = await readFixture(p);
    assert.equal(r.format, FORMAT_OF(p));
    const [n, del] = COUNTS[p] ?? (p.startsWith('ctgov-json/') ? [1, 0] : [expectedRis(p), 0]);
    assert.equal(r.records.length, n, 'records');
    assert.equal(r.deleted.length, del, 'deleted PMIDs');
    assert.deepEqual(r.errors, [], 'no errors on a good file');
    for (const rec of r.records) {
      assert.ok(rec.raw.length > 0 && rec.line >= 1);
      assert.ok(rec.title || rec.format === 'ris', `title of record at line ${rec.line}`);
    }
  });
}

test('the Ovid tagged format is not mistaken for anything (bonus format, not supported yet)', async () => {
  const r = await readFixture('ris/ovid-tagged/embase_ovid_tagged_2_knh11545.txt');
  assert.equal(r.records.length, 0);
  assert.match(r.errors[0]!.message, /unrecognized format/);
});

test('PubMed XML: NLM sample spot checks (MedlineDate, collective author, structured abstract, Season)', async () => {
  const r = await readFixture('pubmed-xml/nlm_pubmedsample18n0001.xml.gz');
  const by = new Map(r.records.map((x) => [x.ids.pmid, x]));
  const first = r.records[0]!;
  assert.equal(first.ids.pmid, '973217');
  assert.equal(first.title, 'Hospital debt management and cost reimbursement.');
  assert.equal(first.year, 1976); // <Year>1976</Year><Season>…</Season>
  assert.deepEqual(first.authors, ['Blume FR']);
  assert.equal(first.journal, 'Topics in health care financing');
  assert.equal(first.line, 4);
  // MedlineDate "1993 Sep-Oct" and "1998 Dec-1999 Jan"
  const md = by.get('8219565')!;
  assert.equal(md.year, 1993);
  assert.equal(by.get('10188493')!.year, 1998);
  assert.deepEqual(
    md.abstract!.split('\n').map((p) => p.split(':')[0]),
    ['PURPOSE', 'PATIENTS AND METHODS', 'RESULTS', 'CONCLUSION'],
  );
  assert.deepEqual(md.authors.slice(0, 2), ['Moore BS', 'Valji K']);
  // collective name kept as such, after the personal authors
  assert.equal(
    by.get('11428848')!.authors.at(-1),
    'European Society of Cardiology. Working Group on Arrhythmias and Working Group on Cardiac Pacing',
  );
  assert.equal(by.get('11237011')!.authors.at(-1), 'International Human Genome Sequencing Consortium');
  // counts SOURCES.md gives for this file
  assert.equal(r.records.filter((x) => !x.abstract).length, 68);
  assert.equal(r.records.filter((x) => x.publication_types.includes('Randomized Controlled Trial')).length, 6);
  assert.equal(r.records.filter((x) => x.mesh.length > 0).length, 149);
  assert.equal(r.records.filter((x) => x.authors.length === 0).length, 14);
  assert.equal(r.records.filter((x) => x.raw.includes('<CollectiveName>')).length, 8);
  assert.equal(r.records.filter((x) => x.raw.includes('<MedlineDate>')).length, 13);
  assert.ok(r.records.every((x) => x.year !== null && x.year >= 1900));
});

test('PubMed XML: the SYGMA-1 NEJM record (labels, <sub>, character references, DOI, NCT from the abstract)', async () => {
  const [rec] = (await readFixture('pubmed-xml/pubmed-29768149_nejm_rct.xml')).records;
  assert.ok(rec);
  assert.equal(rec.ids.pmid, '29768149');
  assert.equal(rec.ids.doi, '10.1056/nejmoa1715274');
  assert.deepEqual(rec.ids.nct, ['NCT02149199']);
  assert.equal(rec.title, 'Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.');
  assert.equal(rec.year, 2018);
  assert.equal(rec.authors[0], "O'Byrne PM");
  assert.ok(rec.abstract!.startsWith('BACKGROUND: In patients with mild asthma'));
  assert.ok(rec.abstract!.includes('fast-acting β2-agonist'));
  assert.ok(rec.abstract!.includes('200 μg of budesonide'));
  assert.deepEqual(
    rec.abstract!.split('\n').map((p) => p.split(':')[0]),
    ['BACKGROUND', 'METHODS', 'RESULTS', 'CONCLUSIONS'],
  );
  assert.ok(rec.publication_types.includes('Randomized Controlled Trial'));
  assert.ok(rec.mesh.includes('Asthma'));
});

test('PubMed XML: MathML reduced to text; BOM file; legacy MedlineCitationSet', async () => {
  const [m] = (await readFixture('pubmed-xml/biopython_pubmed6.xml')).records;
  assert.ok(m!.abstract!.includes('oxygen uptake ( V.O2max )'));
  assert.equal(m!.ids.pmcid, 'PMC6079548');
  const bom = await readFixture('pubmed-xml/pubmed_result_106articles_2015dtd_bom.xml.gz');
  assert.equal(bom.records.filter((x) => x.authors.length === 0).length, 1);
  const legacy = await readFixture('pubmed-xml/medline16n0902_MedlineCitationSet.xml.gz');
  assert.equal(legacy.records.filter((x) => !x.abstract).length, 78);
  assert.equal(legacy.records.filter((x) => x.publication_types.includes('Randomized Controlled Trial')).length, 5);
  assert.equal(legacy.records.filter((x) => x.ids.doi).length, 579); // DOIs only from ELocationID here
  assert.ok(legacy.records.every((x) => x.source_type === 'MedlineCitation'));
});

test('PubMed XML: DeleteCitation PMIDs are reported separately', async () => {
  const r = await readFixture('pubmed-xml/pubmed26n1335_update_excerpt.xml.gz');
  assert.equal(r.deleted.length, 6);
  assert.ok(r.deleted.every((p) => /^\d+$/.test(p)));
  assert.ok(!r.records.some((x) => r.deleted.includes(x.ids.pmid!)));
});

test('MEDLINE: balloon-guide set (CRLF, continuation lines, CN, LID [doi], SI NCT)', async () => {
  const r = await readFixture('medline-nbib/pubmed-balloongui-set.nbib.gz');
  const [first] = r.records;
  assert.equal(first!.ids.pmid, '30776994');
  assert.equal(first!.ids.doi, '10.1161/strokeaha.118.021126');
  assert.equal(first!.year, 2019);
  assert.equal(
    first!.title,
    'Impact of Balloon Guide Catheter Use on Clinical and Angiographic Outcomes in the STRATIS Stroke Thrombectomy Registry.',
  );
  const [single] = (await readFixture('medline-nbib/single.nbib')).records;
  assert.equal(single!.ids.pmid, '28754806');
  assert.equal(single!.ids.doi, '10.1136/neurintsurg-2017-013179');
  assert.equal(single!.year, 2018);
  assert.deepEqual(single!.authors.slice(0, 3), ['Brinjikji W', 'Pereira VM', 'Kallmes DF']);
  assert.equal(r.records.filter((x) => x.abstract).length, 70);
  assert.equal(r.records.filter((x) => x.publication_types.includes('Randomized Controlled Trial')).length, 1);
  const cn = r.records.flatMap((x) => x.authors).filter((a) => !/ [A-Z]{1,4}$/.test(a));
  assert.ok(cn.length >= 3, `collective names: ${cn.join(' | ')}`);
  assert.ok(r.records.every((x) => x.journal));
});

test('MEDLINE: PMC export variant and the book chapter', async () => {
  const pmc = await readFixture('medline-nbib/pmc_medlars_export.txt');
  assert.equal(pmc.records[0]!.ids.pmcid, 'PMC6055010');
  assert.equal(pmc.records[0]!.ids.pmid, '30042925');
  assert.equal(pmc.records[0]!.abstract, null); // "AB  - " empty, then OAB
  assert.equal(
    pmc.records[0]!.title,
    'A method package for electrophysiological evaluation of reconstructed or regenerated facial nerves in rodents.',
  );
  const [book] = (await readFixture('medline-nbib/marcelis-20301770_book_chapter.nbib')).records;
  assert.equal(book!.ids.pmid, '20301770');
  assert.equal(book!.title, 'Feingold Syndrome 1.');
  assert.equal(book!.journal, 'GeneReviews(®)');
  assert.equal(book!.source_type, 'Book');
  assert.ok(book!.abstract!.startsWith('CLINICAL CHARACTERISTICS: Feingold syndrome 1'));
  assert.ok(book!.abstract!.includes('\nDIAGNOSIS/TESTING: '));
});

test('RIS: exporter variants', async () => {
  // Ovid numbered records, DOI as a dx.doi.org URL
  const ovid = await readFixture('ris/ovid_cab_numbered_4_synthesisr.ris');
  assert.equal(ovid.records[0]!.ids.doi, '10.4236/ojf.2020.101008');
  assert.equal(ovid.records[0]!.title, 'Detection of retention trees on clearcuts, a 50-year perspective.');
  assert.deepEqual(ovid.records[0]!.authors.slice(0, 2), ['Holmstrom E', 'Nordstrom E']);
  assert.equal(ovid.records[0]!.year, 2020);
  // AB  - NA is no abstract; untagged KW continuation lines are separate keywords
  const agris = await readFixture('ris/agris_12_bom_citesource.ris');
  assert.ok(agris.records.every((x) => x.abstract === null));
  assert.deepEqual(agris.records[0]!.keywords.slice(0, 3), ['species', 'drug plants', 'traditional uses']);
  assert.deepEqual(agris.records[0]!.authors, ['Ahmad SS', 'Husain SZ']);
  // malformed year stays unknown
  const faulty = await readFixture('ris/asreview_faulty_year_1.ris');
  assert.equal(faulty.records[0]!.year, null);
  // Dimensions: PMID/PMCID in U1, structured abstract on several lines
  const dim = await readFixture('ris/dimensions_246_citesource.ris.gz');
  assert.equal(dim.records[0]!.ids.pmid, '35957633');
  assert.equal(dim.records[0]!.ids.pmcid, 'PMC9359172');
  assert.ok(dim.records[0]!.abstract!.split('\n')[1]!.startsWith('Objective: '));
  // WoS RIS: <i> stripped from titles
  const wos = await readFixture('ris/wos_642_bom_citesource_shinytest1.ris.gz');
  assert.ok(wos.records.every((x) => !/<\/?i>/.test(x.title ?? '')));
  // Lens: HTML paragraphs removed
  const lens = await readFixture('ris/citesource-gambling-harms-multidb/20221207_gambling-harms_lens_49.ris');
  assert.ok(lens.records.every((x) => !/<\/?p>/.test(x.abstract ?? '')));
  // EBSCO (Criminal Justice Abstracts) puts the DOI in L3
  const cj = await readFixture('ris/citesource-gambling-harms-multidb/20221207_gambling-harms_crimjust_41.ris.gz');
  assert.equal(cj.records[0]!.ids.doi, '10.1080/16066359.2020.1867111');
});

test('WoS plain text: authors one per line, DOI, PMID, headed abstract sections', async () => {
  const r = await readFixture('ris/wos-plaintext/wos_5_synthesisr.ciw');
  assert.equal(r.records[0]!.authors[0], 'Li W');
  assert.equal(r.records[0]!.authors.length, 10);
  assert.equal(r.records[0]!.ids.doi, '10.1080/20964129.2020.1722034');
  assert.equal(r.records[0]!.year, 2020);
  const full = await readFixture('ris/wos-plaintext/wos_fullrecord_12_knh11545.txt');
  assert.ok(full.records[0]!.abstract!.startsWith('Background: Leprosy is a condition'));
  assert.ok(full.records[0]!.abstract!.includes('\nMethods: '));
});

const CTGOV: Record<
  string,
  { status: string; phases: string[]; count: number | null; type: string | null; results: boolean }
> = {
  'ctgov-json/NCT00973089.json': { status: 'withdrawn', phases: [], count: 0, type: 'actual', results: false },
  'ctgov-json/NCT03475563.json': { status: 'unknown', phases: [], count: null, type: 'estimated', results: false },
  'ctgov-json/NCT02210780.json': { status: 'completed', phases: ['phase2'], count: 194, type: 'actual', results: true },
};

test('ClinicalTrials.gov v2: status, phase, enrollment for every JSON fixture', async () => {
  for (const p of fixturesUnder('ctgov-json').filter((x) => !x.includes('/'.concat('legacy')))) {
    const [rec] = (await readFixture(p)).records;
    assert.ok(rec?.registry, p);
    const nct = p.match(/NCT\d{8}/)![0];
    assert.deepEqual(rec.ids.nct.slice(0, 1), [nct]);
    const exp = CTGOV[p];
    if (exp) {
      assert.equal(rec.registry.status, exp.status, p);
      assert.deepEqual(rec.registry.phases, exp.phases, p);
      if (exp.count !== null) assert.equal(rec.registry.enrollment.count, exp.count, p);
      assert.equal(rec.registry.enrollment.type, exp.type, p);
      assert.equal(rec.registry.has_results, exp.results, p);
    }
  }
});

test('ClinicalTrials.gov v2: posted results are summarized', async () => {
  const [cz] = (await readFixture('ctgov-json/NCT02552212.json.gz')).records;
  const res = cz!.registry!.results!;
  assert.equal(cz!.registry!.phases[0], 'phase3');
  assert.equal(res.outcome_measures.length, 31);
  assert.equal(res.adverse_events!.groups.length, 5);
  assert.equal(res.adverse_events!.serious_terms, 36);
  assert.equal(res.adverse_events!.other_terms, 9);
  assert.ok(cz!.registry!.references.length >= 4);
  const [dup] = (await readFixture('ctgov-json/NCT02210780.json')).records;
  const d = dup!.registry!.results!;
  assert.equal(d.outcome_measures.length, 11);
  assert.deepEqual(
    d.participant_flow!.groups.map((g) => g.started),
    [97, 97],
  );
  assert.equal(d.adverse_events!.serious_terms, 3);
  assert.equal(d.adverse_events!.other_terms, 6);
  assert.equal(d.outcome_measures[0]!.measurements[0]!.value, '83.7');
  const [pilot] = (await readFixture('ctgov-json/NCT00763412.json')).records;
  assert.equal(pilot!.registry!.results!.outcome_measures.length, 9);
  assert.equal(
    pilot!.registry!.results!.adverse_events!.serious_terms + pilot!.registry!.results!.adverse_events!.other_terms,
    0,
  );
  const [obs] = (await readFixture('ctgov-json/NCT05594173.json')).records;
  assert.equal(obs!.registry!.study_type, 'observational');
  assert.equal(obs!.registry!.results!.outcome_measures.length, 2);
  const [dev] = (await readFixture('ctgov-json/NCT04207047.json')).records;
  assert.equal(dev!.registry!.arms.length, 4);
});

test('ClinicalTrials.gov classic JSON and legacy XML of the same study agree', async () => {
  const [j] = (
    await readFixture('ctgov-json/legacy-classic-api-json/NCT00023673_FullStudiesResponse_with_results.json.gz')
  ).records;
  const [x] = (await readFixture('ctgov-json/legacy-xml/NCT00023673.xml')).records;
  for (const rec of [j!, x!]) {
    assert.deepEqual(rec.ids.nct, ['NCT00023673']);
    assert.equal(rec.registry!.status, 'completed');
    assert.deepEqual(rec.registry!.phases, ['phase1', 'phase2']);
    assert.deepEqual(rec.registry!.enrollment, { count: 63, type: 'actual' });
    assert.equal(rec.registry!.results!.outcome_measures.length, 6);
    assert.equal(rec.registry!.arms.length, 4);
    assert.equal(rec.year, 2001);
  }
  assert.equal(j!.title, x!.title);
  assert.deepEqual(
    j!.registry!.results!.participant_flow!.groups.map((g) => g.started),
    x!.registry!.results!.participant_flow!.groups.map((g) => g.started),
  );
  assert.deepEqual(j!.registry!.references, x!.registry!.references);
});

test('ClinicalTrials.gov legacy XML: statuses, anticipated enrollment, withheld record', async () => {
  const get = async (n: string) =>
    (await readFixture(`ctgov-json/legacy-xml/${n}.xml${n === 'NCT01642004' ? '.gz' : ''}`)).records[0]!.registry!;
  assert.equal((await get('NCT01642004')).status, 'active-not-recruiting');
  assert.deepEqual((await get('NCT01642004')).phases, ['phase3']);
  assert.equal((await get('NCT01642004')).results!.outcome_measures.length, 13);
  assert.deepEqual((await get('NCT03840122')).enrollment, { count: 100, type: 'estimated' });
  assert.equal((await get('NCT03840122')).status, 'not-yet-recruiting');
  const withheld = await get('NCT03182660');
  assert.equal(withheld.status, 'unknown');
  assert.equal(withheld.status_raw, 'Withheld');
  assert.equal((await get('NCT03245528')).status_raw, 'Available');
  assert.ok((await get('NCT02438137')).references.length >= 10);
});
