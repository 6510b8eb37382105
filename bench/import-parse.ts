// Reader throughput: builds a ≥100 MB PubmedArticleSet by repeating the fixture records with new PMIDs (in a temp
// dir, never committed), then times readRecords over it. Prints MB/s and peak RSS.
// Usage: node --import tsx bench/import-parse.ts [sizeMB=120] [--gzip] [--format=ris]
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRecords } from '../src/ingest/read.ts';

const args = process.argv.slice(2);
const sizeMB = Number(args.find((a) => /^\d+$/.test(a)) ?? 120);
const gzip = args.includes('--gzip');
const ris = args.includes('--format=ris');
const fixtures = new URL('../test/fixtures/ingest/', import.meta.url).pathname;

function pubmedFile(): Buffer {
  const sources = [
    'pubmed-xml/nlm_pubmedsample18n0001.xml.gz',
    'pubmed-xml/pubmed_result_93articles_with_references.xml.gz',
    'pubmed-xml/pubmed26n1335_update_excerpt.xml.gz',
  ];
  const records: string[] = [];
  for (const s of sources) {
    const buf = readFileSync(join(fixtures, s));
    const text = (s.endsWith('.gz') ? require_gunzip(buf) : buf).toString('utf8');
    for (const m of text.matchAll(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)) records.push(m[0]);
  }
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n<PubmedArticleSet>\n',
  ];
  let size = 0;
  let pmid = 90000000;
  while (size < sizeMB * 1e6) {
    for (const r of records) {
      const s = r.replace(/<PMID Version="1">\d+<\/PMID>/, () => `<PMID Version="1">${pmid++}</PMID>`);
      parts.push(s, '\n');
      size += s.length;
    }
  }
  parts.push('</PubmedArticleSet>\n');
  return Buffer.from(parts.join(''));
}

function risFile(): Buffer {
  const text = readFileSync(join(fixtures, 'ris/wos_642_bom_citesource_shinytest1.ris.gz'));
  const one = require_gunzip(text)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const parts: string[] = [];
  let size = 0;
  while (size < sizeMB * 1e6) {
    parts.push(one, '\n');
    size += one.length;
  }
  return Buffer.from(parts.join(''));
}

import { gunzipSync } from 'node:zlib';

function require_gunzip(b: Buffer): Buffer {
  return gunzipSync(b);
}

async function measure(file: string): Promise<void> {
  const bytes = statSync(file).size;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let records = 0;
  let errors = 0;
  let decoded = 0;
  const progress = { bytesRead: 0, bytesDecoded: 0, records: 0, errors: 0 };
  for await (const ev of readRecords(createReadStream(file, { highWaterMark: 1 << 20 }), { progress })) {
    if (ev.type === 'record') {
      records++;
      if ((records & 1023) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    } else if (ev.type === 'error') errors++;
  }
  decoded = progress.bytesDecoded;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpuSecs = (cu.user + cu.system) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      file: file.split('/').pop(),
      file_MB: +(bytes / 1e6).toFixed(1),
      decoded_MB: +(decoded / 1e6).toFixed(1),
      records,
      errors,
      seconds: +secs.toFixed(2),
      cpu_seconds: +cpuSecs.toFixed(2),
      MB_per_s_wall: +(decoded / 1e6 / secs).toFixed(1),
      MB_per_s_cpu: +(decoded / 1e6 / cpuSecs).toFixed(1),
      records_per_s: Math.round(records / secs),
      peak_rss_MB: Math.round(peak / 1e6),
      rss_before_MB: Math.round(rssBefore / 1e6),
    }),
  );
}

const readArg = args.find((a) => a.startsWith('--read='));
if (readArg) {
  await measure(readArg.slice(7));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'regenspine-bench-'));
  try {
    let data = ris ? risFile() : pubmedFile();
    if (gzip) data = gzipSync(data, { level: 6 });
    const file = join(dir, ris ? 'bench.ris' : gzip ? 'bench.xml.gz' : 'bench.xml');
    writeFileSync(file, data);
    // measured in a fresh process, so that building the file does not count in time or memory
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, `--read=${file}`, ...args], {
      stdio: 'inherit',
    });
    process.exitCode = r.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
