// GET /api/registry/export in process (Hono's app.request over an in-memory registry): every parameter's check
// names its field, who may export what (README "Registry exports": admins; analysts de-identified only), and the
// streamed response's headers and whole body. test/registry/export.test.ts drives the same exports through the
// CLI and a served registry in child processes, where mutation testing cannot see them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, fullPatient, pgliteWorld } from './fixtures.ts';

describe('GET /api/registry/export', () => {
  const t = pgliteWorld();

  test('a bad parameter is a 400 naming it', async () => {
    const admin = t.w.tokens.A.admin;
    const cases: [string, string][] = [
      ['/api/registry/export', 'format'],
      ['/api/registry/export?format=xml', 'format'],
      ['/api/registry/export?format=csv&table=patients', 'table'],
      ['/api/registry/export?format=csv&deidentified=yes', 'deidentified'],
      ['/api/registry/export?format=fhir&deidentified=1', 'deidentified'],
      ['/api/registry/export?format=csv&site_id=0', 'site_id'],
      ['/api/registry/export?format=csv&site_id=-3', 'site_id'],
      ['/api/registry/export?format=csv&site_id=A', 'site_id'],
      // the summary table is de-identified counts: asked for identified, it is refused by name
      ['/api/registry/export?format=csv&table=summary', 'table'],
    ];
    for (const [path, field] of cases) {
      const r = await api(t.w, admin, 'GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.field, field, path);
    }
    const tables = await api(t.w, admin, 'GET', '/api/registry/export?format=csv&table=x');
    assert.match(String(tables.json.error), /scores, procedures, adverse_events, summary, dictionary/);
  });

  test('clinicians and coordinators may not export; an analyst only de-identified', async () => {
    for (const role of ['clinician', 'coordinator'] as const) {
      const r = await api(t.w, t.w.tokens.A[role], 'GET', '/api/registry/export?format=csv&deidentified=true');
      assert.equal(r.status, 403, role);
      assert.equal(r.json.field, 'role');
    }
    const identified = await api(t.w, t.w.tokens.A.analyst, 'GET', '/api/registry/export?format=csv');
    assert.equal(identified.status, 403);
    assert.equal(identified.json.field, 'deidentified');
    const deid = await api(t.w, t.w.tokens.A.analyst, 'GET', '/api/registry/export?format=csv&deidentified=true');
    assert.equal(deid.status, 200);
    const summary = await api(
      t.w,
      t.w.tokens.A.analyst,
      'GET',
      '/api/registry/export?format=csv&table=summary&deidentified=true',
    );
    assert.equal(summary.status, 200);
  });

  test('CSV: the table as an attachment, not cached, every row to the last', async () => {
    await fullPatient(t.w, 'A', { visit: true });
    await fullPatient(t.w, 'A', { visit: true });
    const res = await t.w.app.request('/api/registry/export?format=csv&table=procedures', {
      headers: { authorization: `Bearer ${t.w.tokens.A.admin}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="registry-procedures.csv"');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    // RFC 4180: records end in CRLF
    const body = await res.text();
    assert.ok(body.endsWith('\r\n'));
    const rows = body.split('\r\n').filter((l) => l !== '');
    // a header line and one procedure per patient (fixtures.ts fullPatient records one index procedure)
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^[a-z_]+(,[a-z_0-9]+)+$/);
  });

  test('FHIR: one JSON document, served as FHIR JSON; another site’s id is refused before the stream starts', async () => {
    const res = await t.w.app.request('/api/registry/export?format=fhir', {
      headers: { authorization: `Bearer ${t.w.tokens.A.admin}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="registry-fhir.json"');
    const doc = JSON.parse(await res.text()) as { resourceType: string; entry?: unknown[] };
    assert.equal(doc.resourceType, 'Bundle');
    assert.ok((doc.entry?.length ?? 0) > 0);
    const other = await api(t.w, t.w.tokens.A.admin, 'GET', `/api/registry/export?format=fhir&site_id=${t.w.sites.B}`);
    assert.equal(other.status, 403);
    assert.equal(typeof other.json.error, 'string');
  });
});
