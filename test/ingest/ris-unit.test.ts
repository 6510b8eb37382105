// Unit tests of the RIS reader (src/ingest/ris.ts): the record mapping from fields (RIS 2011 tag list: TY, TI/T1,
// T2/JF/JO/JA, PY/DA/Y1, SP/EP, AU/A1, AB/N2, KW, DO, LA, DB/DP, AN, C2, ER) and the line grammar (TY opens, ER
// closes, untagged lines continue the field before them). Inputs are hand-written RIS or the rispy fixture
// example_basic.ris, whose text the expectations are read from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ReadEvent } from '../../src/ingest/record.ts';
import { readRis, risRecord } from '../../src/ingest/ris.ts';
import { chunksOf, fixture } from './helpers.ts';

type Field = [string, string];

async function events(text: string, chunk = 65536): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const e of readRis(chunksOf(Buffer.from(text, 'utf8'), chunk))) out.push(e);
  return out;
}

/** Events in short form: records by their line and title, errors by line and message. */
async function brief(text: string): Promise<(string | [number, string])[]> {
  return (await events(text)).map((e) =>
    e.type === 'record'
      ? `record@${e.record.line}: ${e.record.title}`
      : e.type === 'error'
        ? [e.line, e.message]
        : e.type,
  );
}

const rec = (fields: Field[]) => risRecord(fields, 'raw', 3);

