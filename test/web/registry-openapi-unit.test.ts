// The registry API's OpenAPI description (src/web/registry/openapi.ts, openapi-analysis.ts) against the routes
// the server defines (src/web/registry/index.ts, outcomes.ts, epro.ts, export.ts, written out here by hand)
// and the structure OpenAPI 3.1 requires (spec.openapis.org/oas/v3.1.0: §4.8.12 Operation Object, §4.8.16
// Responses Object "description REQUIRED", §4.8.9 Parameter Object "If the parameter location is "path",
// this property is REQUIRED and its value MUST be true", §4.8.13 Request Body Object "content REQUIRED").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { registryPaths, registrySecuritySchemes } from '../../src/web/registry/openapi.ts';
import { analysisPaths } from '../../src/web/registry/openapi-analysis.ts';

type Schema = { type?: string; required?: string[]; properties?: Record<string, unknown>; [k: string]: unknown };
type Param = { name: string; in: string; required?: boolean; schema: Schema; description?: string };
type Operation = {
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: Param[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
const paths = registryPaths() as unknown as Record<string, Record<string, Operation>>;
const op = (path: string, method: string): Operation => {
  const o = paths[path]?.[method];
  assert.ok(o, `${method} ${path}`);
  return o;
};

// The routes: index.ts `api` is mounted at /api/registry (app.route), its `:id` is OpenAPI's `{id}`; the
// status codes come from the handlers (json(…, 201) for creations) and from the error mapper (400 field
// errors, 401 no credential, 403 role/site/CSRF, 404 not found; 409 version conflicts, 422 rule refusals).
const E = ['400', '401', '403', '404'];
const ROUTES: Record<string, Record<string, string[]>> = {
  '/api/registry/analysis': { get: ['200', '400', '401', '403'] },
  '/api/registry/analysis/evidence': { get: ['200', '400', '401', '403'] },
  '/api/registry/me': { get: ['200', ...E] },
  '/api/registry/sites': { get: ['200', ...E] },
  '/api/registry/patients': { get: ['200', ...E], post: ['201', ...E] },
  '/api/registry/patients/{id}': { get: ['200', ...E], patch: ['200', '409', ...E] },
  '/api/registry/patients/{id}/consents': { post: ['201', ...E] },
  '/api/registry/patients/{id}/procedures': { post: ['201', '422', ...E] },
  '/api/registry/patients/{id}/visits': { post: ['201', '409', '422', ...E] },
  '/api/registry/patients/{id}/adverse-events': { post: ['201', ...E] },
  '/api/registry/adverse-events/{id}': { patch: ['200', '409', ...E], delete: ['200', '409', ...E] },
  '/api/registry/adverse-events/{id}/acknowledge': { post: ['200', ...E] },
  '/api/registry/sites/{id}/adverse-events/unacknowledged': { get: ['200', ...E] },
  '/api/registry/sites/{id}/follow-ups': { get: ['200', ...E] },
  '/api/registry/patients/{id}/audit': { get: ['200', ...E] },
  '/api/registry/audit': { get: ['200', ...E] },
  '/api/registry/deidentified/outcomes': { get: ['200', '429', ...E] },
  '/api/registry/patients/{id}/status': { patch: ['200', '409', '422', ...E] },
  '/api/registry/consents/{id}': { patch: ['200', '409', ...E] },
  '/api/registry/consents/{id}/withdraw': { post: ['200', '409', '422', ...E] },
  '/api/registry/procedures/{id}': { put: ['200', '409', '422', ...E] },
  '/api/registry/visits/{id}': { put: ['200', '409', '422', ...E] },
  '/api/registry/epro/links': { post: ['201', '409', '422', ...E] },
  '/api/registry/sites/{id}/epro/links': { get: ['200', ...E] },
  '/api/registry/epro/reminders': { post: ['200', ...E] },
  '/api/registry/export': { get: ['200', '429', ...E] },
};
const sorted = (xs: string[]) => [...xs].sort();

describe('registry OpenAPI paths: one per route of the server', () => {
  test('the same paths and methods as the routes', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(paths).map(([p, ms]) => [p, Object.keys(ms).sort()])),
      Object.fromEntries(Object.entries(ROUTES).map(([p, ms]) => [p, Object.keys(ms).sort()])),
    );
  });

  test('each operation documents the status codes its handler answers with', () => {
    for (const [p, ms] of Object.entries(ROUTES)) {
      for (const [m, codes] of Object.entries(ms)) {
        assert.deepEqual(sorted(Object.keys(op(p, m).responses)), sorted(codes), `${m} ${p}`);
      }
    }
  });

  test('every response has a description (OpenAPI: REQUIRED), every operation a summary', () => {
    for (const [p, ms] of Object.entries(paths)) {
      for (const [m, o] of Object.entries(ms)) {
        assert.equal(typeof o.summary, 'string', `${m} ${p}`);
        assert.ok(o.summary.length > 10, `${m} ${p} summary`);
        for (const [code, r] of Object.entries(o.responses)) {
          assert.equal(typeof r.description, 'string');
          assert.ok(r.description.length >= 2, `${m} ${p} ${code}`);
        }
      }
    }
  });

  test('every operation is tagged "registry" and accepts an API token or a sign-in session', () => {
    for (const [p, ms] of Object.entries(paths)) {
      for (const [m, o] of Object.entries(ms)) {
        assert.deepEqual(o.tags, ['registry'], `${m} ${p}`);
        assert.deepEqual(o.security, [{ bearer: [] }, { session: [] }], `${m} ${p}`);
      }
    }
  });

  test('a path with {id} declares it: in path, required, an integer', () => {
    // OpenAPI 3.1 §4.8.9.1: a path parameter's `required` MUST be true.
    for (const [p, ms] of Object.entries(paths)) {
      for (const [m, o] of Object.entries(ms)) {
        const inPath = (o.parameters ?? []).filter((x) => x.in === 'path');
        if (p.includes('{id}'))
          assert.deepEqual(inPath, [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], p);
        else assert.deepEqual(inPath, [], `${m} ${p}`);
      }
    }
  });

  test('JSON results are described as JSON objects; the 200 of a correction and of the export have no body schema', () => {
    const jsonObject = { 'application/json': { schema: { type: 'object' } } };
    assert.deepEqual(op('/api/registry/me', 'get').responses['200'], { description: 'ok', content: jsonObject });
    assert.deepEqual(op('/api/registry/patients', 'post').responses['201'], {
      description: 'created',
      content: jsonObject,
    });
    assert.deepEqual(op('/api/registry/deidentified/outcomes', 'get').responses['200'], {
      description: 'ok',
      content: jsonObject,
    });
    assert.deepEqual(op('/api/registry/analysis', 'get').responses['200'], { description: 'ok', content: jsonObject });
    for (const [p, m] of [
      ['/api/registry/patients/{id}', 'patch'],
      ['/api/registry/adverse-events/{id}', 'delete'],
      ['/api/registry/visits/{id}', 'put'],
    ] as const) {
      assert.deepEqual(op(p, m).responses['200'], { description: 'ok' }, `${m} ${p}`);
    }
    // The export is FHIR JSON or CSV, not one JSON schema.
    assert.equal(op('/api/registry/export', 'get').responses['200']?.content, undefined);
  });

  test('the refusal codes carry their meaning', () => {
    const r = op('/api/registry/patients/{id}/visits', 'post').responses;
    assert.match(r['409']!.description, /version conflict/);
    assert.match(r['422']!.description, /refused by a rule/);
    assert.match(r['400']!.description, /field/);
    assert.match(r['401']!.description, /token or session/);
    assert.match(r['403']!.description, /CSRF/);
    assert.match(r['404']!.description, /no such record/);
    assert.match(op('/api/registry/export', 'get').responses['429']!.description, /exports/);
    assert.match(op('/api/registry/deidentified/outcomes', 'get').responses['429']!.description, /already running/);
  });
});

