// Registry exports, storage (issue 13 §4): reads the patients of the actor's sites page by page (keyset on
// the patient id, config/registry-export.json pagePatients each) with their consents, procedures, visits,
// scores and adverse events, and hands each page to the pure mappings (src/registry/export-csv.ts,
// export-fhir.ts), so memory holds one page whatever the registry's size. Who may export: admins and
// analysts (and the CLI operator); the identified export (registry ids, dates, free text) needs
// records:read as well, so analysts get de-identified data only. A de-identified export is a research
// export: only patients whose research consent holds today and who have not withdrawn
// (src/registry/consent.ts mayExportForResearch). Every export is audited as two security events: who, what
// and when as it starts; how many records as it ends (or that it was broken off).
import { randomBytes, randomUUID } from 'node:crypto';
import { mayExportForResearch } from '../registry/consent.ts';
import {
  adverseEventLines,
  type CsvTable,
  dictionaryLines,
  headerLine,
  procedureLines,
  SummaryAccumulator,
  scoreLines,
} from '../registry/export-csv.ts';
import {
  DEFAULT_EXPORT_CONFIG,
  type ExportConfig,
  type ExportPatient,
  type ExportRun,
} from '../registry/export-deid.ts';
import { BUNDLE_CLOSE, bundleEntry, bundleOpen, patientResources } from '../registry/export-fhir.ts';
import { type Actor, can, viaOf } from '../registry/policy.ts';
import { CommandError } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { recordSecurityEvent } from './registry-accounts.ts';
import { siteScoped } from './tx.ts';

export interface ExportOptions {
  deidentified: boolean;
  /** Limit to these sites (within the actor's). */
  siteIds?: number[];
  today?: string;
  config?: ExportConfig;
  pagePatients?: number;
}

/** Refuses an export the actor may not run (403), before anything is read. */
export function checkExportAllowed(actor: Actor, deidentified: boolean): void {
  if (actor.via !== 'cli' && actor.role !== 'admin' && actor.role !== 'analyst')
    throw new CommandError(`the ${actor.role} role may not export the registry (admins and analysts may)`, 'role', 403);
  if (!can(actor, 'deidentified:read'))
    throw new CommandError('this API token lacks the "export" scope (deidentified:read)', 'role', 403);
  if (!deidentified && !can(actor, 'records:read'))
    throw new CommandError(
      `the ${actor.role} role may export de-identified data only: add deidentified=true (--deidentified)`,
      'deidentified',
      403,
    );
}

const num = (x: unknown) => Number(x);

/**
 * The patients of one page, whole (six queries per page, the last five over the page's patient ids), in one
 * site-scoped transaction: the row-level-security policies (migration 008) show the actor's sites only.
 */
function loadPage(db: Db, actor: Actor, sites: number[], after: number, limit: number): Promise<ExportPatient[]> {
  return siteScoped(db, actor, null, (tx) => loadPageIn(tx, sites, after, limit));
}

