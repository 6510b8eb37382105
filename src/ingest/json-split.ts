// Streams the studies out of a ClinicalTrials.gov JSON document without holding the whole document: the
// elements of the array under "studies" (API v2 pages) or "FullStudies" (classic FullStudiesResponse), or of a
// top-level array, are cut out byte by byte (strings and escapes respected) and parsed one at a time. A document
// without such an array (a single v2 study) is kept whole, up to maxBytes, and parsed at the end.
import { ByteWindow } from './bytes.ts';

export type JsonSplitEvent =
  | { kind: 'record'; text: string; line: number }
  | { kind: 'document'; text: string; line: number }
  | { kind: 'error'; line: number; message: string };

const ARRAY_KEYS = new Set(['studies', 'FullStudies']);

export async function* splitJsonStudies(
  chunks: AsyncIterable<Buffer>,
  maxBytes = 64 * 1024 * 1024,
): AsyncGenerator<JsonSplitEvent> {
  const w = new ByteWindow();
  let scanOff = 0; // relative to w.start
  let line = 1; // line at the scan position
  let depth = 0;
  let inStr = false;
  let esc = false;
  let strStartOff = -1;
  let lastString: string | null = null;
  let prevSig = 0; // previous significant byte outside strings
  let recordDepth = -1; // depth of the open records array (after its '[')
  let sawRecordsArray = false;
  let recStartOff = -1;
  let recLine = 0;
  const docLine = 1;
  let bomChecked = false;
  let failed = false;

  function* drain(eof: boolean): Generator<JsonSplitEvent, void, void> {
    const b = w.buf;
    if (!bomChecked && w.length < 3 && !eof) return;
    if (!bomChecked) {
      bomChecked = true;
      if (b[w.start] === 0xef && b[w.start + 1] === 0xbb && b[w.start + 2] === 0xbf) w.start += 3;
    }
    let i = w.start + scanOff;
    const end = w.end;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c === 10) line++;
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) {
          inStr = false;
          if (depth <= 4 && i - (w.start + strStartOff) < 64) {
            lastString = b.toString('utf8', w.start + strStartOff + 1, i);
          } else lastString = null;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (c === 34) {
        inStr = true;
        strStartOff = i - w.start;
        prevSig = c;
        continue;
      }
      if (c === 123 || c === 91) {
        // { or [
        if (c === 91 && recordDepth < 0 && !sawRecordsArray) {
          const key = prevSig === 58 ? lastString : null;
          if ((key && ARRAY_KEYS.has(key)) || depth === 0) {
            // the envelope before the array is held whole: over the limit it refuses the input here too, not
            // only when a chunk happens to end before the "[" (the check at the end of drain)
            if (i - w.start > maxBytes) {
              yield {
                kind: 'error',
                line: docLine,
                message: `JSON study larger than ${maxBytes} bytes; input refused`,
              };
              failed = true;
              w.start = w.end;
              scanOff = 0;
              return;
            }
            recordDepth = depth + 1;
            sawRecordsArray = true;
          }
        }
        if (c === 123 && recordDepth >= 0 && depth === recordDepth && recStartOff < 0) {
          recStartOff = i - w.start;
          recLine = line;
        }
        depth++;
        prevSig = c;
        continue;
      }
      if (c === 125 || c === 93) {
        depth--;
        prevSig = c;
        if (depth < 0) {
          if (!failed) yield { kind: 'error', line, message: 'unbalanced JSON: unexpected closing bracket' };
          failed = true;
          depth = 0;
          continue;
        }
        if (c === 125 && recStartOff >= 0 && depth === recordDepth) {
          const s = w.start + recStartOff;
          // a complete study over the limit gets the same error as one still incomplete at a chunk's end, so
          // the limit does not depend on chunking (it was checked only for an incomplete study)
          if (i + 1 - s > maxBytes) {
            yield { kind: 'error', line: recLine, message: `JSON study larger than ${maxBytes} bytes; input refused` };
            failed = true;
          } else yield { kind: 'record', text: b.toString('utf8', s, i + 1), line: recLine };
          recStartOff = -1;
        } else if (c === 93 && recordDepth >= 0 && depth === recordDepth - 1) {
          recordDepth = -1;
        }
        continue;
      }
      prevSig = c;
    }
    // drop what is no longer needed: the envelope once the records array was seen, finished records
    if (sawRecordsArray) {
      let dropTo = recStartOff >= 0 ? w.start + recStartOff : i;
      if (inStr) dropTo = Math.min(dropTo, w.start + strStartOff);
      const delta = dropTo - w.start;
      if (delta > 0) {
        w.start += delta;
        if (recStartOff >= 0) recStartOff -= delta;
        strStartOff -= delta;
      }
    }
    scanOff = i - w.start;
    const held = recStartOff >= 0 ? w.end - (w.start + recStartOff) : sawRecordsArray ? 0 : w.length;
    if (held > maxBytes && !eof) {
      yield {
        kind: 'error',
        line: recStartOff >= 0 ? recLine : docLine,
        message: `JSON study larger than ${maxBytes} bytes; input refused`,
      };
      failed = true;
      w.start = w.end;
      scanOff = 0;
      recStartOff = -1;
    }
  }

  for await (const chunk of chunks) {
    if (failed && !sawRecordsArray) continue;
    w.append(chunk);
    yield* drain(false);
  }
  if (failed && !sawRecordsArray) return;
  yield* drain(true);
  if (!sawRecordsArray) {
    const text = w.buf.toString('utf8', w.start, w.end);
    if (text.trim()) yield { kind: 'document', text, line: docLine };
    return;
  }
  if (recStartOff >= 0 || depth !== 0 || inStr) {
    yield {
      kind: 'error',
      line: recStartOff >= 0 ? recLine : line,
      message: 'unexpected end of input: JSON is truncated (study not closed)',
    };
  }
}
