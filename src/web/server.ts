// HTTP adapter: pages and the JSON API over the evidence (and, as they land, the other modules).
// Rendering is pure (render.ts); this file routes, caches rendered pages and sets headers.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { SourceDocument, Statement, Study } from '../domain/evidence.ts';
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { computeCard } from '../evidence/card.ts';
import { exportStudy } from '../evidence/export.ts';
import { conditionKey, knownConditions } from '../evidence/select.ts';
import { isFieldError } from '../instruments/input.ts';
import { scoreInstrument } from '../instruments/score.ts';
import type { Db } from '../store/db.ts';
import { mountCheck } from './check.ts';
import { clinicBeside } from './clinic-beside.ts';
import { errorResponse } from './errors.ts';
import type { EvidencePage, EvidenceSource } from './evidence-source.ts';
import { mountGuide } from './guide.ts';
import { mountLiterature } from './literature.ts';
import { openApiDocument } from './openapi.ts';
import { mountEpro } from './registry/epro.ts';
import { mountRegistry } from './registry/index.ts';
import { mountRegistryOutcomes } from './registry/outcomes.ts';
import { renderHome, renderNotFound, renderSources, renderStudy, renderTherapy, renderTrials } from './render.ts';
import { mountSof } from './sof.ts';

export function staticEvidence(
  studies: Study[],
  statements: Statement[] = [],
  documents: SourceDocument[] = [],
): EvidenceSource {
  return { studies: () => studies, version: () => 1, statements: () => statements, documents: () => documents };
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export function createApp(source: EvidenceSource, deps?: { db?: Db }): Hono {
  const app = new Hono();
  // Rendered pages depend only on the evidence version and the URL: cache them, encoded once.
  const encoder = new TextEncoder();
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  let cachedVersion = -1;
  const cachedHtml = (key: string, render: () => string): Response =>
    cachedBody(key, 'text/html; charset=UTF-8', render);
  const cachedBody = (key: string, contentType: string, render: () => string): Response => {
    if (source.version() !== cachedVersion) {
      cache.clear();
      cachedVersion = source.version();
    }
    let v = cache.get(key);
    if (v === undefined) {
      v = encoder.encode(render()) as Uint8Array<ArrayBuffer>;
      if (cache.size < 1000) cache.set(key, v);
    }
    return new Response(v, { headers: { 'content-type': contentType, ...SECURITY_HEADERS } });
  };

  // The evidence pages of a visitor signed in to the registry carry the clinic's figures (./clinic-beside.ts):
  // rendered for that request only, never cached here or by anyone; everyone else gets the cached public page,
  // marked as varying by cookie.
  const beside = deps?.db ? clinicBeside(deps.db, () => source.studies()) : null;
  const evidencePage: EvidencePage = async (c, scope, key, render) => {
    const clinic = beside ? await beside.panel(c, scope) : null;
    if (clinic)
      return new Response(render(clinic), {
        headers: { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'private, no-store', vary: 'Cookie' },
      });
    const res = cachedHtml(key, () => render(null));
    if (beside) res.headers.set('vary', 'Cookie');
    return res;
  };

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  // Request bodies are small forms and JSON documents: 256 KiB at most, counted as the body streams in (a
  // Content-Length check alone would let a chunked body through).
  app.use(
    '*',
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.json({ error: 'request body over 256 KiB', field: 'body' }, 413),
    }),
  );

  app.get('/', () => cachedHtml('/', () => renderHome(source.studies())));
  app.get('/therapies/:therapy', (c) => {
    const therapy = c.req.param('therapy').toLowerCase();
    if (!THERAPY_GROUPS[therapy]) return c.html(renderNotFound(`No therapy "${therapy}".`), 404);
    return evidencePage(c, { therapy }, `/therapies/${therapy}`, (clinic) =>
      renderTherapy(source.studies(), therapy, undefined, source.statements?.() ?? [], source.sofInputs?.(), clinic),
    );
  });
  app.get('/studies/:id', (c) => {
    const id = c.req.param('id');
    const s = source.studies().find((x) => x.id === id);
    if (!s) return c.html(renderNotFound(`No study "${id}".`), 404);
    return evidencePage(c, { study: s }, `/studies/${id}`, (clinic) => renderStudy(s, clinic));
  });
  app.get('/trials', () => cachedHtml('/trials', () => renderTrials(source.studies())));
  app.get('/sources', () =>
    cachedHtml('/sources', () =>
      renderSources(source.documents?.() ?? [], source.studies(), source.statements?.() ?? []),
    ),
  );

  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/api/studies', (c) => c.json(source.studies().map(exportStudy)));
  app.get('/api/studies/:id', (c) => {
    const s = source.studies().find((x) => x.id === c.req.param('id'));
    return s ? c.json(exportStudy(s)) : c.json({ error: `no study "${c.req.param('id')}"` }, 404);
  });
  app.get('/api/cards', (c) => {
    const condition = c.req.query('condition') ?? 'chronic low back pain';
    const therapy = (c.req.query('therapy') ?? '').toLowerCase();
    if (!THERAPY_GROUPS[therapy]) {
      return c.json(
        { error: `therapy must be one of: ${Object.keys(THERAPY_GROUPS).join(', ')}`, field: 'therapy' },
        400,
      );
    }
    if (!knownConditions().includes(conditionKey(condition))) {
      return c.json({ error: `condition must be one of: ${knownConditions().join(', ')}`, field: 'condition' }, 400);
    }
    return cachedBody(`card:${conditionKey(condition)}:${therapy}`, 'application/json', () =>
      JSON.stringify(
        computeCard(source.studies(), condition, therapy, source.statements?.() ?? [], source.sofInputs?.()),
      ),
    );
  });
  mountSof(app, source, cachedBody, evidencePage);
  mountCheck(app, source);
  mountGuide(app, source, cachedBody, renderNotFound);
  // PROM scoring, no login and no database: the same pure function as `regenspine score`.
  app.post('/api/score/:instrument', async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > 64 * 1024) return c.json({ error: 'request body over 64 KiB', field: 'input' }, 413);
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      return c.json({ error: 'request body is not valid JSON', field: 'input' }, 400);
    }
    const result = scoreInstrument(c.req.param('instrument'), input);
    return isFieldError(result) ? c.json(result, 400) : c.json(result);
  });

  if (deps?.db) {
    mountRegistry(app, deps.db);
    mountRegistryOutcomes(app, deps.db, { studies: () => source.studies() });
    mountEpro(app, deps.db);
    mountLiterature(app, deps.db);
  }

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: 'not found' }, 404)
      : c.html(renderNotFound(`Nothing at ${c.req.path}.`), 404),
  );
  // One mapper by error class (errors.ts): 503 + Retry-After when the database is away, an AppError's own
  // status and {error, field}, 500 for a bug.
  app.onError((err, c) => errorResponse(c, err));
  return app;
}
