// Conventions every `regenspine` command shares (issue 11 §2 "CLI"): one output flag (--format, with --json
// as its alias), --version, errors on stderr with one prefix (one line for user errors, a stack for bugs),
// working per-instrument examples in `score --help`, and meta's CSV errors that name the real problem.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { scoreFromText } from '../../src/cli/commands/score.ts';
import { configureProgram, normaliseArgv, printBug } from '../../src/cli/errors.ts';
import { buildProgram, COMMAND_NAMES } from '../../src/cli/main.ts';
import { isFieldError } from '../../src/instruments/input.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'regenspine.js');
const dir = mkdtempSync(join(tmpdir(), 'regenspine-conv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 1, nothing but one `regenspine: …` line on stderr. */
function assertUserError(r: ReturnType<typeof run>, pattern: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0]!, /^regenspine: /);
  assert.match(lines[0]!, pattern);
}

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('lazy command registration (issue 11: a read command loads only its own modules)', () => {
  const names = (p: Command) => p.commands.map((c) => c.name());

  test('the table names exactly the commands the modules register', async () => {
    // Every module loaded (as for --help): each top-level command is listed once, and the table knows it.
    const all = names(await buildProgram());
    assert.deepEqual([...all].sort(), [...COMMAND_NAMES].sort());
    assert.equal(new Set(all).size, all.length);
  });

  test('a command line loads the module of its command only', async () => {
    assert.deepEqual(names(await buildProgram(['studies', '--therapy', 'prp'])), [
      'studies',
      'study',
      'export',
      'card',
    ]);
    assert.deepEqual(names(await buildProgram(['score', 'NRS'])), ['score']);
    assert.deepEqual(names(await buildProgram(['--format', 'json', 'site', 'list'])).length, COMMAND_NAMES.length);
    // `export registry` hangs under the evidence `export`: both modules, and the sub-command is there.
    const exp = (await buildProgram(['export', 'registry'])).commands.find((c) => c.name() === 'export')!;
    assert.ok(exp.commands.some((c) => c.name() === 'registry'));
    assert.equal((await buildProgram(['--version'])).commands.length, 0);
    // help, no command, an unknown command: everything, so commander can list and suggest
    for (const args of [['help', 'studies'], [], ['--help'], ['stuides']])
      assert.equal(names(await buildProgram(args)).length, COMMAND_NAMES.length, args.join(' '));
  });
});

