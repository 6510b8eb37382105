// Validation of curated evidence beyond its shape: cross-file rules (unique ids, known documents)
// and the rule that every quote really stands in its document. Pure: the caller supplies the texts.
import type { z } from 'zod';
import {
  type Derivation,
  type Measured,
  type SourceDocument,
  type Statement,
  StatementSchema,
  type Study,
  StudySchema,
} from '../domain/evidence.ts';
import type { SourceTier } from '../domain/vocabulary.ts';
import * as VOCAB from '../domain/vocabulary.ts';

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
  statements: Statement[];
  problems: EvidenceProblem[];
}

// ---------------------------------------------------------------- stale notes

/** Every key and enum value the study schema knows (as snake_case and kebab-case words). */
function modelWords(): Set<string> {
  const words = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'properties' && x && typeof x === 'object') for (const key of Object.keys(x)) words.add(key);
        if (k === 'enum' && Array.isArray(x)) for (const e of x) if (typeof e === 'string') words.add(e);
        walk(x);
      }
    }
  };
  walk(StudySchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }));
  for (const list of Object.values(VOCAB)) if (Array.isArray(list)) for (const e of list) words.add(String(e));
  return words;
}
let MODEL_WORDS: Set<string> | null = null;

/**
 * Notes that say the model cannot hold something it can ("the schema has no field for the number of included
 * studies", "the vocabulary has no 'contrast agent' therapy"): a claim about the model in a note goes stale
 * when the model grows, and then misleads. The phrase after "has no" is matched, word by word and by
 * adjacent pairs (included + studies = included_studies), against the schema's keys and vocabularies.
 */
export function staleNotes(s: Study): { note: string; names: string[] }[] {
  MODEL_WORDS ??= modelWords();
  const words = MODEL_WORDS;
  const out: { note: string; names: string[] }[] = [];
  for (const note of s.notes ?? []) {
    const names: string[] = [];
    for (const m of note.matchAll(/\b(?:schema|vocabulary|model)\b[^.;]*?\bhas no\b([^.;]*)/gi)) {
      const tokens = (m[1] ?? '')
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, ' ')
        .split(/\s+/)
        .filter(
          (t) => t.length > 2 && !['the', 'for', 'field', 'number', 'statistic', 'value', 'one', 'that'].includes(t),
        );
      const pairs = tokens.slice(1).flatMap((t, i) => [`${tokens[i]}_${t}`, `${tokens[i]}-${t}`]);
      for (const t of [...pairs, ...tokens]) if (words.has(t)) names.push(t);
    }
    if (/title field is a description/i.test(note) && s.citation.title === null) names.push('citation.title (null)');
    if (names.length) out.push({ note, names: [...new Set(names)] });
  }
  return out;
}

// ---------------------------------------------------------------- derived values

/** Every Measured with a derivation inside a study, with its field path (arm sizes first). */
function* derivedEntries(
  value: unknown,
  path: string[] = [],
): Generator<[string, Measured & { derivation: Derivation }]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* derivedEntries(value[i], [...path, `[${i}]`]);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('derivation' in o && o.derivation && typeof o.derivation === 'object' && 'rule' in o.derivation) {
      yield [path.join('.').replace(/\.\[/g, '['), o as Measured & { derivation: Derivation }];
      return;
    }
    for (const [k, v] of Object.entries(o)) yield* derivedEntries(v, [...path, k]);
  }
}

/**
 * Re-compute a derived value from its inputs by its rule. Returns the value, or an error in words. These are
 * the derivations the evidence audit calls standard extraction practice (docs/reference/evidence-audit.md §2.2,
 * §2.7: a stated allocation ratio of a stated total, "the remainder" of a cohort); a percentage is turned into a
 * count only when exactly one whole count rounds back to it, so no count is ever guessed.
 */
