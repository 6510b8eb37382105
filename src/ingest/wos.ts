// Web of Science tagged plain text ("FN Clarivate…", "PT J" … "ER", "EF"): two-letter tags in columns 1–2,
// value from column 4, continuation lines indented by three spaces (one author per line for AU/AF). Some
// exports (BIOSIS Previews via Web of Knowledge) do not indent continuation lines: until a file shows an indented
// one, a line that is not a tag continues the field before it.
import {
  authorSurnameFirst,
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  normalizeDoi,
  type ReadEvent,
  squash,
  yearOf,
} from './record.ts';
import { readTagged, type TaggedGrammar } from './tagged.ts';

type Field = [tag: string, lines: string[]];

// The s flag: U+2028/U+2029 inside a value are characters, not line ends.
const TAG_RE = /^([A-Z][A-Z0-9])(?: (.*))?$/s;

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
  rec.volume = joined('VL');
  rec.issue = joined('IS');
  // BP/EP (begin/end page), AR (article number), BIOSIS PS ("221-230")
  const bp = joined('BP');
  const ep = joined('EP');
  rec.pages = bp ? (ep && ep !== bp ? `${bp}-${ep}` : bp) : (joined('PS') ?? joined('AR'));
  for (const a of get('AU') ?? get('AF') ?? []) {
    // BIOSIS appends the e-mail address: "Medvedeff, Cassandra A. (medvedeff22@ufl.edu)"
    const n = authorSurnameFirst(a.replace(/\s*\([^()]*@[^()]*\)\s*$/, ''));
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

/** WoS grammar: PT opens a record and ER closes it; FN, VR and EF are file headers; continuation lines are
 * indented (or, in files that never indent, any untagged line). */
function wosGrammar(): TaggedGrammar<Field> {
  /** The file indents its continuation lines (the usual form): an unindented non-tag line is then an error. */
  let indented = false;
  /** After a malformed line, its own continuation lines are skipped, not added to the field before it. */
  let skipping = false;
  /** An unindented non-tag line taken as a continuation before the file showed its style: undone if the next
   * line is an indented continuation (then it was a malformed line such as "AUGilles, H"). */
  let tentative: { values: string[]; line: number } | null = null;
  return {
    record: wosRecord,
    line(l, ln, r) {
      const fields = r.fields;
      if (l.startsWith('   ') || (l.startsWith(' ') && fields && fields.length > 0)) {
        if (l.trim() !== '') indented = true;
        if (tentative) {
          tentative.values.pop();
          r.error(tentative.line, 'not a WoS line (no tag)');
          skipping = true;
          tentative = null;
        }
        if (fields && fields.length > 0) {
          r.raw.push(l);
          if (!skipping) fields[fields.length - 1]![1].push(l.trim());
        }
        return;
      }
      const m = TAG_RE.exec(l);
      tentative = null;
      if (!m) {
        if (l.trim() === '' || !fields) return;
        if (!indented && fields.length > 0 && !skipping) {
          const values = fields[fields.length - 1]![1];
          values.push(l.trim());
          r.raw.push(l);
          tentative = { values, line: ln };
          return;
        }
        skipping = true;
        r.raw.push(l);
        r.error(ln, `not a WoS line: "${squash(l).slice(0, 40)}"`);
        return;
      }
      skipping = false;
      const tag = m[1]!;
      if (tag === 'FN' || tag === 'VR' || tag === 'EF') return;
      if (tag === 'PT') {
        if (r.fields) {
          r.error(r.start, 'record has no ER line (ended by the next PT)');
          r.close();
        }
        r.open(ln);
      }
      if (!r.fields) {
        r.error(ln, `"${tag}" outside a record; ignored`);
        return;
      }
      r.raw.push(l);
      if (tag === 'ER') r.close();
      else r.fields.push([tag, [m[2] ?? '']]);
    },
    end(r) {
      if (r.fields) r.error(r.start, 'unexpected end of input: record has no ER line');
    },
  };
}

export function readWos(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  return readTagged(chunks, wosGrammar);
}
