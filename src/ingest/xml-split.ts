// Splits a streamed XML document into its record elements (the children of the root, or the root itself when it
// is a record such as <clinical_study>) by scanning bytes, without building anything for the rest of the file.
// Each record's bytes are decoded once and handed to the strict record parser (xml.ts). Memory is bounded by the
// largest record (capped by maxRecordBytes); the DOCTYPE is skipped, and a DOCTYPE that declares entities is
// reported: its entities are never expanded.
import { isAscii, isUtf8 } from 'node:buffer';
import { ByteWindow, countNewlines } from './bytes.ts';
import { decodeCp1252 } from './lines.ts';

export type XmlSplitEvent =
  | { kind: 'root'; name: string; line: number }
  | { kind: 'record'; name: string; text: string; line: number }
  | { kind: 'error'; line: number; message: string };

export interface SplitOptions {
  /** Largest record accepted, in bytes (default 64 MiB). Larger ones are reported and skipped. */
  maxRecordBytes?: number;
  /** Largest DOCTYPE accepted (default 1 MiB). */
  maxDoctypeBytes?: number;
}

const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QMARK = 63;

function isWs(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
}
function isNameEndByte(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13 || b === SLASH || b === GT;
}

const LATIN1 = /^(iso-8859-1|latin1|iso_8859-1|windows-1252|cp1252|us-ascii|ascii)$/i;
// Windows-1252 is Latin-1 except bytes 0x80–0x9F (curly quotes, dashes, €): decoded by its own table.
const CP1252 = /^(windows-1252|cp1252)$/i;

interface Pending {
  name: string;
  /** Where to resume the search for the end tag, relative to the window start (= the record start). */
  scanOff: number;
  open: Buffer;
  close: Buffer;
  isRecord: boolean;
  /** Line of the record's start tag. */
  line: number;
  /** Over maxRecordBytes and already reported: its bytes are dropped as they come until its end tag. */
  skipping: boolean;
  /** Bytes of it were dropped, so the window no longer starts at its own start tag. */
  dropped: boolean;
}

