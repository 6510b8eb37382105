// Unit tests of the record normalizers (src/ingest/record.ts): DOI, NCT ids, years, statuses, phases, author
// names, fold keys, structured abstracts and the Vancouver citation. Expected values come from the specs cited
// in each test (DOI Handbook, ClinicalTrials.gov data element definitions, NLM author format, Citing Medicine)
// and from hand-worked inputs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorSurnameFirst,
  emptyRecord,
  FORMATS,
  findNctIds,
  foldText,
  isEtAl,
  normalizeDoi,
  normalizePhases,
  normalizeStatus,
  recordCitation,
  splitStructuredAbstract,
  squash,
  surnameKey,
  yearOf,
} from '../../src/ingest/record.ts';

describe('normalizeDoi', () => {
  test('no text, or text without a DOI, gives null', () => {
    assert.equal(normalizeDoi(null), null);
    assert.equal(normalizeDoi(undefined), null);
    assert.equal(normalizeDoi(''), null);
    assert.equal(normalizeDoi('   '), null);
    assert.equal(normalizeDoi('no identifier here'), null);
    // a DOI prefix is "10." followed by 4 to 9 digits (DOI Handbook §2.2.2): 3 digits is not a DOI
    assert.equal(normalizeDoi('10.123/abc'), null);
  });

  test('a bare DOI is lower-cased and trimmed', () => {
    // DOI names are case-insensitive (DOI Handbook §2.4): the normalized form is lower case
    assert.equal(normalizeDoi('  10.1056/NEJMoa1800820  '), '10.1056/nejmoa1800820');
    assert.equal(normalizeDoi('DOI: 10.1056/NEJMoa1800820'), '10.1056/nejmoa1800820');
  });

  test('the shortest DOI, "10.dddd/x", is 9 characters and kept; a prefix with nothing after it is not', () => {
    assert.equal(normalizeDoi('10.1234/a'), '10.1234/a');
    // "10.1234/." → trailing "." dropped → "10.1234/" has no suffix (8 characters): no DOI
    assert.equal(normalizeDoi('10.1234/.'), null);
  });

  test('trailing citation punctuation is dropped, inner punctuation kept', () => {
    assert.equal(normalizeDoi('10.1000/abc.def.'), '10.1000/abc.def');
    assert.equal(normalizeDoi('(10.1000/abc);'), '10.1000/abc');
    assert.equal(normalizeDoi('[10.1000/abc],'), '10.1000/abc');
    assert.equal(normalizeDoi('10.1000/abc:'), '10.1000/abc');
  });

  test('a Wiley SICI DOI is kept whole (review B1)', () => {
    // docs/reference/import-review.md B1
    assert.equal(
      normalizeDoi('10.1002/(SICI)1097-0142(19991015)86:8<1557::AID-CNCR24>3.0.CO;2-2'),
      '10.1002/(sici)1097-0142(19991015)86:8<1557::aid-cncr24>3.0.co;2-2',
    );
  });

  test('percent signs other than %2F, %3C, %3E are left encoded', () => {
    assert.equal(normalizeDoi('10.1000/a%25b'), '10.1000/a%25b');
    assert.equal(normalizeDoi('10.1000/a%2fb'), '10.1000/a/b');
  });

  test('markup around the DOI ends it; a quote ends it', () => {
    assert.equal(normalizeDoi('<doi>10.1000/ABC</doi>'), '10.1000/abc');
    assert.equal(normalizeDoi('"10.1000/abc" next'), '10.1000/abc');
  });

  test('URL-encoded slashes and SICI brackets are decoded; an undecodable text is read as is', () => {
    assert.equal(normalizeDoi('https://doi.org/10.1000%2Fabc'), '10.1000/abc');
    assert.equal(normalizeDoi('10.1002/x%3Ca::b%3Ec'), '10.1002/x<a::b>c');
    // "%2F" makes it try decoding, the lone "%" at the end makes decodeURIComponent fail: the text stays
    assert.equal(normalizeDoi('10.1000/a%2Fb%'), '10.1000/a%2fb%');
  });

  test('XML entities are decoded; &amp; last, so "&amp;lt;" is the text "&lt;"', () => {
    assert.equal(normalizeDoi('10.1000/a&amp;b'), '10.1000/a&b');
    assert.equal(normalizeDoi('10.1000/x&amp;lt;y'), '10.1000/x&lt;y');
    // an entity at the very start of the text is decoded too
    assert.equal(normalizeDoi('&amp; 10.1002/x&lt;a::b&gt;c'), '10.1002/x<a::b>c');
  });

  test('"<" and ">" end the DOI unless they hold a SICI segment with "::"', () => {
    assert.equal(normalizeDoi('10.1000/abc<b>'), '10.1000/abc');
    assert.equal(normalizeDoi('10.1002/x<a/b::c>d'), '10.1002/x');
  });
});