describe('registry OpenAPI request bodies: the command schemas (src/registry/validation.ts)', () => {
  const bodySchema = (p: string, m: string): Schema => {
    const rb = op(p, m).requestBody;
    assert.ok(rb, `${m} ${p} has a body`);
    assert.equal(rb.required, true);
    assert.deepEqual(Object.keys(rb.content), ['application/json']);
    return rb.content['application/json']!.schema;
  };

  test('each write names its own command: a field only that command has', () => {
    const cases: [string, string, string][] = [
      ['/api/registry/patients', 'post', 'eligibility'],
      ['/api/registry/patients/{id}', 'patch', 'reason'],
      ['/api/registry/patients/{id}/consents', 'post', 'consent_date'],
      ['/api/registry/patients/{id}/procedures', 'post', 'therapy'],
      ['/api/registry/patients/{id}/visits', 'post', 'timepoint'],
      ['/api/registry/patients/{id}/adverse-events', 'post', 'onset_date'],
      ['/api/registry/adverse-events/{id}', 'patch', 'version'],
      ['/api/registry/adverse-events/{id}', 'delete', 'version'],
      ['/api/registry/patients/{id}/status', 'patch', 'status'],
      ['/api/registry/consents/{id}', 'patch', 'reason'],
      ['/api/registry/consents/{id}/withdraw', 'post', 'withdrawn_date'],
      ['/api/registry/procedures/{id}', 'put', 'record'],
      ['/api/registry/visits/{id}', 'put', 'record'],
    ];
    for (const [p, m, field] of cases) {
      const s = bodySchema(p, m);
      assert.equal(s.type, 'object', `${m} ${p}`);
      assert.ok(s.properties && field in s.properties, `${m} ${p} has ${field}`);
    }
    // Distinct commands, not one schema reused: the enrolment has no version, a patient correction no
    // eligibility, a deletion nothing but version and reason.
    assert.equal('version' in (bodySchema('/api/registry/patients', 'post').properties ?? {}), false);
    assert.equal('eligibility' in (bodySchema('/api/registry/patients/{id}', 'patch').properties ?? {}), false);
    assert.deepEqual(Object.keys(bodySchema('/api/registry/adverse-events/{id}', 'delete').properties ?? {}).sort(), [
      'reason',
      'version',
    ]);
    assert.equal('term' in (bodySchema('/api/registry/adverse-events/{id}', 'patch').properties ?? {}), true);
    assert.equal('withdrawn_date' in (bodySchema('/api/registry/consents/{id}', 'patch').properties ?? {}), false);
    assert.equal('scope' in (bodySchema('/api/registry/consents/{id}', 'patch').properties ?? {}), true);
  });

  test('schemas describe what a client sends: fields with a default are optional', () => {
    // validation.ts FollowUpSchema: proms defaults to {} — the input need not carry it.
    const visit = bodySchema('/api/registry/patients/{id}/visits', 'post');
    assert.ok(visit.required?.includes('timepoint'));
    assert.ok(visit.required?.includes('visit_date'));
    assert.equal(visit.required?.includes('proms'), false);
  });

  test('acknowledging a serious event needs only the record version', () => {
    assert.deepEqual(bodySchema('/api/registry/adverse-events/{id}/acknowledge', 'post'), {
      type: 'object',
      properties: { version: { type: 'integer' } },
      required: ['version'],
    });
  });

  test('a questionnaire link is asked for with a JSON object', () => {
    assert.deepEqual(op('/api/registry/epro/links', 'post').requestBody, {
      required: true,
      content: { 'application/json': { schema: { type: 'object' } } },
    });
  });

  test('reads and the reminders carry no body', () => {
    for (const [p, ms] of Object.entries(paths))
      for (const [m, o] of Object.entries(ms))
        if (m === 'get' || p === '/api/registry/epro/reminders') assert.equal(o.requestBody, undefined, `${m} ${p}`);
  });
});