async function loadPageIn(db: Queryable, sites: number[], after: number, limit: number): Promise<ExportPatient[]> {
  const ps = await db.query<Omit<ExportPatient, 'consents' | 'procedures' | 'visits' | 'scores' | 'adverse_events'>>(
    `SELECT p.id, p.registry_id, s.code AS site_code, p.year_of_birth, p.sex, p.status, p.pain_generator_group,
       p.index_procedure_date::text AS index_procedure_date
     FROM patient p JOIN registry_site s ON s.id = p.site_id
     WHERE p.site_id = ANY($1::int[]) AND p.id > $2 ORDER BY p.id LIMIT $3`,
    [sites, after, limit],
  );
  if (ps.rows.length === 0) return [];
  const ids = ps.rows.map((p) => num(p.id));
  // One after another: a pg client runs one query at a time (queries sent while one runs are queued by the
  // driver, deprecated in pg 8 and refused in pg 9), and a transaction is one client.
  const q = (sql: string) => db.query<{ patient_id: number }>(sql, [ids]);
  const consents = await q(
    `SELECT id, patient_id, scope, form_version, consent_date::text AS consent_date, withdrawn_date::text AS withdrawn_date
     FROM consent WHERE patient_id = ANY($1::bigint[]) ORDER BY id`,
  );
  const procedures = await q(
    `SELECT id, patient_id, procedure_date::text AS procedure_date, operator, therapy, product, characterization, targets, image_guidance,
       injectate_volume_ml, product_config_version FROM procedure WHERE patient_id = ANY($1::bigint[]) ORDER BY procedure_date, id`,
  );
  const visits = await q(
    `SELECT id, patient_id, timepoint, visit_date::text AS visit_date, in_window, mme_per_day, mme_config_version, opioids, reintervention
     FROM followup_visit WHERE patient_id = ANY($1::bigint[]) ORDER BY visit_date, id`,
  );
  const scores = await q(
    `SELECT id, visit_id, patient_id, instrument, instrument_version, config_version, value_set, input, result, score
     FROM prom_score WHERE patient_id = ANY($1::bigint[]) ORDER BY id`,
  );
  const events = await q(
    `SELECT id, patient_id, procedure_id, term, onset_date::text AS onset_date, grade, ctcae_version, serious, seriousness_criteria,
       attribution_procedure, attribution_product, outcome, resolution_date::text AS resolution_date
     FROM adverse_event WHERE patient_id = ANY($1::bigint[]) AND deleted_at IS NULL ORDER BY onset_date, id`,
  );
  const byPatient = new Map<number, ExportPatient>();
  for (const p of ps.rows)
    byPatient.set(num(p.id), {
      ...p,
      id: num(p.id),
      consents: [],
      procedures: [],
      visits: [],
      scores: [],
      adverse_events: [],
    });
  const put = <K extends 'consents' | 'procedures' | 'visits' | 'scores' | 'adverse_events'>(
    key: K,
    rows: { patient_id: number }[],
    fix: (r: Record<string, unknown>) => ExportPatient[K][number],
  ) => {
    for (const r of rows) byPatient.get(num(r.patient_id))?.[key].push(fix(r as Record<string, unknown>) as never);
  };
  put('consents', consents.rows, (r) => ({ ...r, id: num(r.id) }) as never);
  put('procedures', procedures.rows, (r) => ({ ...r, id: num(r.id) }) as never);
  put('visits', visits.rows, (r) => ({ ...r, id: num(r.id) }) as never);
  put('scores', scores.rows, (r) => ({ ...r, id: num(r.id), visit_id: num(r.visit_id) }) as never);
  put(
    'adverse_events',
    events.rows,
    (r) => ({ ...r, id: num(r.id), procedure_id: r.procedure_id === null ? null : num(r.procedure_id) }) as never,
  );
  return [...byPatient.values()];
}

export interface ExportHandle {
  run: ExportRun;
  exportId: string;
  /** Pages of exportable patients (research consent applied when de-identified). */
  pages(): AsyncGenerator<ExportPatient[]>;
  /** Logs the end of the export with what it counted. */
  finish(counts: Record<string, number>, complete: boolean): Promise<void>;
}

/**
 * Starts an audited export: checks the actor, logs who / what / when, and returns the page reader. The
 * export key is random and lives only in this handle (de-identified ids cannot be linked across exports).
 */
export async function startExport(db: Db, actor: Actor, what: string, opts: ExportOptions): Promise<ExportHandle> {
  checkExportAllowed(actor, opts.deidentified);
  const sites = opts.siteIds ? actor.siteIds.filter((s) => opts.siteIds!.includes(s)) : actor.siteIds;
  if (opts.siteIds && sites.length !== new Set(opts.siteIds).size)
    throw new CommandError('you are not a member of this site', 'site', 403);
  const config = opts.config ?? DEFAULT_EXPORT_CONFIG;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const run: ExportRun = { deidentified: opts.deidentified, key: randomBytes(32).toString('hex'), today, config };
  const exportId = randomUUID();
  const base = { export: `registry/${what}`, export_id: exportId, deidentified: opts.deidentified, sites };
  await recordSecurityEvent(db, {
    kind: 'export',
    userId: actor.userId,
    via: viaOf(actor),
    detail: { ...base, phase: 'started' },
  });
  const limit = opts.pagePatients ?? config.pagePatients.value;
  return {
    run,
    exportId,
    async *pages() {
      // The next page is read while the caller turns this one into text (the database's time overlaps ours).
      let next = loadPage(db, actor, sites, 0, limit);
      for (;;) {
        const page = await next;
        if (page.length === 0) return;
        next = page.length < limit ? Promise.resolve([]) : loadPage(db, actor, sites, page.at(-1)!.id, limit);
        next.catch(() => {}); // a failure is thrown where it is awaited; none is left unhandled if the caller stops
        const out = opts.deidentified ? page.filter((p) => mayExportForResearch(p.status, p.consents, today)) : page;
        if (out.length > 0) yield out;
      }
    },
    async finish(counts, complete) {
      await recordSecurityEvent(db, {
        kind: 'export',
        userId: actor.userId,
        via: viaOf(actor),
        detail: { ...base, phase: complete ? 'finished' : 'broken off', records: counts },
      });
    },
  };
}