describe('findNctIds', () => {
  test('NCT followed by 8 digits, upper-cased, each once, in order', () => {
    // ClinicalTrials.gov identifier: "NCT" + 8 digits
    assert.deepEqual(findNctIds('nct12345678; NCT 87654321 and NCT12345678'), ['NCT12345678', 'NCT87654321']);
  });

  test('9 digits or a letter glued before "NCT" is not an id', () => {
    assert.deepEqual(findNctIds('NCT123456789 xNCT12345678 NCT1234567'), []);
  });

  test('adds to the given list, and returns it unchanged for no text', () => {
    const into = ['NCT00000001'];
    assert.equal(findNctIds(null, into), into);
    assert.deepEqual(findNctIds(undefined), []);
    assert.equal(findNctIds('NCT00000001 NCT00000002', into), into);
    assert.deepEqual(into, ['NCT00000001', 'NCT00000002']);
  });

  test('a second call finds the ids again (the global regex is reset)', () => {
    assert.deepEqual(findNctIds('NCT11111111'), ['NCT11111111']);
    assert.deepEqual(findNctIds('NCT11111111'), ['NCT11111111']);
  });
});

describe('yearOf', () => {
  test('years 1500 to 2099 are read; outside that range, or inside a longer number, they are not', () => {
    assert.equal(yearOf('1500'), 1500);
    assert.equal(yearOf('1499'), null);
    assert.equal(yearOf('2099'), 2099);
    assert.equal(yearOf('2100'), null);
    assert.equal(yearOf('12018'), null);
    assert.equal(yearOf('20181'), null);
  });

  test('the first year in a MEDLINE date text', () => {
    // MEDLINE DP forms (NLM "MEDLINE/PubMed Data Element Descriptions": Date of Publication)
    assert.equal(yearOf('2018 May 17'), 2018);
    assert.equal(yearOf('Spring 2017'), 2017);
    assert.equal(yearOf('2018a'), 2018);
    assert.equal(yearOf('1998 Dec-1999 Jan'), 1998);
    assert.equal(yearOf(''), null);
    assert.equal(yearOf(null), null);
  });
});

test('squash collapses white space runs and trims', () => {
  assert.equal(squash('  a \t\n  b\r\nc  '), 'a b c');
  assert.equal(squash(''), '');
});

