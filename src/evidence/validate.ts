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