describe('output flag, version, error prefix', () => {
  test('--version prints package.json version', () => {
    const r = run(['--version']);
    assert.equal(r.code, 0, r.stderr);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(r.stdout.trim(), pkg.version);
  });

  test('--json is --format json, on every command that prints results', async () => {
    assert.deepEqual(normaliseArgv(['node', 'x', 'records', '--json', '--', '--json']), [
      'node',
      'x',
      'records',
      '--format',
      'json',
      '--',
      '--json',
    ]);
    const a = run(['meta', join(ROOT, 'examples', 'dat.bcg.csv'), '--measure', 'RR', '--json']);
    const b = run(['meta', join(ROOT, 'examples', 'dat.bcg.csv'), '--measure', 'RR', '--format', 'json']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.equal(JSON.parse(a.stdout).k, 13);
    const s = run(['score', 'NRS', '--input', '{"value":6}', '--format', 'text']);
    assert.equal(s.stdout, 'score: 6\n');
    assert.deepEqual(JSON.parse(run(['score', 'NRS', '--input', '{"value":6}', '--json']).stdout), { score: 6 });
    const v = run(['validate', '--json']);
    assert.equal(v.code, 0, v.stderr);
    assert.ok(Array.isArray(JSON.parse(v.stdout).problems));
    // (in-process: the help text is commander's, no need for a process each)
    const program = await buildProgram();
    for (const name of ['import', 'records', 'prisma', 'meta', 'score', 'studies', 'card', 'export', 'validate']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      assert.match(cmd.helpInformation(), /--format <format>/, `${name} --help`);
    }
  });

  test('an unknown --format value is one line naming the choices', () => {
    assertUserError(
      run(['score', 'NRS', '--input', '{"value":6}', '--format', 'xml']),
      /--format must be json or text/,
    );
    assertUserError(run(['records', '--format', 'csv']), /--format must be text or json/);
  });

  test("commander's own errors carry the prefix and stay on one line", () => {
    assertUserError(run(['meta', '--no-such-option']), /unknown option '--no-such-option'/);
    assertUserError(run(['study']), /missing required argument 'id'/);
  });

  test('a score error goes to stderr with the prefix (the JSON object stays on stdout)', () => {
    const r = run(['score', 'NRS', '--input', '{"value":11}']);
    assertUserError(r, /^regenspine: value: 11 is outside 0–10$/);
    assert.deepEqual(JSON.parse(r.stdout), { error: '11 is outside 0–10', field: 'value' });
  });

  test('a bug prints the prefix and its stack; exit status 70', () => {
    const chunks: string[] = [];
    const write0 = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      chunks.push(s);
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = printBug(new TypeError('x is undefined'));
    } finally {
      process.stderr.write = write0;
    }
    assert.equal(code, 70);
    const text = chunks.join('');
    assert.match(text, /^regenspine: internal error/);
    assert.match(text, /TypeError: x is undefined\n\s+at /);
  });

  test('serve on a port in use: one line naming the port, exit 1 (no stack)', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
          cwd: dir,
          env: { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'data-serve'), DATABASE_URL: '' },
        });
        let stderr = '';
        child.stderr.on('data', (b) => {
          stderr += b;
        });
        child.once('exit', (code) => resolve({ code, stderr }));
      });
      assertUserError(
        { code: r.code, stdout: '', stderr: r.stderr },
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`),
      );
    } finally {
      busy.close();
    }
  });

  test('configureProgram applies to sub-commands created after it', () => {
    const out: string[] = [];
    const p = configureProgram(new Command('regenspine')).exitOverride();
    p.configureOutput({ ...p.configureOutput(), writeErr: (s) => out.push(s) });
    p.command('x').action(() => {});
    assert.throws(() => p.parse(['node', 'regenspine', 'x', '--nope']));
    assert.match(out.join(''), /^regenspine: unknown option '--nope'/);
  });
});

describe('score --help', () => {
  test('shows one example per instrument, and each example scores', () => {
    const r = run(['score', '--help']);
    assert.equal(r.code, 0, r.stderr);
    const examples = [...r.stdout.matchAll(/^ {2}regenspine score (\S+) --input '([^']+)'$/gm)];
    const names = examples.map((m) => m[1]);
    assert.deepEqual(names, ['ODI', 'EQ5D3L', 'PROMIS10', 'NRS', 'VAS', 'RMDQ', 'FRI']);
    // each example scores (in-process, the command's own function; the process path is tested above)
    for (const m of examples) {
      const result = scoreFromText(m[1]!, m[2]!);
      assert.ok(!isFieldError(result), `${m[0]}: ${JSON.stringify(result)}`);
    }
    // and one of them as a user types it
    const one = examples.find((m) => m[1] === 'PROMIS10')!;
    const s = run(['score', one[1]!, '--input', one[2]!]);
    assert.equal(s.code, 0, s.stderr);
  });
});

describe('meta: CSV errors name the real problem', () => {
  const meta = (file: string, ...extra: string[]) => run(['meta', file, '--measure', 'RR', ...extra]);

  test('semicolon-separated file', () => {
    const f = write('semi.csv', 'study;ai;bi;ci;di\nA;4;119;11;128\nB;6;300;29;274\n');
    assertUserError(meta(f), /separates its fields with semicolons/);
  });

  test('header only', () => {
    assertUserError(
      meta(write('head.csv', 'study,ai,bi,ci,di\n')),
      /has a header \(study, ai, bi, ci, di\) but no data rows/,
    );
  });

  test('empty file', () => {
    assertUserError(meta(write('empty.csv', '')), /the file is empty/);
  });

  test('capitalised headers', () => {
    const f = write('caps.csv', 'Study,AI,BI,CI,DI\nA,4,119,11,128\nB,6,300,29,274\n');
    assertUserError(meta(f), /rename "AI" to "ai", "BI" to "bi", "CI" to "ci", "DI" to "di"/);
  });

  test('wrong column names list what the file has', () => {
    const r = meta(join(ROOT, 'test', 'fixtures', 'meta', 'dat.bcg.csv'));
    assertUserError(r, /needs the columns ai, bi, ci, di or ai, n1i, ci, n2i; the CSV has trial, author, year, tpos/);
  });

  test('a decimal comma and a row with too many fields name the line', () => {
    assertUserError(
      meta(write('dec.csv', 'study,yi,vi\nA,"0,5",0.1\nB,0.2,0.1\n'), '--measure', 'GEN'),
      /line 2, column yi: "0,5" is not a number \(use a point as the decimal mark\)/,
    );
    assertUserError(
      meta(write('wide.csv', 'study,ai,bi,ci,di\nA,4,119,11,128\nSmith, J,6,300,29,274\n')),
      /line 3: 6 fields/,
    );
  });

  test('a dropped study is named with its line and the reason', () => {
    const f = write('drop.csv', 'study,ai,bi,ci,di\nA,4,119,11,128\n"B, 1980",6,300,,274\nC,3,228,11,209\n');
    const r = meta(f, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^regenspine: note: line 3 \(B, 1980\) left out: ci is empty$/m);
    const out = JSON.parse(r.stdout);
    assert.equal(out.k, 2);
    assert.deepEqual(out.dropped, [{ line: 3, study: 'B, 1980', reason: 'ci is empty' }]);
  });

  test('label column: study, else author + year, else --slab', () => {
    const bcg = JSON.parse(run(['meta', join(ROOT, 'examples', 'dat.bcg.csv'), '--measure', 'RR', '--json']).stdout);
    assert.equal(bcg.studies[0], 'Aronson 1948');
    const slab = JSON.parse(
      run(['meta', join(ROOT, 'examples', 'dat.bcg.csv'), '--measure', 'RR', '--slab', 'trial', '--json']).stdout,
    );
    assert.deepEqual(slab.studies.slice(0, 3), ['1', '2', '3']);
    const normand = run([
      'meta',
      join(ROOT, 'examples', 'dat.normand1999.csv'),
      '--measure',
      'MD',
      '--slab',
      'source',
      '--json',
    ]);
    assert.equal(JSON.parse(normand.stdout).studies[0], 'Edinburgh');
    assertUserError(
      run(['meta', join(ROOT, 'examples', 'dat.bcg.csv'), '--measure', 'RR', '--slab', 'nope']),
      /label column "nope"/,
    );
  });

  test('an unwritable --plot or --funnel path is a clear error before any output', () => {
    const bcg = join(ROOT, 'examples', 'dat.bcg.csv');
    const missing = run(['meta', bcg, '--measure', 'RR', '--plot', join(dir, 'no', 'such', 'forest.svg')]);
    assertUserError(missing, /--plot .*forest\.svg: the folder .* does not exist/);
    assert.equal(missing.stdout, '');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    assertUserError(run(['meta', bcg, '--measure', 'RR', '--funnel', folder]), /--funnel .*: is a folder/);
    const asFile = write('plain-file', 'x');
    assertUserError(run(['meta', bcg, '--measure', 'RR', '--plot', join(asFile, 'f.svg')]), /is not a folder/);
    // a place no one may create files in, root included (Linux procfs)
    const proc = run(['meta', bcg, '--measure', 'RR', '--plot', '/proc/forest.svg']);
    assertUserError(proc, /--plot \/proc\/forest\.svg: cannot write the file: /);
    assert.equal(proc.stdout, '');
    assertUserError(
      run(['meta', bcg, '--measure', 'RR', '--method', 'MH', '--plot', join(dir, 'f.svg')]),
      /--plot is available for inverse-variance models/,
    );
  });
});