/**
 * Text chunks are cut at about this many characters: each resource is serialised as soon as it is built and
 * a chunk leaves once it holds this much, so neither the page's resource objects nor one page-sized string
 * (15 MB at 200 patients) stay alive — they would outlive the young generation and grow the heap
 * (bench:registry:export measures RSS).
 */
const CHUNK_CHARS = 256 * 1024;

/** The FHIR R4 Bundle (collection) as text chunks of about CHUNK_CHARS. */
export async function* fhirExportChunks(db: Db, actor: Actor, opts: ExportOptions): AsyncGenerator<string> {
  const h = await startExport(db, actor, 'fhir', opts);
  const counts: Record<string, number> = { patients: 0, resources: 0 };
  let complete = false;
  try {
    let parts: string[] = [bundleOpen(h.run, h.exportId, new Date().toISOString())];
    let size = 0;
    let first = true;
    for await (const page of h.pages()) {
      for (const p of page) {
        counts.patients!++;
        for (const r of patientResources(h.run, p)) {
          counts.resources!++;
          counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
          const entry = bundleEntry(r);
          parts.push(first ? entry : `,\n${entry}`);
          first = false;
          size += entry.length;
        }
        if (size >= CHUNK_CHARS) {
          yield parts.join('');
          parts = [];
          size = 0;
        }
      }
    }
    parts.push(BUNDLE_CLOSE);
    yield parts.join('');
    complete = true;
  } finally {
    await h.finish(counts, complete);
  }
}

const LINES: Record<'scores' | 'procedures' | 'adverse_events', typeof scoreLines> = {
  scores: scoreLines,
  procedures: procedureLines,
  adverse_events: adverseEventLines,
};

/**
 * One CSV table as text chunks. The summary (aggregates, small cells suppressed) is de-identified only.
 * Each call is one export: de-identified pseudonyms of two calls do not match (the scores table carries the
 * covariates, so it stands alone; for joined tables use csvExportAll, one export).
 */
export async function* csvExportChunks(
  db: Db,
  actor: Actor,
  table: CsvTable,
  opts: ExportOptions,
): AsyncGenerator<string> {
  if (table === 'dictionary') {
    checkExportAllowed(actor, opts.deidentified);
    yield dictionaryLines({ deidentified: opts.deidentified }).join('');
    return;
  }
  if (table === 'summary' && !opts.deidentified)
    throw new CommandError('the summary table is part of de-identified exports', 'table', 400);
  const h = await startExport(db, actor, `csv/${table}`, opts);
  const counts = { patients: 0, rows: 0 };
  let complete = false;
  try {
    yield headerLine(table, h.run);
    const summary = table === 'summary' ? new SummaryAccumulator() : null;
    for await (const page of h.pages()) {
      const lines: string[] = [];
      for (const p of page) {
        counts.patients++;
        if (summary) summary.add(p);
        else lines.push(...LINES[table as 'scores'](h.run, p));
      }
      counts.rows += lines.length;
      if (lines.length) yield lines.join('');
    }
    if (summary) {
      const lines = summary.lines(h.run);
      counts.rows = lines.length;
      yield lines.join('');
    }
    complete = true;
  } finally {
    await h.finish(counts, complete);
  }
}

/** Every CSV table of one export (one key: de-identified pseudonyms join across tables), to `write`. */
export async function csvExportAll(
  db: Db,
  actor: Actor,
  opts: ExportOptions,
  write: (table: CsvTable, text: string) => Promise<void>,
): Promise<Record<string, number>> {
  const h = await startExport(db, actor, 'csv', opts);
  const counts: Record<string, number> = { patients: 0, scores: 0, procedures: 0, adverse_events: 0 };
  let complete = false;
  try {
    await write('dictionary', dictionaryLines(h.run).join(''));
    for (const t of ['scores', 'procedures', 'adverse_events'] as const) await write(t, headerLine(t, h.run));
    const summary = opts.deidentified ? new SummaryAccumulator() : null;
    for await (const page of h.pages()) {
      for (const t of ['scores', 'procedures', 'adverse_events'] as const) {
        const lines = page.flatMap((p) => LINES[t](h.run, p));
        counts[t]! += lines.length;
        if (lines.length) await write(t, lines.join(''));
      }
      for (const p of page) summary?.add(p);
      counts.patients! += page.length;
    }
    if (summary) {
      const lines = summary.lines(h.run);
      counts.summary = lines.length;
      await write('summary', headerLine('summary', h.run) + lines.join(''));
    }
    complete = true;
    return counts;
  } finally {
    await h.finish(counts, complete);
  }
}
