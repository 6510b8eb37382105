// Web of Science tagged plain text ("FN Clarivate…", "PT J" … "ER", "EF"): two-letter tags in columns 1–2,
// value from column 4, continuation lines indented by three spaces (one author per line for AU/AF).
import { splitLines } from './lines.ts';
import type { ReadEvent } from './read.ts';
import {
  authorSurnameFirst,
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  normalizeDoi,
  squash,
  yearOf,
} from './record.ts';

type Field = [tag: string, lines: string[]];

const TAG_RE = /^([A-Z][A-Z0-9])(?: (.*))?$/;

export function wosRecord(fields: Field[], raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('wos', raw, line);
  const get = (t: string): string[] | null => fields.find(([tag]) => tag === t)?.[1] ?? null;
  const joined = (t: string): string | null => {
    const v = get(t);
    const s = v ? squash(v.join(' ')) : '';
    return s ? s : null;
  };
  rec.source_type = joined('PT');
  rec.title = joined('TI');
  rec.journal = joined('SO');
  rec.year = yearOf(joined('PY')) ?? yearOf(joined('PD')) ?? yearOf(joined('EA'));
  for (const a of get('AU') ?? get('AF') ?? []) {
    const n = authorSurnameFirst(a);
    if (n) rec.authors.push(n);
  }
  for (const a of get('CA') ?? []) if (a.trim()) rec.authors.push(a.trim());
  const ab = get('AB');
  if (ab) {
    // full-record exports put section headings on lines of their own: "Background" / text / "Methods" / …
    const lines = ab.map((l) => l.trim()).filter(Boolean);
    const isHeading = (t: string) => /^[A-Z][A-Za-z /&-]{2,40}$/.test(t) && t.split(' ').length <= 4;
    const structured = lines.length > 0 && isHeading(lines[0]!) && lines.filter(isHeading).length >= 2;
    if (structured) {
      const paras: string[] = [];
      for (const t of lines) {
        if (isHeading(t)) paras.push(`${t}:`);
        else paras[paras.length - 1] += ` ${t}`;
      }
      rec.abstract = paras.join('\n');
    } else rec.abstract = squash(lines.join(' ')) || null;
  }
  rec.ids.doi = normalizeDoi(joined('DI'));
  const pm = joined('PM');
  if (pm && /^\d{1,9}$/.test(pm)) rec.ids.pmid = pm;
  for (const t of ['DE', 'ID']) {
    const v = joined(t);
    if (v) for (const k of v.split(';')) if (k.trim() && !rec.keywords.includes(k.trim())) rec.keywords.push(k.trim());
  }
  rec.language = joined('LA');
  const dt = joined('DT');
  if (dt)
    rec.publication_types = dt
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  rec.database = 'Web of Science';
  findNctIds(rec.abstract, rec.ids.nct);
  return rec;
}

export async function* readWos(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  let fields: Field[] | null = null;
  let rawLines: string[] = [];
  let startLine = 0;
  for await (const batch of splitLines(chunks)) {
    for (const e of batch.errors) yield { type: 'error', line: e.line, message: e.message };
    for (let k = 0; k < batch.lines.length; k++) {
      const l = batch.lines[k]!;
      const ln = batch.first + k;
      if (l.startsWith('   ') || (l.startsWith(' ') && fields && fields.length > 0)) {
        if (fields && fields.length > 0) {
          fields[fields.length - 1]![1].push(l.trim());
          rawLines.push(l);
        }
        continue;
      }
      const m = TAG_RE.exec(l);
      if (!m) {
        if (l.trim() !== '' && fields) yield { type: 'error', line: ln, message: 'not a WoS line' };
        continue;
      }
      const tag = m[1]!;
      if (tag === 'FN' || tag === 'VR' || tag === 'EF') continue;
      if (tag === 'PT') {
        if (fields) {
          yield { type: 'error', line: startLine, message: 'record has no ER line (ended by the next PT)' };
          yield { type: 'record', record: wosRecord(fields, rawLines.join('\n'), startLine) };
        }
        fields = [];
        rawLines = [];
        startLine = ln;
      }
      if (!fields) {
        yield { type: 'error', line: ln, message: `"${tag}" outside a record; ignored` };
        continue;
      }
      rawLines.push(l);
      if (tag === 'ER') {
        yield { type: 'record', record: wosRecord(fields, rawLines.join('\n'), startLine) };
        fields = null;
        continue;
      }
      fields.push([tag, [m[2] ?? '']]);
    }
  }
  if (fields) {
    yield { type: 'error', line: startLine, message: 'unexpected end of input: record has no ER line' };
    yield { type: 'record', record: wosRecord(fields, rawLines.join('\n'), startLine) };
  }
}
