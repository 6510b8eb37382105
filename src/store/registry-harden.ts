// Optional production hardening of the audit trail, run once by a PostgreSQL superuser. The append-only
// trigger already refuses UPDATE, DELETE and TRUNCATE for every role; but an owner can drop or disable
// triggers, and the owner of a schema can drop any table in it. Handing the "audit" schema, audit_log and
// its guard function to a separate NOLOGIN role leaves the application role with USAGE, INSERT and SELECT
// only: it can neither rewrite history nor remove the guard. (A database owner can still drop the whole
// database; that is what backups are for.)
import type { Db } from './db.ts';

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
  });
}
