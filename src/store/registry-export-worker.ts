// Worker side of the FHIR export (src/store/registry-export.ts fhirExportChunks): over the project's one
// worker protocol (src/workers.ts) each request is one page as the database wrote it (JSON text); the answer
// is that page's Bundle entries as UTF-8 chunks (transferred, not copied) with the counts. Building and
// serialising the resources is most of an export's CPU time (a profile of bench:registry:export), so two
// workers do it while the export's thread reads the next pages and writes.
import { parentPort } from 'node:worker_threads';
import { type ExportRun, exportablePatients } from '../registry/export-deid.ts';
import { entryChunks } from '../registry/export-fhir.ts';
import { serveRequests } from '../workers.ts';

/** A page's entries: UTF-8 chunks (none if no patient of the page may be exported) and what they hold. */
export interface FhirPageAnswer {
  chunks: Uint8Array[];
  counts: Record<string, number>;
}

export function workerMain(run: ExportRun): void {
  serveRequests<string, FhirPageAnswer>(parentPort!, (pageText) => {
    const counts: Record<string, number> = {};
    const chunks = [...entryChunks(run, exportablePatients(run, pageText), counts)];
    return { data: { chunks, counts }, transfer: chunks.map((c) => c.buffer as ArrayBuffer) };
  });
}