describe('RIS record fields', () => {
  test('rispy example_basic.ris, every field', async () => {
    const text = readFileSync(fixture('peers/rispy/example_basic.ris'), 'utf8');
    const ev = await events(text);
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0], {
      type: 'record',
      record: {
        format: 'ris',
        source_type: 'JOUR',
        ids: { pmid: null, doi: null, nct: [], pmcid: null },
        title: 'A Mathematical Theory of Communication',
        year: 1948,
        authors: ['Shannon CE'],
        journal: 'Bell System Technical Journal',
        volume: '27',
        issue: null,
        pages: '379-423',
        abstract: null,
        publication_types: [],
        mesh: [],
        keywords: [],
        language: null,
        database: null,
        registry: null,
        raw: text.replace(/\n$/, ''),
        line: 1,
      },
    });
  });

  test('title: TI, then T1, then CT, then ST; BT for a BOOK; placeholders skipped', () => {
    assert.equal(
      rec([
        ['TY', 'JOUR'],
        ['T1', 'Second'],
        ['TI', 'NA'],
        ['TI', 'First'],
      ]).title,
      'First',
    );
    assert.equal(
      rec([
        ['CT', 'Third'],
        ['T1', 'Second'],
      ]).title,
      'Second',
    );
    assert.equal(rec([['CT', ' Caption  title ']]).title, 'Caption title');
    assert.equal(
      rec([
        ['ST', 'Short'],
        ['BT', 'Book title'],
      ]).title,
      'Short',
    );
    assert.equal(
      rec([
        ['TY', 'BOOK'],
        ['ST', 'Short'],
        ['BT', 'Book title'],
      ]).title,
      'Book title',
    );
    for (const na of ['', 'NA', 'N/A', 'n/a', '[No abstract available]', 'NULL', '  ']) {
      assert.equal(rec([['TI', na]]).title, null, na);
    }
  });

  test('journal: T2, JF, JO, JA, J2, JI, J9 in that order; BT for a non-book', () => {
    const order = ['T2', 'JF', 'JO', 'JA', 'J2', 'JI', 'J9'];
    for (let i = 0; i < order.length; i++) {
      const fields: Field[] = order
        .slice(i)
        .reverse()
        .map((t) => [t, `journal ${t}`]);
      assert.equal(rec(fields).journal, `journal ${order[i]}`);
    }
    assert.equal(
      rec([
        ['TY', 'CHAP'],
        ['BT', 'The  book'],
      ]).journal,
      'The book',
    );
    assert.equal(
      rec([
        ['TY', 'BOOK'],
        ['BT', 'The book'],
      ]).journal,
      null,
    );
    assert.equal(rec([['TY', 'JOUR']]).journal, null);
  });

  test('year: PY, then DA, then the deprecated Y1; Y2 (access date) never', () => {
    // RIS 2011: PY publication year, DA date, Y1 primary date (deprecated), Y2 access date
    assert.equal(
      rec([
        ['Y1', '2001'],
        ['DA', '2002/05/01'],
        ['PY', '2003'],
      ]).year,
      2003,
    );
    assert.equal(
      rec([
        ['Y1', '2001'],
        ['DA', '2002/05/01'],
      ]).year,
      2002,
    );
    assert.equal(rec([['Y1', '2001///']]).year, 2001);
    assert.equal(rec([['Y2', '2019/01/01']]).year, null);
  });

  test('volume, issue, pages: SP-EP joined; a range, an equal end or a lone EP kept', () => {
    const pages = (sp: string | null, ep: string | null) =>
      rec([
        ['TY', 'JOUR'],
        ...(sp === null ? [] : ([['SP', sp]] as Field[])),
        ...(ep === null ? [] : ([['EP', ep]] as Field[])),
      ]).pages;
    assert.equal(pages('379', '423'), '379-423');
    assert.equal(pages('379-423', '423'), '379-423');
    assert.equal(pages('e0815', 'e0815'), 'e0815');
    assert.equal(pages(null, '12'), '12');
    assert.equal(pages('12', null), '12');
    assert.equal(pages(null, null), null);
    assert.equal(pages('NA', 'NA'), null);
    const r = rec([
      ['VL', '27'],
      ['IS', '3'],
    ]);
    assert.deepEqual([r.volume, r.issue], ['27', '3']);
  });

  test('whole works give a page count in SP, not pages', () => {
    // RIS spec type tables: SP of BOOK, THES, … is "Number of Pages"
    for (const ty of ['BOOK', 'EBOOK', 'EDBOOK', 'CLSWK', 'SER', 'THES', 'MANSCPT', 'PAMP']) {
      assert.equal(
        rec([
          ['TY', ty],
          ['SP', '320'],
        ]).pages,
        null,
        ty,
      );
    }
    assert.equal(
      rec([
        ['TY', 'CHAP'],
        ['SP', '320'],
      ]).pages,
      '320',
    );
  });

  test('authors from AU and A1, one per line, "et al." dropped; A2 (editors) not authors', () => {
    assert.deepEqual(
      rec([
        ['AU', 'Smith, John\net al.\nDoe, J.'],
        ['A2', 'Editor, Ed'],
        ['A1', 'Liu R.'],
        ['AU', 'NA'],
      ]).authors,
      ['Smith J', 'Doe J', 'Liu R'],
    );
  });

  test('abstract: AB, else N2; JATS sections become labelled paragraphs; empty markup is no abstract', () => {
    assert.equal(
      rec([
        ['N2', 'Second'],
        ['AB', 'First  line\n\n  second line '],
      ]).abstract,
      'First line\nsecond line',
    );
    assert.equal(rec([['N2', 'From N2']]).abstract, 'From N2');
    assert.equal(
      rec([
        [
          'AB',
          '<jats:title>Abstract</jats:title><jats:p>Intro <i>text</i>.</jats:p><jats:title> Methods </jats:title> <jats:p>We &amp; they.</jats:p>',
        ],
      ]).abstract,
      'Intro text.\nMethods: We & they.',
    );
    assert.equal(rec([['AB', '<title>Results</title><p>Good<br/>news</p>']]).abstract, 'Results: Goodnews');
    assert.equal(rec([['AB', '<p></p>']]).abstract, null);
  });

  test('HTML entities in values are decoded', () => {
    assert.equal(
      rec([['TI', 'A &lt;b&gt; &quot;c&quot; d&#39;e f&apos;g h&nbsp;i &amp; j']]).title,
      `A <b> "c" d'e f'g h i & j`,
    );
    assert.equal(rec([['TI', 'x &copy; y']]).title, 'x &copy; y');
  });

  test('keywords: one per line and ";"-separated, each once, placeholders skipped', () => {
    assert.deepEqual(
      rec([
        ['KW', 'Low back pain; PRP\nNA\n  stem   cells '],
        ['KW', 'PRP'],
        ['KW', ';;'],
      ]).keywords,
      ['Low back pain', 'PRP', 'stem cells'],
    );
  });

  test('language, and the database from DB, else DP', () => {
    const r = rec([
      ['LA', 'English'],
      ['DP', 'EBSCOhost'],
      ['DB', 'Academic Search Premier'],
    ]);
    assert.deepEqual([r.language, r.database], ['English', 'Academic Search Premier']);
    assert.equal(rec([['DP', 'EBSCOhost']]).database, 'EBSCOhost');
  });

  test('DOI from DO or DI first, then L3 or M3, then doi.org links in UR, L1, L2', () => {
    assert.equal(
      rec([
        ['L3', '10.1000/from-l3'],
        ['DO', 'https://doi.org/10.1000/FROM-DO'],
      ]).ids.doi,
      '10.1000/from-do',
    );
    assert.equal(rec([['DI', '10.1000/di']]).ids.doi, '10.1000/di');
    assert.equal(rec([['M3', 'doi:10.1000/m3.']]).ids.doi, '10.1000/m3');
    assert.equal(rec([['L3', '10.1000/l3']]).ids.doi, '10.1000/l3');
    for (const t of ['UR', 'L1', 'L2']) {
      assert.equal(rec([[t, 'https://dx.doi.org/10.1000/link']]).ids.doi, '10.1000/link', t);
    }
    // a link that is not a doi.org link is not read for a DOI
    assert.equal(rec([['UR', 'https://example.org/10.1000/not']]).ids.doi, null);
    assert.equal(rec([['N1', '10.1000/n1']]).ids.doi, null);
    // the first field that holds a DOI wins; one without a DOI is passed over
    assert.equal(
      rec([
        ['M3', 'Article'],
        ['L3', '10.1000/second'],
        ['M3', '10.1000/third'],
      ]).ids.doi,
      '10.1000/second',
    );
  });

  test('PMID: "n [PMID]" anywhere, the PMID tag, PM, C2 of Scopus, AN of MEDLINE/PubMed/NLM, notes', () => {
    const pmid = (fields: Field[]) => rec(fields).ids.pmid;
    assert.equal(pmid([['AN', '12345678 [PMID]']]), '12345678');
    assert.equal(pmid([['PMID', '33355555 Research Support']]), '33355555');
    assert.equal(pmid([['PMID', 'x33355555']]), null);
    assert.equal(pmid([['PM', '123']]), '123');
    assert.equal(pmid([['PM', '1234567890']]), null);
    assert.equal(
      pmid([
        ['DB', 'Scopus'],
        ['C2', '321'],
      ]),
      '321',
    );
    assert.equal(pmid([['C2', '321']]), null);
    for (const db of ['MEDLINE', 'PubMed', 'NLM']) {
      assert.equal(
        pmid([
          ['DB', db],
          ['AN', '456'],
        ]),
        '456',
        db,
      );
    }
    assert.equal(
      pmid([
        ['DB', 'NLM Catalog'],
        ['AN', '456'],
      ]),
      null,
    );
    assert.equal(pmid([['N1', 'See PMID: 789 for details']]), '789');
    assert.equal(pmid([['M1', 'PMID 790']]), '790');
    assert.equal(pmid([['AN', 'Accession PMID:791']]), '791');
    assert.equal(pmid([['N2', 'PMID: 792']]), null);
    // the first PMID found is kept
    assert.equal(
      pmid([
        ['PM', '1'],
        ['PM', '2'],
      ]),
      '1',
    );
  });

  test('PMID from an Ovid MEDLINE link: the AN parameter of a medp/medl/prem/mesz/medall link', () => {
    const url = (d: string, an: string) => `http://ovidsp.ovid.com/ovidweb.cgi?T=JS&D=${d}&NEWS=N&AN=${an}`;
    for (const d of ['medp', 'medl', 'prem', 'mesz', 'medall']) {
      assert.equal(
        rec([
          ['DB', 'Ovid MEDLINE(R)'],
          ['L2', url(d, '39012781')],
        ]).ids.pmid,
        '39012781',
        d,
      );
    }
    assert.equal(
      rec([
        ['DB', 'Ovid MEDLINE(R)'],
        ['UR', `${url('medp', '39012781')}`],
      ]).ids.pmid,
      '39012781',
    );
    // Embase links (D=emed) and links outside a MEDLINE database carry no PMID
    assert.equal(
      rec([
        ['DB', 'Ovid MEDLINE(R)'],
        ['L2', url('emed', '39012781')],
      ]).ids.pmid,
      null,
    );
    assert.equal(rec([['L2', url('medp', '39012781')]]).ids.pmid, null);
    assert.equal(
      rec([
        ['DB', 'Ovid MEDLINE(R)'],
        ['L2', `${url('medp', '39012781')}x`],
      ]).ids.pmid,
      null,
    );
  });

  test('PMCID: "PMCn [PMCID]" anywhere, or a C2 of the form PMCn', () => {
    assert.equal(rec([['N1', 'pmc123 [PMCID]']]).ids.pmcid, 'PMC123');
    assert.equal(rec([['C2', 'pmc456']]).ids.pmcid, 'PMC456');
    assert.equal(rec([['N1', 'PMC456']]).ids.pmcid, null);
    assert.equal(
      rec([
        ['C2', 'PMC1'],
        ['C2', 'PMC2'],
      ]).ids.pmcid,
      'PMC1',
    );
  });

  test('NCT ids from the title and the abstract', () => {
    assert.deepEqual(
      rec([
        ['TI', 'Trial NCT01234567'],
        ['AB', 'Registered as NCT07654321 and NCT01234567.'],
        ['N1', 'NCT09999999'],
      ]).ids.nct,
      ['NCT01234567', 'NCT07654321'],
    );
  });
});

