// The clinic outcomes dashboard (/registry/outcomes) and its API (/api/registry/analysis…): responder rates
// over time with CI bars, the Kaplan–Meier failure curve with its at-risk table, follow-up completeness, AE
// rates, the clinic beside the published arms, strata filters. Thin adapter: the statistics come from the
// stored facts (src/store/registry-analysis-facts.ts), every number from src/registry/analysis; the charts are server-rendered SVG
// with the numbers in a table beside each. Sign-in and CSRF are the registry's guard (src/web/registry/index.ts),
// which runs before these routes.

import type { Context, Hono } from 'hono';
import type { Study } from '../../domain/evidence.ts';
import { aeChart, completenessChart, responderChart, survivalChart } from '../../registry/analysis/charts.ts';
import type { CohortAnalysis } from '../../registry/analysis/core.ts';
import {
  type Comparison,
  evidenceComparisons,
  type OpioidComparison,
  opioidComparison,
} from '../../registry/analysis/evidence.ts';
import type { StratifiedAnalysis } from '../../registry/analysis/index.ts';
import { parseStrata, STRATA, type Stratum } from '../../registry/analysis/strata.ts';
import { type Actor, viaOf } from '../../registry/policy.ts';
import { parseIsoDate } from '../../registry/schedule.ts';
import { CommandError } from '../../registry/validation.ts';
import { type Db, isConnectionError } from '../../store/db.ts';
import { listSites, recordSecurityEvent, userEmail } from '../../store/registry-accounts.ts';
import type { AnalysisAccess } from '../../store/registry-analysis.ts';
import { registryAnalysis } from '../../store/registry-analysis-facts.ts';
import { html, type Raw, raw } from '../html.ts';
import { permissionsOf } from './middleware.ts';
import { layout, messagePage, type ViewCtx } from './views.ts';

export interface OutcomesOptions {
  /** The curated studies (for "beside the evidence"). */
  studies: () => readonly Study[];
  /** Today's date (tests); default the server's UTC date. */
  today?: () => string;
}

interface Auth {
  actor: Actor;
  session: { id: string; csrf: string } | null;
}

const STRATUM_LABEL: Record<Stratum, string> = {
  site: 'Site',
  therapy: 'Therapy',
  product_class: 'Product class',
  target: 'Target',
  pain_generator: 'Pain generator',
};

interface Query {
  siteId?: number;
  asOf: string;
  by: Stratum[];
  where: Partial<Record<Stratum, string>>;
}

function parseQuery(c: Context, today: string): Query {
  const site = c.req.query('site_id');
  let siteId: number | undefined;
  if (site !== undefined && site !== '') {
    siteId = Number(site);
    if (!Number.isSafeInteger(siteId) || siteId <= 0) throw new CommandError('expected a site id', 'site_id');
  }
  const asOf = c.req.query('as_of') || today;
  try {
    parseIsoDate(asOf);
  } catch {
    throw new CommandError('expected a calendar date yyyy-mm-dd', 'as_of');
  }
  let by: Stratum[];
  try {
    by = parseStrata(c.req.query('by'));
  } catch (e) {
    throw new CommandError((e as Error).message, 'by');
  }
  const where: Partial<Record<Stratum, string>> = {};
  for (const s of STRATA) {
    const v = c.req.query(s);
    if (v !== undefined && v !== '') {
      if (v.length > 120) throw new CommandError('too long', s);
      where[s] = v;
    }
  }
  return { ...(siteId !== undefined ? { siteId } : {}), asOf, by, where };
}

export interface AnalysisResponse extends StratifiedAnalysis {
  access: AnalysisAccess;
  sites: number[];
  filters: Partial<Record<Stratum, string>>;
  /** Values each stratum takes in the unfiltered data (for the filter menus). */
  strata_values: Record<Stratum, string[]>;
}

