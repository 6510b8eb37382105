// The transaction/audit wrapper every registry write goes through: one transaction, with who / how / why
// set transaction-locally (set_config(…, true)) for the audit trigger of migration 002/005, so that the
// audit row and the change land together or not at all (docs/reference/registry.md, audit expectations).
import { type Actor, viaOf } from '../registry/policy.ts';
import type { Db, Queryable } from './db.ts';

/** The transaction-local settings the audit trigger reads: user id, role at the time, via, reason. */
export function auditSettings(actor: Actor, reason: string | null): Record<string, string> {
  return {
    'regenspine.user_id': actor.userId > 0 ? String(actor.userId) : '',
    'regenspine.role': actor.role,
    'regenspine.via': viaOf(actor),
    'regenspine.reason': reason ?? '',
  };
}

/** Sets who / why for the audit trigger, transaction-locally, then runs the command. One transaction. */
export async function command<T>(
  db: Db,
  actor: Actor,
  reason: string | null,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return db.transaction(fn, { settings: auditSettings(actor, reason) });
}

/** The plain role a superuser (or BYPASSRLS) session takes for a site-scoped transaction (migration 008). */
export const SCOPED_ROLE = 'regenspine_scoped';

/** The actor's sites as the int[] literal the row-level-security policies of migration 008 read. */
export const siteIdsSetting = (siteIds: readonly number[]): string => {
  if (!siteIds.every((s) => Number.isSafeInteger(s))) throw new Error('site ids must be integers');
  return `{${siteIds.join(',')}}`;
};

const bypassCache = new WeakMap<Db, Promise<boolean>>();

/**
 * Whether this connection's role skips row-level security (a superuser — PGlite always — or BYPASSRLS). If
 * so, the plain role SCOPED_ROLE is made ready once (created if missing, given row privileges on the
 * registry's tables) so that site-scoped transactions can take it with SET LOCAL ROLE.
 */
function bypassesRls(db: Db): Promise<boolean> {
  let p = bypassCache.get(db);
  if (!p) {
    p = (async () => {
      const r = await db.query<{ bypass: boolean }>(
        'SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
      );
      if (!r.rows[0]?.bypass) return false;
      await db.exec(`
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SCOPED_ROLE}') THEN
            CREATE ROLE ${SCOPED_ROLE} NOLOGIN NOINHERIT;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        GRANT USAGE ON SCHEMA public TO ${SCOPED_ROLE};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${SCOPED_ROLE};
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${SCOPED_ROLE};
        GRANT USAGE ON SCHEMA audit TO ${SCOPED_ROLE};
        GRANT SELECT ON audit.audit_log TO ${SCOPED_ROLE};`);
      return true;
    })();
    p.catch(() => bypassCache.delete(db));
    bypassCache.set(db, p);
  }
  return p;
}

/**
 * For a Db that runs inside another's open transaction (src/store/epro.ts joins a patient link's transaction
 * to the staff command that stores the visit): it skips row-level security exactly as `base` does, decided
 * once before the transaction opened — preparing the role from inside it would need a second connection.
 */
export async function prepareRls(base: Db): Promise<void> {
  await bypassesRls(base);
}
/** After prepareRls(base), outside the transaction: `derived` answers as `base` without a query. */
export function shareRlsState(derived: Db, base: Db): void {
  const p = bypassCache.get(base);
  if (!p) throw new Error('prepareRls(base) must run before the transaction opens');
  bypassCache.set(derived, p);
}

/**
 * The one way registry data is read or written: one transaction with the audit settings of `command` and
 * `regenspine.site_ids` = the actor's sites, under which the row-level-security policies of migration 008
 * show and accept only those sites' rows — whatever WHERE a query has or forgets. A session that would skip
 * row-level security takes the plain role SCOPED_ROLE for the transaction (SET LOCAL ROLE, reverted at
 * its end), as PostgREST impersonates roles.
 */
export async function siteScoped<T>(
  db: Db,
  actor: Actor,
  reason: string | null,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const impersonate = await bypassesRls(db);
  return db.transaction(
    async (tx) => {
      if (impersonate) await tx.query(`SET LOCAL ROLE ${SCOPED_ROLE}`);
      return fn(tx);
    },
    { settings: { ...auditSettings(actor, reason), 'regenspine.site_ids': siteIdsSetting(actor.siteIds) } },
  );
}

/**
 * An analyst's network-wide de-identified read (migration 010): no site's rows through site_scope
 * (`regenspine.site_ids` = '{}'), and `regenspine.research_day` = `day`, under which the research_use
 * policies show the analysis facts of every patient whose research use is allowed on that day — and nothing
 * of the registry tables themselves.
 */
export async function researchScoped<T>(
  db: Db,
  actor: Actor,
  day: string,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error('the research day must be yyyy-mm-dd');
  const impersonate = await bypassesRls(db);
  return db.transaction(
    async (tx) => {
      if (impersonate) await tx.query(`SET LOCAL ROLE ${SCOPED_ROLE}`);
      return fn(tx);
    },
    {
      settings: {
        ...auditSettings(actor, null),
        'regenspine.site_ids': siteIdsSetting([]),
        'regenspine.research_day': day,
      },
    },
  );
}
