// Regression tests for the import review's ranked bugs B1–B15 (docs/reference/import-review.md). Each input is
// the smallest one that shows the bug; the expected values are what the source file says (its DOI, its
// PMID, its authors), or what the peer project that found the case expects (named at each test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { duplicateReason } from '../../src/ingest/dedupe.ts';
import { collect } from '../../src/ingest/read.ts';
import { authorSurnameFirst, normalizeDoi, recordCitation } from '../../src/ingest/record.ts';
import { fixture, readFixture } from './helpers.ts';

const read = (text: string | Buffer, opts: Parameters<typeof collect>[1] = {}) =>
  collect(
    (async function* () {
      yield typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    })(),
    opts,
  );

// Two real SICI DOIs of one issue of Cancer (vol. 86, 1999), as Web of Science lists them.
const SICI_A = '10.1002/(SICI)1097-0142(19991015)86:8<1557::AID-CNCR24>3.0.CO;2-2';
const SICI_B = '10.1002/(SICI)1097-0142(19991015)86:8<1565::AID-CNCR25>3.0.CO;2-O';

describe('B1 SICI DOIs are kept whole', () => {
  test('normalizeDoi keeps the <…> part, from text, entities and URL encoding', () => {
    assert.equal(normalizeDoi(SICI_A), SICI_A.toLowerCase());
    assert.equal(normalizeDoi(`https://doi.org/${encodeURIComponent(SICI_A)}`), SICI_A.toLowerCase());
    assert.equal(normalizeDoi(`doi: ${SICI_A}.`), SICI_A.toLowerCase());
    // markup around a plain DOI is still not part of it
    assert.equal(normalizeDoi('<a href="x">10.1000/xyz123</a>'), '10.1000/xyz123');
  });

  test('two papers of one issue are not linked as duplicates (RIS)', async () => {
    const r = await read(
      `TY  - JOUR\nTI  - First paper of the issue\nDO  - ${SICI_A}\nER  - \nTY  - JOUR\nTI  - Second paper\nDO  - ${SICI_B}\nER  - \n`,
    );
    assert.deepEqual(
      r.records.map((x) => x.ids.doi),
      [SICI_A.toLowerCase(), SICI_B.toLowerCase()],
    );
    assert.equal(duplicateReason(r.records[0]!, r.records[1]!), null);
  });

  test('PubMed XML with &lt; &gt; entities', async () => {
    const esc = SICI_A.replace('<', '&lt;').replace('>', '&gt;');
    const xml = `<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>10547516</PMID><Article><Journal><Title>Cancer</Title></Journal><ArticleTitle>T</ArticleTitle></Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="doi">${esc}</ArticleId></ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>`;
    const r = await read(xml);
    assert.equal(r.records[0]!.ids.doi, SICI_A.toLowerCase());
  });

  test('Web of Science DI', async () => {
    const r = await read(`FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A paper\nDI ${SICI_A}\nER\nEF\n`);
    assert.equal(r.records[0]!.ids.doi, SICI_A.toLowerCase());
  });
});

describe('B2 author names without a comma become "Surname I"', () => {
  test('the forms the review found', () => {
    assert.equal(authorSurnameFirst('Liu R.'), 'Liu R');
    assert.equal(authorSurnameFirst('Adler D.G.'), 'Adler DG');
    assert.equal(authorSurnameFirst('Fanning E.'), 'Fanning E');
    assert.equal(authorSurnameFirst('A. Author-One'), 'Author-One A');
    assert.equal(authorSurnameFirst('John Smith'), 'Smith J');
    assert.equal(authorSurnameFirst('Smith JH'), 'Smith JH');
    assert.equal(authorSurnameFirst('Maaike M. van Groen'), 'van Groen MM');
    // collective names stay as written
    assert.equal(authorSurnameFirst('SYGMA 1 Investigators'), 'SYGMA 1 Investigators');
    assert.equal(authorSurnameFirst('North American Spine Society'), 'North American Spine Society');
    assert.equal(authorSurnameFirst('Cochrane Back Review Group'), 'Cochrane Back Review Group');
  });

  test('an Embase record and its PubMed twin are linked on title + year + first author', async () => {
    const pubmed = await read(
      'PMID- 31000001\nTI  - Platelet-rich plasma injections for discogenic low back pain: a trial.\nDP  - 2020 Jan\nAU  - Adler DG\nAU  - Liu R\n\n',
    );
    const embase = await read(
      'TY  - JOUR\nT1  - Platelet-rich plasma injections for discogenic low back pain: a trial\nA1  - Adler D.G.\nA1  - Liu R.\nY1  - 2020//\nER  - \n',
    );
    assert.deepEqual(embase.records[0]!.authors, ['Adler DG', 'Liu R']);
    assert.equal(duplicateReason(embase.records[0]!, pubmed.records[0]!)?.reason, 'title-year-author');
  });
});