export function mountRegistryOutcomes(app: Hono, db: Db, opts: OutcomesOptions): void {
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  const authOf = (c: Context): Auth => (c as unknown as { get(k: string): Auth }).get('auth');

  async function run(c: Context): Promise<AnalysisResponse> {
    const auth = authOf(c);
    const q = parseQuery(c, today());
    const { access, sites, strata_values, ...result } = await registryAnalysis(db, auth.actor, {
      ...(q.siteId !== undefined ? { siteId: q.siteId } : {}),
      today: today(),
      asOf: q.asOf,
      by: q.by,
      where: q.where,
    });
    if (access === 'deidentified') {
      // Analysts read de-identified aggregates: logged like the de-identified export (security review M6).
      await recordSecurityEvent(db, {
        kind: 'export',
        userId: auth.actor.userId,
        via: viaOf(auth.actor),
        detail: { export: 'analysis', sites, by: q.by, filters: q.where },
      });
    }
    return { access, sites, filters: q.where, strata_values, ...result };
  }

  const fail = (c: Context, e: unknown) => {
    if (isConnectionError(e)) throw e;
    if (e instanceof CommandError) return c.json(e.toJSON(), e.status);
    console.error(`registry: ${c.req.method} ${c.req.routePath} failed: ${(e as Error).name ?? 'Error'}`);
    return c.json({ error: 'internal error' }, 500);
  };

  app.get('/api/registry/analysis', async (c) => {
    try {
      return c.json(await run(c));
    } catch (e) {
      return fail(c, e);
    }
  });
  app.get('/api/registry/analysis/evidence', async (c) => {
    try {
      const r = await run(c);
      return c.json({
        access: r.access,
        responders: evidenceComparisons(r.overall, opts.studies()),
        opioids: opioidComparison(r.overall, opts.studies()),
      });
    } catch (e) {
      return fail(c, e);
    }
  });

  app.get('/registry/outcomes', async (c) => {
    const auth = authOf(c);
    const ctx: ViewCtx = {
      email: (await userEmail(db, auth.actor.userId)) ?? '',
      role: auth.actor.role,
      csrf: auth.session?.csrf ?? '',
      can: permissionsOf(auth.actor),
    };
    try {
      const r = await run(c);
      const sites = await listSites(db, auth.actor.siteIds);
      return c.html(outcomesPage(ctx, r, sites, parseQuery(c, today()), opts.studies()));
    } catch (e) {
      if (e instanceof CommandError)
        return c.html(
          messagePage(ctx, e.status === 403 ? 'Not allowed' : 'Cannot show the outcomes', `${e.field}: ${e.message}`),
          e.status,
        );
      if (isConnectionError(e)) throw e;
      console.error(`registry: GET /registry/outcomes failed: ${(e as Error).name ?? 'Error'}`);
      return c.html(messagePage(ctx, 'Something went wrong', 'The outcomes could not be computed.'), 500);
    }
  });
}

// ---- rendering (pure) ----------------------------------------------------------------------------------

const n = (x: number | null | undefined) =>
  x === null || x === undefined ? html`<span title="withheld: small cell">—</span>` : String(x);
const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));
const ci = (p: [number, number] | null | undefined, d = 1) => (p ? `${f(p[0], d)}–${f(p[1], d)}` : '—');

const EXTRA = `.chart{display:grid;grid-template-columns:minmax(0,640px) minmax(0,1fr);gap:1rem;align-items:start}
.chart svg{max-width:100%;height:auto}@media (max-width:70rem){.chart{grid-template-columns:1fr}}
table.compact td,table.compact th{padding:.2rem .35rem;font-size:.85rem}`;

function filterForm(r: AnalysisResponse, sites: { id: number; code: string }[], q: Query): Raw {
  const sel = (name: Stratum) =>
    html`<div><label for="f-${name}">${STRATUM_LABEL[name]}</label><select id="f-${name}" name="${name}"><option value="">all</option>${r.strata_values[
      name
    ].map(
      (v) => html`<option value="${v}"${q.where[name] === v ? html` selected` : ''}>${v}</option>`,
    )}</select></div>`;
  const bySel = (i: 0 | 1) => {
    const cur = q.by[i] ?? '';
    return html`<option value=""${cur === '' ? html` selected` : ''}>—</option>${STRATA.map((s) => html`<option value="${s}"${cur === s ? html` selected` : ''}>${STRATUM_LABEL[s]}</option>`)}`;
  };
  return html`<form method="get" action="/registry/outcomes" class="inline" aria-label="Filters">
<div><label for="f-site_id">Site</label><select id="f-site_id" name="site_id"><option value="">all my sites</option>${sites.map(
    (s) => html`<option value="${s.id}"${q.siteId === s.id ? html` selected` : ''}>${s.code}</option>`,
  )}</select></div>
${STRATA.filter((s) => s !== 'site').map(sel)}
<div><label for="f-by">Compare by</label><select id="f-by" name="by">${bySel(0)}</select></div>
<div><label for="f-as_of">As of</label><input id="f-as_of" name="as_of" type="date" value="${q.asOf}"></div>
<div><button type="submit">Show</button></div></form>
<p class="note">"Compare by" splits the tables below by one stratum (the API takes two: <code>by=therapy,target</code>).</p>`;
}

