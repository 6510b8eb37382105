// Validation of curated evidence beyond its shape: cross-file rules (unique ids, known documents)
// and the rule that every quote really stands in its document. Pure: the caller supplies the texts.
import type { z } from 'zod';
import { type SourceDocument, type Study, StudySchema } from '../domain/evidence.ts';

export interface EvidenceProblem {
  file: string;
  field: string;
  message: string;
}

/** Collapse the layout of extracted text (line breaks, runs of spaces) so a quote matches across lines. */
export function normalizeForQuote(text: string): string {
  return text
    .replace(/[\u00ad]/g, '') // soft hyphens
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Does `quote` stand in `text`? An ellipsis ("…" or "...") in a quote stands for omitted words: the
 * fragments must then appear in order.
 */
export function quoteIsIn(quote: string, normalizedText: string): boolean {
  const fragments = normalizeForQuote(quote)
    .split(/\s*(?:…|\.\.\.)\s*/)
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  if (fragments.length === 0) return false;
  let from = 0;
  for (const f of fragments) {
    const at = normalizedText.indexOf(f, from);
    if (at < 0) return false;
    from = at + f.length;
  }
  return true;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

export function zodProblems(file: string, error: z.ZodError): EvidenceProblem[] {
  return error.issues.map((i) => ({ file, field: pathOf(i.path) || '(root)', message: i.message }));
}

/** Every provenance object inside a study, with the field path where it sits. */
export function* provenanceEntries(
  value: unknown,
  path: string[] = [],
): Generator<[string, { document: string; quote: string }]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* provenanceEntries(value[i], [...path, `[${i}]`]);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.document === 'string' && typeof o.quote === 'string' && typeof o.locator === 'string') {
      yield [path.join('.').replace(/\.\[/g, '['), o as { document: string; quote: string }];
      return;
    }
    for (const [k, v] of Object.entries(o)) yield* provenanceEntries(v, [...path, k]);
  }
}

export interface RawStudyFile {
  file: string;
  json: unknown;
}

export interface ValidatedEvidence {
  studies: Study[];
  problems: EvidenceProblem[];
}

/**
 * Validate parsed study files against the schema, the document registry and the document texts.
 * `texts` maps a document id to its text for the documents kept in the repository.
 */
export function validateEvidence(
  files: RawStudyFile[],
  documents: SourceDocument[],
  texts: Map<string, string>,
): ValidatedEvidence {
  const problems: EvidenceProblem[] = [];
  const studies: Study[] = [];
  const docIds = new Set(documents.map((d) => d.id));
  const normalized = new Map([...texts].map(([id, t]) => [id, normalizeForQuote(t)]));
  const seenIds = new Map<string, string>();
  for (const { file, json } of files) {
    const parsed = StudySchema.safeParse(json);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    const study = parsed.data;
    const expected = `${study.id}.json`;
    if (!file.endsWith(expected)) {
      problems.push({ file, field: 'id', message: `the file of study "${study.id}" must be named ${expected}` });
    }
    const other = seenIds.get(study.id);
    if (other) problems.push({ file, field: 'id', message: `id "${study.id}" is also used by ${other}` });
    seenIds.set(study.id, file);
    let ok = true;
    for (const [field, p] of provenanceEntries(study)) {
      if (!docIds.has(p.document)) {
        problems.push({ file, field: `${field}.document`, message: `unknown document "${p.document}"` });
        ok = false;
        continue;
      }
      const text = normalized.get(p.document);
      if (text !== undefined && !quoteIsIn(p.quote, text)) {
        problems.push({
          file,
          field: `${field}.quote`,
          message: `quote not found in document "${p.document}": "${p.quote.slice(0, 80)}${p.quote.length > 80 ? '…' : ''}"`,
        });
        ok = false;
      }
    }
    if (ok) studies.push(study);
  }
  // Cross-study references: a primary study may name the reviews that include it.
  for (const s of studies) {
    for (const r of s.reviews ?? []) {
      if (!seenIds.has(r)) {
        problems.push({ file: seenIds.get(s.id) ?? s.id, field: 'reviews', message: `unknown review "${r}"` });
      }
    }
  }
  studies.sort((a, b) => a.id.localeCompare(b.id));
  return { studies, problems };
}

