// The clinic outcomes page (src/web/registry/outcomes-view.tsx) rendered from a hand-built AnalysisResponse,
// without a database or a server. What is checked: counts withheld by de-identification show as "—" (with a
// title saying why) and never as 0 (docs/reference/analysis.md, small-cell suppression), percentages to one
// decimal, survival to three, change to two, CIs as "lo–hi", the filter form labelled with the current
// choices selected, every table with a caption and headers, and every value escaped by hono/jsx
// (& < > " ' → &amp; &lt; &gt; &quot; &#39;, node_modules/hono/dist/utils/html.js).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CohortAnalysis, ResponderRow } from '../../src/registry/analysis/core.ts';
import type { Comparison, OpioidComparison } from '../../src/registry/analysis/evidence.ts';
import type { Permissions } from '../../src/web/registry/middleware.ts';
import {
  type AnalysisResponse,
  evidenceSection,
  type OutcomesQuery,
  outcomesPage,
  STRATUM_LABEL,
} from '../../src/web/registry/outcomes-view.tsx';
import type { ViewCtx } from '../../src/web/registry/views.tsx';

const EVIL = `<script>&"'`;
const EVIL_HTML = '&lt;script&gt;&amp;&quot;&#39;';
const WITHHELD = '<span title="withheld: small cell">—</span>';

const can = Object.fromEntries(
  ['records:read', 'records:write', 'ae:acknowledge', 'audit:read', 'deidentified:read', 'users:manage'].map((p) => [
    p,
    false,
  ]),
) as unknown as Permissions;
const ctx: ViewCtx = { email: 'ann@clinic.example', role: 'clinician', csrf: 't', can };

const main = (html: string): string => {
  const start = html.indexOf('<main id="content">');
  const end = html.indexOf('</main>');
  assert.ok(start >= 0 && end > start, 'the page shell has a <main>');
  return html
    .slice(start + '<main id="content">'.length, end)
    .replace(/^<style>[\s\S]*?<\/style>/, '')
    .replace(/^<nav class="registry"[\s\S]*?<\/nav>/, '');
};
const has = (html: string, fragment: string) =>
  assert.ok(html.includes(fragment), `expected the fragment\n  ${fragment}\nin\n  ${html}`);
const lacks = (html: string, fragment: string) =>
  assert.ok(!html.includes(fragment), `did not expect the fragment\n  ${fragment}\nin\n  ${html}`);

const responder = (over: Partial<ResponderRow> = {}): ResponderRow => ({
  instrument: 'ODI',
  timepoint_months: 3,
  eligible: 10,
  assessed: 8,
  responders: 6,
  non_responders: 2,
  not_evaluable: 0,
  missing: { missed: 1, withdrawn: 1 },
  not_yet_due: 3,
  no_baseline: 0,
  pct: 75,
  ci_exact: null,
  ci_wilson: [40.93, 92.85],
  worst_case_pct: 60,
  worst_case_ci_exact: [26.24, 87.84],
  worst_case_ci_wilson: null,
  ...over,
});

