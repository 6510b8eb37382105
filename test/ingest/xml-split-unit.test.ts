// Unit tests of the streaming XML record splitter (src/ingest/xml-split.ts) and the JSON study splitter
// (src/ingest/json-split.ts). XML 1.0: the prolog (XML declaration with its encoding, §2.8 and §4.3.3; comments
// §2.5; processing instructions §2.6; the DOCTYPE with an internal subset §2.8), one root element (§2.1), the
// UTF-8 BOM (Appendix F). JSON (RFC 8259): strings with escapes, nested arrays and objects. Every input is fed
// whole, one byte at a time and in 5-byte chunks, and must give the same events each way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitJsonStudies } from '../../src/ingest/json-split.ts';
import { type SplitOptions, splitXml, type XmlSplitEvent } from '../../src/ingest/xml-split.ts';
import { chunksOf } from './helpers.ts';

const NAMES = new Set(['Rec', 'clinical_study']);

async function splitOnce(buf: Buffer, size: number, opts?: SplitOptions): Promise<XmlSplitEvent[]> {
  const out: XmlSplitEvent[] = [];
  for await (const e of splitXml(chunksOf(buf, size), NAMES, opts)) out.push(e);
  return out;
}

/** The events of an input, checked to be the same whatever the chunking. */
async function split(input: string | Buffer, opts?: SplitOptions): Promise<XmlSplitEvent[]> {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const whole = await splitOnce(buf, Math.max(1, buf.length), opts);
  for (const size of [1, 5]) assert.deepEqual(await splitOnce(buf, size, opts), whole, `chunks of ${size}`);
  return whole;
}

const root = (name: string, line = 1): XmlSplitEvent => ({ kind: 'root', name, line });
const rec = (text: string, line: number, name = 'Rec'): XmlSplitEvent => ({ kind: 'record', name, text, line });
const err = (message: string, line: number): XmlSplitEvent => ({ kind: 'error', line, message });

