// `regenspine db migrate`: the PostgreSQL deployment step of issue 11 M3. Run by the database superuser (or
// the owner role itself): migrations are applied as the owner role, so it owns every table, trigger and
// function; the application role is then granted row privileges only and checked to own nothing. An older
// deployment where the application role owned everything is converted (REASSIGN OWNED, superuser only).
import type { Command } from 'commander';
import { openDb } from '../../store/db.ts';
import { migrate } from '../../store/migrate.ts';
import { grantApplicationRole, ownedBy } from '../../store/registry-harden.ts';
import { UserError } from '../errors.ts';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** The same connection string, with every new session taking the given role (libpq `options=-c role=`). */
export function withRole(url: string, role: string): string {
  const u = new URL(url);
  u.searchParams.delete('options');
  const sep = u.search ? '&' : '?';
  return `${u.toString()}${sep}options=${encodeURIComponent(`-c role=${role}`)}`;
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('PostgreSQL deployment');
  db.command('migrate')
    .description(
      'apply the migrations as the owner role and grant the application role row privileges only (it owns nothing)',
    )
    .option('--url <url>', 'a superuser (or the owner role) on the registry database (default: DATABASE_URL)')
    .requiredOption('--owner <role>', 'role that owns the schema (e.g. regenspine_owner)')
    .requiredOption('--app-role <role>', 'role the application connects as (e.g. regenspine)')
    .action(async (opts: { url?: string; owner: string; appRole: string }) => {
      const url = opts.url ?? process.env.DATABASE_URL;
      if (!url) throw new UserError('--url or DATABASE_URL is required: this command is for PostgreSQL');
      for (const [flag, v] of [
        ['--owner', opts.owner],
        ['--app-role', opts.appRole],
      ] as const)
        if (!IDENT.test(v)) throw new UserError(`${flag} must be a plain lower-case identifier (got "${v}")`);
      if (opts.owner === opts.appRole) throw new UserError('--owner and --app-role must be different roles');
      const admin = await openDb({ databaseUrl: url });
      try {
        const legacy = await ownedBy(admin, opts.appRole);
        if (legacy.length > 0) {
          await admin.exec(`REASSIGN OWNED BY ${opts.appRole} TO ${opts.owner}`).catch((e: Error) => {
            throw new UserError(
              `${opts.appRole} owns ${legacy.length} object(s) (${legacy.slice(0, 3).join(', ')}…) and handing them to ${opts.owner} failed: ${e.message} (run this as the PostgreSQL superuser)`,
            );
          });
          console.log(`handed ${legacy.length} object(s) of ${opts.appRole} to ${opts.owner}`);
        }
        // `audit harden` gave the audit schema to its own role; the owner role must own it to migrate it.
        const audit = await admin.query<{ owner: string | null }>(
          "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = to_regclass('audit.audit_log')",
        );
        const auditOwner = audit.rows[0]?.owner;
        if (auditOwner && auditOwner !== opts.owner) {
          await admin.exec(
            `ALTER SCHEMA audit OWNER TO ${opts.owner}; ALTER TABLE audit.audit_log OWNER TO ${opts.owner}; ALTER FUNCTION audit.audit_log_append_only() OWNER TO ${opts.owner}`,
          );
          console.log(`the audit schema (owned by ${auditOwner}) now belongs to ${opts.owner}`);
        }
      } finally {
        await admin.close();
      }
      const owner = await openDb({ databaseUrl: withRole(url, opts.owner) });
      try {
        const applied = await migrate(owner);
        await grantApplicationRole(owner, opts.appRole);
        const still = await ownedBy(owner, opts.appRole);
        if (still.length > 0) throw new UserError(`${opts.appRole} still owns: ${still.join(', ')}`);
        console.log(
          `${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}; owner ${opts.owner}; ${opts.appRole} may read and write rows only (no DDL, no triggers, no audit writes)`,
        );
      } finally {
        await owner.close();
      }
    });
}
