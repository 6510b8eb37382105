// The README tour runs as written: every command of the ```sh blocks under "## A short tour" in README.md
// (read here, so a later edit of the tour is covered too) runs unchanged through bash, in a fresh folder with a
// fresh embedded database, and exits 0. The folder holds a copy of examples/ and, as a checkout's root does,
// makes `npx regenspine` run this checkout's bin/regenspine.js (node_modules/.bin/regenspine). Two commands
// are special: `serve` is started, answers its own front page and is stopped; `fetch` needs the internet, so
// offline it must fail with the one-line message the README promises.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

/** The commands of the tour: one per line of its sh blocks (comments and blank lines dropped, `\` joined). */
export function tourCommands(readme: string): string[] {
  const start = readme.indexOf('\n## A short tour');
  assert.ok(start >= 0, 'README.md has a "## A short tour" section');
  const rest = readme.slice(start + 1);
  const next = rest.slice(3).search(/\n## /);
  const section = next < 0 ? rest : rest.slice(0, next + 3);
  const commands: string[] = [];
  for (const m of section.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    let pending = '';
    for (const raw of m[1]!.split('\n')) {
      const line = raw.trim();
      if (pending === '' && (line === '' || line.startsWith('#'))) continue;
      if (line.endsWith('\\')) {
        pending += `${line.slice(0, -1).trimEnd()} `;
        continue;
      }
      commands.push(pending + line);
      pending = '';
    }
  }
  return commands;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'regenspine-tour-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `serve`, waits for its address, fetches the front page, stops it; returns what it saw. */
async function serveOnce(cmd: string, env: NodeJS.ProcessEnv): Promise<{ status: number; out: string }> {
  const child: ChildProcess = spawn('bash', ['-c', cmd], { cwd: dir, env, detached: true });
  let out = '';
  child.stdout!.on('data', (b) => {
    out += b;
  });
  child.stderr!.on('data', (b) => {
    out += b;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = /running at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout!.on('data', check);
      exited.then(() => reject(new Error(`serve exited before listening:\n${out}`)));
    });
    const res = await fetch(url);
    await res.text();
    return { status: res.status, out };
  } finally {
    // the whole process group (npx, node): as Ctrl-C would
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}

test('every command of the README tour runs as written on a fresh folder', { timeout: 30 * 60_000 }, async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = tourCommands(readme);
  assert.ok(commands.length >= 20, `the tour has ${commands.length} commands`);

  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(ROOT, 'bin', 'regenspine.js'), join(dir, 'node_modules', '.bin', 'regenspine'));
  // `npx regenspine …` in a checkout runs node_modules/.bin/regenspine. npm's own start-up costs ≈ 0.7 CPU s
  // a command, about half the tour's CPU time, so after checking once that the real npx runs exactly that
  // program, the tour's commands reach it through a small npx first on PATH that does only this (anything
  // else goes to the real npx). The commands themselves are still run as written.
  const realNpx = spawnSync('bash', ['-c', 'command -v npx'], { encoding: 'utf8' }).stdout.trim();
  assert.ok(realNpx, 'npx is on PATH');
  const shimDir = join(dir, '.tour-bin');
  mkdirSync(shimDir);
  writeFileSync(
    join(shimDir, 'npx'),
    `#!/bin/sh\nif [ "$1" = regenspine ]; then shift; exec "${join(dir, 'node_modules', '.bin', 'regenspine')}" "$@"; fi\nexec "${realNpx}" "$@"\n`,
    { mode: 0o755 },
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${shimDir}:${process.env.PATH}`,
    REGENSPINE_DATA_DIR: join(dir, 'data'),
    PORT: String(await freePort()),
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV; // as a user's shell: not the test runner's NODE_ENV=test
  delete env.REGENSPINE_EUTILS_BASE;
  delete env.REGENSPINE_CTGOV_BASE;

  // every example file is used by the tour (SOURCES.md describes them)
  for (const f of [
    'dat.bcg.csv',
    'dat.normand1999.csv',
    'fits.jsonl',
    'pubmed-back-pain.xml',
    'scopus.ris',
    'embase.ris',
  ])
    assert.ok(
      commands.some((c) => c.includes(`examples/${f}`)),
      `the tour uses examples/${f}`,
    );

  // the real npx and the tour's npx run the same program
  const version = (npx: string) =>
    spawnSync(npx, ['regenspine', '--version'], { cwd: dir, env, encoding: 'utf8' }).stdout.trim();
  assert.match(version(realNpx), /^\d+\.\d+\.\d+/);
  assert.equal(version(join(shimDir, 'npx')), version(realNpx));

  for (const cmd of commands) {
    if (/\bregenspine serve\b/.test(cmd)) {
      const r = await serveOnce(cmd, env);
      assert.equal(r.status, 200, `${cmd}\n${r.out}`);
      continue;
    }
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', cmd], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 10 * 60_000,
      maxBuffer: 64 << 20,
    });
    const report = `${cmd}\nexit ${r.status}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 4000)}`;
    assert.doesNotMatch(r.stderr, /internal error/, report);
    if (/\bregenspine fetch\b/.test(cmd) && r.status !== 0) {
      // offline: the README's "one clear error", on one line, not a stack
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, report);
      assert.match(lines[0]!, /^regenspine: (cannot reach|no answer within) /, report);
      continue;
    }
    assert.equal(r.status, 0, report);
  }

  // what the tour says it writes
  for (const f of ['forest.svg', 'funnel.svg', 'forest-by-allocation.svg', 'prisma.svg'])
    assert.ok(existsSync(join(dir, f)), `${f} written`);
  assert.match(readFileSync(join(dir, 'forest-by-allocation.svg'), 'utf8'), /Subtotal \(k = 7\)/);
  const fits = readFileSync(join(dir, 'examples', 'fits.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const results = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(
    results.map((l) => JSON.parse(l).id),
    fits.map((l) => JSON.parse(l).id),
  );
});

test('the tour never deactivates a user it tells the reader to sign in with', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = tourCommands(readme);
  const deactivated = commands.flatMap((c) => [...c.matchAll(/user deactivate --email (\S+)/g)].map((m) => m[1]!));
  const signIn = /sign in at\s+\S*\/registry[\s\S]*?(?:\n\n|```)/.exec(readme.slice(readme.indexOf('## A short tour')));
  assert.ok(signIn, 'the tour says whom to sign in as');
  const signInAs = [...signIn[0].matchAll(/`([^`\s]+@[^`\s]+)`/g)].map((m) => m[1]!);
  assert.ok(signInAs.length > 0, signIn[0]);
  const created = commands.flatMap((c) => [...c.matchAll(/(?:admin|user) create --email (\S+)/g)].map((m) => m[1]!));
  for (const who of signInAs) {
    assert.ok(created.includes(who), `${who} is created by the tour`);
    assert.ok(!deactivated.includes(who), `${who} is deactivated by the tour`);
  }
});

test('the tour extractor takes commands from sh blocks of the tour section only', () => {
  const md =
    '# x\n## Before\n```sh\nnot-this\n```\n## A short tour\ntext\n```sh\n# comment\na --x \\\n  --y\n\nb | c\n```\n```json\n{}\n```\n### Sub\n```sh\nd\n```\n## After\n```sh\nnot-this-either\n```\n';
  assert.deepEqual(tourCommands(md), ['a --x --y', 'b | c', 'd']);
});