describe('splitXml', () => {
  test('the records under the root, each with its text and first line', async () => {
    assert.deepEqual(
      await split(
        '<?xml version="1.0"?>\n<Set>\n  <Rec a="1">x\n</Rec>\n  <Other>skip <Rec>no</Rec></Other>\n<Rec/>\n</Set>\n',
      ),
      [root('Set', 2), rec('<Rec a="1">x\n</Rec>', 3), rec('<Rec/>', 6)],
    );
  });

  test('a root that is itself a record (clinical_study)', async () => {
    assert.deepEqual(await split('\uFEFF<clinical_study rank="1"><x/></clinical_study>\n'), [
      root('clinical_study'),
      rec('<clinical_study rank="1"><x/></clinical_study>', 1, 'clinical_study'),
    ]);
    assert.deepEqual(await split('<clinical_study/>'), [
      root('clinical_study'),
      rec('<clinical_study/>', 1, 'clinical_study'),
    ]);
  });

  test('a self-closing root has no records and no error', async () => {
    assert.deepEqual(await split('<Set/>\n'), [root('Set')]);
  });

  test('an end tag with a longer name, or a longer start tag, does not end or restart the record', async () => {
    assert.deepEqual(await split('<Set><Rec><RecX>1</RecX><Rec2/></Rec></Set>'), [
      root('Set'),
      rec('<Rec><RecX>1</RecX><Rec2/></Rec>', 1),
    ]);
    assert.deepEqual(await split('<Set><Rec>1</Rec\n></Set>'), [root('Set'), rec('<Rec>1</Rec\n>', 1)]);
  });

  test('quoted ">" inside a start tag does not end it', async () => {
    assert.deepEqual(await split(`<Set><Rec b='>' c="/>"/><Rec d=">">1</Rec></Set>`), [
      root('Set'),
      rec(`<Rec b='>' c="/>"/>`, 1),
      rec('<Rec d=">">1</Rec>', 1),
    ]);
  });

  test('comments, processing instructions and white space between records are skipped', async () => {
    assert.deepEqual(await split('<!-- head -->\n<?pi x?>\n<Set>\n<!-- c --><?p?>\n<Rec>1</Rec></Set>'), [
      root('Set', 3),
      rec('<Rec>1</Rec>', 5),
    ]);
  });

  test('tab, CR and LF are white space between records and end a record name', async () => {
    assert.deepEqual(await split('<Set>\t\r\n<Rec\tx="1">1</Rec\t>\r<Rec\n/>\t</Set>'), [
      root('Set'),
      // the first record is after the LF (line 2); a lone CR is no line break
      rec('<Rec\tx="1">1</Rec\t>', 2),
      rec('<Rec\n/>', 2),
    ]);
  });

  test('a "[" after a DOCTYPE without internal subset is content, not a subset', async () => {
    assert.deepEqual(await split('<!DOCTYPE Set>\n<Set><Rec>[x]</Rec></Set>'), [
      root('Set', 2),
      rec('<Rec>[x]</Rec>', 2),
    ]);
  });

  test('an end tag before the root is reported', async () => {
    assert.deepEqual(await split('</x>\n<Set><Rec/></Set>'), [
      err('unexpected </x>', 1),
      root('Set', 2),
      rec('<Rec/>', 2),
    ]);
  });

  test('the encoding name must be a Latin-1 one exactly; spaces around "=" are allowed', async () => {
    const body = Buffer.concat([Buffer.from('<Set><Rec>'), Buffer.from([0xe9]), Buffer.from('</Rec></Set>')]);
    const withDecl = (decl: string) => Buffer.concat([Buffer.from(decl), body]);
    assert.deepEqual(await split(withDecl('<?xml version="1.0" encoding = "latin1" ?>')), [
      root('Set'),
      rec('<Rec>é</Rec>', 1),
    ]);
    assert.deepEqual(await split(withDecl('<?xml version="1.0" encoding="iso-8859-15"?>')), [
      root('Set'),
      err('invalid UTF-8 in record (decoded with replacement characters)', 1),
      rec('<Rec>\uFFFD</Rec>', 1),
    ]);
  });

  test('a UTF-8 record is decoded; bad UTF-8 is reported and replaced', async () => {
    assert.deepEqual(await split('<Set><Rec>é</Rec></Set>'), [root('Set'), rec('<Rec>é</Rec>', 1)]);
    const bad = Buffer.concat([Buffer.from('<Set><Rec>'), Buffer.from([0xe9]), Buffer.from('</Rec></Set>')]);
    assert.deepEqual(await split(bad), [
      root('Set'),
      err('invalid UTF-8 in record (decoded with replacement characters)', 1),
      rec('<Rec>\uFFFD</Rec>', 1),
    ]);
  });

  test('a Latin-1 or Windows-1252 encoding declaration decodes bytes as Latin-1', async () => {
    for (const enc of ['ISO-8859-1', 'latin1', 'windows-1252', 'us-ascii']) {
      const bytes = Buffer.concat([
        Buffer.from(`<?xml version="1.0" encoding='${enc}'?><Set><Rec>`),
        Buffer.from([0xe9]),
        Buffer.from('</Rec></Set>'),
      ]);
      assert.deepEqual(await split(bytes), [root('Set'), rec('<Rec>é</Rec>', 1)], enc);
    }
    // a declaration after the root does not change the decoding
    const late = Buffer.concat([
      Buffer.from('<Set><?xml encoding="latin1"?><Rec>'),
      Buffer.from([0xc3, 0xa9]),
      Buffer.from('</Rec></Set>'),
    ]);
    assert.deepEqual(await split(late), [root('Set'), rec('<Rec>é</Rec>', 1)]);
  });

  test('a DOCTYPE is skipped; one that declares entities is reported, and they are never expanded', async () => {
    assert.deepEqual(await split('<!DOCTYPE Set PUBLIC "-//NLM//DTD x//EN" "x.dtd">\n<Set><Rec/></Set>'), [
      root('Set', 2),
      rec('<Rec/>', 2),
    ]);
    assert.deepEqual(await split('<!DOCTYPE Set [\n  <!ELEMENT Set ANY>\n] >\n<Set><Rec/></Set>'), [
      root('Set', 4),
      rec('<Rec/>', 4),
    ]);
    assert.deepEqual(await split('<!DOCTYPE Set [ <!ENTITY a "]x"> ]><Set><Rec>&a;</Rec></Set>'), [
      err('DOCTYPE declares entities: ignored, and references to them are never expanded', 1),
      root('Set'),
      rec('<Rec>&a;</Rec>', 1),
    ]);
  });

  test('an unterminated DOCTYPE refuses the input; so does an oversized one', async () => {
    assert.deepEqual(await split('<!DOCTYPE Set [ <!ENTITY a "x">\n<Set><Rec/></Set>'), [
      err('unterminated or oversized DOCTYPE; input refused', 1),
    ]);
    // the limit bounds what is held while the DOCTYPE's end is not yet read (here: 5-byte chunks)
    const over = await splitOnce(Buffer.from(`<!DOCTYPE Set [ ${'x'.repeat(100)} ]><Set/>`), 5, {
      maxDoctypeBytes: 50,
    });
    assert.deepEqual(over[0], err('unterminated or oversized DOCTYPE; input refused', 1));
    assert.ok(!over.some((e) => e.kind === 'root'));
  });

  test('text between records is reported once', async () => {
    assert.deepEqual(await split('<Set>junk<Rec/>\nmore junk<Rec/></Set>'), [
      root('Set'),
      err('text outside any record ignored', 1),
      rec('<Rec/>', 1),
      rec('<Rec/>', 2),
    ]);
  });

  test('text after the root is ignored silently; elements after it are reported', async () => {
    assert.deepEqual(await split('<Set><Rec/></Set>\ntrailing\n<Rec>x</Rec>'), [
      root('Set'),
      rec('<Rec/>', 1),
      err('content after the root element (<Rec>) ignored', 3),
    ]);
  });

  test('an end tag that closes nothing is reported', async () => {
    assert.deepEqual(await split('<Set><Rec/></Other></Set>'), [
      root('Set'),
      rec('<Rec/>', 1),
      err('unexpected </Other>', 1),
    ]);
  });

  test('a record not closed before the next one is skipped with an error', async () => {
    assert.deepEqual(await split('<Set>\n<Rec>cut\n<Rec>ok</Rec>\n</Set>'), [
      root('Set'),
      err('<Rec> is not closed before the next <Rec>; record skipped', 2),
      rec('<Rec>ok</Rec>', 3),
    ]);
  });

  test('a truncated record at the end of the input', async () => {
    assert.deepEqual(await split('<Set>\n<Rec>ok</Rec>\n<Rec>cut'), [
      root('Set'),
      rec('<Rec>ok</Rec>', 2),
      err('unexpected end of input: <Rec> is not closed (truncated file)', 3),
    ]);
    assert.deepEqual(await split('<Set>\n<Rec>cut <Rec'), [
      root('Set'),
      err('unexpected end of input: <Rec> is not closed (truncated file)', 2),
    ]);
  });

  test('a missing root end tag, an empty input, a cut start tag', async () => {
    assert.deepEqual(await split('<Set>\n<Rec/>\n'), [
      root('Set'),
      rec('<Rec/>', 2),
      err('unexpected end of input: </Set> missing', 3),
    ]);
    assert.deepEqual(await split(''), [err('no XML element found', 1)]);
    assert.deepEqual(await split(' \n '), [err('no XML element found', 2)]);
    assert.deepEqual(await split('<Set><Re'), [
      root('Set'),
      err('unexpected end of input in a start tag', 1),
      err('unexpected end of input: </Set> missing', 1),
    ]);
    assert.deepEqual((await split('<Set a="1')).slice(0, 2), [root('Set'), err('unexpected end of input in <Set>', 1)]);
    assert.deepEqual(await split('<Set><Rec a="1'), [
      root('Set'),
      err('unexpected end of input in <Rec>', 1),
      err('unexpected end of input: </Set> missing', 1),
    ]);
  });

  test('unterminated comments and processing instructions', async () => {
    assert.deepEqual(await split('<Set><!-- no end'), [
      root('Set'),
      err('unterminated comment', 1),
      err('unexpected end of input: </Set> missing', 1),
    ]);
    assert.deepEqual(await split('<?xml version="1.0"'), [
      err('unterminated processing instruction', 1),
      err('no XML element found', 1),
    ]);
    assert.deepEqual(await split('<Set></'), [root('Set'), err('unexpected end of input: </Set> missing', 1)]);
  });

  test('a record larger than maxRecordBytes is skipped and the next one read', async () => {
    const big = `<Rec>${'x'.repeat(200)}</Rec>`;
    const events = await splitOnce(Buffer.from(`<Set>\n${big}\n<Rec>ok</Rec></Set>`), 5, { maxRecordBytes: 100 });
    // the oversized record is dropped with what was read of it; the rest is resynchronised on the next start tag
    assert.deepEqual(events[0], root('Set'));
    assert.deepEqual(events[1], err('<Rec> is larger than 100 bytes; skipped', 2));
    assert.deepEqual(events.at(-1), rec('<Rec>ok</Rec>', 3));
  });

  test('an oversized root record ends the input', async () => {
    const events = await splitOnce(Buffer.from(`<clinical_study>${'x'.repeat(200)}</clinical_study>`), 10, {
      maxRecordBytes: 100,
    });
    assert.deepEqual(events.slice(0, 2), [
      root('clinical_study'),
      err('<clinical_study> is larger than 100 bytes; skipped', 1),
    ]);
    assert.ok(events.slice(2).every((e) => e.kind === 'error' && !/is larger/.test(e.message)));
  });
});

