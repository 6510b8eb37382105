// Unit tests of the record XML parser (src/ingest/xml.ts): entities and character references (XML 1.0 §4.1,
// §4.6), CDATA (§2.7), comments (§2.5), processing instructions (§2.6), start/end tags and attributes (§3.1),
// well-formedness errors with their offsets, skipped subtrees, and the text helpers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  at,
  child,
  childrenNamed,
  decodeEntities,
  paragraphsOf,
  parseXml,
  textOf,
  textOrNull,
  XmlError,
  type XNode,
} from '../../src/ingest/xml.ts';

/** The XmlError a call throws: message and offset. */
function xmlError(fn: () => unknown): { message: string; offset: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlError) return { message: e.message, offset: e.offset };
    throw e;
  }
  throw new Error('no error');
}

describe('decodeEntities', () => {
  test('text without "&" is returned as it is', () => {
    assert.equal(decodeEntities('plain <text>'), 'plain <text>');
  });

  test('decimal and hexadecimal character references, either x case (XML 1.0 §4.1)', () => {
    assert.equal(decodeEntities('&#65;&#x41;&#X41;&#x1F600;'), 'AAA\u{1F600}');
  });

  test('the highest code point and the ones around the surrogate block are allowed', () => {
    // Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (XML 1.0 §2.2)
    assert.equal(decodeEntities('&#x10FFFF;'), '\u{10FFFF}');
    assert.equal(decodeEntities('&#xD7FF;&#xE000;'), '\uD7FF\uE000');
    assert.equal(decodeEntities('&#1;'), '\u0001');
  });

  test('references to no character are refused with their offset', () => {
    assert.deepEqual(
      xmlError(() => decodeEntities('ab&#0;', 10)),
      {
        message: 'invalid character reference &#0;',
        offset: 12,
      },
    );
    assert.deepEqual(
      xmlError(() => decodeEntities('&#x110000;')),
      {
        message: 'invalid character reference &#x110000;',
        offset: 0,
      },
    );
    assert.equal(xmlError(() => decodeEntities('&#xD800;')).message, 'invalid character reference &#xD800;');
    assert.equal(xmlError(() => decodeEntities('&#xDFFF;')).message, 'invalid character reference &#xDFFF;');
  });

  test('a bare "&", or a name without ";", is a malformed reference', () => {
    assert.deepEqual(
      xmlError(() => decodeEntities('a & b', 5)),
      {
        message: 'malformed entity reference "&"',
        offset: 7,
      },
    );
    assert.equal(xmlError(() => decodeEntities('x&amp y')).message, 'malformed entity reference "&amp"');
    assert.equal(
      xmlError(() => decodeEntities('&abcdefghijklmnopqrstuvwxyz')).message,
      'malformed entity reference "&abcdefghijklmnopqrs"',
    );
  });

  test('entities other than the five predefined ones are never expanded', () => {
    assert.deepEqual(
      xmlError(() => decodeEntities('1&nbsp;', 3)),
      {
        message: 'undefined entity &nbsp; (entities from a DOCTYPE are never expanded)',
        offset: 4,
      },
    );
  });
});

describe('parseXml: structure', () => {
  test('elements, attributes and text, as a tree', () => {
    assert.deepEqual(parseXml('<a x="1" y = \'t"q\'><b/>t<c>u</c></a>'), {
      name: 'a',
      attrs: { x: '1', y: 't"q' },
      children: [{ name: 'b', attrs: null, children: [] }, 't', { name: 'c', attrs: null, children: ['u'] }],
    });
  });

  test('white space with a line break between elements is layout; without one it is text', () => {
    assert.deepEqual(parseXml('<a>\n  <b/>\r\n\t</a>').children, [{ name: 'b', attrs: null, children: [] }]);
    assert.deepEqual(parseXml('<a> <b/></a>').children, [' ', { name: 'b', attrs: null, children: [] }]);
    assert.deepEqual(parseXml('<a>\n x<b/></a>').children, ['\n x', { name: 'b', attrs: null, children: [] }]);
  });

  test('prolog, comments and processing instructions are skipped; white space around the root is allowed', () => {
    const x = parseXml('<?xml version="1.0"?>\n<!-- c --> <a><?pi x?><!-- d -->t</a> \n');
    assert.deepEqual(x, { name: 'a', attrs: null, children: ['t'] });
  });

  test('CDATA is text, taken literally (XML 1.0 §2.7)', () => {
    assert.deepEqual(parseXml('<a><![CDATA[<b>&amp;]]></a>').children, ['<b>&amp;']);
  });

  test('entities in text and attributes are decoded', () => {
    assert.deepEqual(parseXml('<a t="&lt;&#x41;">x &amp; y</a>'), {
      name: 'a',
      attrs: { t: '<A' },
      children: ['x & y'],
    });
  });

  test('tab, CR and LF end an element name and separate attributes (XML 1.0 §2.3 S)', () => {
    assert.deepEqual(parseXml('<a\tx="1"\r\ny\t=\r"2"\n/>'), { name: 'a', attrs: { x: '1', y: '2' }, children: [] });
    assert.deepEqual(parseXml('<a\r><b\n></b\t></a\r\n>'), {
      name: 'a',
      attrs: null,
      children: [{ name: 'b', attrs: null, children: [] }],
    });
    assert.deepEqual(parseXml('\t\r\n<a/>\t\r\n'), { name: 'a', attrs: null, children: [] });
    // white space without a line break is text, whatever its characters
    assert.deepEqual(parseXml('<a>\t\r<b/></a>').children, ['\t\r', { name: 'b', attrs: null, children: [] }]);
  });

  test('an end tag may have white space before its ">"', () => {
    assert.deepEqual(parseXml('<a><b>1</b \n></a >'), {
      name: 'a',
      attrs: null,
      children: [{ name: 'b', attrs: null, children: ['1'] }],
    });
  });
});

