// readRecords: one entry point for every supported file. Streams the input (gzip accepted), detects the format
// from the content unless told, and yields records, deletions and errors (with line numbers) as it goes.
import type { Readable } from 'node:stream';
import { type ByteInput, countNewlinesStr, inputChunks, type Progress } from './bytes.ts';
import { readCtgovJson } from './ctgov-json.ts';
import { ctgovXmlRecord } from './ctgov-xml.ts';
import { detectFormat } from './detect.ts';
import { readMedline } from './medline.ts';
import { deletedPmids, PUBMED_RECORD_NAMES, PUBMED_SKIP, pubmedRecord } from './pubmed-xml.ts';
import type { Format, ImportedRecord, ReadEvent } from './record.ts';
import { readRis } from './ris.ts';
import { readWos } from './wos.ts';
import { parseXml, XmlError } from './xml.ts';
import { splitXml } from './xml-split.ts';

export type { Progress } from './bytes.ts';

export type { ReadEvent } from './record.ts';

export interface ReadOptions {
  /** Skip detection and read as this format. */
  format?: Format;
  /** Updated in place as the input is read (bytes read, records, errors): poll it for a progress bar. */
  progress?: Progress;
  /** Largest single record accepted, in bytes (default 64 MiB). */
  maxRecordBytes?: number;
}

export function createProgress(): Progress {
  return { bytesRead: 0, bytesDecoded: 0, records: 0, errors: 0 };
}

/** Re-yields already pulled chunks, then the rest of the iterator. */
async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const c of head) yield c;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

const CTGOV_XML_NAMES = new Set(['clinical_study']);

async function* readXml(chunks: AsyncIterable<Buffer>, format: Format, opts: ReadOptions): AsyncGenerator<ReadEvent> {
  const names = format === 'ctgov-xml' ? CTGOV_XML_NAMES : PUBMED_RECORD_NAMES;
  const skip = format === 'ctgov-xml' ? undefined : PUBMED_SKIP;
  const splitOpts = opts.maxRecordBytes ? { maxRecordBytes: opts.maxRecordBytes } : {};
  let root = '';
  for await (const ev of splitXml(chunks, names, splitOpts)) {
    if (ev.kind === 'root') {
      root = ev.name;
      if (
        format === 'pubmed-xml' &&
        !/^(PubmedArticleSet|MedlineCitationSet|PubmedArticle|PubmedBookArticle)$/.test(root)
      ) {
        yield { type: 'error', line: ev.line, message: `unexpected root element <${root}> for PubMed XML` };
      }
      continue;
    }
    if (ev.kind === 'error') {
      yield { type: 'error', line: ev.line, message: ev.message };
      continue;
    }
    let node: ReturnType<typeof parseXml>;
    try {
      node = parseXml(ev.text, skip);
    } catch (e) {
      if (!(e instanceof XmlError)) throw e;
      yield {
        type: 'error',
        line: ev.line + countNewlinesStr(ev.text, 0, Math.min(e.offset, ev.text.length)),
        message: `${e.message}; <${ev.name}> skipped`,
      };
      continue;
    }
    if (node.name === 'DeleteCitation') {
      yield { type: 'delete', pmids: deletedPmids(node), line: ev.line };
    } else if (format === 'ctgov-xml') {
      const rec = ctgovXmlRecord(node, ev.text, ev.line);
      if (rec.ids.nct.length > 0) yield { type: 'record', record: rec };
      else yield { type: 'error', line: ev.line, message: 'study has no NCT id (id_info/nct_id); skipped' };
    } else {
      yield { type: 'record', record: pubmedRecord(node, ev.text, ev.line) };
    }
  }
}

/**
 * Reads every record of a PubMed XML / MEDLINE / RIS / ClinicalTrials.gov / WoS file, gzipped or not.
 * Memory stays bounded by the largest record. Errors never stop the reading: a broken record gives an
 * `error` event with its line, and the good records around it are still yielded.
 */
export async function* readRecords(input: ByteInput | Readable, opts: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  const progress = opts.progress ?? createProgress();
  let inputError: Error | null = null;
  const it = inputChunks(input, progress, (e) => {
    inputError = e;
  })[Symbol.asyncIterator]();
  let format = opts.format ?? null;
  const head: Buffer[] = [];
  if (!format) {
    let size = 0;
    while (size < 65536) {
      const r = await it.next();
      if (r.done) break;
      head.push(r.value);
      size += r.value.length;
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head);
    format = detectFormat(first);
    if (!format) {
      progress.errors++;
      yield {
        type: 'error',
        line: 1,
        message:
          size === 0
            ? 'empty input'
            : 'unrecognized format (expected PubMed XML, MEDLINE/nbib, RIS, ClinicalTrials.gov JSON/XML or WoS)',
      };
      return;
    }
  }
  yield { type: 'format', format };
  const chunks = replay(head, it);
  let inner: AsyncGenerator<ReadEvent>;
  switch (format) {
    case 'pubmed-xml':
    case 'ctgov-xml':
      inner = readXml(chunks, format, opts);
      break;
    case 'medline':
      inner = readMedline(chunks);
      break;
    case 'ris':
      inner = readRis(chunks);
      break;
    case 'wos':
      inner = readWos(chunks);
      break;
    case 'ctgov-json':
      inner = readCtgovJson(chunks, opts.maxRecordBytes);
      break;
  }
  let lastLine = 1;
  for await (const ev of inner) {
    if (ev.type === 'record') {
      progress.records++;
      lastLine = ev.record.line;
    } else if (ev.type === 'error') {
      progress.errors++;
      lastLine = ev.line;
    }
    yield ev;
  }
  if (inputError) {
    progress.errors++;
    yield {
      type: 'error',
      line: lastLine,
      message: `input ended with an error after the record at line ${lastLine}: ${(inputError as Error).message}`,
    };
  }
}

/** Convenience: every event of an input, collected (for small files and tests). */
export async function collect(input: ByteInput | Readable, opts: ReadOptions = {}) {
  const records: ImportedRecord[] = [];
  const deleted: string[] = [];
  const errors: { line: number; message: string }[] = [];
  let format: Format | null = null;
  for await (const ev of readRecords(input, opts)) {
    if (ev.type === 'record') records.push(ev.record);
    else if (ev.type === 'delete') deleted.push(...ev.pmids);
    else if (ev.type === 'error') errors.push({ line: ev.line, message: ev.message });
    else format = ev.format;
  }
  return { format, records, deleted, errors };
}