describe('splitJsonStudies', () => {
  type Ev = { kind: string; text?: string; line: number; message?: string };
  async function splitJ(text: string | Buffer, maxBytes?: number, size?: number): Promise<Ev[]> {
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const run = async (n: number) => {
      const out: Ev[] = [];
      for await (const e of splitJsonStudies(chunksOf(buf, n), maxBytes)) out.push(e);
      return out;
    };
    if (size) return run(size);
    const whole = await run(Math.max(1, buf.length));
    for (const n of [1, 5]) assert.deepEqual(await run(n), whole, `chunks of ${n}`);
    return whole;
  }

  test('a document without a studies array is one document', async () => {
    assert.deepEqual(await splitJ('\uFEFF{"protocolSection": {"a": [1, 2]}}\n'), [
      { kind: 'document', text: '{"protocolSection": {"a": [1, 2]}}\n', line: 1 },
    ]);
    assert.deepEqual(await splitJ(' \n '), []);
  });

  test('the objects of a top-level array, a "studies" array or a "FullStudies" array, with their lines', async () => {
    assert.deepEqual(await splitJ('[\n{"a": 1},\n 2, {"b": [3]}\n]'), [
      { kind: 'record', text: '{"a": 1}', line: 2 },
      { kind: 'record', text: '{"b": [3]}', line: 3 },
    ]);
    assert.deepEqual(await splitJ('{"other": [{"x": 1}], "studies": [\n{"s": "]}"}]}'), [
      { kind: 'record', text: '{"s": "]}"}', line: 2 },
    ]);
    assert.deepEqual(
      await splitJ('{"FullStudiesResponse": {"NStudiesFound": 1, "FullStudies": [{"Rank": 1, "Study": {}}]}}'),
      [{ kind: 'record', text: '{"Rank": 1, "Study": {}}', line: 1 }],
    );
  });

  test('only the first studies array counts; "studies" as a value is not a key', async () => {
    assert.deepEqual(await splitJ('{"studies": [{"a": 1}], "more": {"studies": [{"b": 2}]}}'), [
      { kind: 'record', text: '{"a": 1}', line: 1 },
    ]);
    assert.deepEqual(await splitJ('{"k": "studies", "v": [{"a": 1}]}'), [
      { kind: 'document', text: '{"k": "studies", "v": [{"a": 1}]}', line: 1 },
    ]);
  });

  test('strings with escaped quotes, backslashes and brackets do not confuse the split', async () => {
    const s = '[{"t": "a \\" } ] \\\\"}, {"u": "\\\\"}]';
    assert.deepEqual(await splitJ(s), [
      { kind: 'record', text: '{"t": "a \\" } ] \\\\"}', line: 1 },
      { kind: 'record', text: '{"u": "\\\\"}', line: 1 },
    ]);
  });

  test('a "studies" key deeper than four levels, or a "studies" string that is no key, is not the array', async () => {
    const deep4 = '{"a": {"b": {"c": {"studies": [{"x": 1}]}}}}';
    assert.deepEqual(await splitJ(deep4), [{ kind: 'record', text: '{"x": 1}', line: 1 }]);
    const deep5 = '{"a": {"b": {"c": {"d": {"studies": [{"x": 1}]}}}}}';
    assert.deepEqual(await splitJ(deep5), [{ kind: 'document', text: deep5, line: 1 }]);
    const notKey = '{"x": ["studies", [{"a": 1}]]}';
    assert.deepEqual(await splitJ(notKey), [{ kind: 'document', text: notKey, line: 1 }]);
    const longKey = `{"${'k'.repeat(70)}": 1, "studies": [{"a": 1}]}`;
    assert.deepEqual(await splitJ(longKey), [{ kind: 'record', text: '{"a": 1}', line: 1 }]);
  });

  test('objects nested in a study stay in it; objects after the studies array are not studies', async () => {
    assert.deepEqual(await splitJ('{"studies": [{"a": {"b": [{"c": 1}]}}], "x": {"y": {"b": 2}}}'), [
      { kind: 'record', text: '{"a": {"b": [{"c": 1}]}}', line: 1 },
    ]);
  });

  test('a UTF-8 study is decoded whole', async () => {
    assert.deepEqual(await splitJ('[{"t": "é—ü"}]'), [{ kind: 'record', text: '{"t": "é—ü"}', line: 1 }]);
  });

  test('an unexpected closing bracket is reported once', async () => {
    assert.deepEqual(await splitJ('[{"a": 1}]]]'), [
      { kind: 'record', text: '{"a": 1}', line: 1 },
      { kind: 'error', line: 1, message: 'unbalanced JSON: unexpected closing bracket' },
    ]);
  });

  test('a truncated array is reported with the line of the open study', async () => {
    assert.deepEqual(await splitJ('[\n{"a": 1},\n{"b":\n'), [
      { kind: 'record', text: '{"a": 1}', line: 2 },
      { kind: 'error', line: 3, message: 'unexpected end of input: JSON is truncated (study not closed)' },
    ]);
    assert.deepEqual(await splitJ('[{"a": 1}\n'), [
      { kind: 'record', text: '{"a": 1}', line: 1 },
      { kind: 'error', line: 2, message: 'unexpected end of input: JSON is truncated (study not closed)' },
    ]);
    assert.deepEqual(await splitJ('[{"a": 1}, "open'), [
      { kind: 'record', text: '{"a": 1}', line: 1 },
      { kind: 'error', line: 1, message: 'unexpected end of input: JSON is truncated (study not closed)' },
    ]);
  });

  test('a study larger than maxBytes refuses the input', async () => {
    const big = `{"x": "${'y'.repeat(100)}"}`;
    const evs = await splitJ(`[\n{"a": 1},\n${big}]`, 50, 10);
    assert.deepEqual(evs[0], { kind: 'record', text: '{"a": 1}', line: 2 });
    assert.deepEqual(evs[1], { kind: 'error', line: 3, message: 'JSON study larger than 50 bytes; input refused' });
    const doc = await splitJ(`{"protocolSection": "${'y'.repeat(100)}"}`, 50, 10);
    assert.deepEqual(doc, [{ kind: 'error', line: 1, message: 'JSON study larger than 50 bytes; input refused' }]);
    // at the limit it is kept
    const exact = '{"protocolSection": 1}';
    assert.deepEqual(await splitJ(exact, exact.length, 5), [{ kind: 'document', text: exact, line: 1 }]);
  });
});