// ---------------------------------------------------------------- numbers against their quotes

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];

/** Every number a quote states: digits (thousands separators allowed), number words, "one hundred". */
function statedNumbers(quote: string): { value: number; after: string }[] {
  const out: { value: number; after: string }[] = [];
  const q = quote.replace(/(\d),(\d{3})\b/g, '$1$2');
  for (const m of q.matchAll(/\d+(?:\.\d+)?/g))
    out.push({ value: Number(m[0]), after: q.slice(m.index! + m[0].length, m.index! + m[0].length + 24) });
  for (const m of q.matchAll(/\b([a-z]+)(?:[- ]hundred)?\b/gi)) {
    const i = NUMBER_WORDS.indexOf(m[1]!.toLowerCase());
    if (i >= 0) {
      const hundred = /hundred$/i.test(m[0]);
      out.push({ value: hundred ? i * 100 : i, after: q.slice(m.index! + m[0].length, m.index! + m[0].length + 24) });
    }
  }
  return out;
}

/**
 * Does the quote state this number, literally or in a plainly equivalent form? Equivalent forms: number words
 * ("Seventeen"), "N million", a power of ten whose superscript was lost in PDF extraction ("2 × 107" for
 * 2 × 10^7), years for months ("one-year" for 12), and "a patient" for 1. A number that fails this check is not
 * necessarily wrong, but a reviewer should look at it: `regenspine validate --numbers` lists them.
 */
export function numberStatedInQuote(value: number, quote: string): boolean {
  const v = Math.abs(value);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  for (const { value: n, after } of statedNumbers(quote)) {
    if (close(n, v)) return true;
    if (/^\s*million/i.test(after) && close(n * 1e6, v)) return true;
    // "2 × 107" (2 × 10^7) and "10 + / − 5 × 106" (10 ± 5 × 10^6), superscripts lost in extraction
    const pow = /^\s*(?:\+\s*\/\s*[−-]\s*[\d.]+\s*)?[×x]\s*10(\d{1,2})\b/.exec(after);
    if (pow && close(n * 10 ** Number(pow[1]), v)) return true;
    if (/^[- ]?years?\b/i.test(after) && close(n * 12, v)) return true;
  }
  if (v === 1 && /\b(a|another|one) (patient|subject|participant)\b/i.test(quote)) return true;
  return false;
}

/** The numbers of a study that its quotes do not state literally (for review, not an error). */
export function numbersToReview(s: Study): { field: string; value: number; quote: string }[] {
  const out: { field: string; value: number; quote: string }[] = [];
  const check = (field: string, value: number | null, quote: string | undefined) => {
    if (value !== null && quote && !numberStatedInQuote(value, quote)) out.push({ field, value, quote });
  };
  check('enrolled', s.enrolled.value, s.enrolled.provenance?.quote);
  check('followup_months', s.followup_months.value, s.followup_months.provenance?.quote);
  for (const [i, a] of s.arms.entries()) check(`arms[${i}].n`, a.n.value, a.n.provenance?.quote);
  s.outcomes.forEach((o, i) => {
    check(`outcomes[${i}].value`, o.value, o.provenance.quote);
    if (o.timepoint_months !== null) check(`outcomes[${i}].timepoint_months`, o.timepoint_months, o.provenance.quote);
  });
  for (const [i, e] of s.adverse_events.entries()) {
    check(`adverse_events[${i}].count`, e.count.value, e.count.provenance?.quote ?? e.provenance.quote);
  }
  for (const [i, p] of s.products.entries()) {
    for (const [j, q] of p.quantities.entries()) check(`products[${i}].quantities[${j}]`, q.value, q.provenance.quote);
  }
  return out;
}
