// "Your clinic" beside the literature on the public evidence pages (issue 13 §2), over HTTP (Hono's
// app.request, PGlite, the curated studies of data/evidence): a clinician signed in to the registry (session
// cookie) sees the own clinic's figure beside the Atluri 2022 arms on the BMC pages, with the caveats and a
// link to /registry/outcomes; a user of another site sees that site's figure and not this one's; an anonymous
// visitor, a request another site started, and a signed-in user on a page without a registry counterpart
// get the public page byte for byte as a server without a registry serves it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import type { Db } from '../../src/store/db.ts';
import { openDb } from '../../src/store/db.ts';
import { createSession } from '../../src/store/registry-accounts.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { bmcPatient, outcomePatient } from '../registry/analysis-fixtures.ts';
import { buildWorld, type World } from '../registry/fixtures.ts';

let db: Db;
let w: World;
let publicApp: ReturnType<typeof createApp>;
const cookie: Record<string, string> = {};

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  w = await buildWorld(db);
  const base = await readEvidenceBase();
  w.app = createApp(staticEvidence(base.studies), { db });
  publicApp = createApp(staticEvidence(base.studies)); // the same evidence, no registry
  // Site A: 5 BMC patients, 4 respond on NRS at 3 months (80 %), and 2 PRP non-responders, who are not BMC
  // patients (4 of 7 would be 57.1 %). Site B: 2 BMC patients, both respond (100 %).
  for (let i = 0; i < 5; i++) await bmcPatient(w, 'A', i < 4);
  for (let i = 0; i < 2; i++) await outcomePatient(w, 'A', { research: false, respond: false });
  for (let i = 0; i < 2; i++) await bmcPatient(w, 'B', true);
  for (const [key, site, role] of [
    ['A', 'A', 'clinician'],
    ['B', 'B', 'clinician'],
    ['analystA', 'A', 'analyst'],
  ] as const)
    cookie[key] = `rs_session=${(await createSession(db, w.actors[site][role].userId, null)).id}`;
});
after(async () => {
  await db?.close();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await w.app.request(path, { headers });
  return { res, text: await res.text() };
};
const publicText = async (path: string) => (await publicApp.request(path)).text();

/** The clinic's row on a page: "Your clinic … n assessed of m eligible … pct%". */
const clinicRow = (page: string) =>
  /<strong>Your clinic<\/strong> \(registry; (\d+) assessed of (\d+) eligible\)<\/td><td class="num">([\d.—]+)%/.exec(
    page,
  );

const PAGES = ['/therapies/bmc/evidence', '/therapies/bmc', '/studies/atluri-2022'];

describe('your clinic beside the literature', () => {
  test('a signed-in clinician sees the own BMC patients beside the Atluri 2022 arms, with caveats and a link', async () => {
    for (const path of PAGES) {
      const { res, text } = await get(path, { cookie: cookie.A! });
      assert.equal(res.status, 200, path);
      assert.match(text, /<h2 id="clinic-h">Your clinic beside the literature<\/h2>/, path);
      // NRS responders at 3 months: 4 of the 5 BMC patients (the PRP patients are left out)
      const row = clinicRow(text);
      assert.deepEqual(row?.slice(1), ['5', '5', '80.0'], path);
      // the published arm beside it, from data/evidence (Atluri 2022: 74 % at 3 months in the BMC arm)
      assert.match(
        text,
        /<a href="\/studies\/atluri-2022">Atluri et al\. 2022<\/a> — [^<]*<span class="tag">treatment<\/span>/,
      );
      assert.match(text, /<td class="num">74%<\/td>/, path);
      for (const caveat of [/no control group/, /not selected as the study/, /Definitions differ/])
        assert.match(text, caveat, path);
      assert.match(text, /href="\/registry\/outcomes"/, path);
      assert.equal(res.headers.get('cache-control'), 'private, no-store', path);
      assert.equal(res.headers.get('vary'), 'Cookie', path);
    }
  });

  test('a user of another site sees that site, not this one', async () => {
    const { text } = await get('/therapies/bmc/evidence', { cookie: cookie.B! });
    assert.deepEqual(clinicRow(text)?.slice(1), ['2', '2', '100.0']);
    assert.ok(!text.includes('SITE-A'));
    assert.match(text, /clinician, SITE-B/);
  });

  test('an analyst sees de-identified figures only (no research consent here: nobody), and is logged', async () => {
    const { text } = await get('/studies/atluri-2022', { cookie: cookie.analystA! });
    // none of site A's patients has a research consent: the analyst's cohort is empty, not site A's 80 %
    assert.ok(!/80\.0%/.test(text));
    const ev = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM security_event WHERE kind = 'export' AND detail ->> 'page' = '/studies/atluri-2022'",
    );
    assert.equal(ev.rows[0]!.n, 1);
  });

  test('anonymous visitors get the public page byte for byte, cached, with no registry figure', async () => {
    for (const path of [...PAGES, '/therapies/prp', '/therapies/prp/evidence', '/studies/akeda-2017']) {
      const { res, text } = await get(path);
      assert.equal(res.status, 200, path);
      assert.equal(text, await publicText(path), path);
      assert.ok(!text.includes('Your clinic'), path);
      assert.equal(res.headers.get('cache-control'), null, path);
    }
    // a cookie that names no session is anonymous too; so is a signed-in user after the anonymous render
    const stale = await get('/therapies/bmc/evidence', { cookie: 'rs_session=not-a-session' });
    assert.equal(stale.text, await publicText('/therapies/bmc/evidence'));
  });

  test('a request started by another site gets the public page, even with the session cookie', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const { text } = await get('/therapies/bmc/evidence', { cookie: cookie.A!, 'sec-fetch-site': site });
      assert.equal(text, await publicText('/therapies/bmc/evidence'), site);
    }
    // the browser's own navigation (typed address, bookmark; or a link on this site) is the user's
    for (const site of ['none', 'same-origin']) {
      const { text } = await get('/therapies/bmc/evidence', { cookie: cookie.A!, 'sec-fetch-site': site });
      assert.ok(clinicRow(text), site);
    }
  });

  test('the signed-in page is never served from the public cache, nor the public page from a signed-in render', async () => {
    const signedIn = await get('/studies/atluri-2022', { cookie: cookie.A! });
    const anon = await get('/studies/atluri-2022');
    const again = await get('/studies/atluri-2022', { cookie: cookie.A! });
    assert.ok(clinicRow(signedIn.text) && clinicRow(again.text));
    assert.equal(anon.text, await publicText('/studies/atluri-2022'));
  });

  test('pages without a registry counterpart or a pair show nothing extra to a signed-in clinician', async () => {
    // a PRP study without a responder rate on the registry's footing: no section on the study page
    const study = await get('/studies/akeda-2017', { cookie: cookie.A! });
    assert.equal(study.text, await publicText('/studies/akeda-2017'));
    // the PRP therapy pages: the section says no study there reports a metric on the same footing
    const prp = await get('/therapies/prp/evidence', { cookie: cookie.A! });
    assert.match(prp.text, /No study on this page reports a responder rate/);
    assert.match(prp.text, /href="\/registry\/outcomes"/);
  });
});
