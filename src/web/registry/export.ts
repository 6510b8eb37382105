// HTTP adapter of the registry exports (issue 13 §4): GET /api/registry/export?format=fhir|csv
// [&table=scores|procedures|adverse_events|summary|dictionary][&deidentified=true][&site_id=N], behind the
// registry's sign-in (src/web/registry/index.ts guard), streamed page by page as the client reads (pull), so
// one export holds one page of patients in memory. Admins and analysts; analysts de-identified only; every
// export audited (src/store/registry-export.ts). At most config export.serverConcurrent at once (429 beyond).
import type { Context, Hono } from 'hono';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../registry/config.ts';
import { CSV_TABLES, type CsvTable } from '../../registry/export-csv.ts';
import type { Actor } from '../../registry/policy.ts';
import { CommandError } from '../../registry/validation.ts';
import type { Db } from '../../store/db.ts';
import { checkExportAllowed, csvExportChunks, fhirExportChunks } from '../../store/registry-export.ts';
import { pulledStream } from './stream.ts';

export function mountRegistryExport(app: Hono, db: Db, opts: { config?: RegistryConfig; today?: () => string } = {}) {
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  let running = 0;
  app.get('/api/registry/export', async (c: Context) => {
    const actor = (c.get('auth') as { actor: Actor }).actor;
    const format = c.req.query('format') ?? '';
    const table = (c.req.query('table') ?? 'scores') as CsvTable;
    const deid = c.req.query('deidentified');
    const site = c.req.query('site_id');
    try {
      if (format !== 'fhir' && format !== 'csv') throw new CommandError('format must be fhir or csv', 'format');
      if (format === 'csv' && !CSV_TABLES.includes(table))
        throw new CommandError(`table must be one of ${CSV_TABLES.join(', ')}`, 'table');
      if (deid !== undefined && deid !== 'true' && deid !== 'false')
        throw new CommandError('deidentified must be true or false', 'deidentified');
      const siteId = site === undefined ? undefined : Number(site);
      if (siteId !== undefined && !(Number.isSafeInteger(siteId) && siteId > 0))
        throw new CommandError('expected a site id', 'site_id');
      const deidentified = deid === 'true';
      checkExportAllowed(actor, deidentified);
      if (format === 'csv' && table === 'summary' && !deidentified)
        throw new CommandError('the summary table is part of de-identified exports', 'table');
      if (running >= config.export.serverConcurrent.value) {
        c.header('retry-after', '5');
        return c.json(
          { error: 'the server is running as many exports as it may; try again shortly', field: 'export' },
          429,
        );
      }
      const o = { deidentified, today: today(), ...(siteId === undefined ? {} : { siteIds: [siteId] }) };
      const chunks = format === 'fhir' ? fhirExportChunks(db, actor, o) : csvExportChunks(db, actor, table, o);
      // The first chunk before the response starts: a refusal (site) is still an error status, not a broken stream.
      running++;
      let head: IteratorResult<string | Uint8Array>;
      try {
        head = await chunks.next();
      } catch (e) {
        running--;
        throw e;
      }
      const enc = new TextEncoder();
      const stream = pulledStream(chunks, {
        head,
        // FHIR chunks come as UTF-8 already (built on worker threads); CSV chunks as text.
        encode: (v) => (typeof v === 'string' ? enc.encode(v) : v),
        release: () => {
          running--;
        },
        onFailure: (e) => console.error(`registry export failed: ${(e as Error).name}`),
      });
      const name = format === 'fhir' ? 'registry-fhir.json' : `registry-${table}.csv`;
      return new Response(stream, {
        headers: {
          'content-type': format === 'fhir' ? 'application/fhir+json; charset=utf-8' : 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
      });
    } catch (e) {
      if (e instanceof CommandError) return c.json(e.toJSON(), e.status);
      throw e;
    }
  });
}
