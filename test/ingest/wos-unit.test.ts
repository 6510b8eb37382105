// Unit tests of the Web of Science tagged plain-text reader (src/ingest/wos.ts). Field tags from Clarivate's
// "Web of Science Core Collection field tags" list: FN/VR file header, PT publication type, AU/AF authors, CA
// group author, TI, SO, PY/PD/EA dates, VL, IS, BP/EP/AR pages, AB, DI, PM, DE/ID keywords, LA, DT, ER end of
// record, EF end of file; continuation lines are indented by three spaces. Inputs are hand-written.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImportedRecord, ReadEvent } from '../../src/ingest/record.ts';
import { readWos, wosRecord } from '../../src/ingest/wos.ts';
import { chunksOf } from './helpers.ts';

type Field = [string, string[]];

async function events(text: string): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const e of readWos(chunksOf(Buffer.from(text, 'utf8')))) out.push(e);
  return out;
}

async function brief(text: string): Promise<(string | [number, string])[]> {
  return (await events(text)).map((e) =>
    e.type === 'record'
      ? `record@${e.record.line}: ${e.record.title}`
      : e.type === 'error'
        ? [e.line, e.message]
        : e.type,
  );
}

const records = async (text: string): Promise<ImportedRecord[]> =>
  (await events(text)).flatMap((e) => (e.type === 'record' ? [e.record] : []));

const rec = (fields: Field[]): ImportedRecord => wosRecord(fields, 'raw', 2);

describe('WoS record fields', () => {
  test('a full record, every field', async () => {
    const text =
      'FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, John\n   Doe, K.\nAF Smith, John\nCA SYGMA Group\nTI A long\n   title\nSO SPINE\nLA English\nDT Article; Review\nDE low back pain; PRP\nID PRP; injection\nAB Plain abstract\n   NCT01234567 text.\nPY 2019\nVL 44\nIS 3\nBP 221\nEP 230\nDI 10.1097/BRS.0000000000002890\nPM 30234567\nER\nEF\n';
    const recs = await records(text);
    assert.deepEqual(recs, [
      {
        format: 'wos',
        source_type: 'J',
        ids: { pmid: '30234567', doi: '10.1097/brs.0000000000002890', nct: ['NCT01234567'], pmcid: null },
        title: 'A long title',
        year: 2019,
        authors: ['Smith J', 'Doe K', 'SYGMA Group'],
        journal: 'SPINE',
        volume: '44',
        issue: '3',
        pages: '221-230',
        abstract: 'Plain abstract NCT01234567 text.',
        publication_types: ['Article', 'Review'],
        mesh: [],
        keywords: ['low back pain', 'PRP', 'injection'],
        language: 'English',
        database: 'Web of Science',
        registry: null,
        raw: text.split('\n').slice(2, 24).join('\n'),
        line: 3,
      },
    ]);
  });

  test('year: PY, else PD, else EA (early access)', () => {
    assert.equal(
      rec([
        ['EA', ['JAN 2021']],
        ['PD', ['DEC 2020']],
        ['PY', ['2019']],
      ]).year,
      2019,
    );
    assert.equal(
      rec([
        ['EA', ['JAN 2021']],
        ['PD', ['DEC 2020']],
      ]).year,
      2020,
    );
    assert.equal(rec([['EA', ['JAN 2021']]]).year, 2021);
    assert.equal(rec([['PY', ['  ']]]).year, null);
  });

  test('pages: BP-EP, BP alone when EP is equal or missing, else BIOSIS PS, else the article number', () => {
    const pages = (fields: Field[]) => rec(fields).pages;
    assert.equal(
      pages([
        ['BP', ['12']],
        ['EP', ['12']],
      ]),
      '12',
    );
    assert.equal(pages([['BP', ['12']]]), '12');
    assert.equal(
      pages([
        ['AR', ['e0815']],
        ['PS', ['221-230']],
      ]),
      '221-230',
    );
    assert.equal(pages([['AR', ['e0815']]]), 'e0815');
    assert.equal(pages([['EP', ['9']]]), null);
  });

  test('authors: AU, else AF; a BIOSIS e-mail address is dropped; CA group authors kept', () => {
    assert.deepEqual(
      rec([
        ['AF', ['Medvedeff, Cassandra A. (medvedeff22@ufl.edu)', 'Doe, Jane']],
        ['CA', ['  ', ' Group A ']],
      ]).authors,
      ['Medvedeff CA', 'Doe J', 'Group A'],
    );
    assert.deepEqual(
      rec([
        ['AU', ['Smith, J', 'et al.']],
        ['AF', ['Other, A']],
      ]).authors,
      ['Smith J'],
    );
  });

  test('a full-record abstract with headings on their own lines becomes labelled paragraphs', () => {
    assert.equal(
      rec([['AB', ['Background', 'We studied, then', 'went on.', '', 'Methods', 'Text two.']]]).abstract,
      'Background: We studied, then went on.\nMethods: Text two.',
    );
    // one heading only, or a first line that is not a heading: plain text
    assert.equal(rec([['AB', ['Background', 'Text one.']]]).abstract, 'Background Text one.');
    assert.equal(rec([['AB', ['the text', 'Methods', 'Results']]]).abstract, 'the text Methods Results');
    // a heading is at most four words
    assert.equal(
      rec([['AB', ['One Two Three Four Five', 'x', 'Methods', 'y']]]).abstract,
      'One Two Three Four Five x Methods y',
    );
    assert.equal(rec([['AB', ['', '  ']]]).abstract, null);
    assert.equal(rec([['TI', ['x']]]).abstract, null);
  });

  test('PMID only when PM is 1–9 digits', () => {
    assert.equal(rec([['PM', ['123456789']]]).ids.pmid, '123456789');
    assert.equal(rec([['PM', ['1234567890']]]).ids.pmid, null);
    assert.equal(rec([['PM', ['12a']]]).ids.pmid, null);
  });

  test('keywords from DE and ID split on ";", each once; empty parts dropped', () => {
    assert.deepEqual(
      rec([
        ['ID', ['b; c;', ' ']],
        ['DE', ['a;  b']],
      ]).keywords,
      ['a', 'b', 'c'],
    );
    assert.deepEqual(rec([['DT', ['Article;;  Proceedings Paper']]]).publication_types, [
      'Article',
      'Proceedings Paper',
    ]);
    assert.deepEqual(rec([]).publication_types, []);
  });

  test('only the first field of a tag is read', () => {
    assert.equal(
      rec([
        ['TI', ['First']],
        ['TI', ['Second']],
      ]).title,
      'First',
    );
  });
});

