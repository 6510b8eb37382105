// "What the evidence shows" for one therapy: the Summary-of-Findings table and, per question, its forest plot
// (≥ 2 study effects), study effects with the numbers they come from, reported analyses as results, findings
// stated without numbers, what could not be computed and why, and the GRADE suggestion with its reasons one
// click away and any reviewer override beside it. Pure: a Sof in, HTML out (also `regenspine sof --format html`).
import type { Provenance } from '../domain/evidence.ts';
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import type { Method } from '../stats/rma.ts';
import type { EffectInput } from '../synthesis/effects.ts';
import { questionForest } from '../synthesis/forest.ts';
import type { Certainty } from '../synthesis/grade.ts';
import { absoluteCell } from '../synthesis/render.ts';
import type { Sof, SofQuestion } from '../synthesis/sof.ts';
import { html, page, type Raw, raw } from './html.ts';
import { provenanceDetails } from './render.ts';

const CERT_WORDS: Record<Certainty, string> = {
  high: 'High',
  moderate: 'Moderate',
  low: 'Low',
  'very-low': 'Very low',
};
// GRADE's symbols (⊕⊕⊕⊕ high … ⊕◯◯◯ very low), so the badge reads without colour.
const CERT_SYMBOLS: Record<Certainty, string> = {
  high: '⊕⊕⊕⊕',
  moderate: '⊕⊕⊕◯',
  low: '⊕⊕◯◯',
  'very-low': '⊕◯◯◯',
};

// Badge colours pass WCAG AA contrast with their text; the word and symbols carry the meaning.
const STYLE = `
.badge{display:inline-block;border:2px solid;border-radius:4px;padding:0 .35rem;font-weight:600;white-space:nowrap}
.badge .sym{letter-spacing:.05em;margin-right:.25rem}
.cert-high{color:#14532d;background:#e8f5ec}.cert-moderate{color:#1e3a8a;background:#e8eefc}
.cert-low{color:#7a3a00;background:#fff4e5}.cert-very-low{color:#7f1d1d;background:#fdecec}
.kind{display:inline-block;font-size:.8rem;border:1px solid var(--line);border-radius:3px;padding:0 .3rem;margin-left:.3rem;background:#f3f6f9}
figure.forest{margin:.5rem 0 1rem}
figure.forest svg{max-width:100%;height:auto;border:1px solid var(--line)}
section.q{border-top:1px solid var(--line);margin-top:1.5rem}
.override{border-left:4px solid #6b21a8;background:#f5f0fa;padding:.4rem .7rem;margin:.5rem 0}
.stale{color:var(--warn);font-weight:600}
dl.inputs dt{font-weight:600}dl.inputs dd{margin:0 0 .3rem 1rem}
`;

const n2 = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : Number(x.toFixed(d)).toString().replace(/^-/, '−');

const anchor = (q: SofQuestion) => `q-${q.id.replace(/[^a-z0-9-]+/gi, '-')}`;
const studyHref = (id: string) => `/studies/${encodeURIComponent(id)}`;
const studyLink = (id: string) => html`<a href="${studyHref(id)}">${id}</a>`;

export function certaintyBadge(c: Certainty): Raw {
  return html`<span class="badge cert-${c}"><span class="sym" aria-hidden="true">${CERT_SYMBOLS[c]}</span>${CERT_WORDS[c]}</span>`;
}

function effectText(measure: string, est: number, lb: number, ub: number): string {
  if (measure === 'PLO') return `${n2(est * 100, 0)}% (95% CI ${n2(lb * 100, 0)}% to ${n2(ub * 100, 0)}%)`;
  return `${measure} ${n2(est)} (95% CI ${n2(lb)} to ${n2(ub)})`;
}

/** The result cell of the SoF table: pooled or single-study effect, else the reported analysis, else what there is. */
function resultCell(q: SofQuestion): Raw {
  const e = q.effect;
  if (e) {
    const label =
      e.body === 'single-arm'
        ? html`<span class="kind">single-arm</span>`
        : html`<span class="kind">${e.k === 1 ? 'single study' : `pooled, k = ${e.k}`}</span>`;
    return html`${effectText(e.measure, e.estimate, e.ci_lb, e.ci_ub)} ${label}`;
  }
  const r = q.reported_analyses[0];
  if (r)
    return html`${r.measure} ${n2(r.estimate)}${r.ci_lb !== null && r.ci_ub !== null ? ` (95% CI ${n2(r.ci_lb)} to ${n2(r.ci_ub)})` : ''} <span class="kind">reported by ${studyLink(r.study_id)}</span> ${provenanceDetails(r.provenance, 'quote')}`;
  if (q.findings.some((f) => f.favours !== null || f.change !== null))
    return html`<span class="note">direction only, no numbers</span>`;
  if (q.not_computable.length) return html`<span class="note">not computable (${q.not_computable.length})</span>`;
  return html`<span class="note">no estimate</span>`;
}