describe('normalizeStatus', () => {
  test('v2 enum and classic words give the same kebab-case status', () => {
    // ClinicalTrials.gov Overall Recruitment Status values (API v2 enum / classic display words)
    assert.equal(normalizeStatus('COMPLETED'), 'completed');
    assert.equal(normalizeStatus('Not yet recruiting'), 'not-yet-recruiting');
    assert.equal(normalizeStatus('TERMINATED'), 'terminated');
    assert.equal(normalizeStatus('Withdrawn'), 'withdrawn');
    assert.equal(normalizeStatus('SUSPENDED'), 'suspended');
  });

  test('separators at both ends are dropped', () => {
    assert.equal(normalizeStatus(' -Recruiting- '), 'recruiting');
    assert.equal(normalizeStatus('__Completed'), 'completed');
  });

  test('missing, "Unknown status" and statuses outside the list are unknown', () => {
    assert.equal(normalizeStatus(null), 'unknown');
    assert.equal(normalizeStatus(undefined), 'unknown');
    assert.equal(normalizeStatus(''), 'unknown');
    assert.equal(normalizeStatus('UNKNOWN'), 'unknown');
    assert.equal(normalizeStatus('Unknown status'), 'unknown');
    assert.equal(normalizeStatus('Available'), 'unknown');
    assert.equal(normalizeStatus('NO_LONGER_AVAILABLE'), 'unknown');
  });
});

describe('normalizePhases', () => {
  test('v2 enum values and classic "Phase n/Phase m" strings', () => {
    assert.deepEqual(normalizePhases('Phase 2'), ['phase2']);
    assert.deepEqual(normalizePhases(['PHASE2', 'PHASE3']), ['phase2', 'phase3']);
    assert.deepEqual(normalizePhases('Early Phase 1'), ['early-phase1']);
    assert.deepEqual(normalizePhases(['EARLY_PHASE1']), ['early-phase1']);
  });

  test('each phase once, empty parts skipped', () => {
    assert.deepEqual(normalizePhases(['PHASE1', 'Phase 1']), ['phase1']);
    assert.deepEqual(normalizePhases('Phase 1/'), ['phase1']);
  });

  test('not applicable in its spellings gives no phase', () => {
    assert.deepEqual(normalizePhases(null), []);
    assert.deepEqual(normalizePhases(''), []);
    assert.deepEqual(normalizePhases([]), []);
    assert.deepEqual(normalizePhases(['NA']), []);
    assert.deepEqual(normalizePhases(' n/a '), []);
    assert.deepEqual(normalizePhases(['N/A']), []);
    assert.deepEqual(normalizePhases('Not Applicable'), []);
  });
});

