// Unit tests of format detection (src/ingest/detect.ts) and the one reading entry point (src/ingest/read.ts):
// the first bytes tell the format (gzip magic 1f 8b per RFC 1952; an XML root element; ClinicalTrials.gov JSON
// keys; the first tag line of RIS "TY  - ", MEDLINE "PMID- " / "PMC - " / "OWN - ", WoS "FN " / "PT J"), and
// readRecords yields the format, then records, deletions and errors with their lines, counting progress.
// Inputs are hand-written.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectFormat, isGzip } from '../../src/ingest/detect.ts';
import { collect, createProgress, readRecords } from '../../src/ingest/read.ts';
import type { ReadEvent } from '../../src/ingest/record.ts';
import { chunksOf } from './helpers.ts';

const d = (s: string) => detectFormat(Buffer.from(s, 'utf8'));

describe('detectFormat', () => {
  test('gzip magic', () => {
    assert.equal(isGzip(Buffer.from([0x1f, 0x8b])), true);
    assert.equal(isGzip(Buffer.from([0x1f])), false);
    assert.equal(isGzip(Buffer.from([0x1f, 0x8c])), false);
    assert.equal(isGzip(Buffer.from([0x1e, 0x8b])), false);
    assert.equal(isGzip(new Uint8Array(0)), false);
  });

  test('XML by its root element', () => {
    for (const r of [
      'PubmedArticleSet',
      'PubmedArticle',
      'PubmedBookArticle',
      'MedlineCitationSet',
      'MedlineCitation',
    ]) {
      assert.equal(d(`<?xml version="1.0"?>\n<${r}>`), 'pubmed-xml', r);
    }
    assert.equal(d('  \n<clinical_study rank="1">'), 'ctgov-xml');
    assert.equal(d('<PubmedArticleX>'), null);
    assert.equal(d('<html><body>'), null);
  });

  test('XML by its DOCTYPE when no element has come yet', () => {
    assert.equal(
      d('<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "x">'),
      'pubmed-xml',
    );
    assert.equal(d('<!DOCTYPE clinical_study>'), 'ctgov-xml');
    assert.equal(d('<!DOCTYPE html>'), null);
  });

  test('XML with another root that wraps PubMed or clinical_study content', () => {
    assert.equal(d('<eFetchResult><PubmedArticleSet>'), 'pubmed-xml');
    assert.equal(d('<search_results><clinical_study>'), 'ctgov-xml');
    assert.equal(d('<search_results><clinical_studyX>'), null);
  });

  test('ClinicalTrials.gov JSON by its keys', () => {
    for (const k of ['protocolSection', 'studies', 'FullStudiesResponse', 'ProtocolSection', 'nctId', 'FullStudies']) {
      assert.equal(d(`{"${k}": 1}`), 'ctgov-json', k);
    }
    assert.equal(d('[{"nctId": "NCT1"}]'), 'ctgov-json');
    assert.equal(d('[{"id": 1}]'), null);
    assert.equal(d('{"protocol": 1}'), null);
  });

  test('tagged text by its first tag lines', () => {
    assert.equal(d('TY - JOUR'), 'ris');
    assert.equal(d('TY  -JOUR'), 'ris');
    assert.equal(d('\n\n  12. TY  - JOUR'), 'ris');
    assert.equal(d('TY   - JOUR'), null);
    assert.equal(d('PMID- 12345'), 'medline');
    assert.equal(d('PMID-12345'), 'medline');
    assert.equal(d('PMID-x'), null);
    assert.equal(d('PMC - PMC1'), 'medline');
    assert.equal(d('OWN - ERIC'), 'medline');
    assert.equal(d('OWN - '), null);
    assert.equal(d('FN Clarivate Analytics Web of Science'), 'wos');
    assert.equal(d('FN 1'), null);
    assert.equal(d('PT J'), 'wos');
    assert.equal(d('PT J  '), 'wos');
    assert.equal(d('PT Journal'), null);
    assert.equal(d('Record 1 of 2\r\nPT J'), 'wos');
    assert.equal(d('Record 1 of 2\rPMID- 1'), 'medline');
  });

  test('a BOM is skipped; only the first 64 KiB are looked at', () => {
    assert.equal(d('\uFEFFTY  - JOUR'), 'ris');
    assert.equal(d(`${' '.repeat(65536)}TY  - JOUR`), null);
    assert.equal(d(`${' '.repeat(65530)}TY  - JOUR`), 'ris');
    assert.equal(d(''), null);
    assert.equal(detectFormat(gzipSync(Buffer.from('TY  - JOUR'))), null);
  });

  test('detection reads a view of the bytes, not the whole underlying buffer', () => {
    const whole = Buffer.from('xxxxTY  - JOUR');
    assert.equal(detectFormat(new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 4)), 'ris');
  });
});

