// Starting a worker thread on one of this project's worker modules. From the TypeScript sources (tsx) the
// worker registers tsx itself before importing the module, since worker threads do not inherit the loader
// hooks registered with module.register(); from the bundle (dist/, see scripts/build.mjs) it imports the
// bundled worker next to it. The module exports `workerMain(data)`, which talks through `parentPort`.
import { type MessagePort, type Transferable, Worker } from 'node:worker_threads';

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

// ---- the one worker pool
// Both parallel paths (meta --batch fits blocks of lines; import prepares a large file's records) talk to their
// workers with the same protocol: the main thread posts a request { seq, data } and the worker answers
// { seq, data } for each request, in the order it received them (serveRequests). The pool keeps at most
// `maxInflight` unanswered requests per worker (bounded memory: back-pressure on the producer) and hands the
// answers back in submission order, whatever worker finished first.

interface Reply<Res> {
  seq: number;
  data: Res;
}

export interface PoolOptions {
  /** Number of worker threads. */
  workers: number;
  /** Unanswered requests per worker at most. */
  maxInflight: number;
  /** Passed to each worker's workerMain(data). */
  data?: unknown;
}

export class WorkerPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly inflight: number[] = [];
  private readonly results = new Map<number, Res>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private nextSeq = 0;
  private nextTake = 0;
  private closed = false;

  constructor(
    name: WorkerName,
    private readonly opts: PoolOptions,
  ) {
    for (let i = 0; i < opts.workers; i++) {
      const w = startModuleWorker(name, opts.data ?? null);
      this.inflight.push(0);
      w.on('message', (m: Reply<Res>) => {
        this.inflight[i]!--;
        this.results.set(m.seq, m.data);
        this.notify();
      });
      w.on('error', (e) => {
        this.failure ??= e;
        this.notify();
      });
      w.on('exit', (code) => {
        if (code !== 0 && !this.closed) this.failure ??= new Error(`${name} exited with code ${code}`);
        this.notify();
      });
      this.workers.push(w);
    }
  }

  private notify(): void {
    const f = this.wake;
    this.wake = null;
    f?.();
  }

  private async waitEvent(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((r) => {
      this.wake = r;
    });
    if (this.failure) throw this.failure;
  }

  /** Requests submitted whose answer has not been taken yet. */
  get pending(): number {
    return this.nextSeq - this.nextTake;
  }

  /** Posts a request to the least busy worker, waiting while every worker has maxInflight requests. */
  async submit(data: Req, transfer: Transferable[] = []): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      let best = -1;
      for (let i = 0; i < this.workers.length; i++)
        if (this.inflight[i]! < this.opts.maxInflight && (best < 0 || this.inflight[i]! < this.inflight[best]!))
          best = i;
      if (best >= 0) {
        this.inflight[best]!++;
        this.workers[best]!.postMessage({ seq: this.nextSeq++, data }, transfer);
        return;
      }
      await this.waitEvent();
    }
  }

  /** The next answer in submission order if it has arrived (undefined if not, or if none is pending). */
  ready(): Res | undefined {
    if (!this.results.has(this.nextTake)) return undefined;
    const r = this.results.get(this.nextTake)!;
    this.results.delete(this.nextTake++);
    return r;
  }

  /** The next answer in submission order, waiting for it. */
  async next(): Promise<Res> {
    if (this.pending === 0) throw new Error('WorkerPool.next: nothing submitted');
    for (;;) {
      if (this.results.has(this.nextTake)) return this.ready()!;
      await this.waitEvent();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A worker's answer to one request, with the buffers to transfer (not copy) back. */
export interface Answer<Res> {
  data: Res;
  transfer?: Transferable[];
}

/**
 * Worker side of the pool protocol: answers each request with `handle(data)`, one at a time and in order. An
 * exception in `handle` ends the worker with it (the pool rethrows it on the main thread).
 */
export function serveRequests<Req, Res>(
  port: MessagePort,
  handle: (data: Req) => Answer<Res> | Promise<Answer<Res>>,
): void {
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: { seq: number; data: Req }) => {
    chain = chain
      .then(async () => {
        const out = await handle(m.data);
        port.postMessage({ seq: m.seq, data: out.data }, out.transfer ?? []);
      })
      .catch((e) => {
        setImmediate(() => {
          throw e;
        });
      });
  });
}
