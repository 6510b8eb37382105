// What the evidence pages and APIs read: the server's current evidence base, behind an interface so that the
// server can swap in new files without a restart (src/cli/commands/serve.ts). Its own module, not server.ts,
// so that the route modules (sof.ts, check.ts, guide.ts) need not import the server that mounts them.
import type { Context } from 'hono';
import type { SourceDocument, Statement, Study } from '../domain/evidence.ts';
import type { Mcid } from '../synthesis/grade.ts';
import type { JudgementFile } from '../synthesis/judgements.ts';
import type { BesideScope } from './clinic-beside.ts';
import type { Raw } from './html.ts';

/** MCIDs and reviewer judgements for the Summary of Findings (config/instruments.json, data/judgements). */
export interface SofInputs {
  mcids: Record<string, Mcid>;
  judgements: JudgementFile[];
}

export interface EvidenceSource {
  /** Current studies; the server caches pages per version and re-renders when it changes. */
  studies(): Study[];
  version(): number;
  /** Evidence-level statements, unverifiable claims, citation records (data/statements). */
  statements?(): Statement[];
  /** The documents provenance points at (data/sources), for the /sources page. */
  documents?(): SourceDocument[];
  /** MCIDs and reviewer judgements for /api/sof (config/instruments.json, data/judgements). */
  sofInputs?(): SofInputs;
}

/** An evidence page: the cached public page, or (signed in to the registry) one with the clinic's figures. */
export type EvidencePage = (
  c: Context,
  scope: BesideScope,
  cacheKey: string,
  render: (clinic: Raw | null) => string,
) => Promise<Response>;
