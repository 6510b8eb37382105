// The registry CLI as an operator runs it (real processes, a real PostgreSQL): changes are audited with the
// operator's identity (security review L4), and tokens get scopes and an expiry (L6).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Db, openDb } from '../../src/store/db.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
let pg: TestPostgres;
let db: Db;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await db?.close();
  await pg?.stop();
});

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: pg.url, REGENSPINE_OPERATOR: 'dana.ops' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('site, user and token commands are audited as cli:<operator>; tokens take --scope and expire', async () => {
  assert.equal(run(['site', 'create', '--code', 'CLI-1', '--name', 'CLI clinic']).code, 0);
  const u = run(['user', 'create', '--email', 'c@cli.example.org', '--role', 'clinician', '--site', 'CLI-1']);
  assert.equal(u.code, 0, u.stderr);
  const t = run([
    'token',
    'create',
    '--email',
    'c@cli.example.org',
    '--label',
    'entry',
    '--scope',
    'read',
    '--scope',
    'write',
    '--days',
    '5',
  ]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout.trim(), /^rst_/);
  const bad = run(['token', 'create', '--email', 'c@cli.example.org', '--scope', 'admin']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /scopes/);
  const list = run(['token', 'list', '--email', 'c@cli.example.org']);
  assert.match(list.stdout, /entry\tcreated \S+\texpires /);
  // --json is the same as --format json everywhere (issue 11 §2): an array of tokens, never the secret
  const listed = JSON.parse(run(['token', 'list', '--email', 'c@cli.example.org', '--json']).stdout) as {
    label: string;
    email: string;
  }[];
  assert.deepEqual(
    listed.map((x) => [x.label, x.email]),
    [['entry', 'c@cli.example.org']],
  );
  assert.ok(!JSON.stringify(listed).includes(t.stdout.trim()), 'the secret is never listed');
  db = await openDb({ databaseUrl: pg.url });
  const tok = await db.query<{ scopes: string[]; days: number }>(
    "SELECT scopes, round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM api_token WHERE label = 'entry'",
  );
  assert.deepEqual(tok.rows[0], { scopes: ['read', 'write'], days: 5 });
  const via = await db.query<{ via: string }>('SELECT DISTINCT via FROM audit.audit_log');
  assert.deepEqual(
    via.rows.map((r) => r.via),
    ['cli:dana.ops'],
  );
});
