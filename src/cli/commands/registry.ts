// Registry administration from the shell: sites, users (the first admin included; deactivation), API
// tokens (create with scopes and expiry, list, revoke), and the optional audit-table hardening a database
// superuser runs once. Passwords are read from stdin or a hidden prompt, never from arguments (they would
// land in shell history and process lists). Every change is audited as via "cli:<operator>": the OS user,
// or REGENSPINE_OPERATOR when set (security review L4).
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DEFAULT_REGISTRY_CONFIG } from '../../registry/config.ts';
import { isRole } from '../../registry/policy.ts';
import { openDb } from '../../store/db.ts';
import {
  CLI_ACTOR,
  createApiToken,
  createSite,
  createUser,
  deactivateUser,
  listApiTokens,
  revokeApiTokens,
  siteIdsByCode,
} from '../../store/registry-accounts.ts';
import { hardenAuditTable } from '../../store/registry-harden.ts';
import { checkFormat, UserError } from '../errors.ts';
import { withRegistryDb } from '../registry-db.ts';

async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  out._writeToOutput = (s: string) => {
    if (!muted) process.stderr.write(s);
  };
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerRegistry(program: Command): void {
  const admin = program.command('admin').description('registry administrators');
  admin
    .command('create')
    .description('create an administrator (the password is read from stdin or a hidden prompt)')
    .requiredOption('--email <email>', 'e-mail address used to sign in')
    .option('--site <code>', 'site the admin belongs to (repeatable)', collect, [] as string[])
    .action(async (opts: { email: string; site: string[] }) => {
      const password = await readPassword('Password (at least 8 characters): ');
      await withRegistryDb(async (db) => {
        const siteIds = await siteIdsByCode(db, opts.site);
        const u = await createUser(db, CLI_ACTOR, { email: opts.email, role: 'admin', siteIds, password });
        console.log(`admin ${u.email} created (user ${u.id})`);
      });
    });

  const site = program.command('site').description('registry sites');
  site
    .command('create')
    .description('create a site')
    .requiredOption('--code <code>', 'short code, upper-case letters, digits, hyphen (e.g. BOS-1)')
    .requiredOption('--name <name>', 'display name')
    .action(async (opts: { code: string; name: string }) => {
      await withRegistryDb(async (db) => {
        const s = await createSite(db, CLI_ACTOR, { code: opts.code, name: opts.name });
        console.log(`site ${s.code} created (id ${s.id})`);
      });
    });

  const user = program.command('user').description('registry users');
  user
    .command('create')
    .description('create a user; --password-stdin reads a password, otherwise the user has none until set')
    .requiredOption('--email <email>', 'e-mail address used to sign in')
    .requiredOption('--role <role>', 'admin, clinician, coordinator or analyst')
    .option('--site <code>', 'site code (repeatable)', collect, [] as string[])
    .option('--password-stdin', 'read the password from stdin (or a hidden prompt)')
    .action(async (opts: { email: string; role: string; site: string[]; passwordStdin?: boolean }) => {
      if (!isRole(opts.role)) throw new UserError('--role must be admin, clinician, coordinator or analyst');
      const password = opts.passwordStdin ? await readPassword('Password (at least 8 characters): ') : null;
      await withRegistryDb(async (db) => {
        const siteIds = await siteIdsByCode(db, opts.site);
        const u = await createUser(db, CLI_ACTOR, { email: opts.email, role: opts.role as never, siteIds, password });
        console.log(`user ${u.email} created (user ${u.id})`);
      });
    });

  user
    .command('deactivate')
    .description('deactivate a user: sign-in is refused, their sessions end and their API tokens are revoked at once')
    .requiredOption('--email <email>', 'the user to deactivate')
    .action(async (opts: { email: string }) => {
      await withRegistryDb(async (db) => {
        const r = await deactivateUser(db, CLI_ACTOR, opts.email);
        console.log(
          `user ${r.email} ${r.wasActive ? 'deactivated' : 'was already inactive'}: ${r.sessionsEnded} session(s) ended, ${r.tokensRevoked} API token(s) revoked`,
        );
      });
    });

  const token = program.command('token').description('API tokens for scripts');
  token
    .command('create')
    .description('create an API token acting as the user; printed once, only its hash is stored')
    .requiredOption('--email <email>', 'the user the token acts as')
    .option('--label <label>', 'what the token is for', 'script')
    .option('--days <n>', `expire after n days (default ${DEFAULT_REGISTRY_CONFIG.tokens.defaultDays.value})`)
    .option(
      '--scope <scope>',
      `read, write or export (repeatable; default ${DEFAULT_REGISTRY_CONFIG.tokens.defaultScopes.value.join(', ')}); within the user's role`,
      collect,
      [] as string[],
    )
    .action(async (opts: { email: string; label: string; days?: string; scope: string[] }) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0))
        throw new UserError('--days must be a positive integer');
      await withRegistryDb(async (db) => {
        const t = await createApiToken(db, CLI_ACTOR, opts.email, {
          label: opts.label,
          ...(days === undefined ? {} : { days }),
          ...(opts.scope.length ? { scopes: opts.scope } : {}),
        });
        console.log(t);
      });
    });

  token
    .command('list')
    .description("list a user's API tokens (id, label, dates; never the secret)")
    .requiredOption('--email <email>', 'the user whose tokens to list')
    .option('--format <format>', 'output: text or json (an array); --json = --format json', 'text')
    .action(async (opts: { email: string; format: string }) => {
      const json = checkFormat(opts.format, ['text', 'json'] as const) === 'json';
      await withRegistryDb(async (db) => {
        const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '-');
        const tokens = await listApiTokens(db, CLI_ACTOR, opts.email);
        if (json) {
          console.log(JSON.stringify(tokens));
          return;
        }
        for (const t of tokens) {
          const state = t.revoked_at
            ? `revoked ${day(t.revoked_at)}`
            : t.expires_at
              ? `expires ${day(t.expires_at)}`
              : 'no expiry';
          console.log(`${t.id}\t${t.label}\tcreated ${day(t.created_at)}\t${state}`);
        }
      });
    });
  token
    .command('revoke')
    .description(
      'revoke one API token (--id, see `token list`) or all tokens of a user (--email); they stop working at once',
    )
    .option('--id <id>', 'the token id')
    .option('--email <email>', 'revoke every token of this user')
    .action(async (opts: { id?: string; email?: string }) => {
      if ((opts.id === undefined) === (opts.email === undefined)) throw new UserError('give either --id or --email');
      const id = Number(opts.id);
      if (opts.id !== undefined && !(Number.isSafeInteger(id) && id > 0))
        throw new UserError('--id must be a positive integer');
      await withRegistryDb(async (db) => {
        const ids = await revokeApiTokens(db, CLI_ACTOR, opts.id !== undefined ? { id } : { email: opts.email! });
        console.log(ids.length ? `revoked API token(s) ${ids.join(', ')}` : 'no active API token to revoke');
      });
    });

  const audit = program.command('audit').description('audit trail');
  audit
    .command('harden')
    .description(
      'as a PostgreSQL superuser: hand audit_log to a separate owner role so the application role can only INSERT and SELECT it',
    )
    .requiredOption('--superuser-url <url>', 'connection string of a superuser on the registry database')
    .requiredOption('--app-role <role>', 'the database role the application connects as')
    .action(async (opts: { superuserUrl: string; appRole: string }) => {
      const db = await openDb({ databaseUrl: opts.superuserUrl });
      try {
        await hardenAuditTable(db, opts.appRole);
        console.log(`audit_log is now owned by regenspine_audit_owner; ${opts.appRole} may only INSERT and SELECT it`);
      } finally {
        await db.close();
      }
    });
}
