// Reads the curated evidence base from disk (data/evidence + data/sources). Thin I/O shell around
// validateEvidence: the files are read by inputs.ts, and validateEvidenceInputs is a function of what was read.
import { join } from 'node:path';
import { z } from 'zod';
import { type SourceDocument, SourceDocumentSchema } from '../domain/evidence.ts';
import { type EvidenceInputs, evidenceDirs, parsedFiles, readEvidenceInputs } from './inputs.ts';
import { type EvidenceProblem, type ValidatedEvidence, validateEvidence, zodProblems } from './validate.ts';

export interface EvidenceBase extends ValidatedEvidence {
  documents: SourceDocument[];
}

/** Validates the evidence base from its files as read (pure: no I/O). */
export function validateEvidenceInputs(inputs: EvidenceInputs): EvidenceBase {
  const { sourcesDir } = inputs.dirs;
  const problems: EvidenceProblem[] = [];
  const documents: SourceDocument[] = [];
  for (const registry of inputs.registries) {
    try {
      if ('error' in registry) throw new Error(registry.error);
      const parsed = z.array(SourceDocumentSchema).safeParse(JSON.parse(registry.text));
      if (parsed.success) documents.push(...parsed.data);
      else problems.push(...zodProblems(registry.file, parsed.error));
    } catch (e) {
      problems.push({ file: registry.file, field: '(root)', message: (e as Error).message });
    }
  }
  const seenDocs = new Set<string>();
  for (const d of documents) {
    if (seenDocs.has(d.id))
      problems.push({ file: sourcesDir, field: d.id, message: `document id "${d.id}" is registered twice` });
    seenDocs.add(d.id);
  }
  const texts = new Map<string, string>();
  for (const d of documents) {
    if (!d.file) continue;
    // inputs.ts reads every file a registry entry names, so a valid entry's text is always there
    const t = inputs.texts.get(d.file) ?? { file: join(sourcesDir, d.file), error: 'not read' };
    if ('text' in t) texts.set(d.id, t.text);
    else problems.push({ file: t.file, field: `${d.id}.file`, message: t.error });
  }
  const files = parsedFiles(inputs.studies, problems);
  const statementFiles = parsedFiles(inputs.statements, problems);
  const result = validateEvidence(files, documents, texts, statementFiles);
  return { ...result, problems: [...problems, ...result.problems], documents };
}

/** Reads and validates the evidence base (every time: see cache.ts for the read commands' cached reading). */
export async function readEvidenceBase(
  evidenceDir?: string,
  sourcesDir?: string,
  statementsDir?: string,
): Promise<EvidenceBase> {
  return validateEvidenceInputs(await readEvidenceInputs(evidenceDirs(evidenceDir, sourcesDir, statementsDir)));
}
