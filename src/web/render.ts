// Server-rendered pages of the evidence engine. Pure: data in, HTML out; no JavaScript needed.
import type { Measured, Provenance, SourceDocument, Statement, Study } from '../domain/evidence.ts';
import { type Design, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { asOfText, citationText, computeCard, type EvidenceCard, pctSmart, studyTitle } from '../evidence/card.ts';
import { DESIGN_SHORT, findingSentence, reviewSentences } from '../evidence/results.ts';
import { knownConditions, selectStudies, studyKind, treatedArms } from '../evidence/select.ts';
import { esc, html, page, type Raw, raw } from './html.ts';

/** Therapy groups shown on the home matrix, in this order. */
export const MATRIX_THERAPIES = ['all', 'msc', 'bmc', 'mpc', 'ad-msc', 'bm-msc', 'uc-msc', 'prp', 'prf'];

const TIER_WORDS: Record<string, string> = {
  'primary-abstract': "the study's own abstract",
  registry: 'the trial registration',
  'narrative-review': 'a narrative review: second-hand',
  promotional: 'a promotional summary',
  'patient-information': 'a patient-information article',
};

export function provenanceDetails(p: Provenance | undefined, label = 'source'): Raw {
  if (!p) return html``;
  const tier = p.source_tier ? ` (${TIER_WORDS[p.source_tier] ?? p.source_tier})` : '';
  return html`<details class="prov"><summary title="${p.quote}">${label}</summary><blockquote><p>“${p.quote}”</p><p class="note"><a href="/sources#${p.document}">${p.document}</a>${tier}, ${p.locator}</p></blockquote></details>`;
}

export function measured(m: Measured, unit = ''): Raw {
  if (m.value === null)
    return html`<span title="${m.null_reason ?? ''}">not reported</span> <span class="note">(${m.null_reason ?? 'not reported'})</span>`;
  if (m.derivation)
    return html`${m.value}${unit} <span class="note">(derived: ${m.derivation.formula})</span> ${m.derivation.inputs.map((i) => provenanceDetails(i.provenance, i.name))}`;
  return html`${m.value}${unit} ${provenanceDetails(m.provenance)}`;
}

/** Links a reader can follow for a citation: PubMed, the DOI resolver, ClinicalTrials.gov. */
export function citationLinks(c: { pmid: string | null; doi: string | null; nct: string | null }): Raw {
  const links = [
    c.pmid ? html`<a href="https://pubmed.ncbi.nlm.nih.gov/${c.pmid}/">PubMed ${c.pmid}</a>` : null,
    c.doi ? html`<a href="https://doi.org/${c.doi}">doi:${c.doi}</a>` : null,
    c.nct ? html`<a href="https://clinicaltrials.gov/study/${c.nct}">ClinicalTrials.gov ${c.nct}</a>` : null,
  ].filter((x): x is Raw => x !== null);
  return links.length ? html` <span class="links">${links.map((l, i) => html`${i ? ' · ' : ''}${l}`)}</span>` : html``;
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
      .concat(card.design_not_stated.length ? [`${card.design_not_stated.length} design not stated`] : [])
      .join(', ');
    return html`<tr><th scope="row"><a href="/therapies/${t}">${THERAPY_GROUPS[t]!.label}</a>${card.studies > 0 ? html`<br><a class="note" href="/therapies/${t}/evidence">what the evidence shows</a>` : ''}</th><td class="num">${card.studies}</td><td class="num">${card.studies === 0 ? '—' : card.patients_enrolled_unknown.length === card.studies ? 'not reported' : card.patients_enrolled_unknown.length ? `at least ${card.patients_enrolled}` : card.patients_enrolled}</td><td>${designs || '—'}</td><td class="num">${sel.ongoing.length + sel.protocols.length}</td><td class="num">${sel.reviews.length}</td></tr>`;
  });
  const body = html`<h1>Regenerative therapies for chronic low back pain: what the evidence says</h1>
<p>Every study below is curated as data, with the exact words of its source behind every number. Counts are computed, never typed in.</p>
<table tabindex="0"><caption>${condition[0]!.toUpperCase()}${condition.slice(1)}: published studies by therapy</caption>
<thead><tr><th scope="col">Therapy</th><th scope="col" class="num">Published studies</th><th scope="col" class="num">Patients enrolled</th><th scope="col">Designs</th><th scope="col" class="num">Ongoing trials</th><th scope="col" class="num">Reviews</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="note">“At least” means some studies did not report how many patients they enrolled; “not reported” that none did. Reviews are counted apart: their patients are already in the studies they review. Most numbers here are quoted from narrative reviews, not from the studies themselves: see <a href="/sources">what each source is</a>.</p>
<h2>Guides for patients</h2>
<p>Plain-language guides: what each treatment is, what was measured and how sure we are, the risks, and the questions to ask before paying: <a href="/guide/prp">PRP</a> · <a href="/guide/bmc">bone marrow concentrate (BMC)</a> · <a href="/guide/msc">stem cells (MSC)</a>.</p>
<h2>All curated studies</h2>${studiesTable(studies, null)}`;
  return page('Evidence', body);
}

