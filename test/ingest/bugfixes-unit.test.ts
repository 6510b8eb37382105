// Regression tests for bugs found in src/ingest/ (one test per bug; each failed before its fix). Expected values
// come from the standards named in each test: NLM's MEDLINE element descriptions (DEP = YYYYMMDD), NLM "Citing
// Medicine" (year;volume:pages), XML 1.0 §3.1 (ETag ::= '</' Name S? '>'), the WHATWG Encoding Standard's
// windows-1252 index, and the splitters' own promise that events do not depend on how the input is chunked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitJsonStudies } from '../../src/ingest/json-split.ts';
import { splitLines } from '../../src/ingest/lines.ts';
import { readMedline } from '../../src/ingest/medline.ts';
import { normalizeDoi, type ReadEvent, recordCitation } from '../../src/ingest/record.ts';
import { parseXml } from '../../src/ingest/xml.ts';
import { type SplitOptions, splitXml, type XmlSplitEvent } from '../../src/ingest/xml-split.ts';
import { chunksOf } from './helpers.ts';

async function xmlEvents(input: string, size: number, opts?: SplitOptions): Promise<XmlSplitEvent[]> {
  const buf = Buffer.from(input, 'utf8');
  const out: XmlSplitEvent[] = [];
  for await (const e of splitXml(chunksOf(buf, Math.min(size, buf.length)), new Set(['Rec', 'clinical_study']), opts))
    out.push(e);
  return out;
}

type JsonEv = { kind: string; text?: string; line: number; message?: string };
async function jsonEvents(input: string, size: number, max: number): Promise<JsonEv[]> {
  const buf = Buffer.from(input, 'utf8');
  const out: JsonEv[] = [];
  for await (const e of splitJsonStudies(chunksOf(buf, Math.min(size, buf.length)), max)) out.push(e);
  return out;
}

const root = (name: string, line = 1): XmlSplitEvent => ({ kind: 'root', name, line });
const rec = (text: string, line: number, name = 'Rec'): XmlSplitEvent => ({ kind: 'record', name, text, line });
const err = (message: string, line: number): XmlSplitEvent => ({ kind: 'error', line, message });

describe('MEDLINE DEP', () => {
  test('DEP (Date of Electronic Publication, YYYYMMDD) gives the year when DP is missing', async () => {
    // NLM MEDLINE/PubMed Data Element Descriptions: DEP = YYYYMMDD, so "20170728" is 2017
    const years: (number | null)[] = [];
    for await (const e of readMedline(chunksOf(Buffer.from('PMID- 1\nDEP - 20170728\n')))) {
      if ((e as ReadEvent).type === 'record') years.push((e as Extract<ReadEvent, { type: 'record' }>).record.year);
    }
    assert.deepEqual(years, [2017]);
  });
});

describe('normalizeDoi', () => {
  test('a DOI written with a "[doi]" suffix (MEDLINE LID/AID style) loses the suffix', () => {
    // MEDLINE marks the identifier type in brackets: "10.1000/abc [doi]"; glued to the DOI it is still a marker
    assert.equal(normalizeDoi('10.1000/abc[doi]'), '10.1000/abc');
    assert.equal(normalizeDoi('10.1000/ABC[doi].'), '10.1000/abc');
  });
});

describe('recordCitation', () => {
  test('without a year, volume and pages follow the journal with no ";" (it belongs after the year)', () => {
    // NLM Citing Medicine: "Journal. Year;Volume(Issue):Pages." — no year, so no ";"
    const base = { authors: [], title: null, journal: 'Spine', year: null, volume: '12', issue: null, pages: 'e5' };
    assert.equal(recordCitation(base), 'Spine. 12:e5.');
    assert.equal(recordCitation({ ...base, issue: '3' }), 'Spine. 12(3):e5.');
  });
});

