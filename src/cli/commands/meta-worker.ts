// Worker side of the `meta --batch` pipeline: fits blocks of JSONL lines (src/stats/batch.ts) and sends the
// output back. Input and output blocks travel as transferred bytes.
import { parentPort } from 'node:worker_threads';
import { fitBatchText } from '../../stats/batch.ts';

export function workerMain(): void {
  const port = parentPort!;
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  const enc = new TextEncoder();
  port.on('message', (m: { seq: number; bytes: Uint8Array }) => {
    const out = enc.encode(fitBatchText(dec.decode(m.bytes)));
    port.postMessage({ seq: m.seq, bytes: out }, [out.buffer as ArrayBuffer]);
  });
  port.postMessage({ ready: true });
}
