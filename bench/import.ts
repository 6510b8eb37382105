// npm run bench:import — whole-process import of a large PubMed XML file (≥ 100 MB, made by repeating real
// fixture records with new PMIDs) into a fresh embedded database. Prints MB/s, records/s and the peak RSS of
// the import process; and, when python3 has lxml, the rate of lxml.iterparse extracting the same fields.
// Goal (issue 4): ≥ 80 MB/s end to end, peak memory < 300 MB whatever the file size.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureArticles, writeLargePubmed } from '../test/helpers/pubmed-gen.ts';

const MB = 1024 * 1024;
const target = Number(process.env.BENCH_IMPORT_MB ?? 110) * MB;
const dir = mkdtempSync(join(tmpdir(), 'regenspine-bench-import-'));
try {
  const file = join(dir, 'pubmed-large.xml');
  const articles = [
    ...fixtureArticles('test/fixtures/ingest/pubmed-xml/nlm_pubmedsample18n0001.xml.gz'),
    ...fixtureArticles('test/fixtures/ingest/pubmed-xml/pubmed_result_93articles_with_references.xml.gz'),
  ];
  const n = await writeLargePubmed(file, articles, target);
  const size = statSync(file).size;
  console.log(
    `file: ${(size / MB).toFixed(1)} MiB, ${n} PubmedArticle records (from ${articles.length} fixture records)`,
  );

  const run = async (label: string, args: string[], env: NodeJS.ProcessEnv) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    // Peak RSS of the child, sampled from /proc (the child's own maxrss is not visible to node's API).
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const status = spawnSync('cat', [`/proc/${child.pid}/status`], { encoding: 'utf8' }).stdout;
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        /* exited */
      }
    }, 100);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(timer);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (code !== 0) throw new Error(`${label} exited with ${code}`);
    console.log(
      `${label.padEnd(34)} ${secs.toFixed(2)} s  ${(size / MB / secs).toFixed(1)} MB/s  ${(n / secs).toFixed(0)} records/s  peak RSS ${(peak / MB).toFixed(0)} MiB`,
    );
    return out;
  };

  const dataDir = join(dir, 'db');
  // Creating the embedded database (initdb inside WASM) is a one-off cost of its own: measured apart, so the
  // import figures are those of importing into an empty database.
  await run('create the empty database', ['bin/regenspine.js', 'prisma'], {
    REGENSPINE_DATA_DIR: dataDir,
    DATABASE_URL: '',
  });
  const out = await run('regenspine import (PGlite, empty)', ['bin/regenspine.js', 'import', '--json', file], {
    REGENSPINE_DATA_DIR: dataDir,
    DATABASE_URL: '',
  });
  const summary = JSON.parse(out);
  console.log(
    `  imported ${summary.totals.imported} of ${summary.totals.records} records, ${summary.totals.errors} errors`,
  );
  await run('regenspine import again (no-op)', ['bin/regenspine.js', 'import', '--json', file], {
    REGENSPINE_DATA_DIR: dataDir,
    DATABASE_URL: '',
  });

  // The same import into a PostgreSQL server (Debian's), started for the benchmark.
  try {
    const { startPostgres } = await import('../test/helpers/postgres.ts');
    const pg = await startPostgres();
    try {
      const o = await run('regenspine import (PostgreSQL 15)', ['bin/regenspine.js', 'import', '--json', file], {
        DATABASE_URL: pg.url,
      });
      console.log(`  imported ${JSON.parse(o).totals.imported} records`);
    } finally {
      await pg.stop();
    }
  } catch (e) {
    console.log(`PostgreSQL server not available: ${(e as Error).message.split('\n')[0]}`);
  }

  const py = `
import sys, time
from lxml import etree
t=time.time(); n=0
for ev, el in etree.iterparse(sys.argv[1], tag='PubmedArticle'):
    pmid = el.findtext('MedlineCitation/PMID'); title = el.findtext('.//ArticleTitle')
    abstract = ' '.join(''.join(a.itertext()) for a in el.iterfind('.//AbstractText'))
    authors = [ (a.findtext('LastName') or a.findtext('CollectiveName') or '') for a in el.iterfind('.//Author') ]
    year = el.findtext('.//PubDate/Year'); doi = el.findtext(".//ArticleId[@IdType='doi']")
    mesh = [m.text for m in el.iterfind('.//DescriptorName')]
    n += 1; el.clear()
    while el.getprevious() is not None: del el.getparent()[0]
print(n, time.time()-t)
`;
  writeFileSync(join(dir, 'lxml.py'), py);
  const lx = spawnSync('python3', [join(dir, 'lxml.py'), file], { encoding: 'utf8' });
  if (lx.status === 0) {
    const [count, secs] = lx.stdout.trim().split(/\s+/).map(Number);
    console.log(
      `${'lxml iterparse (parse only)'.padEnd(34)} ${secs!.toFixed(2)} s  ${(size / MB / secs!).toFixed(1)} MB/s  ${count} records`,
    );
  } else {
    console.log('lxml not available in python3 here: no comparison run');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
