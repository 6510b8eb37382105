// Worker side of preparedEvents: reads, hashes and compresses a file's records and sends prepared batches to
// the writer, never more than two ahead of it (the writer acknowledges each batch).
import { parentPort } from 'node:worker_threads';
import { prepareFile } from './prepared.ts';
import { createProgress } from './read.ts';
import type { Format } from './record.ts';

export async function workerMain(data: {
  path: string;
  format: Format | null;
  batchRecords: number | null;
  batchBytes: number | null;
}): Promise<void> {
  const port = parentPort!;
  let unacknowledged = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    unacknowledged--;
    const w = wake;
    wake = null;
    w?.();
  });
  const progress = createProgress();
  for await (const ev of prepareFile(data.path, {
    progress,
    ...(data.format ? { format: data.format } : {}),
    ...(data.batchRecords ? { batchRecords: data.batchRecords } : {}),
    ...(data.batchBytes ? { batchBytes: data.batchBytes } : {}),
  })) {
    if (ev.type === 'batch') {
      port.postMessage({
        type: 'progress',
        bytesRead: progress.bytesRead,
        records: progress.records,
        errors: progress.errors,
      });
      unacknowledged++;
      port.postMessage(ev);
      while (unacknowledged >= 2) {
        await new Promise<void>((r) => {
          wake = r;
        });
      }
    } else {
      port.postMessage(ev);
    }
  }
  port.close();
}