async function events(text: string | Buffer, opts = {}, size = 64 * 1024): Promise<ReadEvent[]> {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out: ReadEvent[] = [];
  for await (const e of readRecords(chunksOf(buf, size), opts)) out.push(e);
  return out;
}

const brief = (ev: ReadEvent[]) =>
  ev.map((e) =>
    e.type === 'format'
      ? `format ${e.format}`
      : e.type === 'record'
        ? `record@${e.record.line}`
        : e.type === 'delete'
          ? `delete@${e.line} ${e.pmids.join(',')}`
          : `error@${e.line} ${e.message}`,
  );

describe('readRecords', () => {
  test('createProgress starts at zero', () => {
    assert.deepEqual(createProgress(), { bytesRead: 0, bytesDecoded: 0, records: 0, errors: 0 });
  });

  test('an empty input and an unrecognised one are errors on line 1', async () => {
    const p = createProgress();
    assert.deepEqual(brief(await events('', { progress: p })), ['error@1 empty input']);
    assert.equal(p.errors, 1);
    assert.deepEqual(brief(await events('hello world\n')), [
      'error@1 unrecognized format (expected PubMed XML, MEDLINE/nbib, RIS, ClinicalTrials.gov JSON/XML or WoS)',
    ]);
  });

  test('the format is detected from the first 64 KiB however the input is chunked', async () => {
    const ris = 'TY  - JOUR\nTI  - A\nER  - \n';
    assert.deepEqual(brief(await events(ris, {}, 3)), ['format ris', 'record@1']);
    const wos = 'FN x\nPT J\nTI A\nER\nEF\n';
    assert.deepEqual(brief(await events(wos)), ['format wos', 'record@2']);
    const med = 'PMID- 1\nTI  - A\n';
    assert.deepEqual(brief(await events(med)), ['format medline', 'record@1']);
    const json = '{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}';
    assert.deepEqual(brief(await events(json)), ['format ctgov-json', 'record@1']);
  });

  test('a format given is used without looking', async () => {
    assert.deepEqual(brief(await events('AB  - x\n', { format: 'ris' })), [
      'format ris',
      'error@1 "AB" line outside a record (no TY before it); ignored',
    ]);
    assert.equal(
      brief(await events('AB  - x\n'))[0],
      'error@1 unrecognized format (expected PubMed XML, MEDLINE/nbib, RIS, ClinicalTrials.gov JSON/XML or WoS)',
    );
  });

  test('PubMed XML: records, deletions, and a broken record reported at the line of the problem', async () => {
    const xml =
      '<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle>\n<PubmedArticle>\n<MedlineCitation>\n<PMID>2</PMID>&bad;\n</MedlineCitation></PubmedArticle>\n<DeleteCitation><PMID>3</PMID><PMID>4</PMID></DeleteCitation>\n</PubmedArticleSet>\n';
    const p = createProgress();
    const ev = await events(xml, { progress: p });
    assert.deepEqual(brief(ev), [
      'format pubmed-xml',
      'record@3',
      // the record starts on line 4; "&bad;" is two lines further down
      'error@6 undefined entity &bad; (entities from a DOCTYPE are never expanded); <PubmedArticle> skipped',
      'delete@8 3,4',
    ]);
    assert.deepEqual([p.records, p.errors, p.bytesRead, p.bytesDecoded], [1, 1, xml.length, xml.length]);
    const r = ev[1]?.type === 'record' ? ev[1].record : null;
    assert.deepEqual([r?.format, r?.ids.pmid, r?.source_type], ['pubmed-xml', '1', 'PubmedArticle']);
  });

  test('PubMed XML read under another root is reported; the legacy roots are fine', async () => {
    const wrapped =
      '<eFetchResult><PubmedArticle><MedlineCitation><PMID>9</PMID></MedlineCitation></PubmedArticle></eFetchResult>';
    assert.deepEqual(brief(await events(wrapped, { format: 'pubmed-xml' })), [
      'format pubmed-xml',
      'error@1 unexpected root element <eFetchResult> for PubMed XML',
      'record@1',
    ]);
    for (const rootName of ['MedlineCitationSet', 'PubmedArticleSet']) {
      assert.deepEqual(
        brief(await events(`<${rootName}><MedlineCitation><PMID>9</PMID></MedlineCitation></${rootName}>`)),
        ['format pubmed-xml', 'record@1'],
        rootName,
      );
    }
    assert.deepEqual(
      brief(await events('<PubmedArticle><MedlineCitation><PMID>9</PMID></MedlineCitation></PubmedArticle>')),
      ['format pubmed-xml', 'record@1'],
    );
  });

  test('ClinicalTrials.gov XML: a study without nct_id is an error, with one it is a record', async () => {
    assert.deepEqual(brief(await events('<clinical_study><brief_title>x</brief_title></clinical_study>')), [
      'format ctgov-xml',
      'error@1 study has no NCT id (id_info/nct_id); skipped',
    ]);
    const ev = await events('\n<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info></clinical_study>');
    assert.deepEqual(brief(ev), ['format ctgov-xml', 'record@2']);
    assert.equal(ev[1]?.type === 'record' ? ev[1].record.format : '', 'ctgov-xml');
    // a root that is not a PubMed root is not an error for ClinicalTrials.gov XML
    assert.deepEqual(
      brief(await events('<clinical_study><id_info><nct_id>NCT1</nct_id></id_info><x>&bad;</x></clinical_study>')),
      [
        'format ctgov-xml',
        'error@1 undefined entity &bad; (entities from a DOCTYPE are never expanded); <clinical_study> skipped',
      ],
    );
  });

  test('ClinicalTrials.gov XML records are parsed without skipping any subtree', async () => {
    // <History> is skipped for PubMed but read for clinical_study: a malformed one breaks the study
    assert.deepEqual(
      brief(
        await events(
          '<clinical_study><id_info><nct_id>NCT1</nct_id></id_info><History>&bad;</History></clinical_study>',
        ),
      ),
      [
        'format ctgov-xml',
        'error@1 undefined entity &bad; (entities from a DOCTYPE are never expanded); <clinical_study> skipped',
      ],
    );
  });

  test('maxRecordBytes is passed to the XML splitter and the JSON splitter', async () => {
    const xml = `<PubmedArticleSet><PubmedArticle>${'x'.repeat(300)}</PubmedArticle></PubmedArticleSet>`;
    const ev = brief(await events(xml, { maxRecordBytes: 100 }, 50));
    assert.deepEqual(ev.slice(0, 2), [
      'format pubmed-xml',
      'error@1 <PubmedArticle> is larger than 100 bytes; skipped',
    ]);
    const json = `{"protocolSection": "${'y'.repeat(300)}"}`;
    assert.deepEqual(brief(await events(json, { maxRecordBytes: 100 }, 50)), [
      'format ctgov-json',
      'error@1 JSON study larger than 100 bytes; input refused',
    ]);
  });

  test('gzip input: detected after decompression; a cut stream ends with an error after the last record', async () => {
    const text = 'TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\nTI  - B\nER  - \n';
    const gz = gzipSync(Buffer.from(text));
    const p = createProgress();
    assert.deepEqual(brief(await events(gz, { progress: p })), ['format ris', 'record@1', 'record@4']);
    assert.deepEqual([p.bytesRead, p.bytesDecoded, p.records, p.errors], [gz.length, text.length, 2, 0]);
    const q = createProgress();
    const cut = brief(await events(gz.subarray(0, gz.length - 4), { progress: q }));
    assert.deepEqual(cut.slice(0, 3), ['format ris', 'record@1', 'record@4']);
    assert.match(cut[3]!, /^error@4 input ended with an error after the record at line 4: /);
    assert.equal(cut.length, 4);
    assert.deepEqual([q.records, q.errors], [2, 1]);
  });

  test('a cut gzip stream after an error names the error’s line', async () => {
    const text = 'TY  - JOUR\nTI  - A\nER  - \nstray\n'.repeat(1);
    const gz = gzipSync(Buffer.from(text));
    const cut = brief(await events(gz.subarray(0, gz.length - 4)));
    assert.match(cut.at(-1)!, /^error@4 input ended with an error after the record at line 4: /);
  });

  test('collect gathers every event by kind', async () => {
    const xml =
      '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle><DeleteCitation><PMID>5</PMID></DeleteCitation><DeleteCitation><PMID>6</PMID></DeleteCitation><Junk/></PubmedArticleSet>&x;';
    const c = await collect(chunksOf(Buffer.from(xml)));
    assert.equal(c.format, 'pubmed-xml');
    assert.deepEqual(
      c.records.map((r) => r.ids.pmid),
      ['1'],
    );
    assert.deepEqual(c.deleted, ['5', '6']);
    assert.deepEqual(c.errors, []);
    const e = await collect(chunksOf(Buffer.from('TY  - JOUR\n')));
    assert.deepEqual(e.errors, [{ line: 1, message: 'unexpected end of input: record has no ER line' }]);
    assert.equal(e.records.length, 1);
    const none = await collect(chunksOf(Buffer.from('??')));
    assert.deepEqual([none.format, none.records, none.deleted], [null, [], []]);
  });
});
