// npm run bench:web — throughput and latency of the therapy page (the evidence card + studies table),
// served by the real server process over loopback, measured with autocannon. Bounded: 10 s per URL.
// Goal (issue 2): ≥ 2,000 req/s with p99 < 50 ms on the 2-core machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const dataDir = mkdtempSync(join(tmpdir(), 'regenspine-bench-'));
const port = 3000 + Math.floor(Math.random() * 1000) + 1000;
const server = spawn(process.execPath, ['bin/regenspine.js', 'serve', '--port', String(port)], {
  env: { ...process.env, REGENSPINE_DATA_DIR: dataDir, DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout.on('data', (d) => {
    if (String(d).includes('running at')) resolve();
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

const duration = Number(process.env.BENCH_SECONDS ?? 10);
try {
  for (const path of ['/therapies/msc', '/therapies/prp', '/api/cards?therapy=msc', '/']) {
    await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 32, duration: 2 }); // warm-up, not reported
    const r = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 32, duration, pipelining: 1 });
    const ok = r.non2xx === 0 && r.errors === 0;
    console.log(
      `${path.padEnd(26)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  ` +
        `max ${r.latency.max} ms  ${(r.throughput.average / 1e6).toFixed(1)} MB/s  ${ok ? 'ok' : `errors ${r.errors} non2xx ${r.non2xx}`}`,
    );
  }
  console.log(
    `(autocannon, 32 connections, ${duration} s per URL, server and load generator on the same ${(await import('node:os')).cpus().length}-core machine)`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