describe('splitXml: chunk boundaries', () => {
  test('the root event is given once when the root start tag is split over chunks', async () => {
    const input = '<Set a="x>y"><Rec/></Set>';
    const expected = [root('Set'), rec('<Rec/>', 1)];
    for (const size of [1, 5, input.length]) assert.deepEqual(await xmlEvents(input, size), expected, `size ${size}`);
  });

  test('a record larger than maxRecordBytes is skipped with one error, whatever the chunking', async () => {
    // '<Rec>' (5) + 200 x + '</Rec>' (6) = 211 bytes > 100
    const input = `<Set>\n<Rec>${'x'.repeat(200)}</Rec>\n<Rec>ok</Rec></Set>`;
    const expected = [root('Set'), err('<Rec> is larger than 100 bytes; skipped', 2), rec('<Rec>ok</Rec>', 3)];
    for (const size of [1, 5, 64, input.length]) {
      assert.deepEqual(await xmlEvents(input, size, { maxRecordBytes: 100 }), expected, `size ${size}`);
    }
  });

  test('a record of exactly maxRecordBytes is kept', async () => {
    // '<Rec>' (5) + 89 x + '</Rec>' (6) = 100 bytes: not larger than 100
    const r = `<Rec>${'x'.repeat(89)}</Rec>`;
    const input = `<Set>${r}</Set>`;
    for (const size of [1, 5, input.length]) {
      assert.deepEqual(await xmlEvents(input, size, { maxRecordBytes: 100 }), [root('Set'), rec(r, 1)], `size ${size}`);
    }
  });

  test('an oversized record that is never closed does not swallow the next record', async () => {
    const input = `<Set>\n<Rec>${'x'.repeat(200)}\n<Rec>ok</Rec></Set>`;
    for (const size of [1, 5, input.length]) {
      const ev = await xmlEvents(input, size, { maxRecordBytes: 100 });
      assert.deepEqual(ev[0], root('Set'), `size ${size}`);
      assert.equal(ev[1]!.kind, 'error', `size ${size}`);
      assert.deepEqual(ev.slice(2), [rec('<Rec>ok</Rec>', 3)], `size ${size}`);
    }
  });

  test('an oversized root record is skipped with one error, whatever the chunking', async () => {
    const input = `<clinical_study>${'x'.repeat(200)}</clinical_study>`;
    const expected = [root('clinical_study'), err('<clinical_study> is larger than 100 bytes; skipped', 1)];
    for (const size of [1, 10, input.length]) {
      assert.deepEqual(await xmlEvents(input, size, { maxRecordBytes: 100 }), expected, `size ${size}`);
    }
  });

  test('a DOCTYPE larger than maxDoctypeBytes refuses the input, whatever the chunking', async () => {
    const input = `<!DOCTYPE Set [ ${'x'.repeat(100)} ]><Set><Rec/></Set>`;
    const expected = [
      err('unterminated or oversized DOCTYPE; input refused', 1),
      err('content after the root element (<Set>) ignored', 1),
    ];
    for (const size of [1, 5, input.length]) {
      assert.deepEqual(await xmlEvents(input, size, { maxDoctypeBytes: 50 }), expected, `size ${size}`);
    }
  });
});

describe('splitJsonStudies: the size limit does not depend on chunking', () => {
  test('a study larger than the limit is refused with an error and the next one read', async () => {
    // the first study is '{"a":"' (6) + 200 y + '"}' (2) = 208 bytes > 100
    const input = `{"studies":[{"a":"${'y'.repeat(200)}"},{"b":1}]}`;
    const expected = [
      { kind: 'error', line: 1, message: 'JSON study larger than 100 bytes; input refused' },
      { kind: 'record', text: '{"b":1}', line: 1 },
    ];
    for (const size of [1, 5, input.length]) assert.deepEqual(await jsonEvents(input, size, 100), expected, `${size}`);
  });

  test('a study of exactly the limit is kept', async () => {
    // '{"a":"' (6) + 92 y + '"}' (2) = 100 bytes: not larger than 100
    const study = `{"a":"${'y'.repeat(92)}"}`;
    const input = `{"studies":[${study}]}`;
    for (const size of [1, 5, input.length]) {
      assert.deepEqual(await jsonEvents(input, size, 100), [{ kind: 'record', text: study, line: 1 }], `${size}`);
    }
  });

  test('an envelope larger than the limit before the studies array refuses the input', async () => {
    const input = `{"x":"${'y'.repeat(200)}","studies":[{"b":1}]}`;
    const expected = [{ kind: 'error', line: 1, message: 'JSON study larger than 100 bytes; input refused' }];
    for (const size of [1, 5, input.length]) assert.deepEqual(await jsonEvents(input, size, 100), expected, `${size}`);
  });
});

