// Forward-only migrations, each applied once in its own transaction and recorded in schema_migrations.
// Modules add their migrations to MIGRATIONS in order; ids never change once released.
import { AppError } from '../errors.ts';
import type { Db } from './db-types.ts';
import { evidence001 } from './migrations/001_evidence.ts';
import { registry002 } from './migrations/002_registry.ts';
import { literature003 } from './migrations/003_literature.ts';
import { literature004 } from './migrations/004_literature_pages.ts';
import { auditRoles005 } from './migrations/005_audit_roles.ts';
import { registry006 } from './migrations/006_registry_consent_status.ts';
import { evidence007 } from './migrations/007_evidence_v2.ts';
import { registryRls008 } from './migrations/008_registry_rls.ts';
import { epro009 } from './migrations/009_epro.ts';
import { analysisFacts010 } from './migrations/010_analysis_facts.ts';
import { analysisCells011 } from './migrations/011_analysis_cells.ts';

/** Pending migrations, and a role that may not apply them (the application role of a split deployment). */
export class MigrationPrivilegeError extends AppError {
  constructor(message: string) {
    super(message, { status: 503 });
  }
}

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { id: '001_evidence', sql: evidence001 },
  { id: '002_registry', sql: registry002 },
  { id: '003_literature', sql: literature003 },
  { id: '004_literature_pages', sql: literature004 },
  { id: '005_audit_roles', sql: auditRoles005 },
  { id: '006_registry_consent_status', sql: registry006 },
  { id: '007_evidence_v2', sql: evidence007 },
  { id: '008_registry_rls', sql: registryRls008 },
  { id: '009_epro', sql: epro009 },
  { id: '010_analysis_facts', sql: analysisFacts010 },
  { id: '011_analysis_cells', sql: analysisCells011 },
];

export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<string[]> {
  // Up to date: nothing to do, and no DDL sent, so the application role (which may not create anything,
  // issue 11 M3) starts against a database its owner migrated.
  const known = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (known.rows[0]?.t) {
    const seen = new Set((await db.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const pending = migrations.filter((m) => !seen.has(m.id));
    if (pending.length === 0) return [];
    if (db.kind === 'postgres') {
      const canCreate = await db.query<{ ok: boolean }>(
        "SELECT has_schema_privilege('public', 'CREATE') AND has_table_privilege('schema_migrations', 'INSERT') AS ok",
      );
      if (!canCreate.rows[0]?.ok)
        throw new MigrationPrivilegeError(
          `the database needs migration(s) ${pending.map((m) => m.id).join(', ')}, and this role may not change the schema; run \`regenspine db migrate\` as the owner (README, "Running against PostgreSQL")`,
        );
    }
  }
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      // Two servers starting at once against one PostgreSQL: the advisory lock makes the second wait.
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(727274)');
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.rows.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Splits a migration into statements on semicolons at line ends, keeping $$-quoted bodies whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const dollars = line.match(/\$\$/g)?.length ?? 0;
    if (dollars % 2 === 1) inDollar = !inDollar;
    current += `${line}\n`;
    if (!inDollar && /;\s*$/.test(line)) {
      const s = current.trim();
      if (s.replace(/;$/, '').trim()) out.push(s);
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
