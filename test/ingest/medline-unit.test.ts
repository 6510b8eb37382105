// Unit tests of the MEDLINE/.nbib reader (src/ingest/medline.ts). Field meanings from NLM's "MEDLINE/PubMed Data
// Element (Field) Descriptions": PMID, PMC, TI, BTI, AB, AU, FAU, CN, OWN, VI, IP, PG, LID/AID "[doi]", PT, MH
// (descriptor/qualifier, "*" = major topic), OT, LA, DP, DEP, JT, TA, SI, STAT. Expected values are read from
// the fixture single.nbib (holub008/nbib) or worked out by hand from small inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { medlineRecord, readMedline } from '../../src/ingest/medline.ts';
import type { ImportedRecord, ReadEvent } from '../../src/ingest/record.ts';
import { chunksOf, fixture } from './helpers.ts';

type Field = [string, string];

async function events(text: string): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const e of readMedline(chunksOf(Buffer.from(text, 'utf8')))) out.push(e);
  return out;
}

async function brief(text: string): Promise<(string | [number, string])[]> {
  return (await events(text)).map((e) =>
    e.type === 'record'
      ? `record@${e.record.line}: ${e.record.ids.pmid ?? e.record.title}`
      : e.type === 'error'
        ? [e.line, e.message]
        : e.type,
  );
}

const rec = (fields: Field[]): ImportedRecord => medlineRecord(fields, 'raw', 1);