function mainResults(s: Study): Raw {
  const picks = s.outcomes
    .filter((o) => ['responder_pct', 'mean_change', 'md', 'pct_change', 'mean'].includes(o.statistic))
    .slice(0, 4);
  const stated = [
    ...(s.review ? reviewSentences(s, { findings: false }) : []),
    ...s.findings.map((f) => findingSentence(s, f)),
  ].slice(0, 4);
  if (picks.length === 0 && stated.length === 0) return html`<span class="note">no result in the sources</span>`;
  return html`<ul>${stated.map((t) => html`<li>${t}</li>`)}${picks.map((o) => {
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

const AE_STATE_WORDS: Record<Study['adverse_events_reported'], string> = {
  none: 'the source states that no adverse event occurred',
  'none-serious': 'the source states only that no serious adverse event occurred',
  'none-related': 'the source states only that no injection-related adverse event occurred',
  some: 'adverse events reported',
  'not-reported': 'not reported',
};

function aeCell(s: Study): Raw {
  if (s.adverse_events_reported === 'not-reported') return html`<span class="note">not reported</span>`;
  if (s.adverse_events_reported !== 'some')
    return html`${AE_STATE_WORDS[s.adverse_events_reported]} ${provenanceDetails(s.adverse_events_provenance)}`;
  return html`<ul>${s.adverse_events.map((e) => html`<li>${e.description} (${e.count.value ?? 'number not reported'}; relatedness ${e.relatedness.replace('-', ' ')}; ${e.serious === null ? 'seriousness not stated' : e.serious ? 'serious' : 'not serious'}) ${provenanceDetails(e.provenance)}</li>`)}</ul>`;
}

export function studiesTable(studies: Study[], caption: string | null): Raw {
  return html`<table tabindex="0">${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr><th scope="col">Study</th><th scope="col">Design</th><th scope="col" class="num">N</th><th scope="col">Product</th><th scope="col">Target</th><th scope="col" class="num">Follow-up</th><th scope="col">Main results</th><th scope="col">Adverse events</th></tr></thead><tbody>${studies.map(
    (s) =>
      html`<tr><td>${studyLink(s.id)}<br><span class="note">${s.citation.authors[0] ?? ''} ${s.citation.year ?? ''}</span></td><td>${DESIGN_SHORT[s.design]}${s.phase ? html`, phase ${s.phase}` : ''}</td><td class="num">${s.enrolled.value ?? html`<span title="${s.enrolled.null_reason ?? ''}">not reported</span>`}</td><td>${productText(s)}</td><td>${s.targets.join(', ') || '—'}</td><td class="num">${s.followup_months.value === null ? 'not reported' : `${s.followup_months.value} mo`}</td><td>${mainResults(s)}</td><td>${aeCell(s)}</td></tr>`,
  )}</tbody></table>`;
}

export function cardSection(card: EvidenceCard): Raw {
  return html`<section aria-labelledby="card-h"><h2 id="card-h">Evidence card</h2><p class="headline">${card.headline}</p>
<ul class="insights">${card.insights.map((i) => html`<li${i.kind === 'safety' ? raw(' class="safety"') : ''}>${i.text} ${idList(i.study_ids)}</li>`)}</ul>
${card.safety.related_interval ? html`<p class="note">Exact (Clopper–Pearson) 95% interval for patients with a related event among treated patients in studies that reported on adverse events: ${card.safety.related_interval.x}/${card.safety.related_interval.n}, ${pctSmart(card.safety.related_interval.lower)} to ${pctSmart(card.safety.related_interval.upper)}.</p>` : ''}
</section>`;
}

export function renderTherapy(
  studies: Study[],
  therapy: string,
  condition = knownConditions()[0]!,
  statements: Statement[] = [],
  synthesis: Parameters<typeof computeCard>[4] = {},
  /** A signed-in clinic's figures beside the studies (src/web/clinic-beside.ts); none for anyone else. */
  clinic: Raw | null = null,
): string {
  const card = computeCard(studies, condition, therapy, statements, synthesis);
  const sel = selectStudies(studies, condition, therapy);
  const body = html`<h1>${card.therapy_label} for ${card.condition}</h1>
${card.studies > 0 ? html`<p><a href="/therapies/${therapy}/evidence">What the evidence shows: Summary of Findings, forest plots and GRADE certainty per outcome</a></p>` : ''}
${cardSection(card)}
${clinic ?? ''}<h2>Published studies</h2>${
    sel.primary.length
      ? studiesTable(
          sel.primary,
          `${sel.primary.length} published studies${sel.primary.some((p) => p.outcomes.length + p.findings.length === 0) ? ' (some with no result in the curated sources)' : ''}`,
        )
      : html`<p>None curated.</p>`
  }
${sel.reviews.length ? html`<h2>Reviews</h2>${studiesTable(sel.reviews, null)}` : ''}
${sel.ongoing.length + sel.protocols.length ? html`<h2>Registered trials and protocols</h2>${trialsTable([...sel.ongoing, ...sel.protocols])}` : ''}
<h2>Sources</h2><p class="note">Most results above are quoted from narrative reviews of these studies (second-hand); <a href="/sources">what each source is</a>.</p><ol>${card.citations.map((c) => html`<li id="cite-${c.id}">${studyLink(c.id)}: ${c.text}${citationLinks(c)}</li>`)}</ol>`;
  return page(card.therapy_label, body);
}

const STATUS_WORDS: Record<string, string> = {
  completed: 'completed',
  recruiting: 'recruiting',
  'active-not-recruiting': 'active, not recruiting',
  'not-yet-recruiting': 'not yet recruiting',
  'enrolling-by-invitation': 'enrolling by invitation',
  suspended: 'suspended',
  terminated: 'terminated',
  withdrawn: 'withdrawn',
  unknown: 'not stated',
};

export function statusText(s: Study): Raw {
  const status = STATUS_WORDS[s.status] ?? s.status;
  if (!s.status_as_of) return html`${status}`;
  return html`${status} <span class="note">as of ${asOfText(s.status_as_of.date)} (${s.status_as_of.basis})</span>`;
}

export function trialsTable(trials: Study[]): Raw {
  return html`<table tabindex="0"><thead><tr><th scope="col">Trial</th><th scope="col">Phase</th><th scope="col">Title</th><th scope="col" class="num">Enrollment</th><th scope="col">Status</th><th scope="col">Therapies</th></tr></thead><tbody>${trials.map(
    (s) =>
      html`<tr><td>${studyLink(s.id)}${s.citation.nct ? html`<br><a href="https://clinicaltrials.gov/study/${s.citation.nct}">${s.citation.nct} on ClinicalTrials.gov</a>` : ''}</td><td>${s.phase ?? '—'}</td><td>${studyTitle(s)}</td><td class="num">${measured(s.enrolled)}${s.enrolled_kind ? html` <span class="note">${s.enrolled_kind}</span>` : ''}</td><td>${statusText(s)}</td><td>${s.therapies.join(', ')}</td></tr>`,
  )}</tbody></table>`;
}

export function renderTrials(studies: Study[]): string {
  const trials = studies.filter((s) => ['ongoing', 'protocol', 'registry'].includes(studyKind(s)));
  return page(
    'Ongoing trials',
    html`<h1>Registered trials and protocols without published results</h1><p>${trials.length} trials. Enrollment is as registered (usually an estimate). Status is as the source listed it on the date shown; follow the ClinicalTrials.gov link for the current record.</p>${trialsTable(trials)}`,
  );
}

/** `clinic`: a signed-in clinic's figures beside this study's arms (src/web/clinic-beside.ts); none for anyone else. */
export function renderStudy(s: Study, clinic: Raw | null = null): string {
  const armLabel = (id: string | null) => (id ? (s.arms.find((a) => a.id === id)?.label ?? id) : 'all patients');
  const body = html`<h1>${studyTitle(s)}</h1>
<p>${citationText(s)}${citationLinks(s.citation)} ${provenanceDetails(s.citation_provenance, 'where this citation comes from')}</p>
${s.summary ? html`<p>${s.summary}</p>` : ''}
<table tabindex="0"><caption>Study</caption><tbody>
<tr><th scope="row">Design</th><td>${DESIGN_SHORT[s.design]} ${provenanceDetails(s.design_provenance)}</td></tr>
<tr><th scope="row">Phase</th><td>${s.phase ?? '—'}</td></tr>
<tr><th scope="row">Record</th><td>${s.record_kind === 'publication' ? 'published report' : s.record_kind === 'registration' ? 'trial registration (no results)' : 'published protocol (no results)'}</td></tr>
<tr><th scope="row">Status</th><td>${statusText(s)}</td></tr>
<tr><th scope="row">Conditions</th><td>${s.conditions.join('; ')}</td></tr>
<tr><th scope="row">Therapies</th><td>${s.therapies.map((t) => html`<span class="tag">${t}</span>`)}</td></tr>
<tr><th scope="row">Targets</th><td>${s.targets.join(', ') || '—'}</td></tr>
<tr><th scope="row">Enrolled</th><td>${measured(s.enrolled)}${s.enrolled_kind ? ` (${s.enrolled_kind})` : ''}</td></tr>
<tr><th scope="row">Follow-up</th><td>${measured(s.followup_months, ' months')}</td></tr>
</tbody></table>
<h2>Arms</h2>${
    s.arms.length
      ? html`<table tabindex="0"><thead><tr><th scope="col">Arm</th><th scope="col">Role</th><th scope="col" class="num">n</th><th scope="col">Intervention</th></tr></thead><tbody>${s.arms.map(
          (a) =>
            html`<tr><td>${a.label} <span class="note">(${a.id})</span></td><td>${a.role}</td><td class="num">${measured(a.n)}</td><td>${a.intervention}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No arms recorded.</p>`
  }
${s.products.length ? html`<h2>Product</h2><ul>${s.products.map((p) => html`<li>${p.description}: ${p.therapy}${p.origin ? `, ${p.origin}` : ''}${p.culture_expanded === null ? '' : p.culture_expanded ? ', culture-expanded' : ', not culture-expanded'}${p.source ? `, from ${p.source}` : ''} ${provenanceDetails(p.provenance)}${p.quantities.length ? html`<ul>${p.quantities.map((q) => html`<li>${q.kind}: ${q.text ?? `${q.value ?? '?'}${q.upper !== undefined ? `–${q.upper}` : ''} ${q.unit}`} ${provenanceDetails(q.provenance)}</li>`)}</ul>` : ''}</li>`)}</ul>` : ''}
<h2>Outcomes</h2>${
    s.outcomes.length
      ? html`<table tabindex="0"><thead><tr><th scope="col">Instrument</th><th scope="col" class="num">Month</th><th scope="col">Arm</th><th scope="col">Statistic</th><th scope="col" class="num">Value</th><th scope="col">Definition</th><th scope="col">Source</th></tr></thead><tbody>${s.outcomes.map(
          (o) =>
            html`<tr><td>${o.instrument}${o.label ? html`<br><span class="note">${o.label}</span>` : ''}</td><td class="num">${o.timepoint_months ?? '—'}</td><td>${armLabel(o.arm)}${o.comparator_arm ? ` vs ${armLabel(o.comparator_arm)}` : ''}</td><td>${o.statistic}</td><td class="num">${o.value}${o.unit ? ` ${o.unit}` : ''}</td><td>${o.definition ?? ''}</td><td>${provenanceDetails(o.provenance, 'quote')}</td></tr>`,
        )}</tbody></table>`
      : html`<p>No numeric outcome in the curated sources.</p>`
  }
${clinic ?? ''}${
  s.findings.length
    ? html`<h2>Findings stated without (or beside) numbers</h2><ul>${s.findings.map((f) => html`<li>${findingSentence(s, f)} ${provenanceDetails(f.provenance, 'quote')}</li>`)}</ul>`
    : ''
}
${s.review ? html`<h2>What the review reports</h2><ul>${reviewSentences(s, { findings: false }).map((t) => html`<li>${t}</li>`)}</ul>${s.review.pooled.map((p) => provenanceDetails(p.provenance, `quote: ${p.measure}`))}${s.review.vote_counts.map((v) => provenanceDetails(v.provenance, 'quote: vote count'))}` : ''}
${s.rob_inputs.length ? html`<h2>Risk-of-bias facts stated by the sources</h2><ul>${s.rob_inputs.map((r) => html`<li>${r.domain}: ${r.value} ${provenanceDetails(r.provenance)}</li>`)}</ul>` : ''}
<h2>Adverse events</h2>${
    s.adverse_events_reported === 'not-reported'
      ? html`<p class="warn">The curated sources do not report on adverse events for this study. Silence is not evidence of safety.</p>`
      : s.adverse_events_reported !== 'some'
        ? html`<p>${AE_STATE_WORDS[s.adverse_events_reported].replace(/^the source/, 'The source')}. ${provenanceDetails(s.adverse_events_provenance)}</p>`
        : html`<table tabindex="0"><thead><tr><th scope="col">Event</th><th scope="col">Arm</th><th scope="col" class="num">Patients</th><th scope="col">Serious</th><th scope="col">Relatedness</th><th scope="col">Resolution</th><th scope="col">Source</th></tr></thead><tbody>${s.adverse_events.map(
            (e) =>
              html`<tr><td>${e.description}</td><td>${armLabel(e.arm)}</td><td class="num">${measured(e.count)}</td><td>${e.serious === null ? 'not stated' : e.serious ? 'yes' : 'no'}</td><td>${e.attribution ? `product: ${e.attribution.product}; procedure: ${e.attribution.procedure}` : e.relatedness}</td><td>${e.resolution ?? '—'}</td><td>${provenanceDetails(e.provenance, 'quote')}</td></tr>`,
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

/** What each document behind the evidence is: a review, an abstract, a promotional card… */
export function renderSources(documents: SourceDocument[], studies: Study[], statements: Statement[]): string {
  const uses = (id: string) => studies.filter((s) => JSON.stringify(s).includes(`"document":"${id}"`)).map((s) => s.id);
  const levels = statements.filter((x) => x.kind === 'evidence-level');
  const unverifiable = statements.filter((x) => x.kind === 'unverifiable');
  const records = statements.filter((x) => x.kind === 'citation');
  const body = html`<h1>Sources: what each document is</h1>
<p>Every number in RegenSpine quotes one of these documents. <strong>A number quoted from a review is second-hand</strong>: the review retells a study, and the study's own report may differ. Each quote on a study page says which kind of source it comes from.</p>
<table tabindex="0"><thead><tr><th scope="col">Document</th><th scope="col">What it is</th><th scope="col">Tier</th><th scope="col">Studies quoting it</th></tr></thead><tbody>${documents.map(
    (d) =>
      html`<tr id="${d.id}"><td><strong>${d.id}</strong><br>${d.title}${d.url ? html`<br><a href="${d.url}">${d.url}</a>` : ''}</td><td>${d.description}${d.citation ? html`<br><span class="note">${d.citation}</span>` : ''}</td><td>${TIER_WORDS[d.tier] ?? d.tier}</td><td>${uses(d.id).length ? idList(uses(d.id)) : html`<span class="note">none</span>`}</td></tr>`,
  )}</tbody></table>
${levels.length ? html`<h2>Evidence levels stated by guidelines</h2><ul>${levels.map((l) => (l.kind === 'evidence-level' ? html`<li>${l.body}: level ${l.level} (${l.therapies.join(', ')}; ${l.targets.join(', ')}), as reported by ${l.reported_by}. ${provenanceDetails(l.provenance, 'quote')}</li>` : ''))}</ul>` : ''}
${unverifiable.length ? html`<h2>Claims the sources make that cannot be checked</h2><ul>${unverifiable.map((u) => (u.kind === 'unverifiable' ? html`<li id="${u.id}">“${u.claim}” <span class="note">${u.why_unverifiable}</span> ${provenanceDetails(u.provenance, 'where')}</li>` : ''))}</ul>` : ''}
${records.length ? html`<h2>Records known only by their citation</h2><ul>${records.map((r) => (r.kind === 'citation' ? html`<li id="${r.id}">${r.citation.title} ${r.citation.journal ?? ''} ${r.citation.year ?? ''}${citationLinks(r.citation)} <span class="note">${r.links.map((l) => `${l.relation} of ${l.study_id}`).join('; ')}${r.relevant ? '' : '; not on the clinical question'}</span></li>` : ''))}</ul>` : ''}`;
  return page('Sources', body);
}

/** A standalone HTML document of a card (for `regenspine card --format html`). */
export function renderCardHtmlDocument(card: EvidenceCard): string {
  return page(
    card.therapy_label,
    html`<h1>${card.therapy_label} for ${card.condition}</h1>${cardSection(card)}<h2>Sources</h2><ol>${card.citations.map((c) => html`<li>${c.id}: ${c.text}${citationLinks(c)}</li>`)}</ol>`,
    { nav: false },
  );
}

export { esc };
