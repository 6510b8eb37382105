// The outcomes dashboard and API over HTTP (Hono's app.request, PGlite): who sees what (site users their own
// sites, analysts de-identified and research-consented only, small cells withheld), the numbers computed from
// records entered through the registry commands, the page with its SVG charts and tables, the clinic beside
// the published Atluri 2022 arms (read from data/evidence), and the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { outcomeCohort } from './analysis-fixtures.ts';
import { api, buildWorld, type World } from './fixtures.ts';

let db: Db;
let w: World;
const AS_OF = '2026-06-30';

before(async () => {
  db = await openDb({ memory: true, migrated: true });
  w = await buildWorld(db);
  const base = await readEvidenceBase();
  w.app = createApp(staticEvidence(base.studies), { db });
  // Site A: 8 patients, 6 with research consent; 6 respond at 3 months; one re-intervention at 10 weeks. B: 2.
  await outcomeCohort(w);
});
after(async () => {
  await db?.close();
});

type Row = { instrument: string; timepoint_months: number } & Record<string, unknown>;
const row = (j: Record<string, unknown>, inst: string, m: number) =>
  ((j.overall as Record<string, unknown>).responders as Row[]).find(
    (r) => r.instrument === inst && r.timepoint_months === m,
  )!;

describe('GET /api/registry/analysis', () => {
  test('a clinician sees the own site: 8 patients, ODI responders 6/8 at 3 months, with CIs', async () => {
    const r = await api(w, w.tokens.A.clinician, 'GET', `/api/registry/analysis?as_of=${AS_OF}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.access, 'site');
    const o = r.json.overall as Record<string, unknown>;
    assert.equal(o.patients, 8);
    const odi = row(r.json, 'ODI', 3);
    assert.deepEqual([odi.eligible, odi.assessed, odi.responders, odi.non_responders], [8, 8, 6, 2]);
    assert.equal(odi.pct, 75);
    // R 4.2.2: binom.test(6, 8)$conf.int = 0.3491442 0.9681460
    const [lo, hi] = odi.ci_exact as number[];
    assert.ok(Math.abs(lo! - 34.91442) < 1e-4 && Math.abs(hi! - 96.8146) < 1e-4, `${lo} ${hi}`);
    const nrs = row(r.json, 'NRS', 3);
    assert.equal(nrs.responders, 6);
    // 1-month window passed without visits: all missed, worst case 0 %
    assert.deepEqual([row(r.json, 'ODI', 1).eligible, row(r.json, 'ODI', 1).worst_case_pct], [8, 0]);
    const surv = (o.survival as { events: number; times: { month: number; at_risk: number }[] }).events;
    assert.equal(surv, 1);
    const ae = (
      o.adverse_events as { rows: { category: string; procedures_with_event: number; per_100_procedures: number }[] }
    ).rows[0]!;
    assert.deepEqual([ae.category, ae.procedures_with_event, ae.per_100_procedures], ['any', 8, 100]);
  });
  test('another site is refused; the own site of B holds only its 2 patients', async () => {
    const refused = await api(w, w.tokens.B.coordinator, 'GET', `/api/registry/analysis?site_id=${w.sites.A}`);
    assert.equal(refused.status, 403);
    const b = await api(w, w.tokens.B.coordinator, 'GET', `/api/registry/analysis?as_of=${AS_OF}`);
    assert.equal((b.json.overall as { patients: number }).patients, 2);
  });
  test('an analyst: network-wide, research-consented patients only, cells under 5 withheld', async () => {
    // issue 13 §2 "analysts: network-wide, de-identified": the 6 research-consented patients of A and the 2 of
    // B, although the analyst is a member of A only
    const r = await api(w, w.tokens.A.analyst, 'GET', `/api/registry/analysis?as_of=${AS_OF}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.access, 'deidentified');
    assert.deepEqual(r.json.sites, [w.sites.A, w.sites.B]);
    const o = r.json.overall as Record<string, unknown>;
    assert.equal(o.patients, 8);
    assert.equal(o.deidentified, true);
    const odi = row(r.json, 'ODI', 3);
    assert.deepEqual([odi.responders, odi.pct], [8, 100]);
    // 1 month: 6 missed, none assessed — shown; the survival curve stops where fewer than 5 remain at risk
    const curve = (o.survival as { curve: { at_risk: number }[] }).curve;
    assert.ok(curve.every((c) => c.at_risk >= 5));
    // by therapy × target: one group of 8; a filter to a value nobody has gives 0 patients, not an error
    const by = await api(w, w.tokens.A.analyst, 'GET', `/api/registry/analysis?as_of=${AS_OF}&by=therapy,target`);
    assert.deepEqual(
      (by.json.groups as { label: string }[]).map((g) => g.label),
      ['PRP × disc'],
    );
    const none = await api(w, w.tokens.A.analyst, 'GET', '/api/registry/analysis?therapy=MSC');
    assert.equal((none.json.overall as { patients: number | null }).patients, 0);
    // each de-identified read is a logged export (security review M6), naming the sites, strata and filters
    const logged = await db.query<{ detail: { export: string; sites: number[]; by: string[] } }>(
      "SELECT detail FROM security_event WHERE kind = 'export' AND detail ->> 'export' = 'analysis' ORDER BY id",
    );
    assert.deepEqual(
      logged.rows.map((x) => [x.detail.sites, x.detail.by]),
      [
        [[w.sites.A, w.sites.B], []],
        [
          [w.sites.A, w.sites.B],
          ['therapy', 'target'],
        ],
        [[w.sites.A, w.sites.B], []],
      ],
    );
  });
  test('small groups are withheld for analysts', async () => {
    // only 2 research-consented patients at B: the count itself is withheld
    const r = await api(w, w.tokens.B.analyst, 'GET', `/api/registry/analysis?as_of=${AS_OF}&site_id=${w.sites.B}`);
    const o = r.json.overall as Record<string, unknown>;
    assert.equal(o.patients, null);
    assert.equal(row(r.json, 'ODI', 3).responders, null);
    assert.equal(row(r.json, 'ODI', 3).suppressed, true);
  });
  test('bad query parameters name the field', async () => {
    const r = await api(w, w.tokens.A.clinician, 'GET', '/api/registry/analysis?by=colour');
    assert.equal(r.status, 400);
    assert.equal(r.json.field, 'by');
    const d = await api(w, w.tokens.A.clinician, 'GET', '/api/registry/analysis?as_of=2025-02-30');
    assert.deepEqual([d.status, d.json.field], [400, 'as_of']);
    const anon = await w.app.request('/api/registry/analysis');
    assert.equal(anon.status, 401);
  });
});