function participantsCell(q: SofQuestion): string {
  const k = q.study_ids.length;
  const n = q.participants ?? q.reported_analyses[0]?.participants ?? null;
  return `${n ?? '—'} (${k} ${k === 1 ? 'study' : 'studies'}${q.reported_analyses.length && q.effect === null ? ', a review' : ''})`;
}

function reasonsShort(q: SofQuestion): string {
  return q.domains
    .filter((d) => d.steps > 0)
    .map((d) => `${d.domain.replace(/-/g, ' ')} ${d.domain === 'large-effect' ? '+' : '−'}${d.steps}`)
    .join('; ');
}

function inputItem(i: EffectInput): Raw {
  if (i.derivation)
    return html`<li>${i.name}: ${n2(i.value, 4)} <span class="note">(derived: ${i.derivation.formula})</span> ${i.derivation.inputs.map((x) => provenanceDetails(x.provenance, x.name))}</li>`;
  return html`<li>${i.name}: ${n2(i.value, 4)} ${provenanceDetails(i.provenance ?? undefined, 'quote')}</li>`;
}

function studyEffectsTable(q: SofQuestion): Raw {
  if (q.study_effects.length === 0) return html``;
  const single = q.study_effects.length === 1;
  return html`<table><caption>${single ? 'Single study (not pooled)' : `Study effects (${q.study_effects.length})`}${q.effect?.body === 'single-arm' ? ' — single-arm, no comparator' : ''}</caption>
<thead><tr><th scope="col">Study</th><th scope="col">Measure</th><th scope="col">Estimate (95% CI)</th><th scope="col" class="num">Events / n</th><th scope="col">Computed from</th></tr></thead><tbody>${q.study_effects.map(
    (e) =>
      html`<tr><td>${studyLink(e.study_id)}${e.when ? html`<br><span class="note">${e.when}</span>` : ''}</td><td>${e.measure === 'PLO' ? 'proportion (single-arm)' : e.measure}${e.as_reported ? ' (as reported)' : ''}</td><td>${effectText(e.measure, e.estimate, e.ci_lb, e.ci_ub)}</td><td class="num">${e.events !== null ? `${e.events} / ${e.n}` : Number.isFinite(e.n) ? `n = ${e.n}` : '—'}${e.comparator ? html`<br><span class="note">comparator ${e.comparator.events} / ${e.comparator.n}</span>` : ''}</td><td><ul>${e.derived_from.map(inputItem)}</ul></td></tr>`,
  )}</tbody></table>`;
}

function forestFigure(q: SofQuestion, method: Method): Raw {
  const f = questionForest(q, method);
  if (!f) return html``;
  const id = `${anchor(q)}-fig`;
  const pct = f.measure === 'PLO';
  const v = (x: number) => (pct ? `${n2(x * 100, 0)}%` : n2(x));
  const e = q.effect!;
  const alt = `Forest plot of ${f.rows.length} studies: ${f.rows.map((r) => `${r.study_id} ${v(r.estimate)} (${v(r.ci_lb)} to ${v(r.ci_ub)})`).join('; ')}; ${e.body === 'single-arm' ? 'pooled single-arm proportion' : `pooled ${e.measure}`} ${v(e.estimate)} (95% CI ${v(e.ci_lb)} to ${v(e.ci_ub)}), ${e.method}${e.i2 !== null ? `, I² ${n2(e.i2, 0)}%` : ''}.`;
  const svg = f.svg.replace('<svg ', `<svg role="img" aria-labelledby="${id}-alt" `);
  return html`<figure class="forest" aria-labelledby="${id}-cap">${raw(svg)}<figcaption id="${id}-cap"><span id="${id}-alt">${alt}</span></figcaption></figure>
<table><caption>Numbers in the forest plot</caption><thead><tr><th scope="col">Study</th><th scope="col" class="num">Events / n</th><th scope="col" class="num">Estimate</th><th scope="col" class="num">95% CI</th><th scope="col" class="num">Weight</th></tr></thead><tbody>${f.rows.map(
    (r) =>
      html`<tr><td>${studyLink(r.study_id)}</td><td class="num">${r.events !== null && r.n !== null ? `${r.events} / ${r.n}` : (r.n ?? '—')}</td><td class="num">${v(r.estimate)}</td><td class="num">${v(r.ci_lb)} to ${v(r.ci_ub)}</td><td class="num">${n2(r.weight, 1)}%</td></tr>`,
  )}<tr><th scope="row">${e.body === 'single-arm' ? 'Pooled (single-arm)' : 'Pooled'}, ${e.method}</th><td class="num">${e.participants ?? '—'}</td><td class="num">${v(e.estimate)}</td><td class="num">${v(e.ci_lb)} to ${v(e.ci_ub)}</td><td class="num">100%</td></tr></tbody></table>
${e.pi_lb !== null && e.pi_ub !== null ? html`<p class="note">Prediction interval ${v(e.pi_lb)} to ${v(e.pi_ub)}${e.tau2 !== null ? `; τ² = ${n2(e.tau2, 4)}` : ''}. ${e.software}.</p>` : ''}`;
}