describe('B3 U+2028 and U+2029 inside a line are characters', () => {
  for (const [name, sep] of [
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
  ] as const) {
    test(`RIS title with ${name}`, async () => {
      const r = await read(`TY  - JOUR\nT1  - Part one:${sep}part two\nER  - \n`);
      assert.deepEqual(r.errors, []);
      assert.equal(r.records[0]!.title, 'Part one: part two');
    });
  }
  test('MEDLINE and WoS', async () => {
    const m = await read('PMID- 1\nTI  - A\u2028B\nAB  - Abstract\u2029text.\n\n');
    assert.deepEqual(m.errors, []);
    assert.equal(m.records[0]!.title, 'A B');
    assert.equal(m.records[0]!.abstract, 'Abstract text.');
    const w = await read('FN Clarivate Analytics Web of Science\nPT J\nTI A\u2028B\nER\n');
    assert.deepEqual(w.errors, []);
    assert.equal(w.records[0]!.title, 'A B');
  });
});

describe('B4 PMIDs in RIS', () => {
  test('EndNote export of PubMed: AN with database NLM', async () => {
    const r = await read('TY  - JOUR\nAN  - 33355555\nDP  - NLM\nTI  - A title\nER  - \n');
    assert.equal(r.records[0]!.ids.pmid, '33355555');
  });
  test('ASReview pubmed_endnote.txt: 6 records (its test_readers.py), each with the PMID its AN line gives', async () => {
    const file = 'ris/pubmed_via_endnote_6_asreview.ris';
    const r = await readFixture(file);
    const an = [...readFileSync(fixture(file), 'utf8').matchAll(/^AN {2}- (\d+)/gm)].map((m) => m[1]);
    assert.equal(r.records.length, 6);
    assert.deepEqual(
      r.records.map((x) => x.ids.pmid),
      an,
    );
  });
  test('a four-letter "PMID  -" tag is read, never glued onto the field before it', async () => {
    const r = await read(
      'TY  - JOUR\nPMID  - 33355554\nTI  - Injections for low back pain\nER  - \nTY  - JOUR\nTI  - Injections for low back pain\nPMID  - 33355555\nAB  - An abstract.\nPMID- 33355556\nER  - \n',
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.records.map((x) => [x.ids.pmid, x.title, x.abstract]),
      [
        ['33355554', 'Injections for low back pain', null],
        ['33355555', 'Injections for low back pain', 'An abstract.'],
      ],
    );
  });
});

describe('B5 MEDLINE-tagged files without PMID (ERIC)', () => {
  test('recognised, names normalised, http DOI taken, source not "PubMed"', async () => {
    const r = await read(
      'OWN - ERIC\nTI  - A report\nAU  - van Groen, Maaike M.\nAU  - Eggen, Theo J. H. M.\nAID - http://dx.doi.org/10.1000/eric.1\nDP  - 2020\n\nOWN - ERIC\nTI  - Another\nDP  - 2019\n\n',
    );
    assert.equal(r.format, 'medline');
    assert.equal(r.records.length, 2);
    assert.deepEqual(r.records[0]!.authors, ['van Groen MM', 'Eggen TJHM']);
    assert.equal(r.records[0]!.ids.doi, '10.1000/eric.1');
    assert.equal(r.records[0]!.database, 'ERIC');
  });
});

test('B6 "et al." is never an author', async () => {
  const m = await read('PMID- 1\nTI  - T\nAU  - et al.\nAU  - Gout I\nAU  - et al.\n\n');
  assert.deepEqual(m.records[0]!.authors, ['Gout I']);
  const r = await read('TY  - JOUR\nAU  - et al\nAU  - Smith, J.\nAU  - Et Al.\nER  - \n');
  assert.deepEqual(r.records[0]!.authors, ['Smith J']);
});

