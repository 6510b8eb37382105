/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (the pragma: tsx started outside the checkout, e.g. by bin/regenspine.js in another folder, reads no tsconfig.json)
// The clinic outcomes page (/registry/outcomes) as hono/jsx components over its view model (AnalysisResponse:
// every number from src/registry/analysis). JSX escapes every value; the only raw HTML is the server-rendered
// SVG of the four charts (src/registry/analysis/charts.ts builds them from numbers and escapes their text
// labels itself), each with the same numbers in a table beside it.
import { raw as trustedHtml } from 'hono/html';
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
import { STRATA, type Stratum } from '../../registry/analysis/strata.ts';
import type { AnalysisAccess } from '../../store/registry-analysis.ts';
import type { Raw } from '../html.ts';
import { jsxRaw } from '../jsx.ts';
import { layout, type ViewCtx } from './views.tsx';

/** The outcomes query, validated by the route (src/web/registry/outcomes.ts parseQuery). */
export interface OutcomesQuery {
  siteId?: number;
  asOf: string;
  by: Stratum[];
  where: Partial<Record<Stratum, string>>;
}

export interface AnalysisResponse extends StratifiedAnalysis {
  access: AnalysisAccess;
  sites: number[];
  filters: Partial<Record<Stratum, string>>;
  /** Values each stratum takes in the unfiltered data (for the filter menus). */
  strata_values: Record<Stratum, string[]>;
}

export const STRATUM_LABEL: Record<Stratum, string> = {
  site: 'Site',
  therapy: 'Therapy',
  product_class: 'Product class',
  target: 'Target',
  pain_generator: 'Pain generator',
};

/** A count, or "—" for a small cell withheld by de-identification (never shown as 0). */
const N = ({ x }: { x: number | null | undefined }) =>
  x === null || x === undefined ? <span title="withheld: small cell">—</span> : String(x);
/** A table cell holding such a count. */
const NumTd = ({ x }: { x: number | null | undefined }) => (
  <td class="num">
    <N x={x} />
  </td>
);
const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));
const ci = (p: [number, number] | null | undefined, d = 1) => (p ? `${f(p[0], d)}–${f(p[1], d)}` : '—');

const EXTRA = `.chart{display:grid;grid-template-columns:minmax(0,640px) minmax(0,1fr);gap:1rem;align-items:start}
.chart svg{max-width:100%;height:auto}@media (max-width:70rem){.chart{grid-template-columns:1fr}}
table.compact td,table.compact th{padding:.2rem .35rem;font-size:.85rem}`;

/** A chart and its table side by side. The SVG is the server-rendered chart of src/registry/analysis/charts.ts:
 * built from numbers, its few text labels escaped there (raw HTML here for that reason only). */
const Chart = ({ svg, children }: { svg: string; children?: unknown }) => (
  <div class="chart">
    {trustedHtml(svg)}
    <div>{children}</div>
  </div>
);