export function recomputeDerivation(
  d: Derivation,
  ctx: { study?: Study; armId?: string } = {},
): { value: number } | { error: string } {
  const xs = d.inputs.map((i) => i.value);
  switch (d.rule) {
    case 'sum':
      return { value: xs.reduce((a, b) => a + b, 0) };
    case 'total-minus-arms': {
      if (xs.length < 2) return { error: 'total-minus-arms needs the total and at least one stated arm' };
      const [total, ...rest] = xs;
      return { value: total! - rest.reduce((a, b) => a + b, 0) };
    }
    case 'allocation-ratio': {
      const r = ctx.study?.allocation_ratio;
      if (!r) return { error: "allocation-ratio needs the study's allocation_ratio" };
      const j = ctx.armId ? r.arms.indexOf(ctx.armId) : -1;
      if (j < 0) return { error: `arm "${ctx.armId}" is not in the allocation_ratio` };
      const parts = r.parts.reduce((a, b) => a + b, 0);
      const v = (xs[0]! * r.parts[j]!) / parts;
      if (!Number.isInteger(v))
        return { error: `${xs[0]} × ${r.parts[j]} / ${parts} is not a whole number of patients` };
      return { value: v };
    }
    case 'percent-of-denominator': {
      if (xs.length !== 2) return { error: 'percent-of-denominator needs [percent, denominator]' };
      const [p, n] = xs as [number, number];
      const ks: number[] = [];
      for (let k = 0; k <= n; k++) if (Math.round((100 * k) / n) === Math.round(p)) ks.push(k);
      if (ks.length !== 1)
        return { error: `${p}% of ${n} does not round-trip to exactly one count (${ks.join(', ') || 'none'})` };
      return { value: ks[0]! };
    }
  }
}

function derivationProblems(file: string, s: Study): EvidenceProblem[] {
  const out: EvidenceProblem[] = [];
  for (const [field, m] of derivedEntries(s)) {
    const armMatch = /^arms\[(\d+)\]\.n$/.exec(field);
    const armId = armMatch ? s.arms[Number(armMatch[1])]?.id : undefined;
    const r = recomputeDerivation(m.derivation, { study: s, armId });
    if ('error' in r) out.push({ file, field: `${field}.derivation`, message: r.error });
    else if (Math.abs(r.value - (m.value ?? Number.NaN)) > 1e-9) {
      out.push({
        file,
        field: `${field}.value`,
        message: `derived value ${m.value} does not match its derivation (${m.derivation.rule} gives ${r.value})`,
      });
    }
  }
  return out;
}

/**
 * Validate parsed study files against the schema, the document registry and the document texts.
 * `texts` maps a document id to its text for the documents kept in the repository.
 */
