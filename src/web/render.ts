// Server-rendered pages of the evidence engine. Pure: data in, HTML out; no JavaScript needed.
import type { Measured, Provenance, Study } from '../domain/evidence.ts';
import { type Design, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { citationText, computeCard, type EvidenceCard, studyTitle } from '../evidence/card.ts';
import { knownConditions, selectStudies, studyKind, treatedArms } from '../evidence/select.ts';
import { esc, html, page, type Raw, raw } from './html.ts';

/** Therapy groups shown on the home matrix, in this order. */
export const MATRIX_THERAPIES = ['all', 'msc', 'bmc', 'mpc', 'ad-msc', 'bm-msc', 'uc-msc', 'prp', 'prf'];

const DESIGN_SHORT: Record<Design, string> = {
  rct: 'RCT',
  'non-randomized-controlled': 'non-randomized controlled',
  'single-arm': 'single-arm',
  'case-series': 'case series',
  'case-report': 'case report',
  'systematic-review': 'systematic review',
  'meta-analysis': 'meta-analysis',
  'narrative-review': 'narrative review',
  registry: 'registry',
  'not-stated': 'design not stated',
};

export function provenanceDetails(p: Provenance | undefined, label = 'source'): Raw {
  if (!p) return html``;
  return html`<details class="prov"><summary title="${p.quote}">${label}</summary><blockquote><p>“${p.quote}”</p><p class="note">${p.document}, ${p.locator}</p></blockquote></details>`;
}

export function measured(m: Measured, unit = ''): Raw {
  if (m.value === null)
    return html`<span title="${m.null_reason ?? ''}">unknown</span> <span class="note">(${m.null_reason ?? 'not reported'})</span>`;
  return html`${m.value}${unit} ${provenanceDetails(m.provenance)}`;
}

const studyLink = (id: string) => html`<a href="/studies/${encodeURIComponent(id)}">${id}</a>`;
const idList = (ids: string[]) =>
  ids.length ? html`<span class="ids">[${ids.map((id, i) => html`${i ? ', ' : ''}${studyLink(id)}`)}]</span>` : html``;

export function renderHome(studies: Study[]): string {
  const condition = knownConditions()[0]!;
  const rows = MATRIX_THERAPIES.map((t) => {
    const sel = selectStudies(studies, condition, t);
    const card = computeCard(studies, condition, t);
    const designs = Object.entries(card.designs)
      .map(([d, n]) => `${n} ${DESIGN_SHORT[d as Design]}`)
      .join(', ');
    return html`<tr><th scope="row"><a href="/therapies/${t}">${THERAPY_GROUPS[t]!.label}</a></th><td class="num">${card.studies}</td><td class="num">${card.patients_enrolled}${card.patients_enrolled_unknown.length ? '+' : ''}</td><td>${designs || '—'}</td><td class="num">${sel.ongoing.length + sel.protocols.length}</td><td class="num">${sel.reviews.length}</td></tr>`;
  });
  const body = html`<h1>Regenerative therapies for chronic low back pain: what the evidence says</h1>
<p>Every study below is curated as data, with the exact words of its source behind every number. Counts are computed, never typed in.</p>
<table><caption>${condition[0]!.toUpperCase()}${condition.slice(1)}: published studies by therapy</caption>
<thead><tr><th scope="col">Therapy</th><th scope="col" class="num">Studies with results</th><th scope="col" class="num">Patients enrolled</th><th scope="col">Designs</th><th scope="col" class="num">Ongoing trials</th><th scope="col" class="num">Reviews</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="note">“+” means some studies did not report how many patients they enrolled. Reviews are counted apart: their patients are already in the studies they review.</p>
<h2>All curated studies</h2>${studiesTable(studies, null)}`;
  return page('Evidence', body);
}

function mainResults(s: Study): Raw {
  const picks = s.outcomes
    .filter((o) => ['responder_pct', 'mean_change', 'md', 'pct_change', 'mean'].includes(o.statistic))
    .slice(0, 4);
  if (picks.length === 0) return html`<span class="note">no numeric result in the sources</span>`;
  return html`<ul>${picks.map((o) => {
    const arm = o.arm ? (s.arms.find((a) => a.id === o.arm)?.label ?? o.arm) : 'all patients';
    const what =
      o.statistic === 'responder_pct'
        ? `${o.value}% responders`
        : `${o.statistic.replace('_', ' ')} ${o.value}${o.unit ? ` ${o.unit}` : ''}`;
    return html`<li>${o.instrument}${o.timepoint_months !== null ? html` at ${o.timepoint_months} mo` : ''}: ${what} (${arm}) ${provenanceDetails(o.provenance)}</li>`;
  })}</ul>`;
}

const THERAPY_SHORT: Partial<Record<string, string>> = {
  prp: 'PRP',
  prf: 'PRF',
  bmc: 'BMC',
  'bm-msc': 'BM-MSC',
  'ad-msc': 'AD-MSC',
  'uc-msc': 'UC-MSC',
  mpc: 'MPC',
  ha: 'HA',
};

/** Short product cell for tables: therapy, origin, culture, and the dose if one was quoted. */
function productText(s: Study): string {
  const treated = s.arms.filter((a) => a.role === 'treatment');
  const products = s.products.filter((p) => !p.arm || treated.some((a) => a.id === p.arm));
  if (products.length === 0) return s.therapies.map((t) => THERAPY_SHORT[t] ?? t).join(' + ');
  const parts = products.map((p) => {
    const dose = p.quantities.find((q) =>
      ['cell-dose', 'tnc', 'platelet-fold', 'platelet-concentration', 'injectate-volume'].includes(q.kind),
    );
    const bits = [
      THERAPY_SHORT[p.therapy] ?? p.therapy,
      p.origin ?? '',
      p.culture_expanded === true ? 'culture-expanded' : '',
      dose ? (dose.text ?? `${dose.value}${dose.upper !== undefined ? `–${dose.upper}` : ''} ${dose.unit}`) : '',
    ].filter(Boolean);
    return bits.join(', ');
  });
  return [...new Set(parts)].join('; ');
}

function aeCell(s: Study): Raw {
  if (s.adverse_events_reported === 'not-reported') return html`<span class="note">not reported</span>`;
  if (s.adverse_events_reported === 'none')
    return html`none reported ${provenanceDetails(s.adverse_events_provenance)}`;
  return html`<ul>${s.adverse_events.map((e) => html`<li>${e.description} (${e.count.value ?? '?'}; ${e.relatedness}${e.serious ? '; serious' : ''}) ${provenanceDetails(e.provenance)}</li>`)}</ul>`;
}

export function studiesTable(studies: Study[], caption: string | null): Raw {
  return html`<table>${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr><th scope="col">Study</th><th scope="col">Design</th><th scope="col" class="num">N</th><th scope="col">Product</th><th scope="col">Target</th><th scope="col" class="num">Follow-up</th><th scope="col">Main results</th><th scope="col">Adverse events</th></tr></thead><tbody>${studies.map(
    (s) =>
      html`<tr><td>${studyLink(s.id)}<br><span class="note">${s.citation.authors[0] ?? ''} ${s.citation.year ?? ''}</span></td><td>${DESIGN_SHORT[s.design]}${s.phase ? html`, phase ${s.phase}` : ''}</td><td class="num">${s.enrolled.value ?? html`<span title="${s.enrolled.null_reason ?? ''}">?</span>`}</td><td>${productText(s)}</td><td>${s.targets.join(', ') || '—'}</td><td class="num">${s.followup_months.value === null ? '?' : `${s.followup_months.value} mo`}</td><td>${mainResults(s)}</td><td>${aeCell(s)}</td></tr>`,
  )}</tbody></table>`;
}

export function cardSection(card: EvidenceCard): Raw {
  return html`<section aria-labelledby="card-h"><h2 id="card-h">Evidence card</h2><p class="headline">${card.headline}</p>
<ul class="insights">${card.insights.map((i) => html`<li${i.kind === 'safety' ? raw(' class="safety"') : ''}>${i.text} ${idList(i.study_ids)}</li>`)}</ul>
${card.safety.related_interval ? html`<p class="note">Exact (Clopper–Pearson) 95% interval for patients with a related event among treated patients in studies that reported on safety: ${card.safety.related_interval.x}/${card.safety.related_interval.n}, ${(card.safety.related_interval.lower * 100).toFixed(1)}% to ${(card.safety.related_interval.upper * 100).toFixed(1)}%.</p>` : ''}
</section>`;
}

export function renderTherapy(studies: Study[], therapy: string, condition = knownConditions()[0]!): string {
  const card = computeCard(studies, condition, therapy);
  const sel = selectStudies(studies, condition, therapy);
  const body = html`<h1>${card.therapy_label} for ${card.condition}</h1>
${cardSection(card)}
<h2>Published studies</h2>${sel.primary.length ? studiesTable(sel.primary, `${sel.primary.length} studies with results`) : html`<p>None curated.</p>`}
${sel.reviews.length ? html`<h2>Reviews</h2>${studiesTable(sel.reviews, null)}` : ''}
${sel.ongoing.length + sel.protocols.length ? html`<h2>Registered trials and protocols</h2>${trialsTable([...sel.ongoing, ...sel.protocols])}` : ''}
<h2>Sources</h2><ol>${card.citations.map((c) => html`<li id="cite-${c.id}">${studyLink(c.id)}: ${c.text}</li>`)}</ol>`;
  return page(card.therapy_label, body);
}

export function trialsTable(trials: Study[]): Raw {
  return html`<table><thead><tr><th scope="col">Trial</th><th scope="col">Phase</th><th scope="col">Title</th><th scope="col" class="num">Enrollment</th><th scope="col">Status</th><th scope="col">Therapies</th></tr></thead><tbody>${trials.map(
    (s) =>
      html`<tr><td>${studyLink(s.id)}${s.citation.nct ? html`<br><span class="note">${s.citation.nct}</span>` : ''}</td><td>${s.phase ?? '—'}</td><td>${studyTitle(s)}</td><td class="num">${measured(s.enrolled)}${s.enrolled_kind ? html` <span class="note">${s.enrolled_kind}</span>` : ''}</td><td>${s.status}</td><td>${s.therapies.join(', ')}</td></tr>`,
  )}</tbody></table>`;
}

export function renderTrials(studies: Study[]): string {
  const trials = studies.filter((s) => ['ongoing', 'protocol', 'registry'].includes(studyKind(s)));
  return page(
    'Ongoing trials',
    html`<h1>Registered trials and protocols without published results</h1><p>${trials.length} trials. Enrollment is as registered (usually an estimate).</p>${trialsTable(trials)}`,
  );
}

export function renderStudy(s: Study): string {
  const armLabel = (id: string | null) => (id ? (s.arms.find((a) => a.id === id)?.label ?? id) : 'all patients');
  const body = html`<h1>${studyTitle(s)}</h1>
<p>${citationText(s)} ${provenanceDetails(s.citation_provenance, 'where this citation comes from')}</p>
${s.summary ? html`<p>${s.summary}</p>` : ''}
<table><caption>Study</caption><tbody>
<tr><th scope="row">Design</th><td>${DESIGN_SHORT[s.design]} ${provenanceDetails(s.design_provenance)}</td></tr>
<tr><th scope="row">Phase</th><td>${s.phase ?? '—'}</td></tr>
<tr><th scope="row">Status</th><td>${s.status}</td></tr>
<tr><th scope="row">Conditions</th><td>${s.conditions.join('; ')}</td></tr>
<tr><th scope="row">Therapies</th><td>${s.therapies.map((t) => html`<span class="tag">${t}</span>`)}</td></tr>
<tr><th scope="row">Targets</th><td>${s.targets.join(', ') || '—'}</td></tr>
<tr><th scope="row">Enrolled</th><td>${measured(s.enrolled)}${s.enrolled_kind ? ` (${s.enrolled_kind})` : ''}</td></tr>
<tr><th scope="row">Follow-up</th><td>${measured(s.followup_months, ' months')}</td></tr>
</tbody></table>
<h2>Arms</h2>${
    s.arms.length
      ? html`<table><thead><tr><th scope="col">Arm</th><th scope="col">Role</th><th scope="col" class="num">n</th><th scope="col">Intervention</th></tr></thead><tbody>${s.arms.map(
          (a) =>
            html`<tr><td>${a.label} <span class="note">(${a.id})</span></td><td>${a.role}</td><td class="num">${measured(a.n)}</td><td>${a.intervention}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No arms recorded.</p>`
  }
${s.products.length ? html`<h2>Product</h2><ul>${s.products.map((p) => html`<li>${p.description}: ${p.therapy}${p.origin ? `, ${p.origin}` : ''}${p.culture_expanded === null ? '' : p.culture_expanded ? ', culture-expanded' : ', not culture-expanded'}${p.source ? `, from ${p.source}` : ''} ${provenanceDetails(p.provenance)}${p.quantities.length ? html`<ul>${p.quantities.map((q) => html`<li>${q.kind}: ${q.text ?? `${q.value ?? '?'}${q.upper !== undefined ? `–${q.upper}` : ''} ${q.unit}`} ${provenanceDetails(q.provenance)}</li>`)}</ul>` : ''}</li>`)}</ul>` : ''}
<h2>Outcomes</h2>${
    s.outcomes.length
      ? html`<table><thead><tr><th scope="col">Instrument</th><th scope="col" class="num">Month</th><th scope="col">Arm</th><th scope="col">Statistic</th><th scope="col" class="num">Value</th><th scope="col">Definition</th><th scope="col">Source</th></tr></thead><tbody>${s.outcomes.map(
          (o) =>
            html`<tr><td>${o.instrument}${o.label ? html`<br><span class="note">${o.label}</span>` : ''}</td><td class="num">${o.timepoint_months ?? '—'}</td><td>${armLabel(o.arm)}${o.comparator_arm ? ` vs ${armLabel(o.comparator_arm)}` : ''}</td><td>${o.statistic}</td><td class="num">${o.value}${o.unit ? ` ${o.unit}` : ''}</td><td>${o.definition ?? ''}</td><td>${provenanceDetails(o.provenance, 'quote')}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No numeric outcome in the curated sources.</p>`
  }
<h2>Adverse events</h2>${
    s.adverse_events_reported === 'not-reported'
      ? html`<p class="warn">The curated sources do not report on adverse events for this study. Silence is not evidence of safety.</p>`
      : s.adverse_events_reported === 'none'
        ? html`<p>The source states that no adverse event occurred. ${provenanceDetails(s.adverse_events_provenance)}</p>`
        : html`<table><thead><tr><th scope="col">Event</th><th scope="col">Arm</th><th scope="col" class="num">Patients</th><th scope="col">Serious</th><th scope="col">Relatedness</th><th scope="col">Resolution</th><th scope="col">Source</th></tr></thead><tbody>${s.adverse_events.map(
            (e) =>
              html`<tr><td>${e.description}</td><td>${armLabel(e.arm)}</td><td class="num">${measured(e.count)}</td><td>${e.serious === null ? 'not stated' : e.serious ? 'yes' : 'no'}</td><td>${e.relatedness}</td><td>${e.resolution ?? '—'}</td><td>${provenanceDetails(e.provenance, 'quote')}</td></tr>`,
          )}</tbody></table>`
  }
${s.limitations.length ? html`<h2>Limitations</h2><ul>${s.limitations.map((l) => html`<li>${l.text} ${provenanceDetails(l.provenance)}</li>`)}</ul>` : ''}
${s.notes?.length ? html`<h2>Curator's notes</h2><ul>${s.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${treatedArms(s, THERAPY_GROUPS.all!.members).length === 0 && s.arms.length > 0 ? html`<p class="note">No arm of this study gives a regenerative therapy.</p>` : ''}`;
  return page(studyTitle(s), body);
}

export function renderNotFound(what: string): string {
  return page('Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/">Back to the evidence</a></p>`);
}

/** A standalone HTML document of a card (for `regenspine card --format html`). */
export function renderCardHtmlDocument(card: EvidenceCard): string {
  return page(
    card.therapy_label,
    html`<h1>${card.therapy_label} for ${card.condition}</h1>${cardSection(card)}<h2>Sources</h2><ol>${card.citations.map((c) => html`<li>${c.id}: ${c.text}</li>`)}</ol>`,
    { nav: false },
  );
}

export { esc };