export async function* splitXml(
  chunks: AsyncIterable<Buffer>,
  recordNames: ReadonlySet<string>,
  opts: SplitOptions = {},
): AsyncGenerator<XmlSplitEvent> {
  const maxRecord = opts.maxRecordBytes ?? 64 * 1024 * 1024;
  const maxDoctype = opts.maxDoctypeBytes ?? 1024 * 1024;
  const w = new ByteWindow();
  let line = 1; // line of w.start
  let phase: 'prolog' | 'body' | 'root-record' | 'done' = 'prolog';
  let rootName = '';
  // the root's start tag may be cut by a chunk boundary and read again: its event is given once
  let rootReported = false;
  let latin1 = false;
  let cp1252 = false;
  let pending: Pending | null = null;
  let strayTextReported = false;
  let bomChecked = false;
  const tagCache = new Map<string, { open: Buffer; close: Buffer }>();

  const consume = (to: number) => {
    line += countNewlines(w.buf, w.start, to);
    w.start = to;
  };
  const find = (needle: string | Buffer, from: number): number => {
    const view = w.buf.subarray(0, w.end);
    return view.indexOf(needle, from);
  };
  const tags = (name: string) => {
    let t = tagCache.get(name);
    if (!t) {
      t = { open: Buffer.from(`<${name}`, 'latin1'), close: Buffer.from(`</${name}`, 'latin1') };
      if (tagCache.size < 64) tagCache.set(name, t);
    }
    return t;
  };
  /** Position after the '>' closing the tag that starts at `from` (quotes respected), or -1. */
  const tagEnd = (from: number): number => {
    const b = w.buf;
    let q = 0;
    for (let i = from; i < w.end; i++) {
      const c = b[i]!;
      if (q) {
        if (c === q) q = 0;
      } else if (c === 34 || c === 39) q = c;
      else if (c === GT) return i + 1;
    }
    return -1;
  };
  const decode = (from: number, to: number): { text: string; bad: boolean } => {
    if (cp1252) return { text: decodeCp1252(w.buf.subarray(from, to)), bad: false };
    if (latin1) return { text: w.buf.toString('latin1', from, to), bad: false };
    const bytes = w.buf.subarray(from, to);
    // pure ASCII (most records): a one-byte string, the cheapest to build and to search
    if (isAscii(bytes)) return { text: w.buf.toString('latin1', from, to), bad: false };
    return { text: w.buf.toString('utf8', from, to), bad: !isUtf8(bytes) };
  };

  function* drain(eof: boolean): Generator<XmlSplitEvent, void, void> {
    for (;;) {
      if (pending) {
        const p = pending;
        const start = w.start;
        const found = find(p.close, start + p.scanOff);
        let endPos = -1;
        if (found >= 0) {
          const after = found + p.close.length;
          if (after >= w.end) {
            if (!eof) return;
          } else if (isNameEndByte(w.buf[after]!) && w.buf[after] !== SLASH) {
            const gt = find('>', after);
            if (gt < 0) {
              if (!eof) return;
            } else endPos = gt + 1;
          } else {
            // "</NameSuffix": keep looking after it
            p.scanOff = after - start;
            continue;
          }
        }
        // a new start tag of the same name before the end: the current record is broken/truncated
        // (checked once the end is found, or at the end of input)
        let restart = -1;
        if (endPos >= 0 || eof) {
          const limit = endPos >= 0 ? found : w.end;
          const view = w.buf.subarray(0, limit);
          let k = view.indexOf(p.open, p.dropped ? start : start + 1);
          while (k >= 0) {
            if (k + p.open.length < w.end && isNameEndByte(w.buf[k + p.open.length]!)) {
              restart = k;
              break;
            }
            k = view.indexOf(p.open, k + 1);
          }
        }
        if (restart >= 0) {
          yield {
            kind: 'error',
            line: p.line,
            message: `<${p.name}> is not closed before the next <${p.name}>; record skipped`,
          };
          pending = null;
          consume(restart);
          continue;
        }
        if (endPos < 0) {
          if (eof) {
            yield {
              kind: 'error',
              line: p.line,
              message: `unexpected end of input: <${p.name}> is not closed (truncated file)`,
            };
            pending = null;
            consume(w.end);
            phase = 'done';
            return;
          }
          if (p.skipping || w.end - start > maxRecord) {
            // Over the limit before its end is read: reported once, then its bytes are dropped as they come
            // (memory stays bounded) while its end tag is looked for, so that the events are the same as when
            // the whole record arrives in one chunk (checked below). Formerly the window was dropped and the
            // body scan resynchronised, which read the rest of the record as stray text and a stray end tag.
            if (!p.skipping) {
              yield { kind: 'error', line: p.line, message: `<${p.name}> is larger than ${maxRecord} bytes; skipped` };
              p.skipping = true;
            }
            // a start tag of the same name in what is dropped: this one was never closed; go on from there
            const view = w.buf.subarray(0, w.end);
            let k = view.indexOf(p.open, p.dropped ? start : start + 1);
            while (k >= 0 && k + p.open.length < w.end && !isNameEndByte(w.buf[k + p.open.length]!)) {
              k = view.indexOf(p.open, k + 1);
            }
            if (k >= 0 && k + p.open.length < w.end) {
              pending = null;
              consume(k);
              w.shrink();
              continue;
            }
            // keep the last bytes, where an end tag (or a start tag) cut by the chunk boundary may begin
            const keep = Math.max(start, k >= 0 ? k : w.end - p.close.length);
            if (keep > start) {
              consume(keep);
              w.shrink();
              p.dropped = true;
            }
            p.scanOff = 0;
            return;
          }
          p.scanOff = Math.max(0, w.end - p.close.length - start);
          return;
        }
        pending = null;
        // A complete record over the limit is skipped too: the limit must not depend on where the chunks end
        // (formerly it was checked only while the record was incomplete, so one big chunk let it through).
        if (p.skipping || endPos - start > maxRecord) {
          if (!p.skipping) {
            yield { kind: 'error', line: p.line, message: `<${p.name}> is larger than ${maxRecord} bytes; skipped` };
          }
          consume(endPos);
          w.shrink();
          if (phase === 'root-record') phase = 'done';
          continue;
        }
        if (p.isRecord) {
          const { text, bad } = decode(start, endPos);
          if (bad)
            yield { kind: 'error', line, message: 'invalid UTF-8 in record (decoded with replacement characters)' };
          yield { kind: 'record', name: p.name, text, line };
        }
        consume(endPos);
        w.shrink();
        if (phase === 'root-record') phase = 'done';
        continue;
      }

      // skip white space
      const b = w.buf;
      let i = w.start;
      if (!bomChecked) {
        if (w.end - i < 3 && !eof) return;
        bomChecked = true;
        if (b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) {
          w.start += 3;
          i += 3;
        }
      }
      while (i < w.end && isWs(b[i]!)) i++;
      consume(i);
      if (i >= w.end) return;
      if (b[i] !== LT) {
        // stray text at the top level (e.g. an entity reference between records): skipped, reported once
        const lt = find('<', i);
        if (phase !== 'done' && !strayTextReported) {
          strayTextReported = true;
          yield { kind: 'error', line, message: 'text outside any record ignored' };
        }
        consume(lt < 0 ? w.end : lt);
        if (lt < 0) return;
        continue;
      }
      if (w.end - i < 12 && !eof) return;
      const c1 = b[i + 1];
      if (c1 === QMARK) {
        const e = find('?>', i + 2);
        if (e < 0) {
          if (eof || w.end - i > maxDoctype) {
            yield { kind: 'error', line, message: 'unterminated processing instruction' };
            consume(w.end);
          }
          return;
        }
        if (phase === 'prolog') {
          const decl = b.toString('latin1', i, e);
          const m = /encoding\s*=\s*["']([^"']+)["']/.exec(decl);
          if (m && LATIN1.test(m[1]!)) latin1 = true;
          if (m && CP1252.test(m[1]!)) cp1252 = true;
        }
        consume(e + 2);
        continue;
      }
      if (c1 === BANG) {
        if (b[i + 2] === 45 && b[i + 3] === 45) {
          const e = find('-->', i + 4);
          if (e < 0) {
            if (eof) {
              yield { kind: 'error', line, message: 'unterminated comment' };
              consume(w.end);
            }
            return;
          }
          consume(e + 3);
          continue;
        }
        // <!DOCTYPE …> possibly with an internal subset [ … ]
        const gtPlain = tagEnd(i);
        const bracket = find('[', i);
        let end = -1;
        let subset = false;
        if (bracket >= 0 && (gtPlain < 0 || bracket < gtPlain)) {
          subset = true;
          let k = find(']', bracket);
          while (k >= 0) {
            let m = k + 1;
            while (m < w.end && isWs(b[m]!)) m++;
            if (m < w.end && b[m] === GT) {
              end = m + 1;
              break;
            }
            if (m >= w.end) break;
            k = find(']', k + 1);
          }
        } else end = gtPlain;
        if (end < 0) {
          if (eof || w.end - i > maxDoctype) {
            yield { kind: 'error', line, message: 'unterminated or oversized DOCTYPE; input refused' };
            consume(w.end);
            phase = 'done';
          }
          return;
        }
        // a complete DOCTYPE over the limit is refused as well, so that the limit does not depend on chunking
        if (end - i > maxDoctype) {
          yield { kind: 'error', line, message: 'unterminated or oversized DOCTYPE; input refused' };
          consume(end);
          phase = 'done';
          continue;
        }
        if (subset) {
          const body = b.toString('latin1', i, end);
          if (/<!ENTITY/i.test(body)) {
            yield {
              kind: 'error',
              line,
              message: 'DOCTYPE declares entities: ignored, and references to them are never expanded',
            };
          }
        }
        consume(end);
        continue;
      }
      if (c1 === SLASH) {
        const gt = find('>', i);
        if (gt < 0) {
          if (eof) consume(w.end);
          return;
        }
        const name = b.toString('latin1', i + 2, gt).trim();
        if (phase === 'body' && name === rootName) phase = 'done';
        else yield { kind: 'error', line, message: `unexpected </${name}>` };
        consume(gt + 1);
        continue;
      }
      // start tag: read the name
      let j = i + 1;
      while (j < w.end && !isNameEndByte(b[j]!)) j++;
      if (j >= w.end) {
        if (eof) {
          yield { kind: 'error', line, message: 'unexpected end of input in a start tag' };
          consume(w.end);
        }
        return;
      }
      const name = b.toString('latin1', i + 1, j);
      if (phase === 'prolog') {
        rootName = name;
        if (!rootReported) yield { kind: 'root', name, line };
        rootReported = true;
        if (recordNames.has(name)) {
          phase = 'root-record';
        } else {
          const e = tagEnd(j);
          if (e < 0) {
            if (eof) {
              yield { kind: 'error', line, message: `unexpected end of input in <${name}>` };
              consume(w.end);
            }
            return;
          }
          phase = b[e - 2] === SLASH ? 'done' : 'body';
          consume(e);
          continue;
        }
      }
      if (phase === 'done') {
        yield { kind: 'error', line, message: `content after the root element (<${name}>) ignored` };
      }
      // self-closing element?
      const e = tagEnd(j);
      if (e < 0) {
        if (!eof) return;
        yield { kind: 'error', line, message: `unexpected end of input in <${name}>` };
        consume(w.end);
        return;
      }
      const isRecord = recordNames.has(name) && phase !== 'done';
      if (b[e - 2] === SLASH) {
        if (isRecord) {
          const { text } = decode(i, e);
          yield { kind: 'record', name, text, line };
        }
        consume(e);
        if (phase === 'root-record') phase = 'done';
        continue;
      }
      const t = tags(name);
      consume(i);
      pending = {
        name,
        scanOff: e - i,
        open: t.open,
        close: t.close,
        isRecord,
        line,
        skipping: false,
        dropped: false,
      };
    }
  }

  for await (const chunk of chunks) {
    w.append(chunk);
    yield* drain(false);
  }
  yield* drain(true);
  if (phase === 'prolog') yield { kind: 'error', line, message: 'no XML element found' };
  else if (phase === 'body') yield { kind: 'error', line, message: `unexpected end of input: </${rootName}> missing` };
}