function responderTable(a: CohortAnalysis): Raw {
  return html`<table class="compact"><caption>Responders per instrument and timepoint</caption><thead><tr><th>Instrument</th><th class="num">Month</th><th class="num">Eligible</th><th class="num">Assessed</th><th class="num">Responders</th><th class="num">Non-resp.</th><th class="num">Not evaluable</th><th class="num">Missed</th><th class="num">Withdrawn</th><th class="num">Not yet due</th><th class="num">% (complete case)</th><th>Exact 95% CI</th><th>Wilson 95% CI</th><th class="num">% worst case</th><th>Exact 95% CI</th></tr></thead><tbody>${a.responders.map(
    (r) =>
      html`<tr><td>${r.instrument}</td><td class="num">${r.timepoint_months}</td><td class="num">${n(r.eligible)}</td><td class="num">${n(r.assessed)}</td><td class="num">${n(r.responders)}</td><td class="num">${n(r.non_responders)}</td><td class="num">${n(r.not_evaluable)}</td><td class="num">${n(r.missing.missed)}</td><td class="num">${n(r.missing.withdrawn)}</td><td class="num">${n(r.not_yet_due)}</td><td class="num">${f(r.pct)}</td><td>${ci(r.ci_exact)}</td><td>${ci(r.ci_wilson)}</td><td class="num">${f(r.worst_case_pct)}</td><td>${ci(r.worst_case_ci_exact)}</td></tr>`,
  )}</tbody></table>
<p class="note">Rules: ${a.rules.map((x) => html`${x.instrument}: ${[x.absolute !== null ? `≥ ${x.absolute} points` : null, x.relativePct !== null ? `≥ ${x.relativePct}%` : null].filter(Boolean).join(x.combine === 'any' ? ' or ' : ' and ')} better than baseline; `)}baseline required (latest visit on or before the procedure, within the baseline window). Complete case: responders / (responders + non-responders); worst case: missed and withdrawn counted as non-responders. "Not evaluable": the rule cannot be met from that baseline (e.g. NRS 1 cannot fall 2 points).</p>`;
}

function evidenceSection(cmp: Comparison[], op: OpioidComparison): Raw {
  if (cmp.length === 0 && op.published.length === 0)
    return html`<p>No curated study reports a responder rate on the same footing as these timepoints.</p>`;
  const arms = (c: Comparison) =>
    c.published.map(
      (p) =>
        html`<tr><td><a href="/studies/${p.study_id}">${p.study_label}</a> — ${p.arm_label}${p.arm_role ? html` <span class="tag">${p.arm_role}</span>` : ''}<br><span class="note">${p.design}; ${p.definition ?? 'definition not stated'}</span></td><td class="num">${f(p.value, 0)}${p.unit}</td><td>not given</td><td><details class="prov"><summary>source</summary><blockquote>${p.provenance.quote}</blockquote><span class="note">${p.provenance.document}, ${p.provenance.locator}</span></details></td></tr>`,
    );
  return html`${cmp.map(
    (c) => html`<h3>${c.metric} at ${c.timepoint_months} months</h3>
<table class="compact"><thead><tr><th>Who</th><th class="num">Responders</th><th>95% CI</th><th>Basis</th></tr></thead><tbody>
<tr><td><strong>Your clinic</strong> (registry; ${c.clinic?.assessed ?? '—'} assessed of ${c.clinic?.eligible ?? '—'} eligible)</td><td class="num">${f(c.clinic?.pct)}% <span class="note">(worst case ${f(c.clinic?.worst_case_pct)}%)</span></td><td>${ci(c.clinic?.ci_exact ?? null)} (exact)</td><td>this registry, computed now</td></tr>
${arms(c)}</tbody></table>
<ul class="note">${c.caveats.map((x) => html`<li>${x}</li>`)}</ul>`,
  )}
<h3>Opioid use</h3>
<table class="compact"><thead><tr><th>Who</th><th>What was found</th><th>Basis</th></tr></thead><tbody>
${op.clinic
  .filter((o) => o.n !== 0)
  .map(
    (o) =>
      html`<tr><td><strong>Your clinic</strong>, ${o.timepoint_months} months (n = ${n(o.n)})</td><td>MME/day ${f(o.baseline_mean)} at baseline → ${f(o.followup_mean)}; change ${f(o.change_mean)} (95% CI ${ci(o.change_ci)}); off opioids ${f(o.off_opioids_pct)}% (${ci(o.off_opioids_ci_exact)})</td><td>this registry</td></tr>`,
  )}
${op.published.map(
  (p) =>
    html`<tr><td><a href="/studies/${p.study_id}">${p.study_label}</a> — ${p.arm_labels.join(', ')}</td><td>${p.statement}</td><td><details class="prov"><summary>source</summary><blockquote>${p.provenance.quote}</blockquote><span class="note">${p.provenance.document}, ${p.provenance.locator}</span></details></td></tr>`,
)}</tbody></table>
<ul class="note">${op.caveats.map((x) => html`<li>${x}</li>`)}</ul>`;
}

