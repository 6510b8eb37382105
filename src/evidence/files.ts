// Reads the curated evidence base from disk (data/evidence + data/sources). Thin I/O shell around
// validateEvidence.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type SourceDocument, SourceDocumentSchema } from '../domain/evidence.ts';
import { REPO_ROOT } from '../repo-root.ts';
import {
  type EvidenceProblem,
  type RawStudyFile,
  type ValidatedEvidence,
  validateEvidence,
  zodProblems,
} from './validate.ts';

/** The checkout's root: the nearest folder above this module with RegenSpine's package.json (works from the
 * sources and from the bundle in dist/). */
export const DEFAULT_EVIDENCE_DIR = join(REPO_ROOT, 'data', 'evidence');
export const DEFAULT_SOURCES_DIR = join(REPO_ROOT, 'data', 'sources');
/** Evidence-level statements, unverifiable claims and title-only citations (not studies). */
export const DEFAULT_STATEMENTS_DIR = join(REPO_ROOT, 'data', 'statements');

export interface EvidenceBase extends ValidatedEvidence {
  documents: SourceDocument[];
}

/** Every `*.json` file of a folder, parsed, in name order ([] when the folder does not exist); a file that is not
 * valid JSON is a problem naming it. One reader for studies, statements and reviewer judgements. */
export async function readJsonFiles(dir: string, problems: EvidenceProblem[]): Promise<RawStudyFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const files: RawStudyFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      files.push({ file, json: JSON.parse(await readFile(file, 'utf8')) });
    } catch (e) {
      problems.push({ file, field: '(root)', message: `not valid JSON: ${(e as Error).message}` });
    }
  }
  return files;
}

export async function readEvidenceBase(
  evidenceDir = DEFAULT_EVIDENCE_DIR,
  sourcesDir = DEFAULT_SOURCES_DIR,
  statementsDir = evidenceDir === DEFAULT_EVIDENCE_DIR ? DEFAULT_STATEMENTS_DIR : join(evidenceDir, '..', 'statements'),
): Promise<EvidenceBase> {
  const problems: EvidenceProblem[] = [];
  // The document registry may be split over several files (sources.json, sources-*.json) so that
  // curators of different topics do not edit one file.
  const registryFiles = (await readdir(sourcesDir)).filter((n) => /^sources(-[a-z0-9-]+)?\.json$/.test(n)).sort();
  const documents: SourceDocument[] = [];
  for (const name of registryFiles) {
    const registryFile = join(sourcesDir, name);
    try {
      const parsed = z.array(SourceDocumentSchema).safeParse(JSON.parse(await readFile(registryFile, 'utf8')));
      if (parsed.success) documents.push(...parsed.data);
      else problems.push(...zodProblems(registryFile, parsed.error));
    } catch (e) {
      problems.push({ file: registryFile, field: '(root)', message: (e as Error).message });
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
    try {
      texts.set(d.id, await readFile(join(sourcesDir, d.file), 'utf8'));
    } catch (e) {
      problems.push({ file: join(sourcesDir, d.file), field: `${d.id}.file`, message: (e as Error).message });
    }
  }
  const files = await readJsonFiles(evidenceDir, problems);
  const statementFiles = await readJsonFiles(statementsDir, problems);
  const result = validateEvidence(files, documents, texts, statementFiles);
  return { ...result, problems: [...problems, ...result.problems], documents };
}
