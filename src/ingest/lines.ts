// Streaming line splitter for the tagged text formats (MEDLINE, RIS, WoS). Yields batches of lines with the
// number of the first one. Bytes are split on LF before decoding (LF never occurs inside a UTF-8 or Windows-1252
// character), so a line that is not valid UTF-8 is decoded as Windows-1252 on its own and reported, and the
// rest of the file is unaffected. CR before LF, a UTF-8 BOM and NUL bytes are removed. A file whose first chunk
// has CRs and no LF at all has classic Mac (CR-only) line endings: its CRs are read as LFs.
import { isUtf8 } from 'node:buffer';

export interface LineBatch {
  lines: string[];
  /** Line number of lines[0] (1-based). */
  first: number;
  errors: { line: number; message: string }[];
}

const cp1252 = new TextDecoder('windows-1252');
/** Longest line kept; longer lines are cut (and reported) so that a file without line breaks stays bounded. */
const MAX_LINE = 4 * 1024 * 1024;

function decodeBlock(block: Buffer, firstLine: number, errors: LineBatch['errors']): string[] {
  let text: string;
  if (isUtf8(block)) text = block.toString('utf8');
  else {
    const parts: string[] = [];
    let start = 0;
    let ln = firstLine;
    while (start < block.length) {
      let nl = block.indexOf(10, start);
      if (nl < 0) nl = block.length - 1;
      const bytes = block.subarray(start, nl + 1);
      if (isUtf8(bytes)) parts.push(bytes.toString('utf8'));
      else {
        parts.push(cp1252.decode(bytes));
        errors.push({ line: ln, message: 'invalid UTF-8; line decoded as Windows-1252' });
      }
      start = nl + 1;
      ln++;
    }
    text = parts.join('');
  }
  if (text.indexOf('\0') >= 0) text = text.replace(/\0/g, '');
  const lines = text.split('\n');
  lines.pop(); // the block ends with LF
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

export async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null;
  let lineNo = 1;
  let first = true;
  const stripBom = (lines: string[]) => {
    // the BOM may arrive split over chunks, so it is removed after decoding, from the first line
    if (first && lines.length > 0) {
      first = false;
      if (lines[0]!.charCodeAt(0) === 0xfeff) lines[0] = lines[0]!.slice(1);
    }
    return lines;
  };
  let crOnly: boolean | null = null;
  for await (const raw of chunks) {
    let chunk = raw;
    if (crOnly === null) {
      if (chunk.indexOf(10) >= 0) crOnly = false;
      else if (chunk.indexOf(13) >= 0) crOnly = true;
    }
    if (crOnly) {
      chunk = Buffer.from(chunk); // a copy: the caller's buffer is not changed
      for (let i = chunk.indexOf(13); i >= 0; i = chunk.indexOf(13, i + 1)) chunk[i] = 10;
    }
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = data.lastIndexOf(10);
    const errors: LineBatch['errors'] = [];
    if (last < 0) {
      if (data.length > MAX_LINE) {
        errors.push({ line: lineNo, message: `line longer than ${MAX_LINE} bytes; cut` });
        const lines = stripBom(
          decodeBlock(Buffer.concat([data.subarray(0, MAX_LINE), Buffer.from('\n')]), lineNo, errors),
        );
        yield { lines, first: lineNo, errors };
        lineNo++;
        carry = null;
      } else carry = data;
      continue;
    }
    const lines = stripBom(decodeBlock(data.subarray(0, last + 1), lineNo, errors));
    carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : null;
    yield { lines, first: lineNo, errors };
    lineNo += lines.length;
  }
  if (carry && carry.length > 0) {
    const errors: LineBatch['errors'] = [];
    const lines = stripBom(decodeBlock(Buffer.concat([carry, Buffer.from('\n')]), lineNo, errors));
    yield { lines, first: lineNo, errors };
  }
}
