// Starting a worker thread on one of this project's worker modules. From the TypeScript sources (tsx) the
// worker registers tsx itself before importing the module, since worker threads do not inherit the loader
// hooks registered with module.register(); from the bundle (dist/, see scripts/build.mjs) it imports the
// bundled worker next to it. The module exports `workerMain(data)`, which talks through `parentPort`.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCES = {
  'meta-worker': './cli/commands/meta-worker.ts',
  'prepare-worker': './ingest/prepare-worker.ts',
} as const;
export type WorkerName = keyof typeof WORKER_SOURCES;

const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  const m = await import(workerData.module);
  await m.workerMain(workerData.data);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

export function startModuleWorker(name: WorkerName, data: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const module = fromSource
    ? new URL(WORKER_SOURCES[name], import.meta.url).href
    : new URL(`./${name}.mjs`, import.meta.url).href;
  const tsx = fromSource ? import.meta.resolve('tsx/esm/api') : null;
  return new Worker(BOOT, { eval: true, execArgv: [], workerData: { tsx, module, data } });
}