test('B7 ";"-separated RIS keywords are split', async () => {
  const r = await read('TY  - JOUR\nKW  - low back pain; PRP;  disc\nKW  - Keyword4\nKeyword5; Keyword6\nER  - \n');
  assert.deepEqual(r.records[0]!.keywords, ['low back pain', 'PRP', 'disc', 'Keyword4', 'Keyword5', 'Keyword6']);
});

describe('B8–B9 WoS continuation lines', () => {
  test('B8 unindented continuation lines (BIOSIS) belong to the field before them', async () => {
    const r = await read(
      'FN Thomson Reuters Web of Knowledge\nVR 1.0\nPT J\nTI Importance of methane-derived carbon\nfor two consumers\nAU Medvedeff, Cassandra A.\nHershey, Anne E.\nAB Microbial processing\nof detritus.\nPY 2013\nER\nEF\n',
    );
    assert.deepEqual(r.errors, []);
    const rec = r.records[0]!;
    assert.equal(rec.title, 'Importance of methane-derived carbon for two consumers');
    assert.deepEqual(rec.authors, ['Medvedeff CA', 'Hershey AE']);
    assert.equal(rec.abstract, 'Microbial processing of detritus.');
  });
  test('B9 continuation lines after a malformed line are not added to the field before it', async () => {
    const r = await read(
      'FN Thomson Reuters Web of Science\nVR 1.0\nPT J\nAUGilles, H\n   Girard, S\n   Hamel, J\nAF Gilles, H\n   Girard, S\nTI Simple technique\nER\nEF\n',
    );
    assert.equal(r.records[0]!.source_type, 'J');
    assert.deepEqual(r.records[0]!.authors, ['Gilles H', 'Girard S']);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.line, 4);
  });
});

test('B11 a ClinicalTrials.gov object without an NCT id is an error naming its line', async () => {
  const r = await read(
    '{"studies":[\n{"protocolSection":{"identificationModule":{"nctId":"NCT00000001","briefTitle":"A"}}},\n{"protocolSection":{"statusModule":{"overallStatus":"COMPLETED"}}}\n]}\n',
  );
  assert.equal(r.records.length, 1);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.line, 3);
  assert.match(r.errors[0]!.message, /nctId/);
  const single = await read('{"protocolSection":{"descriptionModule":{"briefSummary":"x"}}}');
  assert.equal(single.records.length, 0);
  assert.match(single.errors[0]!.message, /nctId/);
});

test('B12 RIS ST is the title when there is no TI/T1', async () => {
  const r = await read('TY  - JOUR\nST  - Short title only\nER  - \nTY  - JOUR\nTI  - Full\nST  - Short\nER  - \n');
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['Short title only', 'Full'],
  );
});

test('B13 RIS year: DA before the deprecated Y1; Y2 (access date) is never the year', async () => {
  const r = await read(
    'TY  - JOUR\nY1  - 1900/01/01\nDA  - 1950/01/01\nER  - \nTY  - JOUR\nY2  - 2014/12/17\nER  - \nTY  - JOUR\nPY  - 2009\nDA  - 2010\nER  - \n',
  );
  assert.deepEqual(
    r.records.map((x) => x.year),
    [1950, null, 2009],
  );
});

test('B14 CR-only line endings (classic Mac)', async () => {
  const m = await read('PMID- 1\rTI  - One\r\rPMID- 2\rTI  - Two\r');
  assert.deepEqual(m.errors, []);
  assert.deepEqual(
    m.records.map((x) => x.title),
    ['One', 'Two'],
  );
  const r = await read('TY  - JOUR\rTI  - A\rER  - \rTY  - JOUR\rTI  - B\rER  - \r');
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['A', 'B'],
  );
  const w = await read('FN Clarivate\rPT J\rTI A\r   continued\rER\rEF\r');
  assert.equal(w.records[0]!.title, 'A continued');
});

test('B11 a clinical_study XML without nct_id is an error too', async () => {
  const r = await read(
    '<?xml version="1.0"?>\n<clinical_study>\n<brief_title>No id</brief_title>\n<overall_status>Completed</overall_status>\n</clinical_study>\n',
  );
  assert.equal(r.records.length, 0);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /nct_id/);
});