function survivalTable(a: CohortAnalysis): Raw {
  return html`<table class="compact"><caption>Number at risk and freedom from failure</caption><thead><tr><th class="num">Month</th><th class="num">At risk</th><th class="num">Failures since previous row</th><th class="num">Free of failure</th><th>95% CI (${a.survival.conf_type})</th></tr></thead><tbody>${a.survival.times.map(
    (t) =>
      html`<tr><td class="num">${t.month}</td><td class="num">${n(t.at_risk)}</td><td class="num">${n(t.events)}</td><td class="num">${f(t.survival, 3)}</td><td>${ci(t.ci, 3)}</td></tr>`,
  )}</tbody></table><p class="note">Failure: first ${a.survival.failure_events.join(' or ')} after the procedure; patients without one are censored at their last contact. Kaplan–Meier with Greenwood variance; "—" beyond the longest follow-up. ${a.survival.n ?? '—'} patients, ${a.survival.events ?? '—'} failures.</p>`;
}

function completenessTable(a: CohortAnalysis): Raw {
  return html`<table class="compact"><caption>Follow-up completeness</caption><thead><tr><th class="num">Month</th><th class="num">Eligible</th><th class="num">Seen in window</th><th class="num">Missed</th><th class="num">Withdrawn</th><th class="num">Not yet due</th><th class="num">Seen %</th></tr></thead><tbody>${a.completeness.map(
    (c) =>
      html`<tr><td class="num">${c.timepoint_months}</td><td class="num">${n(c.eligible)}</td><td class="num">${n(c.seen_in_window)}</td><td class="num">${n(c.missed)}</td><td class="num">${n(c.withdrawn)}</td><td class="num">${n(c.not_yet_due)}</td><td class="num">${f(c.pct)}</td></tr>`,
  )}</tbody></table>`;
}

function aeTable(a: CohortAnalysis): Raw {
  return html`<table class="compact"><caption>Adverse events per 100 procedures (${n(a.adverse_events.procedures)} procedures)</caption><thead><tr><th>Category</th><th class="num">Procedures with event</th><th class="num">Per 100</th><th>Exact 95% CI</th><th class="num">Events</th><th class="num">Events per 100</th><th>Exact Poisson 95% CI</th></tr></thead><tbody>${a.adverse_events.rows.map(
    (r) =>
      html`<tr><td>${r.category}</td><td class="num">${n(r.procedures_with_event)}</td><td class="num">${f(r.per_100_procedures)}</td><td>${ci(r.ci_exact)}</td><td class="num">${n(r.events)}</td><td class="num">${f(r.events_per_100)}</td><td>${ci(r.events_ci_exact)}</td></tr>`,
  )}</tbody></table><p class="note">CTCAE v5.0 grade, ICH E2A seriousness; related = possible, probable or definite for the procedure or the product (Hillman 2010 grouping).</p>`;
}