describe('RIS record fields: edges', () => {
  test('an empty or padded value: no value, and values are trimmed', () => {
    const r = rec([
      ['TY', ''],
      ['VL', ''],
      ['VL', ' 27 '],
      ['IS', '  NA '],
      ['TI', ' '],
    ]);
    assert.deepEqual([r.source_type, r.volume, r.issue, r.title], [null, '27', null, null]);
  });

  test('markup: JATS sections, HTML paragraphs, MathML tokens and attributes are removed', () => {
    assert.equal(
      rec([['AB', '<jats:sec><jats:p>One</jats:p></jats:sec><p>Two</p><p>Three <mml:mi>x</mml:mi></p>']]).abstract,
      'One\nTwo\nThree x',
    );
    assert.equal(rec([['TI', '<span class="small-caps">Spine</span> care']]).title, 'Spine care');
    // "Abstract" as a section title is dropped; other titles that merely contain the word are labels
    assert.equal(rec([['AB', 'Pre<jats:title>Abstract</jats:title>Post']]).abstract, 'Pre\nPost');
    assert.equal(rec([['AB', '<title>Graphical abstract</title>x']]).abstract, 'Graphical abstract: x');
    assert.equal(rec([['AB', '<title>Abstract summary</title>x']]).abstract, 'Abstract summary: x');
  });

  test('a value that starts with an entity is decoded', () => {
    assert.equal(rec([['TI', '&amp; more']]).title, '& more');
  });

  test('continuation lines of A1 are more authors; of other fields, more text', async () => {
    const ev = await events('TY  - JOUR\nA1  - Smith, J\nDoe, K\nLA  - English\nFrench\nER  - \n');
    const r = ev[0]?.type === 'record' ? ev[0].record : null;
    assert.deepEqual([r?.authors, r?.language], [['Smith J', 'Doe K'], 'English French']);
  });

  test('doi.org links are read from UR, L1 and L2 only', () => {
    assert.equal(rec([['AB', 'Cites https://doi.org/10.1000/other']]).ids.doi, null);
    assert.equal(rec([['UR', 'HTTPS://DOI.ORG/10.1000/UPPER']]).ids.doi, '10.1000/upper');
  });

  test('PMID forms must be whole values', () => {
    const pmid = (fields: Field[]) => rec(fields).ids.pmid;
    assert.equal(pmid([['AN', ' 12345678 [PMID] ']]), '12345678');
    assert.equal(pmid([['AN', '123[pmid]']]), '123');
    assert.equal(pmid([['N2', 'abc 123 [PMID]']]), null);
    assert.equal(pmid([['N2', '123 [PMID] extra']]), null);
    assert.equal(pmid([['PMID', '123abc']]), null);
    assert.equal(pmid([['PMID', '1234567890']]), null);
    // only PM, C2 (Scopus) and AN (MEDLINE) carry a bare number as the PMID
    assert.equal(
      pmid([
        ['DB', 'Scopus'],
        ['VL', '12'],
      ]),
      null,
    );
    assert.equal(
      pmid([
        ['DB', 'MEDLINE'],
        ['VL', '12'],
      ]),
      null,
    );
    for (const an of ['abc123', '123abc']) {
      assert.equal(
        pmid([
          ['DB', 'MEDLINE'],
          ['AN', an],
        ]),
        null,
        an,
      );
    }
    assert.equal(
      pmid([
        ['DB', 'Catalog NLM'],
        ['AN', '456'],
      ]),
      null,
    );
    // an Ovid link in L1 (a file attachment) is not read for the PMID
    assert.equal(
      pmid([
        ['DB', 'Ovid MEDLINE(R)'],
        ['L1', 'http://ovidsp.ovid.com/ovidweb.cgi?T=JS&D=medp&AN=39012781'],
      ]),
      null,
    );
  });

  test('PMCID forms must be whole values', () => {
    const pmcid = (fields: Field[]) => rec(fields).ids.pmcid;
    assert.equal(pmcid([['N1', 'PMC1[PMCID]']]), 'PMC1');
    assert.equal(pmcid([['N1', 'see PMC1 [PMCID]']]), null);
    assert.equal(pmcid([['N1', 'PMC1 [PMCID] x']]), null);
    assert.equal(pmcid([['C2', 'xPMC1']]), null);
    assert.equal(pmcid([['C2', 'PMC1x']]), null);
  });
});