function certaintyBlock(q: SofQuestion): Raw {
  const ov = q.override;
  return html`<p>Certainty (computed GRADE suggestion): ${certaintyBadge(q.certainty)}</p>
<details><summary>Why ${CERT_WORDS[q.certainty].toLowerCase()}: ${reasonsShort(q) || 'not rated down'}</summary>
<p>${q.start_reason} Start: ${CERT_WORDS[q.start]}.</p>
<table><caption>GRADE domains (rule trace)</caption><thead><tr><th scope="col">Domain</th><th scope="col" class="num">Steps</th><th scope="col">Reason</th></tr></thead><tbody>${q.domains.map(
    (d) =>
      html`<tr><td>${d.domain.replace(/-/g, ' ')}</td><td class="num">${d.steps === 0 ? '0' : `${d.domain === 'large-effect' ? '+' : '−'}${d.steps}`}</td><td>${d.reason}</td></tr>`,
  )}</tbody></table></details>
${
  ov
    ? html`<div class="override"><p><strong>Reviewer judgement</strong> (shown beside the computed suggestion, which it does not replace):</p><ul>${ov.file.overrides.map(
        (o) =>
          html`<li>${o.domain}: ${o.domain === 'overall' ? CERT_WORDS[o.from as Certainty] : `${o.from} step(s)`} → ${o.domain === 'overall' ? html`${certaintyBadge(o.to as Certainty)}` : `${o.to} step(s)`} — ${o.reason} <span class="note">(${o.who}, ${o.date})</span></li>`,
      )}</ul>${ov.stale.length ? html`<p class="stale">Out of date: ${ov.stale.join('; ')}.</p>` : ''}</div>`
    : ''
}`;
}

function provList(items: { study_id: string; text: string; provenance: Provenance }[]): Raw {
  return html`<ul>${items.map((x) => html`<li>${studyLink(x.study_id)}: ${x.text} ${provenanceDetails(x.provenance, 'quote')}</li>`)}</ul>`;
}

