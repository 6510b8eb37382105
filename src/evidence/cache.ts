// The evidence base for read commands (studies, study, card, export, sof, guide, check-claims), validated once
// per change. Validating the whole evidence base (every schema, every quote found in its source, every derived
// value re-computed) was most of a read command's time (CPU profile of `card --therapy prp`, 2026-12-01:
// ≈ 290 of 810 ms, zod's parsing ≈ 190 ms of it; issue 11: any read command < 0.5 s). Its result is a pure
// function of the files it reads and of the program (files.ts validateEvidenceInputs), so it is kept in a
// cache file keyed by a SHA-256 digest of both, and reused while neither has changed:
// - the key covers the bytes of every file validation reads (the document registry, every source text a
//   registry entry names, every study and statement file, and the folders' listings), the folders' paths,
//   the program (dist/build-id, a digest of the bundle written by scripts/build.mjs; from the sources, a
//   digest of every file under src/ and of package-lock.json) and the Node version;
// - the file is written aside and renamed over (never seen half-written), carries a digest of its own
//   content, and is ignored when it cannot be read, is not this format, or its key or digest do not match;
// - the cache is only ever a copy: no build id, an unwritable folder or REGENSPINE_CACHE_DIR=off just means
//   validating every time. `regenspine validate` always validates (`fresh`: it never reads the cache), and
//   leaves its result for the read commands that follow.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import { REPO_ROOT } from '../repo-root.ts';
import type { EvidenceBase } from './files.ts';
import { type EvidenceDirs, type EvidenceInputs, evidenceDirs, readEvidenceInputs } from './inputs.ts';

const FORMAT = 'regenspine.evidence-cache/1';

/** A file of data/evidence does not validate: nothing is loaded. HTTP 500 (the server's own data), exit 1. */
export class EvidenceInvalidError extends AppError {
  constructor(message: string) {
    super(message, { status: 500 });
  }
}

/** The base when it has no problem; else an EvidenceInvalidError listing the first 20 (nothing half-used). */
export function validOnly(base: EvidenceBase): EvidenceBase {
  if (base.problems.length === 0) return base;
  const list = base.problems
    .slice(0, 20)
    .map((p) => `  ${p.file}: ${p.field}: ${p.message}`)
    .join('\n');
  throw new EvidenceInvalidError(
    `the evidence base has ${base.problems.length} problem(s); nothing was loaded:\n${list}${base.problems.length > 20 ? '\n  …' : ''}`,
  );
}

/** How this process used the cache (tests count validations through it). */
export const evidenceCacheStats = { validations: 0, hits: 0 };

/** REGENSPINE_CACHE_DIR, or `cache` in the data folder (REGENSPINE_DATA_DIR, default ./.regenspine); null = off. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.REGENSPINE_CACHE_DIR === 'off') return null;
  return env.REGENSPINE_CACHE_DIR || join(env.REGENSPINE_DATA_DIR || '.regenspine', 'cache');
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function sourceTreeDigest(dir: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await sourceTreeDigest(path, hash);
    else if (e.isFile())
      hash
        .update(`${path}\0`)
        .update(await readFile(path))
        .update('\0');
  }
}

let programDigest: Promise<string | null> | undefined;
/** What identifies the running program's validation code; null when it cannot be known (then no cache). */
function program(): Promise<string | null> {
  programDigest ??= (async () => {
    const here = fileURLToPath(import.meta.url);
    try {
      if (!here.endsWith('.ts')) return `bundle:${(await readFile(join(dirname(here), 'build-id'), 'utf8')).trim()}`;
      const hash = createHash('sha256');
      await sourceTreeDigest(join(REPO_ROOT, 'src'), hash);
      hash.update(await readFile(join(REPO_ROOT, 'package-lock.json')));
      return `sources:${hash.digest('hex')}`;
    } catch {
      return null;
    }
  })();
  return programDigest;
}

function keyOf(inputs: EvidenceInputs, programId: string): string {
  return sha256(
    JSON.stringify({ format: FORMAT, node: process.version, program: programId, ...inputs, texts: [...inputs.texts] }),
  );
}

async function readCached(file: string, key: string): Promise<EvidenceBase | null> {
  try {
    const text = await readFile(file, 'utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return null;
    const head = JSON.parse(text.slice(0, nl)) as { format?: unknown; key?: unknown; sha256?: unknown };
    const body = text.slice(nl + 1);
    if (head.format !== FORMAT || head.key !== key || head.sha256 !== sha256(body)) return null;
    const base = JSON.parse(body) as EvidenceBase;
    const arrays = [base.studies, base.statements, base.problems, base.documents];
    return arrays.every(Array.isArray) ? base : null;
  } catch {
    return null;
  }
}

async function writeCached(file: string, key: string, base: EvidenceBase): Promise<void> {
  const body = JSON.stringify(base);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, `${JSON.stringify({ format: FORMAT, key, sha256: sha256(body) })}\n${body}`);
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * The evidence base of `dirs`, validated, from the cache when the same program validated the same files
 * before (unless `fresh`: then validated now, and the cache refreshed). The same result as files.ts
 * readEvidenceBase, problems included.
 */
export async function readEvidenceBaseCached(
  opts: { dirs?: EvidenceDirs; cacheDir?: string | null; fresh?: boolean } = {},
): Promise<EvidenceBase> {
  const dirs = opts.dirs ?? evidenceDirs();
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
  const [inputs, programId] = await Promise.all([readEvidenceInputs(dirs), program()]);
  const validate = async () => {
    evidenceCacheStats.validations++;
    const { validateEvidenceInputs } = await import('./files.ts');
    return validateEvidenceInputs(inputs);
  };
  if (cacheDir === null || programId === null) return validate();
  const key = keyOf(inputs, programId);
  const file = join(cacheDir, `evidence-${sha256(JSON.stringify(dirs)).slice(0, 16)}.json`);
  const cached = opts.fresh ? null : await readCached(file, key);
  if (cached) {
    evidenceCacheStats.hits++;
    return cached;
  }
  const base = await validate();
  await writeCached(file, key, base);
  return base;
}