describe('beside the evidence', () => {
  test('the API pairs the clinic with the Atluri 2022 arms, numbers and quotes from data/evidence', async () => {
    const r = await api(w, w.tokens.A.clinician, 'GET', `/api/registry/analysis/evidence?as_of=${AS_OF}`);
    assert.equal(r.status, 200, r.text);
    const cmp = r.json.responders as {
      instrument: string;
      timepoint_months: number;
      published: { study_id: string; arm_id: string; value: number; provenance: { quote: string } }[];
      clinic: { pct: number };
      caveats: string[];
    }[];
    const odi12 = cmp.find((c) => c.instrument === 'ODI' && c.timepoint_months === 12)!;
    assert.deepEqual(
      odi12.published.map((p) => [p.study_id, p.arm_id, p.value]),
      [
        ['atluri-2022', 'bmc', 67],
        ['atluri-2022', 'control', 8],
      ],
    );
    assert.match(odi12.published[0]!.provenance.quote, /67% of the patients in the study group achieving MCID/);
    assert.ok(odi12.caveats.some((c) => /no control group/.test(c)));
    const nrs3 = cmp.find((c) => c.instrument === 'NRS' && c.timepoint_months === 3)!;
    assert.equal(nrs3.clinic.pct, 75);
    assert.ok(nrs3.caveats.some((c) => /Greater than 2 points/.test(c)));
    const op = r.json.opioids as { published: { study_id: string; statement: string }[] };
    assert.ok(op.published.some((p) => p.study_id === 'atluri-2022' && /decreased/.test(p.statement)));
  });
});

describe('the dashboard page', () => {
  test('charts as SVG with a table beside each, filters, links to the study pages', async () => {
    const res = await w.app.request(`/registry/outcomes?as_of=${AS_OF}`, {
      headers: { authorization: `Bearer ${w.tokens.A.clinician}` },
    });
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.equal((page.match(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/g) ?? []).length >= 4, true);
    for (const t of [
      'Responder rates over time',
      'Beside the evidence',
      'Treatment failure',
      'Number at risk',
      'Follow-up completeness',
      'Adverse events per 100 procedures',
    ])
      assert.ok(page.includes(t), t);
    assert.match(page, /href="\/studies\/atluri-2022"/);
    assert.match(page, /<select id="f-therapy" name="therapy">/);
    assert.match(page, /<strong>Your clinic<\/strong>/);
    const analyst = await w.app.request(`/registry/outcomes?as_of=${AS_OF}`, {
      headers: { authorization: `Bearer ${w.tokens.A.analyst}` },
    });
    assert.match(await analyst.text(), /De-identified view/);
  });
  test('the OpenAPI document lists the analysis paths', async () => {
    const doc = (await (await w.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/registry/analysis']);
    assert.ok(doc.paths['/api/registry/analysis/evidence']);
  });
});