/** A cohort whose charts have nothing to draw (no CI, no curve, no percentages), so the page renders fast. */
const cohort = (over: Partial<CohortAnalysis> = {}): CohortAnalysis => ({
  as_of: '2025-06-30',
  patients: 12,
  procedures: 14,
  units: { pct: 'percent', survival: 'proportion', change: 'points' },
  rules: [
    { instrument: 'ODI', absolute: 10, relativePct: 30, combine: 'any', source: 's' },
    { instrument: 'NRS', absolute: 2, relativePct: null, combine: 'all', source: 's' },
    { instrument: 'VAS' as never, absolute: null, relativePct: 30, combine: 'all', source: 's' },
  ],
  config_versions: { registry: 'reg-1', instruments: 'ins-2', analysis: 'ana-3' },
  responders: [
    responder(),
    responder({
      instrument: 'NRS',
      timepoint_months: 12,
      eligible: null,
      assessed: null,
      responders: null,
      non_responders: null,
      not_evaluable: null,
      missing: { missed: null, withdrawn: null },
      not_yet_due: null,
      pct: null,
      ci_wilson: null,
      worst_case_pct: null,
      worst_case_ci_exact: null,
    }),
  ],
  change: [
    {
      instrument: 'ODI',
      timepoint_months: 3,
      n: 8,
      mean: -12.345,
      ci: [-18.5, -6.125],
      sd: 5,
      median: -11,
      iqr: [-15.25, -8],
    },
    { instrument: 'NRS', timepoint_months: 12, n: null, mean: null, ci: null, sd: null, median: null, iqr: null },
  ],
  opioids: [],
  survival: {
    event: 'treatment-failure',
    failure_events: ['re-intervention', 'surgery'],
    conf_type: 'log-log',
    n: 12,
    events: 2,
    times: [
      { month: 6, at_risk: 10, events: 1, survival: 0.91667, ci: [0.539, 0.98778] },
      { month: 12, at_risk: null, events: null, survival: null, ci: null },
    ],
    curve: [],
  },
  adverse_events: {
    procedures: 14,
    rows: [
      {
        category: 'any',
        procedures_with_event: 3,
        per_100_procedures: 21.4286,
        ci_exact: null,
        events: 4,
        events_per_100: 28.5714,
        events_ci_exact: [7.78, 73.15],
      },
      {
        category: `serious ${EVIL}`,
        procedures_with_event: null,
        per_100_procedures: null,
        ci_exact: null,
        events: null,
        events_per_100: null,
        events_ci_exact: null,
      },
    ],
  },
  completeness: [
    { timepoint_months: 3, eligible: 10, seen_in_window: 8, missed: 1, withdrawn: 1, not_yet_due: 2, pct: null },
    {
      timepoint_months: 12,
      eligible: null,
      seen_in_window: null,
      missed: null,
      withdrawn: null,
      not_yet_due: null,
      pct: null,
    },
  ],
  deidentified: false,
  small_cell: null,
  ...over,
});

const response = (over: Partial<AnalysisResponse> = {}): AnalysisResponse => ({
  by: [],
  overall: cohort(),
  groups: [],
  access: 'full' as never,
  sites: [1, 2],
  filters: {},
  strata_values: {
    site: ['S1', 'S2'],
    therapy: ['BMC', 'PRP'],
    product_class: ['LP-PRP'],
    target: ['disc', EVIL],
    pain_generator: ['discogenic'],
  },
  ...over,
});
const sites = [
  { id: 1, code: 'S1' },
  { id: 2, code: `S2${EVIL}` },
];
const query = (over: Partial<OutcomesQuery> = {}): OutcomesQuery => ({
  asOf: '2025-06-30',
  by: [],
  where: {},
  ...over,
});
const render = (r = response(), q = query()) => main(outcomesPage(ctx, r, sites, q, []));

describe('outcomes page: headline and access', () => {
  test('the headline: patients, the sites by code, the filters, the day', () => {
    const html = render(response({ filters: { therapy: 'PRP', target: EVIL } }));
    assert.ok(html.startsWith('<style>.chart{display:grid;'), html.slice(0, 60));
    has(
      html,
      'table.compact td,table.compact th{padding:.2rem .35rem;font-size:.85rem}</style><h1>Clinic outcomes</h1>',
    );
    has(
      html,
      `<p class="headline">12 patients with an index procedure at S1, S2${EVIL_HTML}, Therapy = PRP, Target = ${EVIL_HTML}; as of 2025-06-30.</p>`,
    );
    assert.match(outcomesPage(ctx, response(), sites, query(), []), /<title>Clinic outcomes · RegenSpine/);
  });

  test('no site: "no site"; an unknown site id shown as its number; a withheld count as "—"', () => {
    has(
      render(response({ sites: [], overall: cohort({ patients: null }) })),
      `<p class="headline">${WITHHELD} patients with an index procedure at no site; as of 2025-06-30.</p>`,
    );
    has(render(response({ sites: [2, 9] })), `at S2${EVIL_HTML}, 9; as of`);
  });

  test('full access: the settings versions; de-identified: the small-cell rule and no versions', () => {
    has(
      render(),
      '<p class="note">Your sites only. Figures are computed from the registry now; settings reg-1, ins-2, ana-3.</p>',
    );
    const de = render(response({ access: 'deidentified' as never, overall: cohort({ small_cell: 5 }) }));
    has(
      de,
      '<p class="warn">De-identified view (analyst): patients with a current research consent only; counts of 1–4 and everything computed from them are withheld (—).</p>',
    );
    lacks(de, 'Your sites only.');
    // Without a configured small cell the rule of docs/reference/analysis.md (cells under 5) is stated.
    has(
      render(response({ access: 'deidentified' as never, overall: cohort({ small_cell: null }) })),
      'counts of 1–4 and',
    );
    has(
      render(response({ access: 'deidentified' as never, overall: cohort({ small_cell: 11 }) })),
      'counts of 1–10 and',
    );
  });
});