export function validateEvidence(
  files: RawStudyFile[],
  documents: SourceDocument[],
  texts: Map<string, string>,
  statementFiles: RawStudyFile[] = [],
): ValidatedEvidence {
  const problems: EvidenceProblem[] = [];
  const studies: Study[] = [];
  const docIds = new Set(documents.map((d) => d.id));
  const tiers = new Map<string, SourceTier>(documents.map((d) => [d.id, d.tier]));
  // Quotes are checked, and each provenance gets its document's source tier (a datum retold by a narrative
  // review is second-hand, whatever its numbers).
  const checkProvenance = (file: string, value: unknown): boolean => {
    let ok = true;
    for (const [field, p] of provenanceEntries(value)) {
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
      const tier = tiers.get(p.document);
      const prov = p as { source_tier?: SourceTier };
      if (prov.source_tier && tier && prov.source_tier !== tier) {
        problems.push({
          file,
          field: `${field}.source_tier`,
          message: `document "${p.document}" is a ${tier} source, not ${prov.source_tier}`,
        });
        ok = false;
      }
      if (tier) prov.source_tier = tier;
    }
    return ok;
  };
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
    for (const st of staleNotes(study)) {
      problems.push({
        file,
        field: 'notes',
        message: `stale note: the model has ${st.names.join(', ')}; the note says otherwise: "${st.note.slice(0, 100)}"`,
      });
    }
    let ok = checkProvenance(file, study);
    const derived = derivationProblems(file, study);
    problems.push(...derived);
    if (derived.length > 0) ok = false;
    if (ok) studies.push(study);
  }
  const statements: Statement[] = [];
  for (const { file, json } of statementFiles) {
    const parsed = StatementSchema.safeParse(json);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    const st = parsed.data;
    if (!file.endsWith(`${st.id}.json`)) {
      problems.push({ file, field: 'id', message: `the file of statement "${st.id}" must be named ${st.id}.json` });
    }
    if (seenIds.has(st.id))
      problems.push({ file, field: 'id', message: `id "${st.id}" is also used by ${seenIds.get(st.id)}` });
    seenIds.set(st.id, file);
    if (checkProvenance(file, st)) statements.push(st);
  }
  const studyIds = new Set(studies.map((s) => s.id));
  for (const st of statements) {
    if (st.kind !== 'citation') continue;
    for (const [i, l] of st.links.entries()) {
      if (!studyIds.has(l.study_id)) {
        problems.push({
          file: seenIds.get(st.id) ?? st.id,
          field: `links[${i}].study_id`,
          message: `unknown study "${l.study_id}"`,
        });
      }
    }
  }
  for (const s of studies) {
    for (const [i, r] of s.related_records.entries()) {
      if (r.study_id && !studyIds.has(r.study_id) && !statements.some((t) => t.id === r.study_id)) {
        problems.push({
          file: seenIds.get(s.id) ?? s.id,
          field: `related_records[${i}].study_id`,
          message: `unknown study "${r.study_id}"`,
        });
      }
    }
    for (const id of s.review?.included_study_ids ?? []) {
      if (!studyIds.has(id)) {
        problems.push({
          file: seenIds.get(s.id) ?? s.id,
          field: 'review.included_study_ids',
          message: `unknown study "${id}"`,
        });
      }
    }
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
  statements.sort((a, b) => a.id.localeCompare(b.id));
  return { studies, statements, problems };
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
  const checkMeasured = (field: string, m: Measured | undefined) => {
    if (!m) return;
    if (m.derivation) {
      // A derived number is not in any quote; each of its inputs must be.
      for (const [j, inp] of m.derivation.inputs.entries())
        check(`${field}.derivation.inputs[${j}]`, inp.value, inp.provenance.quote);
    } else check(field, m.value, m.provenance?.quote);
  };
  checkMeasured('enrolled', s.enrolled);
  checkMeasured('followup_months', s.followup_months);
  for (const [i, a] of s.arms.entries()) checkMeasured(`arms[${i}].n`, a.n);
  if (
    s.allocation_ratio &&
    !normalizeForQuote(s.allocation_ratio.provenance.quote).includes(s.allocation_ratio.parts.join(':'))
  ) {
    out.push({
      field: 'allocation_ratio',
      value: Number.NaN,
      quote: s.allocation_ratio.provenance.quote,
    });
  }
  if (s.review) {
    checkMeasured('review.included_studies', s.review.included_studies);
    checkMeasured('review.included_rcts', s.review.included_rcts);
    checkMeasured('review.participants', s.review.participants);
    for (const [i, p] of s.review.pooled.entries()) {
      check(`review.pooled[${i}].estimate`, p.estimate, p.provenance.quote);
      check(`review.pooled[${i}].ci_lower`, p.ci_lower, p.provenance.quote);
      check(`review.pooled[${i}].ci_upper`, p.ci_upper, p.provenance.quote);
      if (p.timepoint) check(`review.pooled[${i}].timepoint`, p.timepoint.value, p.provenance.quote);
    }
    for (const [i, v] of s.review.vote_counts.entries()) {
      check(`review.vote_counts[${i}].positive`, v.positive, v.provenance.quote);
      check(`review.vote_counts[${i}].of`, v.of, v.provenance.quote);
    }
  }
  for (const [i, f] of s.findings.entries()) {
    if (f.timepoint) check(`findings[${i}].timepoint`, f.timepoint.value, f.provenance.quote);
  }
  s.outcomes.forEach((o, i) => {
    check(`outcomes[${i}].value`, o.value, o.provenance.quote);
    if (o.timepoint_months !== null) check(`outcomes[${i}].timepoint_months`, o.timepoint_months, o.provenance.quote);
    if (o.timepoint) check(`outcomes[${i}].timepoint`, o.timepoint.value, o.provenance.quote);
  });
  for (const [i, e] of s.adverse_events.entries()) {
    check(`adverse_events[${i}].count`, e.count.value, e.count.provenance?.quote ?? e.provenance.quote);
  }
  for (const [i, p] of s.products.entries()) {
    for (const [j, q] of p.quantities.entries()) check(`products[${i}].quantities[${j}]`, q.value, q.provenance.quote);
  }
  return out;
}
