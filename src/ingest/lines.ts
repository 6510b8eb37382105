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

// Windows-1252 by hand: Node 20's TextDecoder('windows-1252') decodes bytes 0x80–0x9F as the C1 controls
// U+0080–U+009F (Latin-1), so curly quotes came out as "\x93A\x94". Bytes 00–7F and A0–FF are their own code
// points; 0x80–0x9F map per the WHATWG Encoding Standard's index
// (https://encoding.spec.whatwg.org/index-windows-1252.txt), where 0x81, 0x8D, 0x8F, 0x90, 0x9D map to U+0081 etc.
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_RE = /[\u0080-\u009f]/g;
export function decodeCp1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(C1_RE, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!);
}
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
        parts.push(decodeCp1252(bytes));
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
