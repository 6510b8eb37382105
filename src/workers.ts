// Starting a worker thread on one of this project's modules. Worker threads do not inherit the loader hooks
// registered with module.register(), so when the code runs from its TypeScript sources (bin/regenspine.js
// registers tsx) the worker registers tsx itself before importing the module. The module exports
// `workerMain(data)`, which talks to the parent through `parentPort`.
import { Worker } from 'node:worker_threads';

const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  const m = await import(workerData.module);
  await m.workerMain(workerData.data);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

export function startModuleWorker(moduleUrl: URL, data: unknown): Worker {
  const module = moduleUrl.href;
  const tsx = module.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : null;
  return new Worker(BOOT, { eval: true, execArgv: [], workerData: { tsx, module, data } });
}
