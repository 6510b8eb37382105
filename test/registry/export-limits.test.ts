// How many exports may run at once (security review M5: unbounded parallel exports held every row in memory):
// config export.perTokenConcurrent per credential and export.serverConcurrent on the server, for the streamed
// de-identified export (src/web/registry/index.ts) and the FHIR/CSV export (src/web/registry/export.ts). Each
// stream holds its place while the client has not finished reading it, and gives it back when it is read to the
// end or cancelled. In process (app.request over an in-memory registry); the streams are real ReadableStreams,
// read and cancelled as a client would. test/registry/issue11-pg.test.ts runs 16 exports over HTTP on PostgreSQL.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { DEFAULT_REGISTRY_CONFIG, parseRegistryConfig } from '../../src/registry/config.ts';
import { CLI_ACTOR, createApiToken, createUser } from '../../src/store/registry-accounts.ts';
import { mountEpro } from '../../src/web/registry/epro.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { fullPatient, loggedErrors, pgliteWorld } from './fixtures.ts';

const setting = (value: number) => ({ value, verified: false, source: 'test' });
// At most one export per credential and two on the server.
const config = parseRegistryConfig({
  ...DEFAULT_REGISTRY_CONFIG,
  export: { ...DEFAULT_REGISTRY_CONFIG.export, perTokenConcurrent: setting(1), serverConcurrent: setting(2) },
});

