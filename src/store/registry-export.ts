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
  exportablePatients,
} from '../registry/export-deid.ts';
import { BUNDLE_CLOSE, bundleOpen, ENTRY_SEPARATOR, entryChunks } from '../registry/export-fhir.ts';
import { type Actor, can, viaOf } from '../registry/policy.ts';
import { CommandError } from '../registry/validation.ts';
import type { Db } from './db.ts';
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

/** One page as the database wrote it: the patients (JSON text of ExportPatient[]), how many, the last id. */
export interface PageText {
  text: string;
  count: number;
  lastId: number;
}

/**
 * The patients of one page, whole, as one JSON text in one query, in one site-scoped transaction (the
 * row-level-security policies of migration 008 show the actor's sites only). One text instead of six
 * result sets: one round trip per page, and a text that can be handed to a worker thread as it is.
 * Measured against the six queries (2,000 patients, shared machine): this process's parsing about the
 * same (pg ≈ 0.3 s + JSON.parse ≈ 0.45 s against pg's row parsing ≈ 0.6–0.8 s), PostgreSQL's time about
 * the same (2.1–2.5 s against 1.9–2.1 s at load average ≈ 10). The members are those of ExportPatient,
 * with each child row's patient_id as before; dates as text, bigints as JSON numbers (as db.ts parses
 * them), jsonb as stored.
 */
function loadPage(db: Db, actor: Actor, sites: number[], after: number, limit: number): Promise<PageText> {
  return siteScoped(db, actor, null, async (tx) => {
    const r = await tx.query<{ n: number; last: number | null; page: string }>(PAGE_SQL, [sites, after, limit]);
    const row = r.rows[0]!;
    return { text: row.page, count: Number(row.n), lastId: Number(row.last ?? after) };
  });
}

const PAGE_SQL = `
WITH ps AS (
  SELECT p.id, p.registry_id, s.code AS site_code, p.year_of_birth, p.sex, p.status, p.pain_generator_group,
    p.index_procedure_date::text AS index_procedure_date
  FROM patient p JOIN registry_site s ON s.id = p.site_id
  WHERE p.site_id = ANY($1::int[]) AND p.id > $2 ORDER BY p.id LIMIT $3
)
SELECT count(*)::int AS n, max(ps.id) AS last, coalesce(json_agg(json_build_object(
  'id', ps.id, 'registry_id', ps.registry_id, 'site_code', ps.site_code, 'year_of_birth', ps.year_of_birth,
  'sex', ps.sex, 'status', ps.status, 'pain_generator_group', ps.pain_generator_group,
  'index_procedure_date', ps.index_procedure_date,
  'consents', coalesce((SELECT json_agg(json_build_object('id', c.id, 'patient_id', c.patient_id, 'scope', c.scope,
      'form_version', c.form_version, 'consent_date', c.consent_date::text, 'withdrawn_date', c.withdrawn_date::text)
      ORDER BY c.id) FROM consent c WHERE c.patient_id = ps.id), '[]'),
  'procedures', coalesce((SELECT json_agg(json_build_object('id', x.id, 'patient_id', x.patient_id,
      'procedure_date', x.procedure_date::text, 'operator', x.operator, 'therapy', x.therapy, 'product', x.product,
      'characterization', x.characterization, 'targets', x.targets, 'image_guidance', x.image_guidance,
      'injectate_volume_ml', x.injectate_volume_ml, 'product_config_version', x.product_config_version)
      ORDER BY x.procedure_date, x.id) FROM procedure x WHERE x.patient_id = ps.id), '[]'),
  'visits', coalesce((SELECT json_agg(json_build_object('id', v.id, 'patient_id', v.patient_id, 'timepoint', v.timepoint,
      'visit_date', v.visit_date::text, 'in_window', v.in_window, 'mme_per_day', v.mme_per_day,
      'mme_config_version', v.mme_config_version, 'opioids', v.opioids, 'reintervention', v.reintervention)
      ORDER BY v.visit_date, v.id) FROM followup_visit v WHERE v.patient_id = ps.id), '[]'),
  'scores', coalesce((SELECT json_agg(json_build_object('id', sc.id, 'visit_id', sc.visit_id, 'patient_id', sc.patient_id,
      'instrument', sc.instrument, 'instrument_version', sc.instrument_version, 'config_version', sc.config_version,
      'value_set', sc.value_set, 'input', sc.input, 'result', sc.result, 'score', sc.score)
      ORDER BY sc.id) FROM prom_score sc WHERE sc.patient_id = ps.id), '[]'),
  'adverse_events', coalesce((SELECT json_agg(json_build_object('id', a.id, 'patient_id', a.patient_id,
      'procedure_id', a.procedure_id, 'term', a.term, 'onset_date', a.onset_date::text, 'grade', a.grade,
      'ctcae_version', a.ctcae_version, 'serious', a.serious, 'seriousness_criteria', a.seriousness_criteria,
      'attribution_procedure', a.attribution_procedure, 'attribution_product', a.attribution_product,
      'outcome', a.outcome, 'resolution_date', a.resolution_date::text)
      ORDER BY a.onset_date, a.id) FROM adverse_event a WHERE a.patient_id = ps.id AND a.deleted_at IS NULL), '[]')
) ORDER BY ps.id), '[]')::text AS page
FROM ps`;

