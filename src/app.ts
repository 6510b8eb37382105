// The imperative shell's start-up: open the database, migrate it, and sync the curated evidence into it.

import type { Study } from './domain/evidence.ts';
import { AppError } from './errors.ts';
import { readEvidenceBase } from './evidence/files.ts';
import { DatabaseLockedError, type Db, defaultOpenOptions, type OpenOptions, openDb } from './store/db.ts';
import { type LoadReport, listStudies, loadEvidence } from './store/evidence.ts';
import { migrate } from './store/migrate.ts';

/** A file of data/evidence does not validate: nothing is loaded. HTTP 500 (the server's own data), exit 1. */
export class EvidenceInvalidError extends AppError {
  constructor(message: string) {
    super(message, { status: 500 });
  }
}

export interface AppContext {
  db: Db;
  load: LoadReport;
}

/** Reads data/evidence, refusing to load anything if any file is invalid (nothing half-written). */
export async function readValidStudies(evidenceDir?: string): Promise<Study[]> {
  const base = await readEvidenceBase(evidenceDir);
  if (base.problems.length > 0) {
    const list = base.problems
      .slice(0, 20)
      .map((p) => `  ${p.file}: ${p.field}: ${p.message}`)
      .join('\n');
    throw new EvidenceInvalidError(
      `the evidence base has ${base.problems.length} problem(s); nothing was loaded:\n${list}${base.problems.length > 20 ? '\n  …' : ''}`,
    );
  }
  return base.studies;
}

/**
 * The database for registry commands (sites, users, tokens, ePRO, registry exports): opened and migrated, without
 * reading or syncing data/evidence, which no registry command reads. Validating and loading the 30-odd evidence
 * files was ≈ a third of a first registry command in an empty folder (CPU profile, 2026-12-01).
 */
export async function openRegistry(opts: OpenOptions = defaultOpenOptions()): Promise<Db> {
  const db = await openDb(opts);
  try {
    await migrate(db);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

export async function openApp(opts: OpenOptions = defaultOpenOptions(), evidenceDir?: string): Promise<AppContext> {
  const studies = await readValidStudies(evidenceDir);
  const db = await openDb(opts);
  try {
    await migrate(db);
    const load = await loadEvidence(db, studies);
    return { db, load };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * Studies for read-only commands: from the database after syncing data/evidence into it; when the
 * embedded database is held by a running server, from the same validated files (identical content).
 */
export async function withStudies<T>(
  fn: (studies: Study[]) => Promise<T> | T,
  opts = defaultOpenOptions(),
): Promise<T> {
  let app: AppContext;
  try {
    app = await openApp(opts);
  } catch (e) {
    if (e instanceof DatabaseLockedError) {
      process.stderr.write(`note: ${e.message.split(';')[0]}; reading data/evidence directly\n`);
      return fn(await readValidStudies());
    }
    throw e;
  }
  try {
    return await fn(await listStudies(app.db));
  } finally {
    await app.db.close();
  }
}
