// RIS ("TY  - JOUR" … "ER  - "), as written by PubMed/EndNote/Zotero/Scopus/WoS/Embase/Ovid/EBSCO/ProQuest/
// Lens/Dimensions/Rayyan: BOMs, CRLF, numbered records ("1." or "1. TY  -"), leading spaces, one- or two-space
// tags, untagged continuation lines (separate keywords for KW, more text for AB), "NA" placeholders, and the
// four-letter "PMID  -" tag that PsycINFO and some EndNote styles write.
import {
  authorSurnameFirst,
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  isEtAl,
  normalizeDoi,
  type ReadEvent,
  squash,
  yearOf,
} from './record.ts';
import { readTagged, type TaggedGrammar } from './tagged.ts';

type Field = [tag: string, value: string];

// The s flag: U+2028/U+2029 inside a value are characters, not line ends (they end `.` matches otherwise).
const TAG_RE = /^\s*(?:\d+\.\s*)?(?:([A-Z][A-Z0-9])\s{1,3}|(PMID)\s{0,3})-(?:\s(.*)|\s*)$/s;
const NUMBER_LINE = /^\s*\d+\.\s*$/;
/** Lines that exporters put between records: Ovid's full-text links, EndNote/ProQuest headers. */
const OVID_TRAILER = /^(Link to the Ovid Full Text|Provider: |Database: |Content: |Record \d+)/;
/** Tags whose untagged continuation lines are further values rather than more text. */
const LIST_TAGS = new Set(['KW', 'AU', 'A1', 'A2', 'A3', 'A4', 'ED', 'UR', 'L1', 'L2', 'L3', 'N1']);

const MARKUP =
  /<\/?(?:p|i|b|u|em|strong|sup|sub|br|span|div|scp|sc|inf|jats:[a-z-]+|mml:[a-z]+|math)(?:\s[^>]{0,200})?\/?>/gi;

function clean(s: string): string {
  let t = s;
  if (t.indexOf('<') >= 0) {
    // JATS/HTML abstracts (Lens, Crossref): section titles become "Label: " paragraphs
    t = t
      .replace(/<(?:jats:)?title>\s*([^<]{1,80}?)\s*<\/(?:jats:)?title>\s*/gi, (_m, label: string) =>
        /^abstract$/i.test(label) ? '\n' : `\n${label}: `,
      )
      .replace(/<\/(?:jats:)?p>/gi, '\n')
      .replace(MARKUP, '');
  }
  if (t.indexOf('&') >= 0) {
    t = t.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) =>
      e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'nbsp' ? ' ' : "'",
    );
  }
  return t;
}

function isNA(v: string): boolean {
  return v === '' || v === 'NA' || v === 'N/A' || v === 'n/a' || v === '[No abstract available]' || v === 'NULL';
}

function paragraphs(v: string): string {
  return v
    .split('\n')
    .map((p) => squash(p))
    .filter((p) => p.length > 0)
    .join('\n');
}

const WHOLE_WORKS = new Set(['BOOK', 'EBOOK', 'EDBOOK', 'CLSWK', 'SER', 'THES', 'MANSCPT', 'PAMP']);

/** "379" + "423" → "379-423"; a start page that is already a range, or an article number, is kept. */
function pagesOf(sp: string | null, ep: string | null): string | null {
  const a = sp ? squash(sp) : '';
  const b = ep ? squash(ep) : '';
  if (!a) return b || null;
  if (!b || a.includes('-') || a === b) return a;
  return `${a}-${b}`;
}