export interface ExportHandle {
  run: ExportRun;
  exportId: string;
  /** Pages of exportable patients (research consent applied when de-identified). */
  pages(): AsyncGenerator<ExportPatient[]>;
  /** The same pages as the database wrote them, before parsing and the research-consent filter. */
  pageTexts(): AsyncGenerator<PageText>;
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
  async function* pageTexts(): AsyncGenerator<PageText> {
    // The next page is read while the caller turns this one into text (the database's time overlaps ours).
    let next = loadPage(db, actor, sites, 0, limit);
    for (;;) {
      const page = await next;
      if (page.count === 0) return;
      next =
        page.count < limit
          ? Promise.resolve({ text: '[]', count: 0, lastId: page.lastId })
          : loadPage(db, actor, sites, page.lastId, limit);
      next.catch(() => {}); // a failure is thrown where it is awaited; none is left unhandled if the caller stops
      yield page;
    }
  }
  return {
    run,
    exportId,
    pageTexts,
    async *pages() {
      for await (const t of pageTexts()) {
        const out = exportablePatients(run, t.text);
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
 * One turn of the event loop, its I/O phase included, after each ≈ 256 KB chunk. Building a page's entries is
 * synchronous; without a turn the socket of the next page's query (already sent, see pageTexts) was not read
 * while a page was built, PostgreSQL stalled on a full socket buffer, and its time did not overlap ours.
 * Measured on the quiet 2-core VM (npm run bench:registry:export, 10,000 patients): 12.4 s without, 8.7–9.3 s
 * with (about 3,000 turns in all). Building the pages on worker threads instead (over src/workers.ts) was
 * measured too and dropped: one worker 9.2 s and +267 MB of peak RSS, two 8.7 s and +420 MB, against +91–134 MB
 * here — each worker loads its own module graph and heap, and two cores have none to spare beside PostgreSQL.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const utf8 = new TextEncoder();
const SEPARATOR = utf8.encode(ENTRY_SEPARATOR);

/**
 * The FHIR R4 Bundle (collection) as UTF-8 chunks of about 256 KB, built page by page (entryChunks): memory
 * holds the page being built and the one being read, whatever the registry's size.
 */
export async function* fhirExportChunks(db: Db, actor: Actor, opts: ExportOptions): AsyncGenerator<Uint8Array> {
  const h = await startExport(db, actor, 'fhir', opts);
  const counts: Record<string, number> = { patients: 0, resources: 0 };
  let complete = false;
  let empty = true;
  try {
    yield utf8.encode(bundleOpen(h.run, h.exportId, new Date().toISOString()));
    for await (const page of h.pageTexts()) {
      const c: Record<string, number> = {};
      let first = true;
      for (const chunk of entryChunks(h.run, exportablePatients(h.run, page.text), c)) {
        // a page's chunks hold whole entries: a separator between the last page's entries and this page's
        if (first && !empty) yield SEPARATOR;
        first = false;
        empty = false;
        yield chunk;
        await turn();
      }
      for (const [k, n] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + n;
    }
    yield utf8.encode(BUNDLE_CLOSE);
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