describe('parseXml: skipped elements', () => {
  test('a skipped element ends at its own end tag, not at one whose name only starts the same', () => {
    // XML 1.0 §3.1: ETag ::= '</' Name S? '>' — "</ReferenceX>" does not end <Reference>
    const skip = new Set(['Reference', 'Other']);
    assert.deepEqual(parseXml('<a><Reference><ReferenceX>1</ReferenceX></Reference><b/></a>', skip), {
      name: 'a',
      attrs: null,
      children: [
        { name: 'Reference', attrs: null, children: [] },
        { name: 'b', attrs: null, children: [] },
      ],
    });
    // the same for an element that is skipped to its first end tag (no nesting), with S? before '>'
    assert.deepEqual(parseXml('<a><Other><OtherX>1</OtherX></Other ><b/></a>', skip), {
      name: 'a',
      attrs: null,
      children: [
        { name: 'Other', attrs: null, children: [] },
        { name: 'b', attrs: null, children: [] },
      ],
    });
  });
});

describe('splitLines: Windows-1252 fallback', () => {
  test('bytes 0x80–0x9F are decoded per the WHATWG windows-1252 index', async () => {
    // https://encoding.spec.whatwg.org/index-windows-1252.txt: 0x93 → U+201C, 0x94 → U+201D
    const lines: string[] = [];
    for await (const b of splitLines(chunksOf(Buffer.from([0x93, 0x41, 0x94, 0x0a])))) lines.push(...b.lines);
    assert.deepEqual(lines, ['\u201cA\u201d']);
    // the whole 0x80–0x9F row, from the same index (0x81, 0x8D, 0x8F, 0x90, 0x9D map to U+0081 … themselves)
    const row = Buffer.from([...Array.from({ length: 32 }, (_, k) => 0x80 + k), 0x0a]);
    const all: string[] = [];
    for await (const b of splitLines(chunksOf(row))) all.push(...b.lines);
    assert.deepEqual(all, [
      '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
        '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178',
    ]);
  });
});

describe('splitXml: a windows-1252 encoding declaration', () => {
  test('bytes 0x80–0x9F are the WHATWG windows-1252 characters; ISO-8859-1 keeps them as U+0080–U+009F', async () => {
    // https://encoding.spec.whatwg.org/index-windows-1252.txt: 0x93 → U+201C, 0x94 → U+201D, 0x80 → U+20AC.
    // ISO-8859-1 (ISO/IEC 8859-1) maps every byte to the code point of the same number.
    const doc = (enc: string) =>
      Buffer.concat([
        Buffer.from(`<?xml version="1.0" encoding="${enc}"?><Set><Rec>`),
        Buffer.from([0x93, 0x80, 0x94, 0xe9]),
        Buffer.from('</Rec></Set>'),
      ]);
    const recordText = async (enc: string) => {
      const out: string[] = [];
      for await (const e of splitXml(chunksOf(doc(enc)), new Set(['Rec']))) if (e.kind === 'record') out.push(e.text);
      return out;
    };
    for (const enc of ['windows-1252', 'CP1252'])
      assert.deepEqual(await recordText(enc), ['<Rec>\u201c\u20ac\u201d\u00e9</Rec>'], enc);
    assert.deepEqual(await recordText('ISO-8859-1'), ['<Rec>\u0093\u0080\u0094\u00e9</Rec>']);
  });
});