function questionSection(q: SofQuestion, method: Method): Raw {
  const kind =
    q.effect?.body === 'single-arm'
      ? 'single-arm'
      : q.effect?.k === 1
        ? 'single study'
        : q.effect
          ? `pooled, k = ${q.effect.k}`
          : null;
  return html`<section class="q" id="${anchor(q)}" aria-labelledby="${anchor(q)}-h"><h3 id="${anchor(q)}-h">${q.outcome} · ${q.timepoint} · ${q.comparison} · target ${q.target.replace(/-/g, ' ')}${kind ? html`<span class="kind">${kind}</span>` : ''}</h3>
<p>${q.statement}</p>
<p class="note">Studies: ${q.study_ids.map((id, i) => html`${i ? ', ' : ''}${studyLink(id)}`)}. Question id <code>${q.id}</code>.</p>
${q.effect ? html`<p><strong>Result:</strong> ${resultCell(q)}; participants ${q.participants ?? 'not stated'}.</p>` : ''}
${q.absolute ? html`<p><strong>Anticipated absolute effect:</strong> ${absoluteCell(q)} <span class="note">(${q.absolute.formula}; ${q.absolute.source})</span></p>` : q.effect && q.effect.body !== 'single-arm' ? html`<p class="note">No absolute effect per 1,000: ${q.absolute_reason}.</p>` : ''}
${forestFigure(q, method)}
${studyEffectsTable(q)}
${
  q.reported_analyses.length
    ? html`<h4>Reported analyses (results as the review reports them; not pooled again)</h4><ul>${q.reported_analyses.map(
        (r) =>
          html`<li>${studyLink(r.study_id)} reports ${r.measure} ${n2(r.estimate)}${r.ci_lb !== null && r.ci_ub !== null ? ` (95% CI ${n2(r.ci_lb)} to ${n2(r.ci_ub)})` : ' (CI not stated)'}${r.when ? `, ${r.when}` : ''}: ${r.intervention} vs ${r.comparator}${r.k !== null ? `, ${r.k} studies` : ''}${r.participants !== null ? `, ${r.participants} participants` : ''}${r.heterogeneity ? `, ${r.heterogeneity}` : ''}. ${provenanceDetails(r.provenance, 'quote')}</li>`,
      )}</ul>`
    : ''
}
${q.findings.length ? html`<h4>Stated without numbers</h4>${provList(q.findings.map((f) => ({ study_id: f.study_id, text: f.sentence, provenance: f.provenance })))}` : ''}
${q.not_computable.length ? html`<h4>Not computable</h4>${provList(q.not_computable.map((n) => ({ study_id: n.study_id, text: `${n.reason} [${n.kind}]`, provenance: n.provenance })))}` : ''}
${certaintyBlock(q)}
${q.warnings.length ? html`<ul class="note">${q.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
</section>`;
}

/** `clinic`: a signed-in clinic's figures beside the studies (src/web/clinic-beside.ts), after the SoF table. */
export function sofBody(s: Sof, clinic: Raw | null = null): Raw {
  const label = THERAPY_GROUPS[s.therapy]?.label ?? s.therapy;
  const withForest = s.questions.filter((q) => (q.effect?.k ?? 0) >= 2).length;
  return html`<h1>What the evidence shows: ${label} for ${s.condition}${s.target ? ` (target ${s.target})` : ''}</h1>
<p>${s.questions.length} outcome questions (outcome × time window × comparison × injection target), computed from the curated studies. Certainty is a <strong>computed GRADE suggestion</strong> with its rule trace; a reviewer's judgement, where there is one, is shown beside it. ${withForest} ${withForest === 1 ? 'question has' : 'questions have'} two or more study effects and a forest plot. Every number links to the words of its source.</p>
<p class="note">Certainty: ${(['high', 'moderate', 'low', 'very-low'] as const).map((c) => html`${certaintyBadge(c)} `)} (GRADE symbols ⊕ filled, ◯ empty).</p>
<table><caption>Summary of Findings (${s.method}${s.method === 'EE' || s.method === 'FE' ? '' : ' + Knapp–Hartung'} where pooled)</caption>
<thead><tr><th scope="col">Outcome</th><th scope="col">Timepoint</th><th scope="col">Comparison</th><th scope="col">Target</th><th scope="col">№ participants (studies)</th><th scope="col">Result (95% CI)</th><th scope="col">Absolute effect</th><th scope="col">Certainty</th></tr></thead>
<tbody>${s.questions.map(
    (q) =>
      html`<tr><th scope="row"><a href="#${anchor(q)}">${q.outcome}</a></th><td>${q.timepoint}</td><td>${q.comparison}</td><td>${q.target.replace(/-/g, ' ')}</td><td>${participantsCell(q)}</td><td>${resultCell(q)}</td><td>${q.absolute ? absoluteCell(q) : html`<span class="note">—</span>`}</td><td>${certaintyBadge(q.certainty)}${q.override ? html`<br><span class="note">reviewer judgement on file</span>` : ''}</td></tr>`,
  )}</tbody></table>
${clinic ?? ''}<h2>Each question</h2>
${s.questions.map((q) => questionSection(q, s.method))}
<h2>ASIPP evidence level per target (computed suggestion)</h2>
<table><thead><tr><th scope="col">Target</th><th scope="col">Computed level</th><th scope="col">Stated by a source</th><th scope="col">Rule trace</th></tr></thead><tbody>${s.asipp.map(
    (a) =>
      html`<tr><td>${a.target}</td><td>${a.level}</td><td>${a.stated ? html`${a.stated.level} (${a.stated.body}, as reported by ${a.stated.reported_by}) ${provenanceDetails(a.stated.provenance, 'quote')}` : '—'}${a.differs ? html`<br><span class="note">${a.differs}</span>` : ''}</td><td><details><summary>trace</summary><ul>${a.trace.map((t) => html`<li>${t}</li>`)}</ul></details></td></tr>`,
  )}</tbody></table>
<p class="note">Rules: GRADE (risk of bias, inconsistency, indirectness, imprecision, publication bias; large effect) and ASIPP levels as documented in the repository (docs/synthesis.md). JSON of this page: <a href="/api/sof?therapy=${encodeURIComponent(s.therapy)}&amp;condition=${encodeURIComponent(s.condition)}">/api/sof</a>.</p>`;
}

/** The page served at /therapies/:therapy/evidence. */
export function renderSofPage(s: Sof, clinic: Raw | null = null): string {
  const label = THERAPY_GROUPS[s.therapy]?.label ?? s.therapy;
  return page(
    `What the evidence shows: ${label}`,
    html`<p class="note"><a href="/therapies/${encodeURIComponent(s.therapy)}">← ${label}: evidence card and studies</a></p>${sofBody(s, clinic)}`,
    { style: STYLE },
  );
}

/** A standalone HTML document (`regenspine sof --format html`): no site navigation; study links are relative to a server. */
export function renderSofHtmlDocument(s: Sof): string {
  const label = THERAPY_GROUPS[s.therapy]?.label ?? s.therapy;
  return page(`Summary of Findings: ${label}`, sofBody(s), { nav: false, style: STYLE });
}
