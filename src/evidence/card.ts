// Evidence cards: what the curated studies say about a therapy for a condition, computed from the data
// and never written by hand. Every sentence carries the ids of the studies it rests on. Pure.
//
// The card answers what seed 004 tries to answer, correctly: it counts designs instead of calling every
// study a trial, separates enrolled from treated patients, reports every adverse event the studies report
// (it never says "no adverse event" when any included study reports one), and says how sure we can be.
import type { AdverseEvent, Outcome, Study } from '../domain/evidence.ts';
import { DESIGNS, type Design, RELATED_GRADES, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { clopperPearson, type ProportionInterval } from '../stats/binomial.ts';
import { isControlled, type Selection, selectStudies, treatedArms } from './select.ts';

export interface Insight {
  kind: 'evidence-base' | 'outcome' | 'durability' | 'safety' | 'certainty' | 'ongoing' | 'reviews' | 'scope';
  text: string;
  study_ids: string[];
}

export interface CardEvent {
  study_id: string;
  description: string;
  arm: string | null;
  count: number | null;
  relatedness: AdverseEvent['relatedness'];
  serious: boolean | null;
}

export interface OutcomeSummary {
  instrument: string;
  study_ids: string[];
  timepoints_months: number[];
  /** Responder percentages in treated arms (and, separately, control arms), with the study each comes from. */
  responder_pct_treated: RangeSummary | null;
  responder_pct_control: RangeSummary | null;
  mean_change_treated: RangeSummary | null;
}

export interface RangeSummary {
  min: number;
  max: number;
  values: {
    study_id: string;
    arm: string | null;
    timepoint_months: number | null;
    value: number;
    definition: string | null;
  }[];
}

export interface EvidenceCard {
  condition: string;
  therapy: string;
  therapy_label: string;
  therapy_note: string | null;
  study_ids: string[];
  studies: number;
  designs: Partial<Record<Design, number>>;
  randomized: number;
  controlled: number;
  uncontrolled: number;
  patients_enrolled: number;
  patients_enrolled_unknown: string[];
  patients_treated: number | null;
  patients_treated_known: number;
  patients_treated_unknown: string[];
  headline: string;
  insights: Insight[];
  outcomes: OutcomeSummary[];
  durability: { longest_followup_months: number | null; study_ids: string[] };
  safety: {
    reported_events: string[];
    reported_none: string[];
    not_reported: string[];
    events: CardEvent[];
    related_events: number | null;
    serious_events: number | null;
    related_interval: (ProportionInterval & { study_ids: string[] }) | null;
  };
  certainty: { level: 'very low' | 'low' | 'moderate' | 'high' | 'none'; reasons: string[] };
  ongoing: { id: string; nct: string | null; phase: string | null; enrolled: number | null; status: string }[];
  reviews: string[];
  citations: { id: string; text: string; pmid: string | null; doi: string | null; nct: string | null }[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, ''));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const range = (r: RangeSummary, unit = '') =>
  r.min === r.max ? `${fmt(r.min)}${unit}` : `${fmt(r.min)}${unit}–${fmt(r.max)}${unit}`;
const months = (xs: number[]) =>
  xs.length === 0
    ? 'unstated timepoints'
    : xs.length === 1
      ? `${fmt(xs[0]!)} months`
      : `${fmt(xs[0]!)}–${fmt(xs[xs.length - 1]!)} months`;

const DESIGN_WORDS: Record<Design, [string, string]> = {
  rct: ['randomized controlled trial', 'randomized controlled trials'],
  'non-randomized-controlled': ['non-randomized controlled study', 'non-randomized controlled studies'],
  'single-arm': ['single-arm study', 'single-arm studies'],
  'case-series': ['case series', 'case series'],
  'case-report': ['case report', 'case reports'],
  'systematic-review': ['systematic review', 'systematic reviews'],
  'meta-analysis': ['meta-analysis', 'meta-analyses'],
  'narrative-review': ['narrative review', 'narrative reviews'],
  registry: ['registry study', 'registry studies'],
  'not-stated': ['study of design not stated', 'studies of design not stated'],
};

/** The title to show: the source's own, or a label that says the title is not known. */
export function studyTitle(s: Study): string {
  if (s.citation.title) return s.citation.title;
  const who = [s.citation.authors[0], s.citation.year].filter(Boolean).join(' ');
  return `${who || s.id} (title not given in the curated sources)`;
}

export function citationText(s: Study): string {
  const c = s.citation;
  const authors =
    c.authors.length === 0 ? '' : c.authors.length > 2 ? `${c.authors[0]} et al.` : `${c.authors.join(', ')}.`;
  const parts = [
    authors,
    c.year ? `(${c.year})` : '',
    c.title ? `${c.title.replace(/\.$/, '')}.` : '[title not given in the curated sources].',
    c.journal ? `${c.journal}.` : '',
  ];
  const ids = [c.pmid ? `PMID ${c.pmid}` : '', c.doi ? `doi:${c.doi}` : '', c.nct ?? ''].filter(Boolean).join('; ');
  return [...parts.filter(Boolean), ids].filter(Boolean).join(' ').trim();
}

function summariseRange(values: RangeSummary['values']): RangeSummary | null {
  if (values.length === 0) return null;
  const xs = values.map((v) => v.value);
  return { min: Math.min(...xs), max: Math.max(...xs), values };
}

/** What an outcome measured, for grouping: the instrument, or for "other" the label the curator gave it. */
function measureName(o: Outcome): string {
  return o.instrument === 'other' ? (o.label ?? 'other measure') : o.instrument;
}

function outcomeSummaries(sel: Selection): OutcomeSummary[] {
  const byInstrument = new Map<string, Study[]>();
  for (const s of sel.primary) {
    for (const o of s.outcomes) {
      const list = byInstrument.get(measureName(o)) ?? [];
      if (!list.includes(s)) list.push(s);
      byInstrument.set(measureName(o), list);
    }
  }
  const out: OutcomeSummary[] = [];
  for (const [instrument, studies] of byInstrument) {
    const timepoints = new Set<number>();
    const treated: RangeSummary['values'] = [];
    const control: RangeSummary['values'] = [];
    const change: RangeSummary['values'] = [];
    for (const s of studies) {
      const treatedIds = new Set(treatedArms(s, sel.members).map((a) => a.id));
      const controlIds = new Set(s.arms.filter((a) => a.role === 'control').map((a) => a.id));
      // A whole-population value counts as "treated" only in a study where everyone got the therapy.
      const singleArm = s.arms.length <= 1 || s.arms.every((a) => treatedIds.has(a.id));
      for (const o of s.outcomes.filter((x) => measureName(x) === instrument)) {
        if (o.timepoint_months !== null) timepoints.add(o.timepoint_months);
        const row = {
          study_id: s.id,
          arm: o.arm,
          timepoint_months: o.timepoint_months,
          value: o.value,
          definition: o.definition,
        };
        const inTreated = o.arm ? treatedIds.has(o.arm) : singleArm;
        if (o.statistic === 'responder_pct') {
          if (inTreated) treated.push(row);
          else if (o.arm && controlIds.has(o.arm)) control.push(row);
        }
        if (o.statistic === 'mean_change' && inTreated) change.push(row);
      }
    }
    out.push({
      instrument,
      study_ids: studies.map((s) => s.id),
      timepoints_months: [...timepoints].sort((a, b) => a - b),
      responder_pct_treated: summariseRange(treated),
      responder_pct_control: summariseRange(control),
      mean_change_treated: summariseRange(change),
    });
  }
  return out.sort((a, b) => b.study_ids.length - a.study_ids.length || a.instrument.localeCompare(b.instrument));
}

export function computeCard(all: Study[], condition: string, therapy: string): EvidenceCard {
  const sel = selectStudies(all, condition, therapy);
  const group = THERAPY_GROUPS[sel.therapy]!;
  const primary = sel.primary;
  const ids = primary.map((s) => s.id);
  const insights: Insight[] = [];

  // --- The evidence base: designs and patients -------------------------------------------------------
  const designs: Partial<Record<Design, number>> = {};
  for (const s of primary) designs[s.design] = (designs[s.design] ?? 0) + 1;
  const randomized = primary.filter((s) => s.design === 'rct').length;
  const controlled = primary.filter((s) => isControlled(s.design)).length;
  const uncontrolled = primary.length - controlled;
  const enrolledKnown = primary.filter((s) => s.enrolled.value !== null);
  const patientsEnrolled = enrolledKnown.reduce((a, s) => a + (s.enrolled.value ?? 0), 0);
  const enrolledUnknown = primary.filter((s) => s.enrolled.value === null).map((s) => s.id);
  let treatedKnown = 0;
  const treatedUnknown: string[] = [];
  for (const s of primary) {
    const arms = treatedArms(s, sel.members);
    if (arms.length === 0 || arms.some((a) => a.n.value === null)) treatedUnknown.push(s.id);
    else treatedKnown += arms.reduce((a, x) => a + (x.n.value ?? 0), 0);
  }
  const patientsTreated = treatedUnknown.length === 0 ? treatedKnown : null;

  const designList = DESIGNS.filter((d) => designs[d])
    .map((d) => `${designs[d]} ${DESIGN_WORDS[d][designs[d] === 1 ? 0 : 1]}`)
    .join(', ');
  if (primary.length > 0) {
    insights.push({
      kind: 'evidence-base',
      text:
        `${plural(primary.length, 'published study', 'published studies')} (${designList}) enrolled ` +
        `${patientsEnrolled} patients${enrolledUnknown.length ? ` plus an unknown number in ${plural(enrolledUnknown.length, 'study', 'studies')} that did not report enrollment (${enrolledUnknown.join(', ')})` : ''}. ` +
        (patientsTreated !== null
          ? `${patientsTreated} of them received ${group.label.toLowerCase()}; the rest were controls.`
          : `${treatedKnown} patients are known to have received the therapy; the number treated is not reported for ${treatedUnknown.join(', ')}.`),
      study_ids: ids,
    });
  }

  // --- Outcomes -------------------------------------------------------------------------------------
  const outcomes = outcomeSummaries(sel);
  for (const o of outcomes) {
    const bits: string[] = [];
    if (o.responder_pct_treated) {
      const defs = [...new Set(o.responder_pct_treated.values.map((v) => v.definition).filter(Boolean))];
      bits.push(
        `responders in treated arms ${range(o.responder_pct_treated, '%')}${defs.length ? ` (${defs.slice(0, 2).join('; ')})` : ''}`,
      );
    }
    if (o.responder_pct_control) bits.push(`in control arms ${range(o.responder_pct_control, '%')}`);
    if (o.mean_change_treated) bits.push(`mean change in treated arms ${range(o.mean_change_treated)}`);
    insights.push({
      kind: 'outcome',
      text: `${o.instrument}: measured in ${plural(o.study_ids.length, 'study', 'studies')} at ${months(o.timepoints_months)}${bits.length ? `; ${bits.join('; ')}` : ''}.`,
      study_ids: o.study_ids,
    });
  }

  // --- Durability -----------------------------------------------------------------------------------
  const withFollowup = primary.filter((s) => s.followup_months.value !== null);
  const longest = withFollowup.length ? Math.max(...withFollowup.map((s) => s.followup_months.value!)) : null;
  const longestIds = withFollowup.filter((s) => s.followup_months.value === longest).map((s) => s.id);
  if (longest !== null) {
    const shortIds = withFollowup.filter((s) => (s.followup_months.value ?? 0) <= 12).map((s) => s.id);
    insights.push({
      kind: 'durability',
      text: `Longest follow-up: ${fmt(longest)} months (${longestIds.join(', ')}). ${shortIds.length} of ${withFollowup.length} studies with a stated follow-up ended by 12 months.`,
      study_ids: withFollowup.map((s) => s.id),
    });
  }

  // --- Safety ---------------------------------------------------------------------------------------
  const reportedEvents = primary.filter((s) => s.adverse_events_reported === 'some');
  const reportedNone = primary.filter((s) => s.adverse_events_reported === 'none');
  const notReported = primary.filter((s) => s.adverse_events_reported === 'not-reported');
  const events: CardEvent[] = reportedEvents.flatMap((s) =>
    s.adverse_events.map((e) => ({
      study_id: s.id,
      description: e.description,
      arm: e.arm,
      count: e.count.value,
      relatedness: e.relatedness,
      serious: e.serious,
    })),
  );
  const related = events.filter((e) => RELATED_GRADES.includes(e.relatedness));
  const relatedCount = related.some((e) => e.count === null) ? null : related.reduce((a, e) => a + (e.count ?? 0), 0);
  const serious = events.filter((e) => e.serious === true);
  const seriousCount = serious.some((e) => e.count === null) ? null : serious.reduce((a, e) => a + (e.count ?? 0), 0);

  // Exact interval for "patients with a related event / treated" over the studies that reported on safety,
  // when every count it needs is known. Each related event is counted as one patient.
  let relatedInterval: EvidenceCard['safety']['related_interval'] = null;
  const safetyStudies = [...reportedEvents, ...reportedNone];
  const safetyTreated = safetyStudies.map((s) => treatedArms(s, sel.members));
  const denominatorKnown = safetyTreated.every((arms) => arms.length > 0 && arms.every((a) => a.n.value !== null));
  if (safetyStudies.length > 0 && denominatorKnown && relatedCount !== null) {
    const n = safetyTreated.flat().reduce((a, x) => a + (x.n.value ?? 0), 0);
    if (n > 0 && relatedCount <= n) {
      relatedInterval = { ...clopperPearson(relatedCount, n), study_ids: safetyStudies.map((s) => s.id) };
    }
  }

  if (events.length > 0) {
    const list = events
      .map(
        (e) =>
          `${e.description} (${e.count ?? 'number not reported'}${e.arm ? `, arm ${e.arm}` : ''}; relatedness: ${e.relatedness}${e.serious === true ? '; serious' : ''}) in ${e.study_id}`,
      )
      .join('; ');
    insights.push({
      kind: 'safety',
      text: `Adverse events were reported in ${plural(reportedEvents.length, 'study', 'studies')}: ${list}.`,
      study_ids: reportedEvents.map((s) => s.id),
    });
  }
  if (related.length > 0) {
    insights.push({
      kind: 'safety',
      text:
        `${relatedCount ?? 'An unknown number of'} patient${relatedCount === 1 ? '' : 's'} had an event judged possibly, probably or definitely related to treatment` +
        (relatedInterval
          ? `: ${relatedInterval.x} of ${relatedInterval.n} treated patients in the studies that reported on safety, ${pct(relatedInterval.estimate)} (exact 95% CI ${pct(relatedInterval.lower)} to ${pct(relatedInterval.upper)}).`
          : '.'),
      study_ids: [...new Set(related.map((e) => e.study_id))],
    });
  } else if (relatedInterval && safetyStudies.length > 0) {
    insights.push({
      kind: 'safety',
      text: `No event judged related to treatment was reported in ${relatedInterval.n} treated patients of the studies that reported on safety; the exact 95% CI for the rate still reaches ${pct(relatedInterval.upper)}.`,
      study_ids: relatedInterval.study_ids,
    });
  }
  if (reportedNone.length > 0) {
    insights.push({
      kind: 'safety',
      text: `${plural(reportedNone.length, 'study', 'studies')} stated that no adverse event occurred (${reportedNone.map((s) => s.id).join(', ')}).`,
      study_ids: reportedNone.map((s) => s.id),
    });
  }
  if (notReported.length > 0) {
    insights.push({
      kind: 'safety',
      text: `${plural(notReported.length, 'study', 'studies')} did not report on adverse events in the sources curated (${notReported.map((s) => s.id).join(', ')}): silence is not safety.`,
      study_ids: notReported.map((s) => s.id),
    });
  }

  // --- Certainty in plain words ---------------------------------------------------------------------
  const reasons: string[] = [];
  if (primary.length > 0) {
    if (uncontrolled > 0) reasons.push(`${uncontrolled} of ${primary.length} studies had no control group`);
    if (randomized === 0) reasons.push('no randomized controlled trial');
    const small = primary.filter((s) => s.enrolled.value !== null && s.enrolled.value < 50).length;
    if (small > 0) reasons.push(`${small} of ${primary.length} studies enrolled fewer than 50 patients`);
    if (enrolledUnknown.length > 0) reasons.push(`enrollment unknown for ${enrolledUnknown.length}`);
    const products = new Set(
      primary.flatMap((s) =>
        treatedArms(s, sel.members).flatMap((a) => a.therapies.filter((t) => sel.members.includes(t))),
      ),
    );
    if (products.size > 1) reasons.push(`different products (${[...products].join(', ')})`);
  }
  let level: EvidenceCard['certainty']['level'] = 'none';
  if (primary.length > 0) {
    // GRADE starts randomized evidence at high and observational at low; with the limitations above
    // (small, uncontrolled, heterogeneous), evidence this thin is rated down. This is a plain-words
    // summary, not a GRADE assessment (which is per outcome; see reference/evidence-grading.md).
    const rctShare = randomized / primary.length;
    level = randomized === 0 ? 'very low' : rctShare < 0.5 || patientsEnrolled < 400 ? 'low' : 'moderate';
  }
  insights.push({
    kind: 'certainty',
    text:
      primary.length === 0
        ? 'No published study with its own results was found in the curated evidence.'
        : `Certainty is ${level}: ${reasons.join('; ') || 'see the study details'}.`,
    study_ids: ids,
  });

  // --- Ongoing trials and reviews -------------------------------------------------------------------
  const ongoing = [...sel.ongoing, ...sel.protocols].map((s) => ({
    id: s.id,
    nct: s.citation.nct,
    phase: s.phase,
    enrolled: s.enrolled.value,
    status: s.status,
  }));
  if (ongoing.length > 0) {
    const planned = ongoing.reduce((a, t) => a + (t.enrolled ?? 0), 0);
    insights.push({
      kind: 'ongoing',
      text: `${plural(ongoing.length, 'registered trial or protocol', 'registered trials or protocols')} without published results plan to enroll ${planned} patients${ongoing.some((t) => t.enrolled === null) ? ' (some enrollment unknown)' : ''}.`,
      study_ids: ongoing.map((t) => t.id),
    });
  }
  if (sel.reviews.length > 0) {
    insights.push({
      kind: 'reviews',
      text: `${plural(sel.reviews.length, 'review')} of this question ${sel.reviews.length === 1 ? 'is' : 'are'} curated (${sel.reviews.map((s) => s.id).join(', ')}); their patients are not added to the counts above.`,
      study_ids: sel.reviews.map((s) => s.id),
    });
  }
  if (group.note) insights.unshift({ kind: 'scope', text: group.note, study_ids: [] });

  // --- Headline -------------------------------------------------------------------------------------
  let headline: string;
  if (primary.length === 0) {
    headline = `No published study of ${group.label.toLowerCase()} for ${sel.condition} with its own results is in the evidence base.`;
  } else {
    const safetyPhrase =
      events.length > 0
        ? `${plural(reportedEvents.length, 'study', 'studies')} reported adverse events${related.length > 0 ? `, ${relatedCount ?? 'some'} judged possibly or more related to treatment` : ''}`
        : reportedNone.length > 0
          ? `${plural(reportedNone.length, 'study', 'studies')} reported no adverse event and ${notReported.length} did not report on safety`
          : 'no study reported on safety';
    headline =
      `${plural(primary.length, 'published study', 'published studies')} of ${group.label.toLowerCase()} for ${sel.condition} ` +
      `(${randomized} randomized, ${uncontrolled} without a control group) enrolled ${patientsEnrolled}${enrolledUnknown.length ? '+' : ''} patients` +
      `${patientsTreated !== null ? `, ${patientsTreated} treated` : ''}; ${safetyPhrase}; certainty is ${level}.`;
  }

  const cited = [...primary, ...sel.ongoing, ...sel.protocols, ...sel.reviews];
  return {
    condition: sel.condition,
    therapy: sel.therapy,
    therapy_label: group.label,
    therapy_note: group.note ?? null,
    study_ids: ids,
    studies: primary.length,
    designs,
    randomized,
    controlled,
    uncontrolled,
    patients_enrolled: patientsEnrolled,
    patients_enrolled_unknown: enrolledUnknown,
    patients_treated: patientsTreated,
    patients_treated_known: treatedKnown,
    patients_treated_unknown: treatedUnknown,
    headline,
    insights,
    outcomes,
    durability: { longest_followup_months: longest, study_ids: longestIds },
    safety: {
      reported_events: reportedEvents.map((s) => s.id),
      reported_none: reportedNone.map((s) => s.id),
      not_reported: notReported.map((s) => s.id),
      events,
      related_events: relatedCount,
      serious_events: seriousCount,
      related_interval: relatedInterval,
    },
    certainty: { level, reasons },
    ongoing,
    reviews: sel.reviews.map((s) => s.id),
    citations: cited.map((s) => ({
      id: s.id,
      text: citationText(s),
      pmid: s.citation.pmid,
      doi: s.citation.doi,
      nct: s.citation.nct,
    })),
  };
}