describe('authorSurnameFirst', () => {
  test('placeholders and truncation marks are not authors', () => {
    for (const s of ['', '   ', 'NA', 'Anonymous', '[Anonymous]', 'et al.', 'et al', 'and others']) {
      assert.equal(authorSurnameFirst(s), null, s);
    }
  });

  test('"Surname, Given" becomes "Surname Initials"', () => {
    // NLM author format: surname, then initials without periods ("Halpern SD")
    assert.equal(authorSurnameFirst('Halpern, Scott David'), 'Halpern SD');
    assert.equal(authorSurnameFirst('Smith, J. P.'), 'Smith JP');
    assert.equal(authorSurnameFirst('Smith,  jean'), 'Smith J');
    assert.equal(authorSurnameFirst('van der Berg, Anna'), 'van der Berg A');
    assert.equal(authorSurnameFirst('Smith, de la Cruz'), 'Smith C');
    assert.equal(authorSurnameFirst('Smith, ABCD'), 'Smith ABCD');
    assert.equal(authorSurnameFirst('Smith, ABCDE'), 'Smith A');
  });

  test('name suffixes are not initials', () => {
    assert.equal(authorSurnameFirst('Smith, Jr., John'), 'Smith J');
    assert.equal(authorSurnameFirst('Smith, III'), 'Smith');
  });

  test('comma forms with a part missing', () => {
    assert.equal(authorSurnameFirst(', John'), 'John');
    assert.equal(authorSurnameFirst(','), null);
    assert.equal(authorSurnameFirst('Smith,'), 'Smith');
    assert.equal(authorSurnameFirst('Smith, 123'), 'Smith');
  });

  test('surname first, initials last, without a comma', () => {
    assert.equal(authorSurnameFirst('Liu R.'), 'Liu R');
    assert.equal(authorSurnameFirst('Adler D. G.'), 'Adler DG');
    assert.equal(authorSurnameFirst('Smith JH'), 'Smith JH');
    assert.equal(authorSurnameFirst('Smith AB CD'), 'Smith ABCD');
    assert.equal(authorSurnameFirst('van Groen M'), 'van Groen M');
  });

  test('given names first, surname last, without a comma', () => {
    assert.equal(authorSurnameFirst('J.-P. Sartre'), 'Sartre JP');
    assert.equal(authorSurnameFirst('DG Adler'), 'Adler DG');
    assert.equal(authorSurnameFirst('Anna de la Cruz'), 'de la Cruz A');
    assert.equal(authorSurnameFirst('John Smith Jr'), 'Smith J');
  });

  test('names that do not look like a person are kept as written', () => {
    assert.equal(authorSurnameFirst('Smith'), 'Smith');
    assert.equal(authorSurnameFirst('john smith'), 'john smith');
    assert.equal(authorSurnameFirst('smith R'), 'smith R');
    assert.equal(authorSurnameFirst('R. J.'), 'R. J.');
    assert.equal(authorSurnameFirst('von Braun'), 'von Braun');
    assert.equal(authorSurnameFirst('Smith & Jones'), 'Smith & Jones');
    assert.equal(authorSurnameFirst('A/B Study'), 'A/B Study');
    assert.equal(authorSurnameFirst('Medical Research Council'), 'Medical Research Council');
    assert.equal(authorSurnameFirst('Friends Of Bill'), 'Friends Of Bill');
    // more than five words is not a person's name
    assert.equal(authorSurnameFirst('Anna Beth Carla Dora Emma Fox'), 'Anna Beth Carla Dora Emma Fox');
    // white space is squashed first
    assert.equal(authorSurnameFirst('  Smith \t JH '), 'Smith JH');
  });

  test('every name particle joins the surname ("Anna de Cruz" → "de Cruz A")', () => {
    for (const p of ['van', 'von', 'de', 'der', 'den', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das']) {
      assert.equal(authorSurnameFirst(`Anna ${p} Cruz`), `${p} Cruz A`, p);
      // a particle may stand before an initials-last surname, and is no initial in a comma form
      assert.equal(authorSurnameFirst(`${p} Cruz AB`), `${p} Cruz AB`, p);
      assert.equal(authorSurnameFirst(`Cruz, Anna ${p}`), 'Cruz A', p);
    }
    // a lower-case word that is no particle is an initial in a comma form
    assert.equal(authorSurnameFirst('Cruz, Anna maria'), 'Cruz AM');
  });

  test('every name suffix is dropped: Jr, Sr, II, III, IV, 2nd, 3rd', () => {
    for (const sfx of ['Jr', 'Sr.', 'II', 'III', 'IV', '2nd', '3rd', 'jr.']) {
      assert.equal(authorSurnameFirst(`Smith, ${sfx}, John`), 'Smith J', sfx);
    }
    assert.equal(authorSurnameFirst('Smith, V, John'), 'Smith VJ');
    assert.equal(authorSurnameFirst('John Smith III'), 'Smith J');
  });

  test('words that make a comma-less name a group', () => {
    for (const w of [
      'Group',
      'Investigators',
      'Investigator',
      'Society',
      'Committee',
      'Consortium',
      'Collaboration',
      'Collaborative',
      'Trial',
      'Study',
      'Association',
      'Organization',
      'Organisation',
      'Network',
      'Team',
      'Council',
      'Institute',
      'Working',
      'Panel',
      'Foundation',
      'College',
      'Department',
      'University',
      'Hospital',
      'Centre',
      'Center',
      'Academy',
      'Board',
      'Agency',
      'Ministry',
      'Federation',
      'Registry',
      'Programme',
      'Program',
      'Force',
      'Members',
      'Writing',
      'Participants',
    ]) {
      assert.equal(authorSurnameFirst(`Spine ${w}`), `Spine ${w}`, w);
    }
    for (const w of ['For', 'Of', 'And', 'The', 'On']) {
      assert.equal(authorSurnameFirst(`Anna ${w} Smith`), `Anna ${w} Smith`, w);
    }
    // the group words are whole words: "Groupe" and "Teams" alone do not make a group
    assert.equal(authorSurnameFirst('Anna Groupe'), 'Groupe A');
  });

  test('initials words: up to four letters, each with an optional period and hyphen', () => {
    assert.equal(authorSurnameFirst('Smith A.B.C.D.'), 'Smith ABCD');
    assert.equal(authorSurnameFirst('Smith J.-P.'), 'Smith JP');
    // five initials are no initials word: read as given names first
    assert.equal(authorSurnameFirst('A.B.C.D.E. Smith'), 'A.B.C.D.E. Smith');
  });

  test('name words may hold apostrophes, hyphens and letters of any script', () => {
    assert.equal(authorSurnameFirst("Ann O'Brien-Lee"), "O'Brien-Lee A");
    assert.equal(authorSurnameFirst('Jürgen Müller'), 'Müller J');
    assert.equal(authorSurnameFirst('Ann O’Neil'), 'O’Neil A');
  });

  test('edge forms of names, each read by the rule that fits it', () => {
    // a capitalised given name that is also a particle is an initial
    assert.equal(authorSurnameFirst('Smith, De Anna'), 'Smith DA');
    // suffixes are whole words: "Ivan" and "Xii" are given names
    assert.equal(authorSurnameFirst('Smith, Ivan, John'), 'Smith IJ');
    assert.equal(authorSurnameFirst('Smith, Xii, John'), 'Smith XJ');
    assert.equal(authorSurnameFirst('Smith, John, Jr.'), 'Smith J');
    assert.equal(authorSurnameFirst('Smith , John'), 'Smith J');
    // a surname must start with a capital; every word before the initials must be a name or a particle
    assert.equal(authorSurnameFirst('Anna mcDonald'), 'Anna mcDonald');
    assert.equal(authorSurnameFirst('smith Anna R.'), 'smith Anna R.');
    assert.equal(authorSurnameFirst('smith Anna Jones'), 'smith Anna Jones');
    // a particle before an initials-last surname stays, the surname's words keep their spaces
    assert.equal(authorSurnameFirst('van Groen M.'), 'van Groen M');
  });

  test('five words can still be a person', () => {
    assert.equal(authorSurnameFirst('Anna Beth Carla Dora Fox'), 'Fox ABCD');
  });
});

test('isEtAl: the truncation marks of an author list', () => {
  for (const s of ['et al.', 'et al', 'et. al.', 'etal', ' ET AL ', 'and others', 'others', '[others]']) {
    assert.equal(isEtAl(s), true, s);
  }
  for (const s of ['Etal Smith', 'Alan Others', 'et alia']) assert.equal(isEtAl(s), false, s);
});

describe('surnameKey', () => {
  test('the surname of a "Surname I" string, folded, without spaces', () => {
    assert.equal(surnameKey(undefined), '');
    assert.equal(surnameKey(''), '');
    assert.equal(surnameKey('Smith, J'), 'smith');
    assert.equal(surnameKey('van der Berg A'), 'vanderberg');
    assert.equal(surnameKey('Müller AB'), 'muller');
    assert.equal(surnameKey("O'Brien J"), 'obrien');
    assert.equal(surnameKey('Smith'), 'smith');
  });

  test('a name written with a comma keeps its surname words; a leading space is not a name break', () => {
    assert.equal(surnameKey('van der Berg, A'), 'vanderberg');
    assert.equal(surnameKey(' AB'), 'ab');
  });

  test('a last word that is not 1–4 capitals is part of the name', () => {
    assert.equal(surnameKey('Cochrane Group'), 'cochranegroup');
    assert.equal(surnameKey('Smith ABCDE'), 'smithabcde');
    assert.equal(surnameKey('Smith ABCD'), 'smith');
  });
});

test('foldText: no markup, diacritics, case or punctuation', () => {
  assert.equal(foldText('<i>Straße</i> &  Ÿes—ﬁne!'), 'strasse yes fine');
  assert.equal(foldText('  ...  '), '');
});

describe('splitStructuredAbstract', () => {
  test('labels from the start of the text split it into paragraphs', () => {
    assert.equal(
      splitStructuredAbstract('OBJECTIVE: To test. DESIGN: Trial? RESULTS: Good! CONCLUSION: Yes.'),
      'OBJECTIVE: To test.\nDESIGN: Trial?\nRESULTS: Good!\nCONCLUSION: Yes.',
    );
  });

  test('one label only, or text before the first label, is left alone', () => {
    assert.equal(splitStructuredAbstract('BACKGROUND: only one section.'), 'BACKGROUND: only one section.');
    assert.equal(splitStructuredAbstract('Intro text. METHODS: x. RESULTS: y.'), 'Intro text. METHODS: x. RESULTS: y.');
  });

  test('a label needs three capitals in a row', () => {
    assert.equal(splitStructuredAbstract('A B C: one. D E F: two.'), 'A B C: one. D E F: two.');
  });
});

describe('recordCitation (NLM Citing Medicine)', () => {
  const base = { authors: [], title: null, journal: null, year: null, volume: null, issue: null, pages: null };

  test('more than six authors: the first six, then "et al"', () => {
    // Citing Medicine, chapter 1: list the first six authors followed by "et al."
    const authors = ['A A', 'B B', 'C C', 'D D', 'E E', 'F F', 'G G'];
    assert.equal(recordCitation({ ...base, authors }), 'A A, B B, C C, D D, E E, F F, et al.');
    assert.equal(recordCitation({ ...base, authors: authors.slice(0, 6) }), 'A A, B B, C C, D D, E E, F F.');
  });

  test('a title ending in "?" or "!" gets no extra period; the journal loses its own', () => {
    assert.equal(recordCitation({ ...base, title: 'Why?', journal: 'Spine J.', year: 2020 }), 'Why? Spine J. 2020.');
    assert.equal(recordCitation({ ...base, title: 'Yes!' }), 'Yes!');
    assert.equal(recordCitation({ ...base, title: 'Plain' }), 'Plain.');
    assert.equal(recordCitation({ ...base, title: 'Why? Not' }), 'Why? Not.');
    assert.equal(recordCitation({ ...base, journal: 'J. Spine' }), 'J. Spine.');
  });

  test('parts missing are left out', () => {
    assert.equal(recordCitation(base), '');
    assert.equal(recordCitation({ ...base, year: 2001 }), '2001.');
    assert.equal(recordCitation({ ...base, journal: 'Spine' }), 'Spine.');
    assert.equal(recordCitation({ ...base, year: 2001, volume: '12', pages: 'e5' }), '2001;12:e5.');
    assert.equal(recordCitation({ ...base, journal: 'Spine', year: 2001, issue: '3' }), 'Spine. 2001;(3).');
  });
});

test('emptyRecord: every field empty, format, raw text and line kept', () => {
  assert.deepEqual(emptyRecord('ris', 'TY  - JOUR', 7), {
    format: 'ris',
    source_type: null,
    ids: { pmid: null, doi: null, nct: [], pmcid: null },
    title: null,
    year: null,
    authors: [],
    journal: null,
    volume: null,
    issue: null,
    pages: null,
    abstract: null,
    publication_types: [],
    mesh: [],
    keywords: [],
    language: null,
    database: null,
    registry: null,
    raw: 'TY  - JOUR',
    line: 7,
  });
  assert.deepEqual([...FORMATS], ['pubmed-xml', 'medline', 'ris', 'ctgov-json', 'ctgov-xml', 'wos']);
});
