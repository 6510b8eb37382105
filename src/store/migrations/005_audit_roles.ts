// The audit trail against the application's own database role (issue 11 M3). With the deployment recipe
// (README, "Running against PostgreSQL") the schema is owned by an owner role that runs the migrations, and
// the application connects as a role that owns nothing: it cannot disable, drop or replace triggers or
// functions, nor run DDL. This migration makes the rest hold for that role:
//  - it cannot write audit_log at all (no INSERT privilege): audit rows are written only by registry_audit(),
//    which now runs with its owner's rights (SECURITY DEFINER, with a fixed search_path as the PostgreSQL
//    manual's "Writing SECURITY DEFINER Functions Safely" advises);
//  - when, which transaction and which database role are set by the database itself in a BEFORE INSERT
//    trigger (now(), txid_current(), session_user), whatever an INSERT supplies, so no row can be back-dated.
// Which application user acted still comes from the application (regenspine.user_id), which is what
// authenticates users; db_user records which database login the change came through.
export const auditRoles005 = `
ALTER TABLE audit.audit_log ADD COLUMN db_user text;

CREATE FUNCTION audit.audit_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.at := now();
  NEW.txid := txid_current();
  NEW.db_user := session_user;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit.audit_log FOR EACH ROW EXECUTE FUNCTION audit.audit_log_stamp();

ALTER FUNCTION registry_audit() SECURITY DEFINER;
ALTER FUNCTION registry_audit() SET search_path = pg_catalog, pg_temp;
`;
