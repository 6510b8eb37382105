// parseXml's attribute names and the text readers (textOf, paragraphsOf) on the cases the mutation run of
// src/ingest/xml.ts left alive (`npm run mutate -- src/ingest/xml.ts --unit`, 2026-12-02): expectations from
// XML 1.0 (fifth edition, https://www.w3.org/TR/xml/) and from how PubMed and ClinicalTrials.gov records read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { paragraphsOf, parseXml, textOf, XmlError } from '../../src/ingest/xml.ts';

describe('attribute names (XML 1.0 §2.3 Name, §3.1 Attribute)', () => {
  // A Name starts with a NameStartChar, which is neither '"' nor '<'; a well-formed start tag has none in
  // first place, and a reader that kept them would make up attributes out of a broken tag.
  for (const doc of ['<r "a="1"/>', '<r <a="1"/>', '<r x="1" "a="2"/>']) {
    test(`${doc} is refused as a malformed attribute`, () => {
      assert.throws(
        () => parseXml(doc),
        (e: unknown) => e instanceof XmlError && /malformed attribute/.test(e.message),
      );
    });
  }
  test('a well-formed attribute is read', () => {
    assert.deepEqual(parseXml('<r a = "1" b=\'2\'/>').attrs, { a: '1', b: '2' });
  });
});

describe('textOf: markup reduced to text', () => {
  test('a pretty-printer line break before MathML <mml:msub> is not a space (β₂ in a PubMed abstract reads β2)', () => {
    assert.equal(textOf(parseXml('<r>β\n      <mml:msub>2</mml:msub> agonist</r>')), 'β2 agonist');
  });
  test('a real space before <sub>, on a line of its own text, is kept', () => {
    // only a break at the very end of the text before <sub> is layout; "x\ny " ends in a space, not a break
    assert.equal(textOf(parseXml('<r>x\ny <sub>2</sub></r>')), 'x y 2');
  });
  test('MathML tokens are trimmed and joined: " V ", ".", O, 2 read "V.O2"', () => {
    const doc =
      '<mml:math><mml:mi> V </mml:mi>\n  <mml:mo>.</mml:mo>\n  <mml:msub><mml:mi>O</mml:mi><mml:mn>2</mml:mn></mml:msub></mml:math>';
    assert.equal(textOf(parseXml(doc)), 'V.O2');
  });
});

describe('paragraphsOf: ClinicalTrials.gov textblocks', () => {
  test('inline markup joins its pieces with nothing; a blank line parts paragraphs', () => {
    assert.equal(paragraphsOf(parseXml('<t>a<i>b</i>c\n  wrapped\n\n  d</t>')), 'abc wrapped\n\nd');
  });
  test('with breaks "line", each line is a paragraph', () => {
    assert.equal(paragraphsOf(parseXml('<t>one\ntwo</t>'), 'line'), 'one\n\ntwo');
  });
});
