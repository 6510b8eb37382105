// Worker side of the `meta --batch` pipeline: fits blocks of JSONL lines (src/stats/batch.ts) and answers with
// the output block, over the project's one worker protocol (src/workers.ts). Blocks travel as transferred bytes.
import { parentPort } from 'node:worker_threads';
import { fitBatchText } from '../../stats/batch.ts';
import { serveRequests } from '../../workers.ts';

export function workerMain(): void {
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  const enc = new TextEncoder();
  serveRequests<Uint8Array, Uint8Array>(parentPort!, (bytes) => {
    const out = enc.encode(fitBatchText(dec.decode(bytes)));
    return { data: out, transfer: [out.buffer as ArrayBuffer] };
  });
}