describe('RIS line grammar', () => {
  test('numbered records without a space, and number lines with spaces around, are read', async () => {
    assert.deepEqual(await brief('  3.  \n12.TY  - JOUR\nTI  - A\nER  - \n'), ['record@2: A']);
  });

  test('text that only contains a tag, a number or an exporter word is not one', async () => {
    assert.deepEqual(await brief('Page 12.\n'), [[1, 'text outside a record: "Page 12."']]);
    assert.deepEqual(await brief('12. text\n'), [[1, 'text outside a record: "12. text"']]);
    assert.deepEqual(await brief('See Provider: x\n'), [[1, 'text outside a record: "See Provider: x"']]);
    const ev = await events('TY  - JOUR\nTI  - A\nsee TI  - note\nER  - \n');
    assert.equal(ev[0]?.type === 'record' ? ev[0].record.title : '', 'A see TI - note');
  });

  test('a TY tag without a value gives no source type', async () => {
    const ev = await events('TY  -\nTI  - A\nER  -\n');
    assert.deepEqual(
      ev.map((e) => (e.type === 'record' ? [e.record.source_type, e.record.title] : e.type)),
      [[null, 'A']],
    );
  });

  test('TY opens, ER closes; the record keeps its first line and raw text', async () => {
    const ev = await events('\n\nTY  - JOUR\nTI  - One\nER  - \n');
    assert.equal(ev.length, 1);
    const r = ev[0]!.type === 'record' ? ev[0]!.record : null;
    assert.deepEqual([r?.line, r?.raw, r?.title], [3, 'TY  - JOUR\nTI  - One\nER  - ', 'One']);
  });

  test('tag forms: one to three spaces, "ER  -" without a value, numbered records, the PMID tag', async () => {
    const ev = await events(
      '1. TY  - JOUR\n  TI - One space\nPMID- 42\nAU   - Smith, J\nER  -\n2.\nTY  - JOUR\nPMID  - 43\nER  - \n',
    );
    const recs = ev.flatMap((e) => (e.type === 'record' ? [e.record] : []));
    assert.deepEqual(
      recs.map((r) => [r.line, r.title, r.ids.pmid, r.authors]),
      [
        [1, 'One space', '42', ['Smith J']],
        [7, null, '43', []],
      ],
    );
    assert.equal(ev.length, 2);
  });

  test('continuation lines: a new value for list tags, a new paragraph for AB/N2, more text otherwise', async () => {
    const ev = await events(
      'TY  - JOUR\nignored after TY\nTI  - A long\n  title\n\nKW  - one\ntwo\nAU  - Smith, J\nDoe, K\nAB  - First.\nSecond.\nER  - \n',
    );
    assert.equal(ev.length, 1);
    const r = ev[0]!.type === 'record' ? ev[0]!.record : null;
    assert.equal(r?.title, 'A long title');
    assert.deepEqual(r?.keywords, ['one', 'two']);
    assert.deepEqual(r?.authors, ['Smith J', 'Doe K']);
    assert.equal(r?.abstract, 'First.\nSecond.');
    assert.equal(r?.source_type, 'JOUR');
    assert.equal(
      r?.raw,
      'TY  - JOUR\nignored after TY\nTI  - A long\n  title\n\nKW  - one\ntwo\nAU  - Smith, J\nDoe, K\nAB  - First.\nSecond.\nER  - ',
    );
  });

  test('N2 continuation lines are paragraphs too', async () => {
    const ev = await events('TY  - JOUR\nN2  - First.\nSecond.\nER  - \n');
    assert.equal(ev[0]?.type === 'record' ? ev[0].record.abstract : '', 'First.\nSecond.');
  });

  test('a TY inside an open record ends it with an error naming the record’s first line', async () => {
    assert.deepEqual(await brief('TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n'), [
      [1, 'record has no ER line (ended by the next TY)'],
      'record@1: One',
      'record@3: Two',
    ]);
  });

  test('a record still open at the end of the input is reported, then kept', async () => {
    assert.deepEqual(await brief('\nTY  - JOUR\nTI  - Cut'), [
      [2, 'unexpected end of input: record has no ER line'],
      'record@2: Cut',
    ]);
  });

  test('tags outside a record: NL and a doubled ER are ignored, others reported once per gap', async () => {
    assert.deepEqual(
      await brief('ER  - \nNL  - \nTI  - Stray\nAU  - Stray\nTY  - JOUR\nTI  - A\nER  - \nER  - \nKW  - x\nKW  - y\n'),
      [
        [3, '"TI" line outside a record (no TY before it); ignored'],
        'record@5: A',
        [9, '"KW" line outside a record (no TY before it); ignored'],
      ],
    );
  });

  test('text outside a record: blank, number and exporter lines ignored, other text reported once, cut to 40 characters ("Some header " is 12, then 28 x)', async () => {
    const long = `Some   header ${'x'.repeat(60)}`;
    assert.deepEqual(
      await brief(
        `12.\n   \nLink to the Ovid Full Text or citation:\nProvider: Ovid\nDatabase: Embase\nContent: x\nRecord 1 of 2\n${long}\nmore text\nTY  - JOUR\nTI  - A\nER  - \n`,
      ),
      [[8, `text outside a record: "Some header ${'x'.repeat(28)}"`], 'record@10: A'],
    );
  });

  test('after a record, stray text is reported again', async () => {
    assert.deepEqual(await brief('junk\nTY  - JOUR\nTI  - A\nER  - \njunk again\n'), [
      [1, 'text outside a record: "junk"'],
      'record@2: A',
      [5, 'text outside a record: "junk again"'],
    ]);
  });

  test('CRLF line ends and a BOM read like LF', async () => {
    assert.deepEqual(await brief('\uFEFFTY  - JOUR\r\nTI  - Crlf title\r\nER  - \r\n'), ['record@1: Crlf title']);
  });

  test('a value glued to the dash is not a tag line', async () => {
    assert.deepEqual(await brief('TY  -JOUR\n'), [[1, 'text outside a record: "TY -JOUR"']]);
  });

  test('a four-space tag is a continuation line, not a tag', async () => {
    const ev = await events('TY  - JOUR\nTI  - A\nAU    - Smith, J\nER  - \n');
    assert.equal(ev[0]?.type === 'record' ? ev[0].record.title : '', 'A AU - Smith, J');
  });
});
