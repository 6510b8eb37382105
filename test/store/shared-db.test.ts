// Issue 11 §2: while `regenspine serve` holds the embedded database, CLI commands used to fail on its lock,
// so a clinic had to stop the registry to add a coordinator. Now a real server process shares its database
// over a Unix socket in the data folder and real CLI processes create a site, a user and a token in it;
// the running server then accepts that token. The socket is private to the folder's OS user (0600).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'regenspine.js');
let dir = '';
let server: ChildProcess;
let base = '';
let log = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rs-share-'));
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, REGENSPINE_DATA_DIR: dir, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr!.on('data', (d) => {
    log += String(d);
  });
  base = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d) => {
      const m = /running at (http:\/\/[^/\s]+)\//.exec(String(d));
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
});
after(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, REGENSPINE_DATA_DIR: dir, DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI commands add a site, a user and a token to the database of a running server', async () => {
  assert.equal(statSync(join(dir, 'regenspine.sock')).mode & 0o777, 0o600);
  const site = cli(['site', 'create', '--code', 'LIVE-1', '--name', 'Added while serving']);
  assert.equal(site.code, 0, site.stderr);
  assert.match(site.stdout, /site LIVE-1 created/);
  const user = cli(
    [
      'user',
      'create',
      '--email',
      'coord@live.example.org',
      '--role',
      'coordinator',
      '--site',
      'LIVE-1',
      '--password-stdin',
    ],
    'a long passphrase here\n',
  );
  assert.equal(user.code, 0, user.stderr);
  const token = cli(['token', 'create', '--email', 'coord@live.example.org', '--label', 'live']);
  assert.equal(token.code, 0, token.stderr);
  const secret = token.stdout.trim();
  const list = cli(['token', 'list', '--email', 'coord@live.example.org']);
  assert.equal(list.code, 0, list.stderr);
  // tokens expire by default (issue 11 L6: config/registry.json tokens.defaultDays)
  assert.match(list.stdout, /\tlive\tcreated \d{4}-\d\d-\d\d\texpires \d{4}-\d\d-\d\d/);
  // A CLI error through the socket is the same clear error as locally.
  const dup = cli(['site', 'create', '--code', 'LIVE-1', '--name', 'again']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /^regenspine: /);
  // The running server sees what the CLI wrote, at once.
  const me = await fetch(`${base}/api/registry/me`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(me.status, 200);
  const body = (await me.json()) as { email: string; role: string };
  assert.equal(body.email, 'coord@live.example.org');
  assert.equal(body.role, 'coordinator');
  assert.equal(server.exitCode, null, log);
});