describe('registry OpenAPI query parameters', () => {
  test('patient search: site_id, q, status, before, limit (at most 200)', () => {
    const ps = op('/api/registry/patients', 'get').parameters ?? [];
    assert.deepEqual(
      ps.map((x) => [x.name, x.in, x.schema]),
      [
        ['site_id', 'query', { type: 'integer' }],
        ['q', 'query', { type: 'string' }],
        ['status', 'query', { type: 'string' }],
        ['before', 'query', { type: 'integer' }],
        ['limit', 'query', { type: 'integer', maximum: 200 }],
      ],
    );
    assert.match(ps[1]!.description ?? '', /registry id/);
    assert.match(ps[3]!.description ?? '', /next_before/);
  });

  test('follow-up status: today (a date) and limit', () => {
    assert.deepEqual(op('/api/registry/sites/{id}/follow-ups', 'get').parameters?.slice(1), [
      { name: 'today', in: 'query', schema: { type: 'string', format: 'date' } },
      { name: 'limit', in: 'query', schema: { type: 'integer' } },
    ]);
  });

  test('audit of one record: entity and id, both required', () => {
    assert.deepEqual(op('/api/registry/audit', 'get').parameters, [
      { name: 'entity', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'id', in: 'query', required: true, schema: { type: 'string' } },
    ]);
  });

  test('export: format (fhir|csv, required), table, deidentified, site_id', () => {
    // export.ts: format must be fhir or csv; CSV tables scores, procedures, adverse_events, summary, dictionary.
    assert.deepEqual(op('/api/registry/export', 'get').parameters, [
      { name: 'format', in: 'query', required: true, schema: { type: 'string', enum: ['fhir', 'csv'] } },
      {
        name: 'table',
        in: 'query',
        schema: { type: 'string', enum: ['scores', 'procedures', 'adverse_events', 'summary', 'dictionary'] },
      },
      { name: 'deidentified', in: 'query', schema: { type: 'boolean' } },
      { name: 'site_id', in: 'query', schema: { type: 'integer' } },
    ]);
  });

  test('the operations without parameters declare none', () => {
    for (const p of [
      '/api/registry/me',
      '/api/registry/sites',
      '/api/registry/deidentified/outcomes',
      '/api/registry/epro/reminders',
      '/api/registry/epro/links',
    ]) {
      for (const o of Object.values(paths[p]!)) assert.equal(o.parameters, undefined, p);
    }
  });
});