describe('export concurrency limits', () => {
  const t = pgliteWorld();
  let app: Hono;
  const analysts: string[] = [];
  const admins: string[] = [];
  before(async () => {
    app = new Hono();
    mountRegistry(app, t.db, { config, promText: null });
    mountEpro(app, t.db, { config, promText: null });
    // patients, so that the FHIR export has more than its first chunk (a stream still being read)
    for (let i = 0; i < 3; i++) await fullPatient(t.w, 'A', { visit: true, research: true });
    for (let i = 0; i < 3; i++) {
      for (const [role, list] of [
        ['analyst', analysts],
        ['admin', admins],
      ] as const) {
        const email = `${role}-${i}@limits.example.org`;
        await createUser(t.db, CLI_ACTOR, { email, role, siteIds: [t.w.sites.A] });
        list.push(await createApiToken(t.db, CLI_ACTOR, email, { label: 'export', scopes: ['read', 'export'] }));
      }
    }
  });
  const get = (token: string, path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
  const refusal = async (r: Response) => {
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '5');
    const body = (await r.json()) as { error: string; field: string };
    assert.equal(body.field, 'export');
    return body.error;
  };
  const readAll = async (r: Response) => {
    assert.equal(r.status, 200);
    return r.text();
  };

  test('de-identified export: one per credential, two on the server; a finished or cancelled one frees its place', async () => {
    const path = '/api/registry/deidentified/outcomes';
    const [a, b, c] = analysts as [string, string, string];
    const first = await get(a, path);
    assert.equal(first.status, 200);
    assert.match(await refusal(await get(a, path)), /an export with this credential is already running/);
    const second = await get(b, path);
    assert.equal(second.status, 200);
    assert.match(await refusal(await get(c, path)), /the server is running as many exports as it may/);
    // the same credential over both limits is told about its own export first
    assert.match(await refusal(await get(a, path)), /an export with this credential is already running/);
    // read to the end: the place is free again
    const rows = JSON.parse(await readAll(second)) as { registry_id?: unknown }[];
    assert.ok(rows.length >= 3, 'the three patients’ rows');
    const third = await get(c, path);
    assert.equal(third.status, 200);
    // cancelled by the client: free again, for that credential too
    await first.body!.cancel();
    assert.equal(JSON.parse(await readAll(await get(a, path))).length, rows.length);
    await third.body!.cancel();
    // nothing left holding a place: two at once again
    const x = await get(a, path);
    const y = await get(b, path);
    assert.deepEqual([x.status, y.status], [200, 200]);
    await Promise.all([x.body!.cancel(), y.body!.cancel()]);
  });

  test('with two per credential: the third waits; one ended frees exactly one place for that credential', async () => {
    const two = new Hono();
    mountRegistry(two, t.db, {
      promText: null,
      config: parseRegistryConfig({
        ...DEFAULT_REGISTRY_CONFIG,
        export: { ...DEFAULT_REGISTRY_CONFIG.export, perTokenConcurrent: setting(2), serverConcurrent: setting(4) },
      }),
    });
    const path = '/api/registry/deidentified/outcomes';
    const open = () => two.request(path, { headers: { authorization: `Bearer ${analysts[0]}` } });
    const [p, q] = [await open(), await open()];
    assert.deepEqual([p.status, q.status], [200, 200]);
    assert.match(await refusal(await open()), /an export with this credential is already running/);
    await p.body!.cancel();
    const r = await open();
    assert.equal(r.status, 200, 'the freed place');
    assert.match(await refusal(await open()), /an export with this credential is already running/);
    await Promise.all([q.body!.cancel(), r.body!.cancel()]);
  });

  /** A client that asks for the next part and goes away before it comes (the cancel races a read in flight). */
  const goAwayMidRead = async (r: Response) => {
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    assert.equal((await reader.read()).done, false, 'a first part');
    const reading = reader.read();
    await reader.cancel();
    await reading;
    // a few turns of the event loop for the read in flight to settle (counted, not timed)
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const logged = async (fn: () => Promise<void>) => (await loggedErrors(fn)).logs;

  test('a client gone while a page is read gives its place back once, and nothing is logged as a failure', async () => {
    for (const [path, tokens] of [
      ['/api/registry/deidentified/outcomes', analysts],
      // (before src/web/registry/stream.ts, the FHIR export logged "registry export failed: TypeError" here)
      ['/api/registry/export?format=fhir', admins],
    ] as const) {
      const [a, b, c] = tokens as [string, string, string];
      assert.deepEqual(await logged(async () => goAwayMidRead(await get(a, path))), [], path);
      // still exactly two places: given back once, not twice
      const x = await get(a, path);
      const y = await get(b, path);
      assert.deepEqual([x.status, y.status], [200, 200], path);
      assert.match(await refusal(await get(c, path)), /as many exports/);
      await Promise.all([x.body!.cancel(), y.body!.cancel()]);
    }
  });

  test('FHIR and CSV export: two on the server; a finished or cancelled one frees its place', async () => {
    const fhir = '/api/registry/export?format=fhir';
    const csv = '/api/registry/export?format=csv&table=scores';
    const [a, b, c] = admins as [string, string, string];
    const first = await get(a, fhir);
    assert.equal(first.status, 200);
    const second = await get(b, csv);
    assert.equal(second.status, 200);
    assert.match(await refusal(await get(c, fhir)), /the server is running as many exports as it may/);
    const bundle = JSON.parse(await readAll(first)) as { resourceType: string };
    assert.equal(bundle.resourceType, 'Bundle');
    const third = await get(c, fhir);
    assert.equal(third.status, 200);
    assert.match(await refusal(await get(a, csv)), /as many exports/);
    await third.body!.cancel();
    await second.body!.cancel();
    const x = await get(a, fhir);
    const y = await get(b, csv);
    assert.deepEqual([x.status, y.status], [200, 200]);
    assert.match(await readAll(y), /^.*\r\n/);
    await x.body!.cancel();
    // deidentified=false is the identified export, the admin's; anything else but true/false is refused
    const identified = await get(a, `${fhir}&deidentified=false`);
    assert.equal(identified.status, 200);
    await identified.body!.cancel();
    const odd = await get(a, `${fhir}&deidentified=yes`);
    assert.equal(odd.status, 400);
    assert.deepEqual(await odd.json(), { error: 'deidentified must be true or false', field: 'deidentified' });
  });
});
