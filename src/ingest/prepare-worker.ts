// Worker side of preparedEvents: reads, hashes and compresses a file's records. Over the project's one worker
// protocol (src/workers.ts) each request asks for the next step: the answer is the events up to and including
// the next batch (or the end), with the progress counters then. The writer keeps two requests outstanding, so
// the worker is never more than two batches ahead of it (bounded memory).
import { parentPort } from 'node:worker_threads';
import { serveRequests } from '../workers.ts';
import { type PreparedEvent, type PreparedStep, prepareFile } from './prepared.ts';
import { createProgress } from './read.ts';
import type { Format } from './record.ts';

export function workerMain(data: {
  path: string;
  format: Format | null;
  batchRecords: number | null;
  batchBytes: number | null;
}): void {
  const progress = createProgress();
  const events = prepareFile(data.path, {
    progress,
    ...(data.format ? { format: data.format } : {}),
    ...(data.batchRecords ? { batchRecords: data.batchRecords } : {}),
    ...(data.batchBytes ? { batchBytes: data.batchBytes } : {}),
  });
  serveRequests<null, PreparedStep>(parentPort!, async () => {
    const out: PreparedEvent[] = [];
    for (;;) {
      const r = await events.next();
      if (r.done) break;
      out.push(r.value);
      if (r.value.type === 'batch' || r.value.type === 'end') break;
    }
    return {
      data: { events: out, bytesRead: progress.bytesRead, records: progress.records, errors: progress.errors },
    };
  });
}
