// Splitting a text into claims (issue 10 §1): lines, list items, sentences, clauses, and the predicates of one
// sentence that say several checkable things ("safe and an effective, durable, and minimally invasive therapy"
// is four claims). Pure. Every segment keeps its [start, end) offsets in the input, so a page can show the
// verdicts over the text itself; the segments of a line tile it (nothing is dropped but blank space).

export type SegmentRole = 'heading' | 'reference' | 'list-item' | 'prose';

export interface Segment {
  start: number;
  end: number;
  /** the segment as written, trimmed of blank space and joining words ("and", ",") at its ends */
  text: string;
  role: SegmentRole;
  /** the sentence the segment belongs to, for the therapy and subject it shares with its neighbours */
  sentence: string;
  /** set when the segment is one predicate of a list ("durable"): the word(s) that make the predicate */
  predicate?: string;
}

/** Number words a claim may use for counts (RegenSpine's seeds write "Four clinical studies", "one of the trials"). */
export const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100,
};
const NUM = `(?:\\d[\\d,]*(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;

/** Predicates that can be listed in one sentence, each a claim of its own kind (see classify.ts). */
const PREDICATES =
  /\b(?:safe|well[- ]tolerated|(?<!cost[- ])effective|efficacious|durable|long[- ]lasting|minimally invasive)\b/gi;

const LIST_MARKER = /^([-•*‣–]|\d{1,3}[.)])\s+/;
const REFERENCE =
  /\bdoi:\s*10\.|\bdoi\.org\/|https?:\/\/|\bet al\.?,?\s*\(\d{4}\)|\(no date\)|\bPMID:?\s*\d|\b(?:19|20)\d\d;\s*\d+\(/i;
/** Words after which a full stop does not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|eg|ie|et al|vs|cf|Dr|Fig|No|approx|Mr|Ms|St|Inc|Ltd)|\b[A-Z])$/;

const STUDY_COUNT = new RegExp(
  `^(?:(?:the|these|those|all)\\s+)?${NUM}\\s+(?:[A-Za-z-]+\\s+){0,3}?(?:studies|study|trials|trial|RCTs|reports|papers)\\b`,
  'i',
);
const PATIENT_COUNT = new RegExp(
  `^\\s*(?:enrolling|including|involving|with|treating|of|in)\\s+(?:a total of\\s+|over\\s+|more than\\s+|at least\\s+|almost\\s+|nearly\\s+)?${NUM}\\s+(?:[A-Za-z-]+\\s+){0,2}?(?:patients|participants|subjects|people|individuals)\\b`,
  'i',
);

/** Trims blank space, and joining words and punctuation at the ends, returning the inner range. */
function tidy(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  const lead = /^(?:\s|,|;|and\b|or\b|but\b)+/i;
  const trail = /(?:\s|,|;)+$/;
  for (;;) {
    const m = lead.exec(text.slice(s, e));
    if (!m || m[0].length === 0) break;
    s += m[0].length;
  }
  const t = trail.exec(text.slice(s, e));
  if (t) e -= t[0].length;
  return [s, Math.max(s, e)];
}

function segment(text: string, start: number, end: number, role: SegmentRole, sentence: string, predicate?: string) {
  const [s, e] = tidy(text, start, end);
  const seg: Segment = { start: s, end: e, text: text.slice(s, e), role, sentence };
  if (predicate) seg.predicate = predicate;
  return seg;
}

/** Sentence ranges of one line: a full stop, ! or ? followed by space (or the end), not after an abbreviation. */
export function sentenceRanges(text: string, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let from = start;
  const re = /[.!?]+(?=\s|$)/g;
  const line = text.slice(start, end);
  for (const m of line.matchAll(re)) {
    const at = start + m.index! + m[0].length;
    const before = text.slice(from, start + m.index!);
    if (m[0] === '.' && ABBREVIATION.test(before)) continue;
    const next = text.slice(at, end).trimStart();
    if (next !== '' && !/^[A-Z0-9“"‘'(]/.test(next)) continue;
    out.push([from, at]);
    from = at;
  }
  if (text.slice(from, end).trim() !== '') out.push([from, end]);
  return out;
}

/** The clauses of one sentence: parts between semicolons, a leading study count and patient count, listed predicates. */
function clauses(text: string, start: number, end: number, role: SegmentRole): Segment[] {
  const sentence = text.slice(start, end).trim();
  const out: Segment[] = [];
  let from = start;
  const parts: [number, number][] = [];
  for (const m of text.slice(start, end).matchAll(/;/g)) {
    parts.push([from, start + m.index! + 1]);
    from = start + m.index! + 1;
  }
  parts.push([from, end]);
  for (const [ps, pe] of parts) {
    let cur = ps + (/^\s*/.exec(text.slice(ps, pe))?.[0].length ?? 0);
    // "Four clinical studies enrolling 148 patients report …": the counts are claims of their own
    const study = STUDY_COUNT.exec(text.slice(cur, pe));
    if (
      study &&
      /\b(?:report|reports|reported|show|shows|showed|found|demonstrate|demonstrated|suggest|suggests|support|supports)\b/i.test(
        text.slice(cur + study[0].length, pe),
      )
    ) {
      out.push(segment(text, cur, cur + study[0].length, role, sentence));
      cur += study[0].length;
      const patients = PATIENT_COUNT.exec(text.slice(cur, pe));
      if (patients) {
        out.push(segment(text, cur, cur + patients[0].length, role, sentence));
        cur += patients[0].length;
      }
    }
    const preds = [...text.slice(cur, pe).matchAll(PREDICATES)].map((m) => ({
      at: cur + m.index!,
      end: cur + m.index! + m[0].length,
      word: m[0],
    }));
    if (preds.length >= 2) {
      let s = cur;
      preds.forEach((p, i) => {
        const e = i === preds.length - 1 ? pe : p.end;
        out.push(segment(text, s, e, role, sentence, p.word.toLowerCase()));
        s = e;
      });
    } else {
      out.push(segment(text, cur, pe, role, sentence));
    }
  }
  return out.filter((s) => s.text !== '');
}

/** Splits a text into claim segments: headings and references are whole lines; prose is split as described. */
export function splitClaims(text: string): Segment[] {
  const out: Segment[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const lead = /^\s*/.exec(line)![0].length;
    const body = line.trimEnd();
    if (body.trim() === '') continue;
    let s = lineStart + lead;
    const e = lineStart + body.length;
    let role: SegmentRole = 'prose';
    const marker = LIST_MARKER.exec(text.slice(s, e));
    if (marker) {
      s += marker[0].length;
      role = 'list-item';
    }
    const content = text.slice(s, e);
    if (REFERENCE.test(content) && /\b(?:19|20)\d\d\b|\(no date\)/.test(content)) {
      out.push(segment(text, s, e, 'reference', content));
      continue;
    }
    const words = content.split(/\s+/).filter(Boolean).length;
    if (role === 'prose' && words <= 8 && !/[.!?:;]$/.test(content) && !/\d/.test(content)) {
      out.push(segment(text, s, e, 'heading', content));
      continue;
    }
    for (const [ss, se] of sentenceRanges(text, s, e)) out.push(...clauses(text, ss, se, role));
  }
  return out;
}
