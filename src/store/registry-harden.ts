// Optional production hardening of the audit trail, run once by a PostgreSQL superuser. The append-only
// trigger already refuses UPDATE, DELETE and TRUNCATE for every role; but an owner can drop or disable
// triggers, and the owner of a schema can drop any table in it. Handing the "audit" schema, audit_log and
// its guard function to a separate NOLOGIN role leaves the application role with USAGE, INSERT and SELECT
// only: it can neither rewrite history nor remove the guard. (A database owner can still drop the whole
// database; that is what backups are for.)
import type { Db } from './db.ts';
import { SITE_SCOPED_TABLES } from './migrations/008_registry_rls.ts';
import { ANALYSIS_FACT_TABLES } from './migrations/010_analysis_facts.ts';
import { ANALYSIS_CELL_TABLES } from './migrations/011_analysis_cells.ts';

export const AUDIT_OWNER_ROLE = 'regenspine_audit_owner';

export async function hardenAuditTable(superuser: Db, appRole: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(appRole))
    throw new Error('the application role must be a plain lower-case identifier');
  await superuser.transaction(async (tx) => {
    const exists = await tx.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [AUDIT_OWNER_ROLE]);
    if (exists.rows.length === 0) await tx.query(`CREATE ROLE ${AUDIT_OWNER_ROLE} NOLOGIN`);
    await tx.query(`ALTER SCHEMA audit OWNER TO ${AUDIT_OWNER_ROLE}`);
    await tx.query(`ALTER TABLE audit.audit_log OWNER TO ${AUDIT_OWNER_ROLE}`);
    await tx.query(`ALTER FUNCTION audit.audit_log_append_only() OWNER TO ${AUDIT_OWNER_ROLE}`);
    await tx.query(`REVOKE ALL ON SCHEMA audit FROM ${appRole}`);
    await tx.query(`GRANT USAGE ON SCHEMA audit TO ${appRole}`);
    await tx.query(`REVOKE ALL ON audit.audit_log FROM ${appRole}`);
    await tx.query(`GRANT SELECT, INSERT ON audit.audit_log TO ${appRole}`);
    await tx.query(`GRANT USAGE ON SEQUENCE audit.audit_log_id_seq TO ${appRole}`);
    // Migration 005: the stamping trigger's function goes with the table; audit rows are written by
    // registry_audit() with its owner's rights, so that owner (the app role itself in a single-role
    // deployment, the schema owner in the split one) keeps INSERT.
    const stamp = await tx.query("SELECT to_regprocedure('audit.audit_log_stamp()')::text AS f");
    if (stamp.rows[0] && (stamp.rows[0] as { f: string | null }).f)
      await tx.query(`ALTER FUNCTION audit.audit_log_stamp() OWNER TO ${AUDIT_OWNER_ROLE}`);
    const writer = await tx.query<{ owner: string }>(
      "SELECT pg_get_userbyid(proowner) AS owner FROM pg_proc WHERE oid = to_regprocedure('registry_audit()')",
    );
    const w = writer.rows[0]?.owner;
    if (w && w !== appRole && /^[a-z_][a-z0-9_]*$/.test(w)) {
      await tx.query(`GRANT USAGE ON SCHEMA audit TO ${w}`);
      await tx.query(`GRANT INSERT ON audit.audit_log TO ${w}`);
      await tx.query(`GRANT USAGE ON SEQUENCE audit.audit_log_id_seq TO ${w}`);
    }
  });
}

/**
 * The deployment split of issue 11 M3: an owner role owns the schema and runs the migrations; the
 * application role owns nothing and gets row privileges only. Then the application's credential cannot run
 * DDL, disable or drop triggers, replace the audit functions, or write audit_log (rows come only from the
 * SECURITY DEFINER trigger function of migration 005, stamped by the database).
 */
export async function grantApplicationRole(owner: Db, appRole: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(appRole))
    throw new Error('the application role must be a plain lower-case identifier');
  await owner.transaction(async (tx) => {
    const r = await tx.query<{ super: boolean; member: boolean }>(
      'SELECT rolsuper AS super, pg_has_role($1, current_user, $2) AS member FROM pg_roles WHERE rolname = $1',
      [appRole, 'MEMBER'],
    );
    const role = r.rows[0];
    if (!role) throw new Error(`there is no database role "${appRole}"; create it first (createuser ${appRole})`);
    if (role.super) throw new Error(`"${appRole}" is a superuser: the application role must be an ordinary role`);
    if (role.member) throw new Error(`"${appRole}" is a member of the owner role and would have its rights`);
    for (const sql of [
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
      `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${appRole}`,
      `GRANT USAGE ON SCHEMA public TO ${appRole}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole}`,
      `REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ${appRole}`,
      // security events are append-only (migration 006's trigger refuses it too): the privilege is not granted either
      `REVOKE UPDATE, DELETE ON security_event FROM ${appRole}`,
      `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${appRole}`,
      `REVOKE ALL ON SCHEMA audit FROM ${appRole}`,
      `GRANT USAGE ON SCHEMA audit TO ${appRole}`,
      `REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM ${appRole}`,
      `GRANT SELECT ON audit.audit_log TO ${appRole}`,
    ])
      await tx.query(sql);
    // Migration 008's unscoped-maintenance policy belongs to the owner only. A database converted from a
    // single-role deployment ran 008 as the application role (REASSIGN OWNED does not touch policies'
    // roles), so the policy is handed to the owner here; the application role then sees no registry row
    // outside a site-scoped transaction. The same for the analysis tables of migrations 010 and 011.
    for (const t of [...SITE_SCOPED_TABLES, ...ANALYSIS_FACT_TABLES, ...ANALYSIS_CELL_TABLES]) {
      const has = await tx.query(
        "SELECT 1 FROM pg_policies WHERE schemaname = 'public' AND tablename = $1 AND policyname = 'owner_unscoped'",
        [t],
      );
      if (has.rows.length > 0) await tx.query(`ALTER POLICY owner_unscoped ON ${t} TO CURRENT_USER`);
    }
  });
}

/** What a role owns in the current database (tables, sequences, functions, schemas): empty for the app. */
export async function ownedBy(db: Db, role: string): Promise<string[]> {
  const r = await db.query<{ what: string }>(
    `SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname AS what FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE pg_get_userbyid(c.relowner) = $1 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE pg_get_userbyid(p.proowner) = $1 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
     UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = $1
     UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datname = current_database() AND pg_get_userbyid(datdba) = $1
     ORDER BY 1`,
    [role],
  );
  return r.rows.map((x) => x.what);
}