describe('parseXml: well-formedness errors with their offsets', () => {
  const cases: [string, string, number][] = [
    ['x<a/>', 'text outside the root element', 0],
    [' <a/> y', 'text outside the root element', 6],
    ['</a>', 'unexpected </a>', 0],
    ['<a></b>', '</b> does not close <a>', 3],
    ['<a></ab>', '</ab> does not close <a>', 3],
    ['<ab></a>', '</a> does not close <ab>', 4],
    ['<a></a', 'unterminated end tag', 3],
    ['<a><!-- x</a>', 'unterminated comment', 3],
    ['<a><![CDATA[x</a>', 'unterminated CDATA section', 3],
    ['<![CDATA[x]]><a/>', 'CDATA outside the root element', 0],
    ['<a><!DOCTYPE a></a>', 'markup declaration (DOCTYPE/ENTITY) inside a record is refused', 3],
    ['<a><?pi </a>', 'unterminated processing instruction', 3],
    ['<a>< b/></a>', '"<" not followed by a name', 3],
    ['<a><b', 'unterminated start tag', 3],
    ['<a><b ', 'unterminated start tag <b>', 3],
    ['<a/ >', 'malformed start tag <a>', 2],
    ['<a b>', 'malformed attribute in <a>', 3],
    ['<a ="1">', 'malformed attribute in <a>', 3],
    ['<a b c="1">', 'malformed attribute in <a>', 3],
    ['<a b=c>', 'unquoted attribute value in <a>', 5],
    ['<a b="1>', 'unterminated attribute value in <a>', 5],
    ['<a b="<">', '"<" in attribute value of <a>', 5],
    ['<a t="&bad;"/>', 'undefined entity &bad; (entities from a DOCTYPE are never expanded)', 6],
    ['<a>x &bad;</a>', 'undefined entity &bad; (entities from a DOCTYPE are never expanded)', 5],
    ['<a/><b/>', 'second root element <b>', 4],
    ['<a><b>', 'unexpected end of record: <b> is not closed', 6],
    ['', 'no element', 0],
    ['  <!-- only -->  ', 'no element', 0],
  ];
  for (const [xml, message, offset] of cases) {
    test(`${JSON.stringify(xml)} → ${message} at ${offset}`, () => {
      assert.deepEqual(
        xmlError(() => parseXml(xml)),
        { message, offset },
      );
    });
  }

  test('XmlError is an AppError with status 400', () => {
    try {
      parseXml('<a>');
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof XmlError);
      assert.equal(e.status, 400);
      assert.equal(e.name, 'XmlError');
    }
  });
});

