// The files the evidence base is made of, read from disk as they are (no parsing beyond what it takes to know
// which source texts to read). Validating the evidence base (files.ts) is a function of these inputs and the
// program alone, which is what lets a read command reuse an earlier validation of the very same inputs
// (cache.ts). This module imports nothing but Node, so a command whose validation is cached does not load the
// schemas (zod) for it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root.ts';
import type { EvidenceProblem, RawStudyFile } from './validate.ts';

export const DEFAULT_EVIDENCE_DIR = join(REPO_ROOT, 'data', 'evidence');
export const DEFAULT_SOURCES_DIR = join(REPO_ROOT, 'data', 'sources');
/** Evidence-level statements, unverifiable claims and title-only citations (not studies). */
export const DEFAULT_STATEMENTS_DIR = join(REPO_ROOT, 'data', 'statements');

export interface EvidenceDirs {
  evidenceDir: string;
  sourcesDir: string;
  statementsDir: string;
}

/** The statements folder that goes with an evidence folder: data/statements for data/evidence, else a sibling. */
export function evidenceDirs(
  evidenceDir = DEFAULT_EVIDENCE_DIR,
  sourcesDir = DEFAULT_SOURCES_DIR,
  statementsDir = evidenceDir === DEFAULT_EVIDENCE_DIR ? DEFAULT_STATEMENTS_DIR : join(evidenceDir, '..', 'statements'),
): EvidenceDirs {
  return { evidenceDir, sourcesDir, statementsDir };
}

/** One file as read: its text, or the message of the error reading it. */
export type FileText = { file: string; text: string } | { file: string; error: string };

export interface EvidenceInputs {
  dirs: EvidenceDirs;
  /** The document registry (data/sources/sources.json and sources-*.json), in name order. */
  registries: FileText[];
  /**
   * The text of every file a registry entry names (`file`, trimmed as the schema trims it), by that name:
   * every text validation can ask for, whether or not the entry is valid.
   */
  texts: Map<string, FileText>;
  /** data/evidence/*.json and data/statements/*.json, in name order ([] for a folder that does not exist). */
  studies: FileText[];
  statements: FileText[];
}

async function readText(file: string): Promise<FileText> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (e) {
    return { file, error: (e as Error).message };
  }
}

/** Every `*.json` file of a folder as read, in name order ([] when the folder does not exist). */
export async function readJsonTexts(dir: string): Promise<FileText[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return Promise.all(names.map((n) => readText(join(dir, n))));
}

/** Every `*.json` file of a folder, parsed, in name order ([] when the folder does not exist); a file that is not
 * valid JSON is a problem naming it. One reader for studies, statements and reviewer judgements. */
export async function readJsonFiles(dir: string, problems: EvidenceProblem[]): Promise<RawStudyFile[]> {
  return parsedFiles(await readJsonTexts(dir), problems);
}

/** The parsed JSON files of a folder; a file that could not be read or is not valid JSON is a problem naming it. */
export function parsedFiles(files: FileText[], problems: EvidenceProblem[]): RawStudyFile[] {
  const out: RawStudyFile[] = [];
  for (const f of files) {
    try {
      if ('error' in f) throw new Error(f.error);
      out.push({ file: f.file, json: JSON.parse(f.text) });
    } catch (e) {
      problems.push({ file: f.file, field: '(root)', message: `not valid JSON: ${(e as Error).message}` });
    }
  }
  return out;
}

/** The `file` names a registry's raw JSON gives (trimmed); none when it is not a JSON array. */
function namedFiles(registry: FileText): string[] {
  if (!('text' in registry)) return [];
  let json: unknown;
  try {
    json = JSON.parse(registry.text);
  } catch {
    return [];
  }
  if (!Array.isArray(json)) return [];
  return json.flatMap((d) => {
    const f = (d as { file?: unknown } | null)?.file;
    return typeof f === 'string' && f.trim() !== '' ? [f.trim()] : [];
  });
}

export async function readEvidenceInputs(dirs: EvidenceDirs = evidenceDirs()): Promise<EvidenceInputs> {
  // The document registry may be split over several files (sources.json, sources-*.json) so that
  // curators of different topics do not edit one file.
  const registryNames = (await readdir(dirs.sourcesDir)).filter((n) => /^sources(-[a-z0-9-]+)?\.json$/.test(n)).sort();
  const [registries, studies, statements] = await Promise.all([
    Promise.all(registryNames.map((n) => readText(join(dirs.sourcesDir, n)))),
    readJsonTexts(dirs.evidenceDir),
    readJsonTexts(dirs.statementsDir),
  ]);
  const names = [...new Set(registries.flatMap(namedFiles))].sort();
  const read = await Promise.all(names.map((n) => readText(join(dirs.sourcesDir, n))));
  const texts = new Map(names.map((n, i) => [n, read[i]!]));
  return { dirs, registries, texts, studies, statements };
}