describe('outcomes page: filters', () => {
  test('labelled selects for the site and each stratum, current choices selected, values escaped', () => {
    const html = render(response(), query({ siteId: 2, by: ['therapy'], where: { target: EVIL, therapy: 'BMC' } }));
    has(
      html,
      '<form method="get" action="/registry/outcomes" class="inline" aria-label="Filters"><div><label for="f-site_id">Site</label><select id="f-site_id" name="site_id">' +
        `<option value="">all my sites</option><option value="1">S1</option><option value="2" selected="">S2${EVIL_HTML}</option></select></div>` +
        '<div><label for="f-therapy">Therapy</label><select id="f-therapy" name="therapy"><option value="">all</option><option value="BMC" selected="">BMC</option><option value="PRP">PRP</option></select></div>' +
        '<div><label for="f-product_class">Product class</label><select id="f-product_class" name="product_class"><option value="">all</option><option value="LP-PRP">LP-PRP</option></select></div>' +
        `<div><label for="f-target">Target</label><select id="f-target" name="target"><option value="">all</option><option value="disc">disc</option><option value="${EVIL_HTML}" selected="">${EVIL_HTML}</option></select></div>` +
        '<div><label for="f-pain_generator">Pain generator</label><select id="f-pain_generator" name="pain_generator"><option value="">all</option><option value="discogenic">discogenic</option></select></div>' +
        '<div><label for="f-by">Compare by</label><select id="f-by" name="by"><option value="">—</option><option value="site">Site</option><option value="therapy" selected="">Therapy</option>' +
        '<option value="product_class">Product class</option><option value="target">Target</option><option value="pain_generator">Pain generator</option></select></div>' +
        '<div><label for="f-as_of">As of</label><input id="f-as_of" name="as_of" type="date" value="2025-06-30"/></div><div><button type="submit">Show</button></div></form>' +
        '<p class="note">&quot;Compare by&quot; splits the tables below by one stratum (the API takes two: <code>by=therapy,target</code>).</p>',
    );
    // The site itself is chosen by the site menu, not a stratum menu.
    lacks(html, 'id="f-site"');
  });

  test('nothing chosen: "all" everywhere and no comparison', () => {
    const html = render();
    has(html, '<option value="">all my sites</option><option value="1">S1</option><option value="2">');
    has(html, '<select id="f-by" name="by"><option value="" selected="">—</option><option value="site">Site</option>');
  });

  test('the strata labels', () => {
    assert.deepEqual(STRATUM_LABEL, {
      site: 'Site',
      therapy: 'Therapy',
      product_class: 'Product class',
      target: 'Target',
      pain_generator: 'Pain generator',
    });
  });
});