test('B15 the legacy XML and the classic JSON of one study agree (AACT ships NCT00023673 in both)', async () => {
  const xml = (await readFixture('ctgov-json/legacy-xml/NCT00023673.xml')).records[0]!;
  const json = (
    await readFixture('ctgov-json/legacy-classic-api-json/NCT00023673_FullStudiesResponse_with_results.json.gz')
  ).records[0]!;
  assert.equal(xml.abstract, json.abstract);
  assert.match(xml.abstract!, /tumor cells\.\n\nPURPOSE: /);
  assert.deepEqual(xml.registry!.arms, json.registry!.arms);
  assert.deepEqual(xml.registry!.arms[0]!.interventions, [
    'Drug: carboplatin',
    'Drug: paclitaxel',
    'Radiation: three-dimensional conformal radiation therapy',
  ]);
  for (const k of ['title', 'year', 'ids', 'source_type'] as const) assert.deepEqual(xml[k], json[k], k);
  assert.deepEqual(xml.registry!.outcomes, json.registry!.outcomes);
  // Left as the sources give them: each file's own result group ids (XML "P1", JSON "FG000") and the order in
  // which an intervention lists its arms.
  for (const k of ['status', 'phases', 'enrollment', 'conditions', 'dates', 'sponsor', 'has_results'] as const)
    assert.deepEqual(xml.registry![k], json.registry![k], k);
});

describe('volume, issue and pages', () => {
  test('read from every bibliographic format', async () => {
    const ris = await read('TY  - JOUR\nTI  - T\nVL  - 27\nIS  - 3\nSP  - 379\nEP  - 423\nER  - \n');
    const med = await read('PMID- 8402898\nVI  - 75\nIP  - 1\nPG  - 25-36\nTI  - T\n\n');
    const wos = await read('FN Clarivate\nPT J\nTI T\nVL 700\nIS 1\nBP 221\nEP 230\nER\nEF\n');
    const xml = await read(
      '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><JournalIssue><Volume>347</Volume><Issue>4</Issue></JournalIssue><Title>N Engl J Med</Title></Journal><ArticleTitle>T</ArticleTitle><Pagination><MedlinePgn>284-7</MedlinePgn></Pagination></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>',
    );
    assert.deepEqual(
      [ris, med, wos, xml].map((r) => [r.records[0]!.volume, r.records[0]!.issue, r.records[0]!.pages]),
      [
        ['27', '3', '379-423'],
        ['75', '1', '25-36'],
        ['700', '1', '221-230'],
        ['347', '4', '284-7'],
      ],
    );
  });

  test('a citation in NLM (Vancouver) form', () => {
    // NLM's own sample reference (ICMJE "Sample References"), without the month and day records do not keep
    assert.equal(
      recordCitation({
        authors: ['Halpern SD', 'Ubel PA', 'Caplan AL'],
        title: 'Solid-organ transplantation in HIV-infected patients.',
        journal: 'N Engl J Med',
        year: 2002,
        volume: '347',
        issue: '4',
        pages: '284-7',
      }),
      'Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected patients. N Engl J Med. 2002;347(4):284-7.',
    );
  });

  test('two letters with one title, author and year but other pages are not duplicates', async () => {
    const r = await read(
      'TY  - JOUR\nTI  - Response to the letter to the editor\nAU  - Smith, J\nPY  - 2019\nVL  - 44\nSP  - 1001\nER  - \nTY  - JOUR\nTI  - Response to the letter to the editor\nAU  - Smith, J\nPY  - 2019\nVL  - 44\nSP  - 1207\nER  - \nTY  - JOUR\nTI  - Response to the letter to the editor\nAU  - Smith J\nPY  - 2019\nVL  - 44\nSP  - 1001-2\nER  - \n',
    );
    const [a, b, c] = r.records;
    assert.equal(duplicateReason(a!, b!), null);
    assert.equal(duplicateReason(a!, c!)?.reason, 'title-year-author');
  });
});

test('review §3: "C2  - PMC…" is the PMCID (PubMed RIS via EndNote)', async () => {
  const r = await read('TY  - JOUR\nTI  - T\nC2  - PMC1373603\nER  - \n');
  assert.equal(r.records[0]!.ids.pmcid, 'PMC1373603');
});