describe('MEDLINE record fields', () => {
  test('single.nbib (holub008/nbib), every field read from its text', async () => {
    const text = readFileSync(fixture('medline-nbib/single.nbib'), 'utf8');
    const ev = await events(text);
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0], {
      type: 'record',
      record: {
        format: 'medline',
        source_type: 'PubMed',
        ids: { pmid: '28754806', doi: '10.1136/neurintsurg-2017-013179', nct: [], pmcid: null },
        title:
          'Impact of balloon guide catheter on technical and clinical outcomes: a systematic review and meta-analysis.',
        year: 2018,
        authors: ['Brinjikji W', 'Pereira VM', 'Kallmes DF'],
        journal: 'Journal of neurointerventional surgery',
        volume: '10',
        issue: '4',
        pages: '335-339',
        abstract:
          'BACKGROUND AND PURPOSE: Flow arrest with balloon guide catheters (BGCs) is becoming increasingly recognized as critical to optimizing patient outcomes for mechanical thrombectomy. And I could go on...',
        publication_types: ['Journal Article', 'Meta-Analysis', 'Review', 'Systematic Review'],
        mesh: ['Aged', 'Brain Ischemia', 'Clinical Trials as Topic'],
        keywords: ['mechanical thrombectomy', 'stroke'],
        language: 'eng',
        database: 'PubMed (MEDLINE)',
        registry: null,
        raw: text.replace(/\n+$/, ''),
        line: 1,
      },
    });
  });

  test('PMID must be digits, the first one counts; PMC the first non-empty', () => {
    const r = rec([
      ['PMID', 'abc'],
      ['PMID', '123'],
      ['PMID', '456'],
      ['PMC', ''],
      ['PMC', 'PMC9'],
      ['PMC', 'PMC10'],
    ]);
    assert.deepEqual([r.ids.pmid, r.ids.pmcid], ['123', 'PMC9']);
  });

  test('the source type: Book for a BTI, PubMed with a PMID, PMC with only a PMCID', () => {
    assert.equal(rec([['PMID', '1']]).source_type, 'PubMed');
    assert.equal(rec([['PMC', 'PMC1']]).source_type, 'PMC');
    assert.equal(
      rec([
        ['PMID', '1'],
        ['BTI', 'GeneReviews'],
      ]).source_type,
      'Book',
    );
    assert.equal(rec([['TI', 'x']]).source_type, null);
  });

  test('title: TI, else BTI; a chapter (TI and BTI) has the book as its journal', () => {
    const chapter = rec([
      ['TI', 'Chapter'],
      ['BTI', 'GeneReviews'],
    ]);
    assert.deepEqual([chapter.title, chapter.journal], ['Chapter', 'GeneReviews']);
    const book = rec([['BTI', 'GeneReviews']]);
    assert.deepEqual([book.title, book.journal], ['GeneReviews', null]);
    assert.equal(rec([['TI', '']]).title, null);
  });

  test('journal: JT, else TA (the first non-empty of each)', () => {
    assert.equal(
      rec([
        ['TA', 'Spine'],
        ['JT', ''],
        ['JT', 'Spine (Phila Pa 1976)'],
        ['JT', 'Other'],
      ]).journal,
      'Spine (Phila Pa 1976)',
    );
    assert.equal(
      rec([
        ['TA', ''],
        ['TA', 'Spine J'],
        ['TA', 'Other'],
        ['TI', 'T'],
        ['BTI', 'B'],
      ]).journal,
      'Spine J',
    );
  });

  test('a run-on structured abstract is split at its labels; white space squashed', () => {
    assert.equal(
      rec([['AB', 'BACKGROUND:  One.   METHODS: Two. NCT01234567']]).abstract,
      'BACKGROUND: One.\nMETHODS: Two. NCT01234567',
    );
    assert.deepEqual(rec([['AB', 'Registered NCT01234567.']]).ids.nct, ['NCT01234567']);
    assert.equal(rec([['AB', '']]).abstract, null);
  });

  test('authors: AU as written, AU with a comma normalised, CN kept, "et al." dropped', () => {
    assert.deepEqual(
      rec([
        ['AU', 'Gout I'],
        ['AU', 'et al.'],
        ['AU', ''],
        ['CN', 'SYGMA 1 Investigators'],
        ['AU', 'van Groen, Maaike M.'],
        ['FAU', 'Ignored, Full'],
      ]).authors,
      ['Gout I', 'SYGMA 1 Investigators', 'van Groen MM'],
    );
  });

  test('FAU full names are used only when there is no AU or CN', () => {
    assert.deepEqual(
      rec([
        ['FAU', 'Brinjikji, Waleed'],
        ['FAU', 'et al'],
        ['FAU', ''],
        ['FAU', 'Kallmes, David F'],
      ]).authors,
      ['Brinjikji W', 'Kallmes DF'],
    );
    assert.deepEqual(
      rec([
        ['CN', 'Group'],
        ['FAU', 'Brinjikji, Waleed'],
      ]).authors,
      ['Group'],
    );
  });

  test('volume, issue, pages and language: the first non-empty value', () => {
    const r = rec([
      ['VI', ''],
      ['VI', '10'],
      ['VI', '11'],
      ['IP', ''],
      ['IP', '4'],
      ['IP', '5'],
      ['PG', ''],
      ['PG', '335-9'],
      ['PG', '1-2'],
      ['LA', ''],
      ['LA', 'eng'],
      ['LA', 'fre'],
    ]);
    assert.deepEqual([r.volume, r.issue, r.pages, r.language], ['10', '4', '335-9', 'eng']);
  });

  test('DOI: a LID or AID ending in "[doi]", or a doi.org link (ERIC); "[pii]" is not a DOI', () => {
    assert.equal(
      rec([
        ['AID', 'S0140-6736(18)30045-1 [pii]'],
        ['LID', '10.1000/ABC [doi]'],
        ['AID', '10.1000/other [doi]'],
      ]).ids.doi,
      '10.1000/abc',
    );
    assert.equal(rec([['AID', 'http://dx.doi.org/10.1000/eric']]).ids.doi, '10.1000/eric');
    assert.equal(rec([['AID', '10.1000/nodoimark']]).ids.doi, null);
    assert.equal(
      rec([
        ['AID', 'http://dx.doi.org/10.1000/first'],
        ['AID', 'http://dx.doi.org/10.1000/second'],
      ]).ids.doi,
      '10.1000/first',
    );
  });

  test('publication types and keywords once each; MeSH descriptors without qualifiers or "*"', () => {
    const r = rec([
      ['PT', 'Journal Article'],
      ['PT', 'Journal Article'],
      ['PT', ''],
      ['MH', '*Low Back Pain/therapy'],
      ['MH', 'Low Back Pain/*drug therapy'],
      ['MH', 'Humans*'],
      ['MH', ''],
      ['OT', 'PRP'],
      ['OT', 'PRP'],
      ['OT', ''],
    ]);
    assert.deepEqual(r.publication_types, ['Journal Article']);
    assert.deepEqual(r.mesh, ['Low Back Pain', 'Humans']);
    assert.deepEqual(r.keywords, ['PRP']);
  });

  test('year from DP (the first one that is given)', () => {
    assert.equal(
      rec([
        ['DEP', '20170728'],
        ['DP', '2018 Apr'],
        ['DP', '2019'],
      ]).year,
      2018,
    );
    assert.equal(
      rec([
        ['DP', ''],
        ['DP', '2015'],
      ]).year,
      2015,
    );
  });

  test('NCT ids from SI only for ClinicalTrials.gov', () => {
    assert.deepEqual(
      rec([
        ['SI', 'ClinicalTrials.gov/NCT01234567'],
        ['SI', 'ISRCTN/NCT07654321'],
      ]).ids.nct,
      ['NCT01234567'],
    );
  });

  test('database: "PubMed (STAT)" for PubMed owners, the owner itself otherwise', () => {
    assert.equal(
      rec([
        ['STAT', ''],
        ['STAT', 'MEDLINE'],
        ['STAT', 'Other'],
      ]).database,
      'PubMed (MEDLINE)',
    );
    for (const own of ['NLM', 'nasa', 'PIP', 'KIE', 'NOTNLM', 'HHS', 'HMD', 'HSR', 'PUBMED']) {
      assert.equal(
        rec([
          ['OWN', own],
          ['STAT', 'Publisher'],
        ]).database,
        'PubMed (Publisher)',
        own,
      );
    }
    const eric = rec([
      ['OWN', ''],
      ['OWN', 'ERIC'],
      ['OWN', 'NLM'],
      ['STAT', 'x'],
      ['TI', 'T'],
    ]);
    assert.deepEqual([eric.database, eric.source_type], ['ERIC', 'ERIC']);
    assert.equal(rec([['OWN', 'NLMX']]).database, 'NLMX');
    assert.equal(rec([['TI', 'x']]).database, null);
  });
});