describe('parseXml: skipped subtrees', () => {
  const skip = new Set(['G', 'ReferenceList', 'Reference']);
  const empty = (name: string): XNode => ({ name, attrs: null, children: [] });

  test('a skipped element is kept empty, and parsing goes on after it', () => {
    assert.deepEqual(parseXml('<a><G x="1"><y>1</y>junk & < </G><c/></a>', skip), {
      name: 'a',
      attrs: null,
      children: [{ name: 'G', attrs: { x: '1' }, children: [] }, empty('c')],
    });
  });

  test('the root element itself is never skipped', () => {
    assert.deepEqual(parseXml('<G><y/></G>', skip), { name: 'G', attrs: null, children: [empty('y')] });
  });

  test('elements that may nest (ReferenceList) are skipped to their matching end tag', () => {
    const x = parseXml(
      '<a><ReferenceList><Reference><ReferenceList><x/></ReferenceList></Reference></ReferenceList><b/></a>',
      skip,
    );
    assert.deepEqual(x.children, [empty('ReferenceList'), empty('b')]);
  });

  test('a self-closing nested element does not deepen the nesting; a line break may end the name', () => {
    assert.deepEqual(parseXml('<a><Reference><Reference/><ReferenceX/></Reference><b/></a>', skip).children, [
      empty('Reference'),
      empty('b'),
    ]);
    assert.deepEqual(
      parseXml('<a><ReferenceList>\n<ReferenceList\n>1</ReferenceList></ReferenceList><b/></a>', skip).children,
      [empty('ReferenceList'), empty('b')],
    );
  });

  test('other skipped elements end at their first end tag', () => {
    // <G> is not a nesting element: its first </G> ends it, so the second </G> closes nothing
    assert.deepEqual(
      xmlError(() => parseXml('<a><G><G></G></G></a>', skip)),
      {
        message: '</G> does not close <a>',
        offset: 13,
      },
    );
  });

  test('a skipped element without its end tag is an error', () => {
    assert.deepEqual(
      xmlError(() => parseXml('<a><G>x', skip)),
      { message: '<G> is not closed', offset: 6 },
    );
    assert.deepEqual(
      xmlError(() => parseXml('<a><G>x</G', skip)),
      { message: '</G> is not closed', offset: 7 },
    );
    assert.deepEqual(
      xmlError(() => parseXml('<a><Reference><Reference>x</Reference>', skip)),
      {
        message: '<Reference> is not closed',
        offset: 14,
      },
    );
    assert.deepEqual(
      xmlError(() => parseXml('<a><Reference>x</Reference', skip)),
      {
        message: '</Reference> is not closed',
        offset: 15,
      },
    );
  });
});

describe('tree helpers', () => {
  const doc = parseXml('<r><a><b>1</b><b>2</b></a><c>x</c>t</r>');

  test('child, childrenNamed and at find elements by name; nothing found gives null or []', () => {
    assert.equal(textOf(child(doc, 'c')), 'x');
    assert.equal(child(doc, 'zz'), null);
    assert.equal(child(null, 'a'), null);
    assert.deepEqual(childrenNamed(child(doc, 'a'), 'b').map(textOf), ['1', '2']);
    assert.deepEqual(childrenNamed(undefined, 'b'), []);
    assert.deepEqual(childrenNamed(doc, 'b'), []);
    assert.equal(textOf(at(doc, 'a/b')), '1');
    assert.equal(at(doc, 'a/zz'), null);
    assert.equal(at(doc, 'zz/b'), null);
    assert.equal(at(null, 'a'), null);
  });

  test('textOf squashes white space in every form', () => {
    const t = (xml: string) => textOf(parseXml(xml));
    assert.equal(textOf(null), '');
    assert.equal(t('<a></a>'), '');
    assert.equal(t('<a>plain</a>'), 'plain');
    assert.equal(t('<a> lead</a>'), 'lead');
    assert.equal(t('<a>trail </a>'), 'trail');
    assert.equal(t('<a>x\ny</a>'), 'x y');
    assert.equal(t('<a>x  y</a>'), 'x y');
    assert.equal(t('<a>x\ty</a>'), 'x y');
    assert.equal(t('<a>x\ry</a>'), 'x y');
    assert.equal(t('<a>H<sub>2</sub>O <i>in</i>  <b>vivo</b></a>'), 'H2O in vivo');
  });

  test('MathML layout white space is not text', () => {
    assert.equal(textOf(parseXml('<a>V<mml:math><mml:mi> O </mml:mi> <mml:mn>2</mml:mn></mml:math>max</a>')), 'VO2max');
    assert.equal(textOf(parseXml('<a><math><mi>x</mi> <mo>+</mo></math></a>')), 'x+');
  });

  test('a line break before <sub>/<sup> is not a space; before other markup it is', () => {
    assert.equal(textOf(parseXml('<a>β\n\t<sub>2</sub> and x\n <sup>3</sup></a>')), 'β2 and x3');
    assert.equal(textOf(parseXml('<a>β <sub>2</sub></a>')), 'β 2');
    assert.equal(textOf(parseXml('<a>x\n <i>y</i></a>')), 'x y');
  });

  test('paragraphsOf keeps blank-line paragraphs, or every line in "line" mode', () => {
    assert.equal(paragraphsOf(null), null);
    assert.equal(paragraphsOf(parseXml('<d></d>')), null);
    assert.equal(paragraphsOf(parseXml('<d>  a\n   b\n \t\r\n   c  d</d>')), 'a b\n\nc d');
    assert.equal(paragraphsOf(parseXml('<d>a\nb\r\nc</d>'), 'line'), 'a\n\nb\n\nc');
    assert.equal(paragraphsOf(parseXml('<d>a\n\n\nb</d>'), 'line'), 'a\n\nb');
  });

  test('textOrNull is null for an empty text', () => {
    assert.equal(textOrNull(parseXml('<a> </a>')), null);
    assert.equal(textOrNull(null), null);
    assert.equal(textOrNull(parseXml('<a> z </a>')), 'z');
  });
});