describe('outcomes page: tables', () => {
  test('responders: counts, withheld counts as "—", percent to one decimal, CIs as lo–hi', () => {
    const html = render();
    has(
      html,
      '<h2 id="responders">Responder rates over time</h2><div class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Responders (%) by month after the procedure, exact 95% CI"',
    );
    has(
      html,
      '</svg><div><table class="compact"><caption>Responders per instrument and timepoint</caption><thead><tr><th>Instrument</th><th class="num">Month</th><th class="num">Eligible</th>' +
        '<th class="num">Assessed</th><th class="num">Responders</th><th class="num">Non-resp.</th><th class="num">Not evaluable</th><th class="num">Missed</th>' +
        '<th class="num">Withdrawn</th><th class="num">Not yet due</th><th class="num">% (complete case)</th><th>Exact 95% CI</th><th>Wilson 95% CI</th>' +
        '<th class="num">% worst case</th><th>Exact 95% CI</th></tr></thead><tbody>' +
        '<tr><td>ODI</td><td class="num">3</td><td class="num">10</td><td class="num">8</td><td class="num">6</td><td class="num">2</td><td class="num">0</td>' +
        '<td class="num">1</td><td class="num">1</td><td class="num">3</td><td class="num">75.0</td><td>—</td><td>40.9–92.8</td><td class="num">60.0</td><td>26.2–87.8</td></tr>' +
        `<tr><td>NRS</td><td class="num">12</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td>` +
        `<td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td>` +
        `<td class="num">${WITHHELD}</td><td class="num">—</td><td>—</td><td>—</td><td class="num">—</td><td>—</td></tr></tbody></table>`,
    );
  });

  test('the responder rules in words: "or" for any, "and" for all', () => {
    has(
      render(),
      '<p class="note">Rules: ODI: ≥ 10 points or ≥ 30% better than baseline; NRS: ≥ 2 points better than baseline; VAS: ≥ 30% better than baseline; baseline required',
    );
  });

  test('change from baseline to two decimals, CI and IQR', () => {
    has(
      render(),
      '<h2 id="change">Change from baseline</h2><table class="compact"><caption>Change from baseline (follow-up − baseline, score points)</caption><thead><tr><th>Instrument</th>' +
        '<th class="num">Month</th><th class="num">n</th><th class="num">Mean</th><th>95% CI (t)</th><th class="num">Median</th><th>IQR</th></tr></thead><tbody>' +
        '<tr><td>ODI</td><td class="num">3</td><td class="num">8</td><td class="num">-12.35</td><td>-18.50–-6.13</td><td class="num">-11.00</td><td>-15.25–-8.00</td></tr>' +
        `<tr><td>NRS</td><td class="num">12</td><td class="num">${WITHHELD}</td><td class="num">—</td><td>—</td><td class="num">—</td><td>—</td></tr></tbody></table>`,
    );
  });

  test('treatment failure: number at risk, survival to three decimals, the CI type, totals', () => {
    const html = render();
    has(
      html,
      '<table class="compact"><caption>Number at risk and freedom from failure</caption><thead><tr><th class="num">Month</th><th class="num">At risk</th>' +
        '<th class="num">Failures since previous row</th><th class="num">Free of failure</th><th>95% CI (log-log)</th></tr></thead><tbody>' +
        '<tr><td class="num">6</td><td class="num">10</td><td class="num">1</td><td class="num">0.917</td><td>0.539–0.988</td></tr>' +
        `<tr><td class="num">12</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">—</td><td>—</td></tr></tbody></table>`,
    );
    has(
      html,
      '<p class="note">Failure: first re-intervention or surgery after the procedure; patients without one are censored at their last contact. ' +
        'Kaplan–Meier with Greenwood variance; &quot;—&quot; beyond the longest follow-up. 12 patients, 2 failures.</p>',
    );
    const withheld = cohort();
    withheld.survival = { ...withheld.survival, n: null, events: null };
    has(render(response({ overall: withheld })), 'longest follow-up. — patients, — failures.</p>');
  });

  test('completeness: counts and the seen percentage', () => {
    const c = cohort();
    c.completeness = [{ ...c.completeness[0]!, pct: 80 }, c.completeness[1]!];
    has(
      render(response({ overall: c })),
      '<table class="compact"><caption>Follow-up completeness</caption><thead><tr><th class="num">Month</th><th class="num">Eligible</th><th class="num">Seen in window</th>' +
        '<th class="num">Missed</th><th class="num">Withdrawn</th><th class="num">Not yet due</th><th class="num">Seen %</th></tr></thead><tbody>' +
        '<tr><td class="num">3</td><td class="num">10</td><td class="num">8</td><td class="num">1</td><td class="num">1</td><td class="num">2</td><td class="num">80.0</td></tr>' +
        `<tr><td class="num">12</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">${WITHHELD}</td><td class="num">—</td></tr></tbody></table>`,
    );
  });

  test('adverse events per 100 procedures, categories escaped, withheld counts "—"', () => {
    has(
      render(),
      '<table class="compact"><caption>Adverse events per 100 procedures (14 procedures)</caption><thead><tr><th>Category</th><th class="num">Procedures with event</th>' +
        '<th class="num">Per 100</th><th>Exact 95% CI</th><th class="num">Events</th><th class="num">Events per 100</th><th>Exact Poisson 95% CI</th></tr></thead><tbody>' +
        '<tr><td>any</td><td class="num">3</td><td class="num">21.4</td><td>—</td><td class="num">4</td><td class="num">28.6</td><td>7.8–73.2</td></tr>' +
        `<tr><td>serious ${EVIL_HTML}</td><td class="num">${WITHHELD}</td><td class="num">—</td><td>—</td><td class="num">${WITHHELD}</td><td class="num">—</td><td>—</td></tr></tbody></table>`,
    );
    const c = cohort();
    c.adverse_events = { ...c.adverse_events, procedures: null };
    has(
      render(response({ overall: c })),
      `<caption>Adverse events per 100 procedures (${WITHHELD} procedures)</caption>`,
    );
  });

  test('the sections in order, with their anchors, and the API note', () => {
    const html = render();
    const ids = [...html.matchAll(/<h2 id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['responders', 'evidence', 'change', 'failure', 'completeness', 'ae']);
    assert.ok(
      html.endsWith(
        '<p class="note">The same analyses as JSON: <a href="/api/registry/analysis">/api/registry/analysis</a> (query: site_id, as_of, by, site, therapy, product_class, target, pain_generator); ' +
          'beside the evidence: <a href="/api/registry/analysis/evidence">/api/registry/analysis/evidence</a>. Definitions: docs/reference/analysis.md.</p>',
      ),
      html.slice(-400),
    );
    has(
      html,
      '<h2 id="evidence">Beside the evidence</h2><p>No curated study reports a responder rate on the same footing as these timepoints.</p><h2 id="change">',
    );
  });
});

describe('outcomes page: strata', () => {
  test('groups: one row each, responder % per overall row, "—" for a row the group lacks', () => {
    const g1 = cohort({ patients: 7 });
    g1.responders = [responder({ pct: 66.667, ci_exact: [22.28, 95.67] })];
    g1.survival = { ...g1.survival, times: [{ month: 12, at_risk: 5, events: 0, survival: 0.8571, ci: null }] };
    const g2 = cohort({ patients: null });
    g2.responders = [];
    g2.adverse_events = { procedures: null, rows: [] };
    const html = render(
      response({
        by: ['therapy', 'target'],
        groups: [
          { key: { therapy: 'PRP' }, label: `PRP ${EVIL}`, analysis: g1 },
          { key: { therapy: 'BMC' }, label: 'BMC', analysis: g2 },
        ],
      }),
    );
    has(
      html,
      '<h2 id="strata">By Therapy × Target</h2><table class="compact"><thead><tr><th>Group</th><th class="num">Patients</th><th class="num">ODI 3 m %</th>' +
        '<th class="num">NRS 12 m %</th><th class="num">Free of failure 12 m</th><th class="num">AE per 100</th></tr></thead><tbody>' +
        `<tr><td>PRP ${EVIL_HTML}</td><td class="num">7</td><td class="num">66.7 <span class="note">(22–96)</span></td><td class="num">—</td><td class="num">0.857</td><td class="num">21.4</td></tr>` +
        `<tr><td>BMC</td><td class="num">${WITHHELD}</td><td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td></tr></tbody></table>`,
    );
    // A group row matches on instrument AND month.
    const g3 = cohort();
    g3.responders = [
      responder({ instrument: 'NRS', timepoint_months: 3, pct: 50 }),
      responder({ instrument: 'ODI', timepoint_months: 12, pct: 40 }),
    ];
    const h3 = render(response({ by: ['site'], groups: [{ key: {}, label: 'X', analysis: g3 }] }));
    has(h3, '<h2 id="strata">By Site</h2>');
    has(h3, '<tr><td>X</td><td class="num">12</td><td class="num">—</td><td class="num">—</td>');
  });

  test('no groups: no strata section', () => {
    lacks(render(response({ by: ['therapy'], groups: [] })), 'id="strata"');
  });
});

describe('the clinic beside the evidence (evidenceSection)', () => {
  const arm = {
    study_id: 'atluri-2022',
    study_label: `Atluri et al. 2022 ${EVIL}`,
    design: 'RCT',
    arm_id: 'a1',
    arm_label: 'BMC',
    arm_role: 'intervention',
    value: 62.5,
    unit: '%',
    definition: 'ODI ≥ 30% improvement',
    provenance: { document: 'atluri.pdf', locator: 'Table 2', quote: `"62.5%" ${EVIL}` },
  };
  const cmp: Comparison = {
    instrument: 'ODI',
    timepoint_months: 12,
    metric: 'ODI responders',
    clinic: responder({ assessed: 8, eligible: 10, pct: 75, worst_case_pct: 60, ci_exact: [34.91, 96.81] }),
    published: [arm, { ...arm, arm_role: null, definition: null, arm_label: 'control', value: 40 }],
    caveats: ['Not randomised.', `Different follow-up ${EVIL}`],
  };
  const op: OpioidComparison = { clinic: [], published: [], caveats: [] };

  test('nothing to compare: one sentence', () => {
    assert.equal(
      evidenceSection([], op).html,
      '<p>No curated study reports a responder rate on the same footing as these timepoints.</p>',
    );
  });

  test('a responder comparison: the clinic first, then each published arm with its source', () => {
    const html = evidenceSection([cmp], op).html;
    has(
      html,
      '<h3>ODI responders at 12 months</h3><table class="compact" tabindex="0"><thead><tr><th>Who</th><th class="num">Responders</th><th>95% CI</th><th>Basis</th></tr></thead><tbody>' +
        '<tr><td><strong>Your clinic</strong> (registry; 8 assessed of 10 eligible)</td><td class="num">75.0% <span class="note">(worst case 60.0%)</span></td>' +
        '<td>34.9–96.8 (exact)</td><td>this registry, computed now</td></tr>' +
        `<tr><td><a href="/studies/atluri-2022">Atluri et al. 2022 ${EVIL_HTML}</a> — BMC <span class="tag">intervention</span><br/><span class="note">RCT; ODI ≥ 30% improvement</span></td>` +
        '<td class="num">63%</td><td>not given</td><td><details class="prov"><summary>source</summary>' +
        `<blockquote>&quot;62.5%&quot; ${EVIL_HTML}</blockquote><span class="note">atluri.pdf, Table 2</span></details></td></tr>` +
        `<tr><td><a href="/studies/atluri-2022">Atluri et al. 2022 ${EVIL_HTML}</a> — control<br/><span class="note">RCT; definition not stated</span></td><td class="num">40%</td>`,
    );
    has(
      html,
      `</tbody></table><ul class="note"><li>Not randomised.</li><li>Different follow-up ${EVIL_HTML}</li></ul><h3>Opioid use</h3>`,
    );
  });

  test('no clinic figure: "—" for the counts, the percentages and the CI', () => {
    has(
      evidenceSection([{ ...cmp, clinic: null }], op).html,
      '<tr><td><strong>Your clinic</strong> (registry; — assessed of — eligible)</td><td class="num">—% <span class="note">(worst case —%)</span></td><td>— (exact)</td>',
    );
  });

  test('opioids: the clinic rows with patients (not n = 0), the published statements, the caveats', () => {
    const row = {
      timepoint_months: 6,
      n: 9,
      baseline_mean: 42.25,
      followup_mean: 20,
      followup_median: 15,
      off_opioids: 3,
      off_opioids_pct: 33.333,
      off_opioids_ci_exact: [7.49, 70.07] as [number, number],
      baseline_users: 9,
      baseline_users_off: 3,
      change_mean: -22.25,
      change_ci: [-35.5, -9] as [number, number],
      change_median: -20,
    };
    const html = evidenceSection([], {
      clinic: [row, { ...row, timepoint_months: 12, n: 0 }, { ...row, timepoint_months: 24, n: null, change_ci: null }],
      published: [
        {
          study_id: 's-1',
          study_label: 'Smith 2020',
          arm_labels: ['PRP', 'saline'],
          statement: `fewer opioids ${EVIL}`,
          provenance: { document: 'd', locator: 'p. 3', quote: 'q' },
        },
      ],
      caveats: ['MME by CDC 2022.'],
    }).html;
    assert.ok(
      html.startsWith(
        '<h3>Opioid use</h3><table class="compact" tabindex="0"><thead><tr><th>Who</th><th>What was found</th><th>Basis</th></tr></thead><tbody>',
      ),
    );
    has(
      html,
      '<tr><td><strong>Your clinic</strong>, 6 months (n = 9)</td><td>MME/day 42.3 at baseline → 20.0; change -22.3 (95% CI -35.5–-9.0); off opioids 33.3% (7.5–70.1)</td><td>this registry</td></tr>' +
        `<tr><td><strong>Your clinic</strong>, 24 months (n = ${WITHHELD})</td><td>MME/day 42.3 at baseline → 20.0; change -22.3 (95% CI —); off opioids 33.3% (7.5–70.1)</td><td>this registry</td></tr>` +
        `<tr><td><a href="/studies/s-1">Smith 2020</a> — PRP, saline</td><td>fewer opioids ${EVIL_HTML}</td><td><details class="prov"><summary>source</summary><blockquote>q</blockquote><span class="note">d, p. 3</span></details></td></tr>` +
        '</tbody></table><ul class="note"><li>MME by CDC 2022.</li></ul>',
    );
    lacks(html, '12 months');
  });
});