function changeTable(a: CohortAnalysis): Raw {
  return html`<table class="compact"><caption>Change from baseline (follow-up − baseline, score points)</caption><thead><tr><th>Instrument</th><th class="num">Month</th><th class="num">n</th><th class="num">Mean</th><th>95% CI (t)</th><th class="num">Median</th><th>IQR</th></tr></thead><tbody>${a.change.map(
    (c) =>
      html`<tr><td>${c.instrument}</td><td class="num">${c.timepoint_months}</td><td class="num">${n(c.n)}</td><td class="num">${f(c.mean, 2)}</td><td>${ci(c.ci, 2)}</td><td class="num">${f(c.median, 2)}</td><td>${ci(c.iqr, 2)}</td></tr>`,
  )}</tbody></table><p class="note">ODI, NRS, VAS and RMDQ: lower is better (a negative change is an improvement); EQ-5D index and PROMIS GPH: higher is better.</p>`;
}

function groupsSection(r: AnalysisResponse): Raw {
  if (r.groups.length === 0) return html``;
  return html`<h2 id="strata">By ${r.by.map((s) => STRATUM_LABEL[s]).join(' × ')}</h2>
<table class="compact"><thead><tr><th>Group</th><th class="num">Patients</th>${r.overall.responders.map((x) => html`<th class="num">${x.instrument} ${x.timepoint_months} m %</th>`)}<th class="num">Free of failure 12 m</th><th class="num">AE per 100</th></tr></thead><tbody>${r.groups.map(
    (g) =>
      html`<tr><td>${g.label}</td><td class="num">${n(g.analysis.patients)}</td>${r.overall.responders.map((x) => {
        const row = g.analysis.responders.find(
          (y) => y.instrument === x.instrument && y.timepoint_months === x.timepoint_months,
        );
        return html`<td class="num">${row ? html`${f(row.pct)} <span class="note">(${ci(row.ci_exact, 0)})</span>` : '—'}</td>`;
      })}<td class="num">${f(g.analysis.survival.times.find((t) => t.month === 12)?.survival, 3)}</td><td class="num">${f(g.analysis.adverse_events.rows[0]?.per_100_procedures)}</td></tr>`,
  )}</tbody></table>`;
}

export function outcomesPage(
  ctx: ViewCtx,
  r: AnalysisResponse,
  sites: { id: number; code: string }[],
  q: Query,
  studies: readonly Study[],
): string {
  const a = r.overall;
  const scope = r.sites.map((id) => sites.find((s) => s.id === id)?.code ?? String(id)).join(', ');
  const filters = Object.entries(r.filters).map(([k, v]) => `${STRATUM_LABEL[k as Stratum]} = ${v}`);
  return layout(
    'Clinic outcomes',
    ctx,
    html`<style>${raw(EXTRA)}</style><h1>Clinic outcomes</h1>
<p class="headline">${n(a.patients)} patients with an index procedure at ${scope || 'no site'}${filters.length ? `, ${filters.join(', ')}` : ''}; as of ${a.as_of}.</p>
${r.access === 'deidentified' ? html`<p class="warn">De-identified view (analyst): patients with a current research consent only; counts of 1–${(a.small_cell ?? 5) - 1} and everything computed from them are withheld (—).</p>` : html`<p class="note">Your sites only. Figures are computed from the registry now; settings ${a.config_versions.registry}, ${a.config_versions.instruments}, ${a.config_versions.analysis}.</p>`}
${filterForm(r, sites, q)}
<h2 id="responders">Responder rates over time</h2>
<div class="chart">${raw(responderChart(a))}<div>${responderTable(a)}</div></div>
<h2 id="evidence">Beside the evidence</h2>
${evidenceSection(evidenceComparisons(a, studies), opioidComparison(a, studies))}
<h2 id="change">Change from baseline</h2>${changeTable(a)}
<h2 id="failure">Treatment failure</h2>
<div class="chart">${raw(survivalChart(a))}<div>${survivalTable(a)}</div></div>
<h2 id="completeness">Follow-up completeness</h2>
<div class="chart">${raw(completenessChart(a))}<div>${completenessTable(a)}</div></div>
<h2 id="ae">Adverse events</h2>
<div class="chart">${raw(aeChart(a))}<div>${aeTable(a)}</div></div>
${groupsSection(r)}
<p class="note">The same analyses as JSON: <a href="/api/registry/analysis">/api/registry/analysis</a> (query: site_id, as_of, by, ${STRATA.join(', ')}); beside the evidence: <a href="/api/registry/analysis/evidence">/api/registry/analysis/evidence</a>. Definitions: docs/reference/analysis.md.</p>`,
  );
}