describe('MEDLINE line grammar', () => {
  test('a blank line ends a record; continuation lines join with one space', async () => {
    const ev = await events('PMID- 1\nTI  - A long\n      title\n\n\nPMID- 2\nTI  - B\n');
    const recs = ev.flatMap((e) => (e.type === 'record' ? [e.record] : []));
    assert.deepEqual(
      recs.map((r) => [r.line, r.ids.pmid, r.title, r.raw]),
      [
        [1, '1', 'A long title', 'PMID- 1\nTI  - A long\n      title'],
        [6, '2', 'B', 'PMID- 2\nTI  - B'],
      ],
    );
    assert.equal(ev.length, 2);
  });

  test('a second PMID- or PMC - tag starts a new record', async () => {
    assert.deepEqual(await brief('PMID- 1\nTI  - A\nPMID- 2\nTI  - B\n'), ['record@1: 1', 'record@3: 2']);
    assert.deepEqual(
      (await events('PMC - PMC1\nTI  - A\nPMC - PMC2\n')).map((e) => (e.type === 'record' ? e.record.ids.pmcid : '')),
      ['PMC1', 'PMC2'],
    );
  });

  test('four-letter tags with " - " (ERIC "ISSN - ") and values without a space after the dash', async () => {
    const ev = await events('OWN - ERIC\nISSN - 1234-5678\nTI  -Glued\nAU  - Smith, John\n');
    assert.equal(ev.length, 1);
    const r = ev[0]!.type === 'record' ? ev[0]!.record : null;
    assert.deepEqual([r?.title, r?.authors, r?.database], ['Glued', ['Smith J'], 'ERIC']);
  });

  test('lines that are not MEDLINE are reported once until the next tag line', async () => {
    assert.deepEqual(
      await brief(`junk one ${'y'.repeat(50)}\njunk two\nPMID- 1\nbad  line\nalso bad\nTI  - A\nbad again\n`),
      [
        // "junk one " is 9 characters, then 31 y: 40
        [1, `not a MEDLINE line: "junk one ${'y'.repeat(31)}"`],
        [4, 'not a MEDLINE line: "bad line"'],
        [7, 'not a MEDLINE line: "bad again"'],
        'record@3: 1',
      ],
    );
  });

  test('an indented line before any record is not a continuation', async () => {
    assert.deepEqual(await brief('   indented\nPMID- 5\n'), [[1, 'not a MEDLINE line: "indented"'], 'record@2: 5']);
  });

  test('a dash in column 5 with a lower-case tag, or in column 6 without a space before it, is not a tag', async () => {
    assert.deepEqual(await brief('PMID- 1\nab  - x\nABCDE- y\n'), [[2, 'not a MEDLINE line: "ab - x"'], 'record@1: 1']);
  });

  test('a tag with no value, in five or six columns, is a tag line', async () => {
    const ev = await events('PMID- 1\nAB  -\nISSN -\nTI  - T\n');
    assert.deepEqual(
      ev.map((e) => (e.type === 'record' ? [e.record.ids.pmid, e.record.abstract, e.record.title] : e)),
      [['1', null, 'T']],
    );
  });

  test('a tab-indented line continues the field; U+2028 inside a value is a character', async () => {
    const ev = await events('PMID- 1\nTI  - One\n\ttwo\nAB  - a\u2028b\n');
    assert.deepEqual(
      ev.map((e) => (e.type === 'record' ? [e.record.title, e.record.abstract] : e)),
      [['One two', 'a b']],
    );
  });

  test('CRLF and white-space-only lines', async () => {
    assert.deepEqual(await brief('PMID- 1\r\nTI  - A\r\n  \t \r\nPMID- 2\r\n'), ['record@1: 1', 'record@4: 2']);
  });
});