describe('WoS line grammar', () => {
  test('indented continuation lines join the field before them', async () => {
    const recs = await records('FN x\nVR 1.0\nPT J\nAU Smith, J\n   Doe, K\nTI A\n   title\nER\nEF\n');
    assert.deepEqual(
      recs.map((r) => [r.line, r.authors, r.title, r.raw]),
      [[3, ['Smith J', 'Doe K'], 'A title', 'PT J\nAU Smith, J\n   Doe, K\nTI A\n   title\nER']],
    );
  });

  test('a file that never indents: an untagged line continues the field (BIOSIS)', async () => {
    const ev = await events('PT J\nTI A\ntitle goes on\nAU X, Y\nER\n');
    assert.equal(ev.length, 1);
    const r = ev[0]!.type === 'record' ? ev[0]!.record : null;
    assert.deepEqual([r?.title, r?.authors], ['A title goes on', ['X Y']]);
  });

  test('once the file has indented a line, an untagged line is an error and its continuations are dropped', async () => {
    const text = 'PT J\nTI A\n   title\nbad line\n   dropped\nAU X, Y\n   Z, W\nER\n';
    assert.deepEqual(await brief(text), [[4, 'not a WoS line: "bad line"'], 'record@1: A title']);
    assert.deepEqual((await records(text))[0]?.authors, ['X Y', 'Z W']);
  });

  test('an indented line before the first record already sets the indented style', async () => {
    assert.deepEqual(await brief('   note\nPT J\nTI A\nmore\nER\n'), [[4, 'not a WoS line: "more"'], 'record@2: A']);
  });

  test('an untagged line followed by an indented one was a malformed tag line: undone and reported', async () => {
    // metaknowledge testFile.isi: "AUGilles, H" then indented author lines
    const text = 'PT J\nTI Title\nAUGilles, H\n   Hamel, S\nAU Real, A\nER\n';
    assert.deepEqual(await brief(text), [[3, 'not a WoS line (no tag)'], 'record@1: Title']);
    assert.deepEqual((await records(text))[0]?.authors, ['Real A']);
  });

  test('a line of spaces only does not show the indented style', async () => {
    assert.deepEqual(await brief('PT J\nTI A\n   \nmore\nER\n'), ['record@1: A more']);
  });

  test('U+2028 inside a value is a character', async () => {
    assert.deepEqual(await brief('PT J\nTI a\u2028b\nER\n'), ['record@1: a b']);
  });

  test('a line starting with one space continues a field inside a record', async () => {
    assert.deepEqual((await records('PT J\nTI A\n b\nER\n'))[0]?.title, 'A b');
  });

  test('text before the first record, and blank lines, are ignored', async () => {
    assert.deepEqual(await brief(' one space\nplain text\n\nPT J\nTI A\n\nER\n'), ['record@4: A']);
  });

  test('tags outside a record are reported each time; FN, VR and EF are file headers', async () => {
    assert.deepEqual(await brief('FN x\nAU x\nPT J\nTI A\nER\nVR 1\nTI y\nEF\n'), [
      [2, '"AU" outside a record; ignored'],
      'record@3: A',
      [7, '"TI" outside a record; ignored'],
    ]);
  });

  test('a PT inside an open record, and the end of the input, close it with an error', async () => {
    assert.deepEqual(await brief('PT J\nTI A\nPT J\nTI B\nER\nPT J\nTI C'), [
      [1, 'record has no ER line (ended by the next PT)'],
      'record@1: A',
      'record@3: B',
      [6, 'unexpected end of input: record has no ER line'],
      'record@6: C',
    ]);
  });

  test('a tag without a value', async () => {
    const r = (await records('PT J\nTI\nER\n'))[0];
    assert.equal(r?.title, null);
  });

  test('a long malformed line is cut to 40 characters in the error', async () => {
    const line = `x${'y'.repeat(60)}`;
    assert.deepEqual(await brief(`PT J\nTI A\n   b\n${line}\nER\n`), [
      [4, `not a WoS line: "x${'y'.repeat(39)}"`],
      'record@1: A b',
    ]);
  });
});
