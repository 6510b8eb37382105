// Registry 008 (issue 12): row-level security on every site-scoped table, the second lock behind the
// repository of src/store/registry-repository.ts (PostgREST's pattern: the server authenticates, then a
// transaction-local setting decides which rows a query can see or write — a forgotten WHERE cannot leak a
// row). The repository runs each command in one transaction with `regenspine.site_ids` = the actor's sites
// as an int[] literal ('{1,2}'; '{}' for none) set with set_config(…, true), so it reverts at COMMIT.
//
//  - site_scope (every role): only rows of those sites are visible, updatable or insertable.
//  - owner_unscoped (the role that owns the schema, i.e. ran this migration): outside a scoped transaction
//    (setting absent) the owner sees every row — migrations, maintenance, `db migrate`, bulk loads. Inside a
//    scoped transaction the owner is limited like anyone else. The application role of the deployment
//    recipe owns nothing, so for it an unscoped query sees no row at all.
//  - FORCE ROW LEVEL SECURITY: the policies apply to the table owner too (a single-role deployment).
// Superusers and BYPASSRLS roles skip row-level security altogether (PostgreSQL manual, "Row Security
// Policies"); the repository therefore switches such a session to the plain role regenspine_scoped with
// SET LOCAL ROLE for the transaction (src/store/tx.ts) — which is what PGlite's single superuser needs.
export const SITE_SCOPED_TABLES = [
  'patient',
  'consent',
  'procedure',
  'followup_visit',
  'prom_score',
  'adverse_event',
] as const;

export const registryRls008 = `
CREATE FUNCTION regenspine_site_ids() RETURNS int[] LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('regenspine.site_ids', true), '')::int[] $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[${SITE_SCOPED_TABLES.map((t) => `'${t}'`).join(', ')}] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY site_scope ON %I USING (site_id = ANY (regenspine_site_ids())) '
      'WITH CHECK (site_id = ANY (regenspine_site_ids()))', t);
    EXECUTE format('CREATE POLICY owner_unscoped ON %I TO CURRENT_USER USING (regenspine_site_ids() IS NULL) '
      'WITH CHECK (regenspine_site_ids() IS NULL)', t);
  END LOOP;
END
$$;
`;