export function risRecord(fields: Field[], raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('ris', raw, line);
  const get = (...tags: string[]): string | null => {
    for (const t of tags) {
      for (const [tag, v] of fields) if (tag === t && !isNA(v.trim())) return v.trim();
    }
    return null;
  };
  rec.source_type = get('TY');
  // ST (short title) is the last resort: EndNote exports can carry the title only there (Zotero and rispy read it)
  const title = get('TI', 'T1', 'CT') ?? (rec.source_type === 'BOOK' ? get('BT') : null) ?? get('ST');
  rec.title = title ? squash(clean(title)) : null;
  rec.journal = (() => {
    const j = get('T2', 'JF', 'JO', 'JA', 'J2', 'JI', 'J9') ?? (rec.source_type !== 'BOOK' ? get('BT') : null);
    return j ? squash(clean(j)) : null;
  })();
  // RIS (2011 spec): PY is the publication year, DA the date, Y1 the deprecated primary date (used only without
  // PY and DA, as Zotero does) and Y2 the access date, which is never the publication year.
  rec.year = yearOf(get('PY')) ?? yearOf(get('DA')) ?? yearOf(get('Y1'));
  rec.volume = get('VL');
  rec.issue = get('IS');
  // whole works (books, theses, manuscripts, pamphlets, serials) give their page COUNT in SP (RIS spec type
  // tables; Zotero reads it as numPages): that is not a page range
  rec.pages = WHOLE_WORKS.has(rec.source_type ?? '') ? null : pagesOf(get('SP'), get('EP'));
  for (const [tag, v] of fields) {
    if (tag !== 'AU' && tag !== 'A1') continue;
    for (const part of v.split('\n')) {
      if (isEtAl(part)) continue;
      const a = authorSurnameFirst(clean(part));
      if (a) rec.authors.push(a);
    }
  }
  const ab = get('AB', 'N2');
  rec.abstract = ab ? paragraphs(clean(ab)) || null : null;
  for (const [tag, v] of fields) {
    if (tag !== 'KW') continue;
    // one keyword per line, and several on a line separated by ";" (EBSCO, ProQuest; Zotero splits the same way)
    for (const k of v.split(/[\n;]/)) {
      const t = squash(clean(k));
      if (t && !isNA(t) && !rec.keywords.includes(t)) rec.keywords.push(t);
    }
  }
  rec.language = get('LA');
  rec.database = get('DB') ?? get('DP');
  // DOI: DO first; then the places exporters hide it (EBSCO puts it in L3, some in M3, others give a doi.org
  // link in UR, L1 or L2; N1 notes are not read for DOIs)
  rec.ids.doi = normalizeDoi(get('DO', 'DI'));
  if (!rec.ids.doi) {
    for (const [tag, v] of fields) {
      if (tag === 'L3' || tag === 'M3' || ((tag === 'UR' || tag === 'L2' || tag === 'L1') && /doi\.org\//i.test(v))) {
        const d = normalizeDoi(v);
        if (d) {
          rec.ids.doi = d;
          break;
        }
      }
    }
  }
  // PMID / PMCID
  const db = (rec.database ?? '').toLowerCase();
  for (const [tag, v0] of fields) {
    const v = v0.trim();
    if (!rec.ids.pmid) {
      const m = /^(\d{1,9})\s*\[PMID\]$/i.exec(v);
      if (m) rec.ids.pmid = m[1]!;
      else if (tag === 'PMID' && /^\d{1,9}(?:\s|$)/.test(v)) rec.ids.pmid = /^\d+/.exec(v)![0];
      else if ((tag === 'PM' || tag === 'C2') && /^\d{1,9}$/.test(v) && (tag === 'PM' || db.includes('scopus'))) {
        rec.ids.pmid = v;
      } else if (tag === 'AN' && /^\d{1,9}$/.test(v) && /medline|pubmed|^nlm$/.test(db)) {
        // EndNote's PubMed export names the database "NLM" and puts the PMID in AN
        rec.ids.pmid = v;
      } else if (
        (tag === 'L2' || tag === 'UR') &&
        /medline/.test(db) &&
        /ovid/i.test(v) &&
        /[?&]D=(medp|medl|prem|mesz|medall)/.test(v)
      ) {
        // Ovid MEDLINE links carry the PMID as the accession number: …&D=medp&…&AN=39012781
        const p = /[?&]AN=(\d{1,9})(?:&|$)/.exec(v);
        if (p) rec.ids.pmid = p[1]!;
      } else if (tag === 'M1' || tag === 'N1' || tag === 'AN') {
        const p = /\bPMID:?\s*(\d{1,9})\b/.exec(v);
        if (p) rec.ids.pmid = p[1]!;
      }
    }
    if (!rec.ids.pmcid) {
      const m = /^(PMC\d+)\s*\[PMCID\]$/i.exec(v);
      if (m) rec.ids.pmcid = m[1]!.toUpperCase();
      // EndNote's PubMed export: "C2  - PMC1373603"
      else if (tag === 'C2' && /^PMC\d+$/i.test(v)) rec.ids.pmcid = v.toUpperCase();
    }
  }
  findNctIds(rec.title, rec.ids.nct);
  findNctIds(rec.abstract, rec.ids.nct);
  return rec;
}

/** RIS grammar: TY opens a record and ER closes it; untagged lines continue the field before them. */
function risGrammar(): TaggedGrammar<Field> {
  let strayReported = false;
  return {
    record: risRecord,
    line(l, ln, r) {
      const m = TAG_RE.exec(l);
      if (m) {
        const tag = m[1] ?? m[2]!;
        const value = m[3] ?? '';
        if (tag === 'TY') {
          if (r.fields) {
            r.error(r.start, 'record has no ER line (ended by the next TY)');
            r.close();
          }
          r.open(ln, [['TY', value.trim()]], [l]);
          strayReported = false;
          return;
        }
        if (!r.fields) {
          if (tag === 'NL' || tag === 'ER') return; // Ovid writes NL after ER; a doubled ER is harmless
          if (!strayReported) {
            strayReported = true;
            r.error(ln, `"${tag}" line outside a record (no TY before it); ignored`);
          }
          return;
        }
        r.raw.push(l);
        if (tag === 'ER') r.close();
        else r.fields.push([tag, value]);
        return;
      }
      const fields = r.fields;
      if (!fields) {
        if (l.trim() === '' || NUMBER_LINE.test(l) || OVID_TRAILER.test(l)) return;
        if (!strayReported) {
          strayReported = true;
          r.error(ln, `text outside a record: "${squash(l).slice(0, 40)}"`);
        }
        return;
      }
      r.raw.push(l);
      const t = l.trim();
      if (t === '') return;
      const f: Field = fields[fields.length - 1] ?? ['TY', ''];
      if (fields.length === 1) return; // text right after TY
      if (LIST_TAGS.has(f[0])) f[1] = `${f[1]}\n${t}`;
      else if (f[0] === 'AB' || f[0] === 'N2') f[1] = `${f[1]}\n${t}`;
      else f[1] = `${f[1]} ${t}`;
    },
    end(r) {
      if (r.fields) r.error(r.start, 'unexpected end of input: record has no ER line');
    },
  };
}

export function readRis(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  return readTagged(chunks, risGrammar);
}
