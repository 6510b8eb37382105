// The `regenspine` command as a user runs it: a real process, a real embedded database folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DatabaseLockedError, openDb } from '../../src/store/db.ts';
import { startPostgres } from '../helpers/postgres.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'regenspine-cli-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, REGENSPINE_DATA_DIR: env.REGENSPINE_DATA_DIR ?? tempDir(), DATABASE_URL: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('regenspine CLI', () => {
  test('every command has --help', () => {
    for (const cmd of ['serve', 'studies', 'study', 'validate', 'export', 'card', 'score']) {
      const r = run([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: regenspine/);
    }
  });

  test('validate passes on the curated evidence', () => {
    const r = run(['validate']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok: \d+ studies valid/m);
  });

  test('export --format json has the documented shape and vocabularies', () => {
    const r = run(['export', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.schema, 'regenspine.evidence/2');
    assert.ok(out.studies.length >= 10);
    // v2 contract (issue 8): evidence levels at the top; findings, derived arm sizes, AE states per study.
    const asipp = out.evidence_levels.find((l: { level: string }) => l.level === 'IV');
    for (const k of ['scheme', 'level', 'therapies', 'targets', 'statement', 'provenance']) assert.ok(k in asipp, k);
    assert.deepEqual([...asipp.targets].sort(), ['epidural', 'facet', 'sacroiliac']);
    const amir = out.studies.find((s: { id: string }) => s.id === 'amirdelfan-2021');
    // seed-000: One hundred patients ... in a 3:3:2:2 ratio, so 30/30/20/20
    assert.deepEqual(
      amir.arms.map((a: { n: number }) => a.n),
      [30, 30, 20, 20],
    );
    assert.ok(amir.arms.every((a: { n_derivation: { inputs: unknown[] } }) => a.n_derivation.inputs.length > 0));
    const machado = out.studies.find((s: { id: string }) => s.id === 'machado-2023');
    assert.equal(machado.included_studies, 40); // seed-001: a 2023 systematic review of 40 trials
    for (const s of out.studies) {
      for (const k of [
        'id',
        'citation',
        'design',
        'phase',
        'status',
        'therapies',
        'targets',
        'enrolled',
        'followup_months',
        'arms',
        'outcomes',
        'adverse_events',
        'adverse_events_reported',
        'provenance',
        'findings',
        'record_kind',
        'included_studies',
      ]) {
        assert.ok(k in s, `${s.id} lacks ${k}`);
      }
      assert.ok(['none', 'none-serious', 'none-related', 'some', 'not-reported'].includes(s.adverse_events_reported));
      for (const f of s.findings) {
        for (const k of [
          'outcome',
          'instrument',
          'timepoint',
          'window',
          'arms',
          'favours',
          'significant',
          'statement',
          'provenance',
        ])
          assert.ok(k in f, `${s.id} finding lacks ${k}`);
        if (f.timepoint) assert.ok(['days', 'weeks', 'months'].includes(f.timepoint.unit));
      }
      for (const k of ['authors', 'year', 'title', 'journal', 'pmid', 'doi', 'nct']) assert.ok(k in s.citation);
      assert.ok(Array.isArray(s.citation.authors));
      for (const o of s.outcomes) {
        for (const k of ['instrument', 'timepoint_months', 'arm', 'statistic', 'value', 'definition', 'provenance'])
          assert.ok(k in o);
        assert.ok(o.provenance.quote.length > 0);
      }
      for (const e of s.adverse_events) {
        for (const k of ['description', 'arm', 'count', 'serious', 'relatedness', 'provenance']) assert.ok(k in e);
      }
    }
  });

  test('studies filters and prints JSON; study prints one; unknown values are clear errors', () => {
    const r = run(['studies', '--therapy', 'prp', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { therapies: string[] }[];
    assert.ok(list.length > 0);
    assert.ok(list.every((s) => s.therapies.some((t) => t === 'prp' || t === 'prf')));
    const table = run(['studies', '--design', 'rct']);
    assert.match(table.stdout, /^ID\s+DESIGN/m);
    const one = run(['study', 'atluri-2022']);
    assert.equal(JSON.parse(one.stdout).id, 'atluri-2022');
    const bad = run(['studies', '--design', 'anecdote']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--design must be one of/);
    const missing = run(['study', 'no-such-study']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no study "no-such-study"/);
  });

  test('card --therapy msc in every format', () => {
    const json = run(['card', '--condition', 'chronic low back pain', '--therapy', 'msc', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const card = JSON.parse(json.stdout);
    for (const k of [
      'condition',
      'therapy',
      'study_ids',
      'studies',
      'patients_enrolled',
      'patients_treated',
      'headline',
      'insights',
      'safety',
      'citations',
    ]) {
      assert.ok(k in card, `card lacks ${k}`);
    }
    assert.ok(Array.isArray(card.safety.events) && 'related_events' in card.safety);
    for (const f of ['text', 'markdown', 'html']) {
      const r = run(['card', '--therapy', 'msc', '--format', f]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /amirdelfan-2021/);
    }
  });

  test('an invalid evidence file fails validation with its path and field', () => {
    const dir = tempDir();
    cpSync(join(import.meta.dirname, '..', '..', 'data', 'evidence'), dir, { recursive: true });
    const file = join(dir, 'atluri-2022.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.design = 'anecdote';
    s.enrolled = { value: 42 };
    writeFileSync(file, JSON.stringify(s));
    const r = run(['validate', '--dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /atluri-2022\.json: design: /);
    assert.match(r.stdout, /atluri-2022\.json: enrolled\.provenance: a number needs its provenance/);
  });

  test('a second process cannot open a locked embedded database', async () => {
    const dir = tempDir();
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import {acquireDirLock} from './src/store/db.ts'; acquireDirLock(${JSON.stringify(dir)}).then(() => { console.log('locked'); setTimeout(() => {}, 60000); });`,
      ],
      { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      await assert.rejects(
        openDb({ dataDir: dir }),
        (e: Error) => e instanceof DatabaseLockedError && /in use by process/.test(e.message),
      );
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the holder is dead (its exit seen, not a guessed delay: on a loaded machine 100 ms was not always
    // enough) its lock is gone and the folder opens.
    await exited;
    const db = await openDb({ dataDir: dir });
    await db.close();
  });

  test('with DATABASE_URL the same commands run against a PostgreSQL server', async () => {
    const pg = await startPostgres();
    try {
      const env = { DATABASE_URL: pg.url };
      const site = run(['site', 'create', '--code', 'PG-1', '--name', 'On PostgreSQL'], env);
      assert.equal(site.code, 0, site.stderr);
      const local = JSON.parse(run(['export', '--format', 'json']).stdout);
      const { default: pgModule } = await import('pg');
      const c = new pgModule.Client({ connectionString: pg.url });
      await c.connect();
      const n = await c.query('SELECT count(*)::int AS n FROM study');
      const s = await c.query('SELECT code FROM registry_site');
      await c.end();
      // Registry commands open the database without syncing data/evidence (src/app.ts openRegistry: no registry
      // command reads it; `serve` loads it, tested on PostgreSQL in test/store/store.test.ts); the evidence
      // commands read the files, database or not.
      assert.equal(n.rows[0].n, 0);
      assert.ok(local.studies.length >= 29);
      assert.deepEqual(s.rows, [{ code: 'PG-1' }]);
      const down = run(['site', 'create', '--code', 'X', '--name', 'X'], {
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /cannot connect to PostgreSQL/);
      // Evidence read commands read data/evidence and never need the database (issue 11 §2).
      const offline = run(['export', '--format', 'json'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      assert.equal(offline.code, 0, offline.stderr);
      assert.deepEqual(JSON.parse(offline.stdout), local);
    } finally {
      await pg.stop();
    }
  });
});
