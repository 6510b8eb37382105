// The imperative shell's start-up: open the database, migrate it, and sync the curated evidence into it.

import type { Study } from './domain/evidence.ts';
import { validOnly } from './evidence/cache.ts';
import { readEvidenceBase } from './evidence/files.ts';
import { type Db, defaultOpenOptions, type OpenOptions, openDb } from './store/db.ts';
import { type LoadReport, loadEvidence } from './store/evidence.ts';
import { migrate } from './store/migrate.ts';

export interface AppContext {
  db: Db;
  load: LoadReport;
}

/** Reads data/evidence, refusing to load anything if any file is invalid (nothing half-written). */
export async function readValidStudies(evidenceDir?: string): Promise<Study[]> {
  return validOnly(await readEvidenceBase(evidenceDir)).studies;
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