describe('outcomes analysis paths (openapi-analysis.ts)', () => {
  const a = analysisPaths() as unknown as Record<string, Record<string, Operation>>;

  test('two GET operations, the analysis and the evidence comparison, also among the registry paths', () => {
    assert.deepEqual(Object.keys(a), ['/api/registry/analysis', '/api/registry/analysis/evidence']);
    for (const p of Object.keys(a)) {
      assert.deepEqual(Object.keys(a[p]!), ['get']);
      assert.deepEqual(paths[p], a[p]);
    }
    assert.match(a['/api/registry/analysis']!.get!.summary, /Kaplan–Meier/);
    assert.match(a['/api/registry/analysis/evidence']!.get!.summary, /curated studies/);
  });

  test('query: site_id, as_of (a date), by, then one filter per stratum', () => {
    // src/registry/analysis/input.ts STRATA: site, therapy, product_class, target, pain_generator.
    const strata = ['site', 'therapy', 'product_class', 'target', 'pain_generator'];
    for (const o of Object.values(a)) {
      const ps = o.get!.parameters ?? [];
      assert.deepEqual(
        ps.map((x) => [x.name, x.in, x.schema]),
        [
          ['site_id', 'query', { type: 'integer' }],
          ['as_of', 'query', { type: 'string', format: 'date' }],
          ['by', 'query', { type: 'string' }],
          ...strata.map((s) => [s, 'query', { type: 'string' }]),
        ],
      );
      assert.equal(
        ps[2]!.description,
        'one or two strata, comma-separated: site, therapy, product_class, target, pain_generator',
      );
      assert.deepEqual(
        ps.slice(3).map((x) => x.description),
        strata.map((s) => `only records with this ${s}`),
      );
      assert.match(ps[0]!.description ?? '', /your sites/);
      assert.match(ps[1]!.description ?? '', /not yet due/);
    }
  });

  test('responses: ok as JSON, 400 bad query, 401 no credential, 403 not allowed', () => {
    const r = a['/api/registry/analysis']!.get!.responses;
    assert.deepEqual(r['200'], { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } });
    assert.match(r['400']!.description, /query parameter/);
    assert.match(r['401']!.description, /token or session/);
    assert.match(r['403']!.description, /analyses/);
  });
});

describe('registry security schemes', () => {
  test('a bearer API token, or the sign-in session cookie rs_session with a CSRF header', () => {
    // middleware.ts SESSION_COOKIE = 'rs_session'; unsafe requests carry X-CSRF-Token (or the _csrf field).
    assert.deepEqual(Object.keys(registrySecuritySchemes), ['bearer', 'session']);
    const { bearer, session } = registrySecuritySchemes;
    assert.equal(bearer.type, 'http');
    assert.equal(bearer.scheme, 'bearer');
    assert.match(bearer.description, /regenspine token create/);
    assert.equal(session.type, 'apiKey');
    assert.equal(session.in, 'cookie');
    assert.equal(session.name, 'rs_session');
    assert.match(session.description, /X-CSRF-Token/);
  });
});