function FilterForm({ r, sites, q }: { r: AnalysisResponse; sites: { id: number; code: string }[]; q: OutcomesQuery }) {
  const cur = q.by[0] ?? '';
  return (
    <>
      <form method="get" action="/registry/outcomes" class="inline" aria-label="Filters">
        <div>
          <label for="f-site_id">Site</label>
          <select id="f-site_id" name="site_id">
            <option value="">all my sites</option>
            {sites.map((s) => (
              <option value={String(s.id)} selected={q.siteId === s.id}>
                {s.code}
              </option>
            ))}
          </select>
        </div>
        {STRATA.filter((s) => s !== 'site').map((name) => (
          <div>
            <label for={`f-${name}`}>{STRATUM_LABEL[name]}</label>
            <select id={`f-${name}`} name={name}>
              <option value="">all</option>
              {r.strata_values[name].map((v) => (
                <option value={v} selected={q.where[name] === v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div>
          <label for="f-by">Compare by</label>
          <select id="f-by" name="by">
            <option value="" selected={cur === ''}>
              —
            </option>
            {STRATA.map((s) => (
              <option value={s} selected={cur === s}>
                {STRATUM_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-as_of">As of</label>
          <input id="f-as_of" name="as_of" type="date" value={q.asOf} />
        </div>
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      <p class="note">
        "Compare by" splits the tables below by one stratum (the API takes two: <code>by=therapy,target</code>).
      </p>
    </>
  );
}

function ResponderTable({ a }: { a: CohortAnalysis }) {
  return (
    <>
      <table class="compact">
        <caption>Responders per instrument and timepoint</caption>
        <thead>
          <tr>
            <th>Instrument</th>
            <th class="num">Month</th>
            <th class="num">Eligible</th>
            <th class="num">Assessed</th>
            <th class="num">Responders</th>
            <th class="num">Non-resp.</th>
            <th class="num">Not evaluable</th>
            <th class="num">Missed</th>
            <th class="num">Withdrawn</th>
            <th class="num">Not yet due</th>
            <th class="num">% (complete case)</th>
            <th>Exact 95% CI</th>
            <th>Wilson 95% CI</th>
            <th class="num">% worst case</th>
            <th>Exact 95% CI</th>
          </tr>
        </thead>
        <tbody>
          {a.responders.map((r) => (
            <tr>
              <td>{r.instrument}</td>
              <td class="num">{r.timepoint_months}</td>
              <NumTd x={r.eligible} />
              <NumTd x={r.assessed} />
              <NumTd x={r.responders} />
              <NumTd x={r.non_responders} />
              <NumTd x={r.not_evaluable} />
              <NumTd x={r.missing.missed} />
              <NumTd x={r.missing.withdrawn} />
              <NumTd x={r.not_yet_due} />
              <td class="num">{f(r.pct)}</td>
              <td>{ci(r.ci_exact)}</td>
              <td>{ci(r.ci_wilson)}</td>
              <td class="num">{f(r.worst_case_pct)}</td>
              <td>{ci(r.worst_case_ci_exact)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Rules:{' '}
        {a.rules.map(
          (x) =>
            `${x.instrument}: ${[x.absolute !== null ? `≥ ${x.absolute} points` : null, x.relativePct !== null ? `≥ ${x.relativePct}%` : null].filter(Boolean).join(x.combine === 'any' ? ' or ' : ' and ')} better than baseline; `,
        )}
        baseline required (latest visit on or before the procedure, within the baseline window). Complete case:
        responders / (responders + non-responders); worst case: missed and withdrawn counted as non-responders. "Not
        evaluable": the rule cannot be met from that baseline (e.g. NRS 1 cannot fall 2 points).
      </p>
    </>
  );
}

const Provenance = ({ p }: { p: { quote: string; document: string; locator: string } }) => (
  <details class="prov">
    <summary>source</summary>
    <blockquote>{p.quote}</blockquote>
    <span class="note">
      {p.document}, {p.locator}
    </span>
  </details>
);

/** The clinic beside the published arms, as HTML for the public evidence pages (src/web/clinic-beside.ts). */
export const evidenceSection = (cmp: Comparison[], op: OpioidComparison): Raw =>
  jsxRaw(<EvidenceSection cmp={cmp} op={op} />);

function EvidenceSection({ cmp, op }: { cmp: Comparison[]; op: OpioidComparison }) {
  if (cmp.length === 0 && op.published.length === 0)
    return <p>No curated study reports a responder rate on the same footing as these timepoints.</p>;
  return (
    <>
      {cmp.map((c) => (
        <>
          <h3>
            {c.metric} at {c.timepoint_months} months
          </h3>
          <table class="compact" tabindex={0}>
            <thead>
              <tr>
                <th>Who</th>
                <th class="num">Responders</th>
                <th>95% CI</th>
                <th>Basis</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>
                  <strong>Your clinic</strong> (registry; {c.clinic?.assessed ?? '—'} assessed of{' '}
                  {c.clinic?.eligible ?? '—'} eligible)
                </td>
                <td class="num">
                  {f(c.clinic?.pct)}% <span class="note">(worst case {f(c.clinic?.worst_case_pct)}%)</span>
                </td>
                <td>{ci(c.clinic?.ci_exact ?? null)} (exact)</td>
                <td>this registry, computed now</td>
              </tr>
              {c.published.map((p) => (
                <tr>
                  <td>
                    <a href={`/studies/${p.study_id}`}>{p.study_label}</a> — {p.arm_label}
                    {p.arm_role ? (
                      <>
                        {' '}
                        <span class="tag">{p.arm_role}</span>
                      </>
                    ) : null}
                    <br />
                    <span class="note">
                      {p.design}; {p.definition ?? 'definition not stated'}
                    </span>
                  </td>
                  <td class="num">
                    {f(p.value, 0)}
                    {p.unit}
                  </td>
                  <td>not given</td>
                  <td>
                    <Provenance p={p.provenance} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul class="note">
            {c.caveats.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </>
      ))}
      <h3>Opioid use</h3>
      <table class="compact" tabindex={0}>
        <thead>
          <tr>
            <th>Who</th>
            <th>What was found</th>
            <th>Basis</th>
          </tr>
        </thead>
        <tbody>
          {op.clinic
            .filter((o) => o.n !== 0)
            .map((o) => (
              <tr>
                <td>
                  <strong>Your clinic</strong>, {o.timepoint_months} months (n = <N x={o.n} />)
                </td>
                <td>
                  MME/day {f(o.baseline_mean)} at baseline → {f(o.followup_mean)}; change {f(o.change_mean)} (95% CI{' '}
                  {ci(o.change_ci)}); off opioids {f(o.off_opioids_pct)}% ({ci(o.off_opioids_ci_exact)})
                </td>
                <td>this registry</td>
              </tr>
            ))}
          {op.published.map((p) => (
            <tr>
              <td>
                <a href={`/studies/${p.study_id}`}>{p.study_label}</a> — {p.arm_labels.join(', ')}
              </td>
              <td>{p.statement}</td>
              <td>
                <Provenance p={p.provenance} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul class="note">
        {op.caveats.map((x) => (
          <li>{x}</li>
        ))}
      </ul>
    </>
  );
}

function SurvivalTable({ a }: { a: CohortAnalysis }) {
  return (
    <>
      <table class="compact">
        <caption>Number at risk and freedom from failure</caption>
        <thead>
          <tr>
            <th class="num">Month</th>
            <th class="num">At risk</th>
            <th class="num">Failures since previous row</th>
            <th class="num">Free of failure</th>
            <th>95% CI ({a.survival.conf_type})</th>
          </tr>
        </thead>
        <tbody>
          {a.survival.times.map((t) => (
            <tr>
              <td class="num">{t.month}</td>
              <NumTd x={t.at_risk} />
              <NumTd x={t.events} />
              <td class="num">{f(t.survival, 3)}</td>
              <td>{ci(t.ci, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Failure: first {a.survival.failure_events.join(' or ')} after the procedure; patients without one are censored
        at their last contact. Kaplan–Meier with Greenwood variance; "—" beyond the longest follow-up.{' '}
        {a.survival.n ?? '—'} patients, {a.survival.events ?? '—'} failures.
      </p>
    </>
  );
}

function CompletenessTable({ a }: { a: CohortAnalysis }) {
  return (
    <table class="compact">
      <caption>Follow-up completeness</caption>
      <thead>
        <tr>
          <th class="num">Month</th>
          <th class="num">Eligible</th>
          <th class="num">Seen in window</th>
          <th class="num">Missed</th>
          <th class="num">Withdrawn</th>
          <th class="num">Not yet due</th>
          <th class="num">Seen %</th>
        </tr>
      </thead>
      <tbody>
        {a.completeness.map((c) => (
          <tr>
            <td class="num">{c.timepoint_months}</td>
            <NumTd x={c.eligible} />
            <NumTd x={c.seen_in_window} />
            <NumTd x={c.missed} />
            <NumTd x={c.withdrawn} />
            <NumTd x={c.not_yet_due} />
            <td class="num">{f(c.pct)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AeTable({ a }: { a: CohortAnalysis }) {
  return (
    <>
      <table class="compact">
        <caption>
          Adverse events per 100 procedures (<N x={a.adverse_events.procedures} /> procedures)
        </caption>
        <thead>
          <tr>
            <th>Category</th>
            <th class="num">Procedures with event</th>
            <th class="num">Per 100</th>
            <th>Exact 95% CI</th>
            <th class="num">Events</th>
            <th class="num">Events per 100</th>
            <th>Exact Poisson 95% CI</th>
          </tr>
        </thead>
        <tbody>
          {a.adverse_events.rows.map((r) => (
            <tr>
              <td>{r.category}</td>
              <NumTd x={r.procedures_with_event} />
              <td class="num">{f(r.per_100_procedures)}</td>
              <td>{ci(r.ci_exact)}</td>
              <NumTd x={r.events} />
              <td class="num">{f(r.events_per_100)}</td>
              <td>{ci(r.events_ci_exact)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        CTCAE v5.0 grade, ICH E2A seriousness; related = possible, probable or definite for the procedure or the product
        (Hillman 2010 grouping).
      </p>
    </>
  );
}

function ChangeTable({ a }: { a: CohortAnalysis }) {
  return (
    <>
      <table class="compact">
        <caption>Change from baseline (follow-up − baseline, score points)</caption>
        <thead>
          <tr>
            <th>Instrument</th>
            <th class="num">Month</th>
            <th class="num">n</th>
            <th class="num">Mean</th>
            <th>95% CI (t)</th>
            <th class="num">Median</th>
            <th>IQR</th>
          </tr>
        </thead>
        <tbody>
          {a.change.map((c) => (
            <tr>
              <td>{c.instrument}</td>
              <td class="num">{c.timepoint_months}</td>
              <NumTd x={c.n} />
              <td class="num">{f(c.mean, 2)}</td>
              <td>{ci(c.ci, 2)}</td>
              <td class="num">{f(c.median, 2)}</td>
              <td>{ci(c.iqr, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        ODI, NRS, VAS and RMDQ: lower is better (a negative change is an improvement); EQ-5D index and PROMIS GPH:
        higher is better.
      </p>
    </>
  );
}

function GroupsSection({ r }: { r: AnalysisResponse }) {
  if (r.groups.length === 0) return null;
  return (
    <>
      <h2 id="strata">By {r.by.map((s) => STRATUM_LABEL[s]).join(' × ')}</h2>
      <table class="compact">
        <thead>
          <tr>
            <th>Group</th>
            <th class="num">Patients</th>
            {r.overall.responders.map((x) => (
              <th class="num">
                {x.instrument} {x.timepoint_months} m %
              </th>
            ))}
            <th class="num">Free of failure 12 m</th>
            <th class="num">AE per 100</th>
          </tr>
        </thead>
        <tbody>
          {r.groups.map((g) => (
            <tr>
              <td>{g.label}</td>
              <NumTd x={g.analysis.patients} />
              {r.overall.responders.map((x) => {
                const row = g.analysis.responders.find(
                  (y) => y.instrument === x.instrument && y.timepoint_months === x.timepoint_months,
                );
                return (
                  <td class="num">
                    {row ? (
                      <>
                        {f(row.pct)} <span class="note">({ci(row.ci_exact, 0)})</span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                );
              })}
              <td class="num">{f(g.analysis.survival.times.find((t) => t.month === 12)?.survival, 3)}</td>
              <td class="num">{f(g.analysis.adverse_events.rows[0]?.per_100_procedures)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function outcomesPage(
  ctx: ViewCtx,
  r: AnalysisResponse,
  sites: { id: number; code: string }[],
  q: OutcomesQuery,
  studies: readonly Study[],
): string {
  const a = r.overall;
  const scope = r.sites.map((id) => sites.find((s) => s.id === id)?.code ?? String(id)).join(', ');
  const filters = Object.entries(r.filters).map(([k, v]) => `${STRATUM_LABEL[k as Stratum]} = ${v}`);
  return layout(
    'Clinic outcomes',
    ctx,
    <>
      {/* A constant of this file; <style> is a raw-text element, so it must not be escaped. */}
      <style>{trustedHtml(EXTRA)}</style>
      <h1>Clinic outcomes</h1>
      <p class="headline">
        <N x={a.patients} /> patients with an index procedure at {scope || 'no site'}
        {filters.length ? `, ${filters.join(', ')}` : ''}; as of {a.as_of}.
      </p>
      {r.access === 'deidentified' ? (
        <p class="warn">
          De-identified view (analyst): patients with a current research consent only; counts of 1–
          {(a.small_cell ?? 5) - 1} and everything computed from them are withheld (—).
        </p>
      ) : (
        <p class="note">
          Your sites only. Figures are computed from the registry now; settings {a.config_versions.registry},{' '}
          {a.config_versions.instruments}, {a.config_versions.analysis}.
        </p>
      )}
      <FilterForm r={r} sites={sites} q={q} />
      <h2 id="responders">Responder rates over time</h2>
      <Chart svg={responderChart(a)}>
        <ResponderTable a={a} />
      </Chart>
      <h2 id="evidence">Beside the evidence</h2>
      <EvidenceSection cmp={evidenceComparisons(a, studies)} op={opioidComparison(a, studies)} />
      <h2 id="change">Change from baseline</h2>
      <ChangeTable a={a} />
      <h2 id="failure">Treatment failure</h2>
      <Chart svg={survivalChart(a)}>
        <SurvivalTable a={a} />
      </Chart>
      <h2 id="completeness">Follow-up completeness</h2>
      <Chart svg={completenessChart(a)}>
        <CompletenessTable a={a} />
      </Chart>
      <h2 id="ae">Adverse events</h2>
      <Chart svg={aeChart(a)}>
        <AeTable a={a} />
      </Chart>
      <GroupsSection r={r} />
      <p class="note">
        The same analyses as JSON: <a href="/api/registry/analysis">/api/registry/analysis</a> (query: site_id, as_of,
        by, {STRATA.join(', ')}); beside the evidence:{' '}
        <a href="/api/registry/analysis/evidence">/api/registry/analysis/evidence</a>. Definitions:
        docs/reference/analysis.md.
      </p>
    </>,
  );
}
