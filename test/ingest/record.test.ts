import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { detectFormat } from '../../src/ingest/detect.ts';
import {
  authorSurnameFirst,
  findNctIds,
  foldText,
  normalizeDoi,
  normalizePhases,
  normalizeStatus,
  splitStructuredAbstract,
  yearOf,
} from '../../src/ingest/record.ts';
import { parseXml, textOf, XmlError } from '../../src/ingest/xml.ts';

test('DOI normalization', () => {
  assert.equal(normalizeDoi(' https://doi.org/10.1002/STEM.1845 '), '10.1002/stem.1845');
  assert.equal(normalizeDoi('http://dx.doi.org/10.4236/ojf.2020.101008'), '10.4236/ojf.2020.101008');
  assert.equal(normalizeDoi('doi:10.1007/s00264-015-2886-4.'), '10.1007/s00264-015-2886-4');
  assert.equal(normalizeDoi('https://doi.org/10.1002%2Fstem.1845'), '10.1002/stem.1845');
  assert.equal(normalizeDoi('S0140-6736(18)30045-1'), null);
  assert.equal(normalizeDoi(''), null);
});

test('years, statuses, phases, NCT ids', () => {
  assert.equal(yearOf('1998 Dec-1999 Jan'), 1998);
  assert.equal(yearOf('2019///'), 2019);
  assert.equal(yearOf('10 15'), null);
  assert.equal(normalizeStatus('ACTIVE_NOT_RECRUITING'), 'active-not-recruiting');
  assert.equal(normalizeStatus('Active, not recruiting'), 'active-not-recruiting');
  assert.equal(normalizeStatus('Unknown status'), 'unknown');
  assert.equal(normalizeStatus('ENROLLING_BY_INVITATION'), 'enrolling-by-invitation');
  assert.equal(normalizeStatus('Withheld'), 'unknown');
  assert.deepEqual(normalizePhases(['PHASE1', 'PHASE2']), ['phase1', 'phase2']);
  assert.deepEqual(normalizePhases('Phase 1/Phase 2'), ['phase1', 'phase2']);
  assert.deepEqual(normalizePhases(['EARLY_PHASE1']), ['early-phase1']);
  assert.deepEqual(normalizePhases('N/A'), []);
  assert.deepEqual(findNctIds('see NCT01290367 and nct 01290367, NCT0129036'), ['NCT01290367']);
});

test('authors become surname-first with initials; collective names stay', () => {
  assert.equal(authorSurnameFirst('Atluri, Sairam'), 'Atluri S');
  assert.equal(authorSurnameFirst('Russell, Alex M T'), 'Russell AMT');
  assert.equal(authorSurnameFirst('Holmstrom, E.'), 'Holmstrom E');
  assert.equal(authorSurnameFirst('Basinska, Malgorzata A.'), 'Basinska MA');
  assert.equal(authorSurnameFirst('Luke, TJ'), 'Luke TJ');
  assert.equal(authorSurnameFirst('Pinto-Gouveia, Jose'), 'Pinto-Gouveia J');
  assert.equal(authorSurnameFirst('Jean-Luc, Picard'), 'Jean-Luc P');
  assert.equal(authorSurnameFirst('SYGMA 1 Investigators'), 'SYGMA 1 Investigators');
  assert.equal(authorSurnameFirst('NA'), null);
});

test('titles fold for matching', () => {
  assert.equal(
    foldText('Évaluation <i>of</i> the  PRP-injection: a “trial”.'),
    'evaluation of the prp injection a trial',
  );
});

test('run-on MEDLINE abstracts split at their labels', () => {
  assert.equal(
    splitStructuredAbstract('BACKGROUND: One. METHODS AND RESULTS: Two (n=3). CONCLUSIONS: Three.'),
    'BACKGROUND: One.\nMETHODS AND RESULTS: Two (n=3).\nCONCLUSIONS: Three.',
  );
  assert.equal(splitStructuredAbstract('Plain text: with a colon.'), 'Plain text: with a colon.');
});

test('format detection from the first bytes', () => {
  const d = (s: string) => detectFormat(Buffer.from(s));
  assert.equal(
    d('\uFEFF<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\n<PubmedArticleSet>'),
    'pubmed-xml',
  );
  assert.equal(d('<MedlineCitationSet>'), 'pubmed-xml');
  assert.equal(d('<?xml version="1.0"?><clinical_study rank="1">'), 'ctgov-xml');
  assert.equal(d('{"protocolSection":{}}'), 'ctgov-json');
  assert.equal(d('{ "FullStudiesResponse": {'), 'ctgov-json');
  assert.equal(d('\r\nPMID- 123\r\nTI  - x'), 'medline');
  assert.equal(d('\nPMC - PMC1\nPMID- 1'), 'medline');
  assert.equal(d('1.\nTY  - JOUR\n'), 'ris');
  assert.equal(d(' TY  - JOUR'), 'ris');
  assert.equal(d('FN Clarivate Analytics Web of Science\nVR 1.0\nPT J'), 'wos');
  assert.equal(d('hello'), null);
  assert.equal(d('{"a":1}'), null);
  assert.equal(detectFormat(Buffer.from([0x1f, 0x8b, 8, 0])), null);
});

test('XML parser: entities, CDATA, comments, markup reduced to text, errors with offsets', () => {
  const x = parseXml('<a x="1 &amp; 2"><!-- c --><b>T&#x3b2;<i>2</i> &lt;x&gt;</b><![CDATA[<raw>]]></a>');
  assert.equal(x.attrs?.x, '1 & 2');
  assert.equal(textOf(x), 'Tβ2 <x><raw>');
  assert.throws(
    () => parseXml('<a><b></a>'),
    (e: unknown) => e instanceof XmlError && e.offset === 6,
  );
  assert.throws(() => parseXml('<a>&nbsp;</a>'), /undefined entity/);
  assert.throws(() => parseXml('<a>&#0;</a>'), /invalid character reference/);
  assert.throws(() => parseXml('<a b=c></a>'), /unquoted/);
});

test('property: the XML parser never throws anything but XmlError, and never hangs', () => {
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom('<', '>', '/', 'a', 'b', '=', '"', '&', ';', '#', '!', '-', '[', ' ', '?', 'x'),
      }),
      (s) => {
        try {
          parseXml(s);
        } catch (e) {
          assert.ok(e instanceof XmlError, String(e));
        }
      },
    ),
    { numRuns: 2000 },
  );
});
