// Evidence cards: what the curated studies say about a therapy for a condition, computed from the data
// and never written by hand. Every sentence carries the ids of the studies it rests on. Pure.
//
// The card answers what seed 004 tries to answer, correctly: it counts designs instead of calling every
// study a trial, separates enrolled from treated patients, reports every adverse event the studies report
// (it never says "no adverse event" when any included study reports one), and says how sure we can be.
import type { AdverseEvent, EvidenceLevel, Outcome, Statement, Study } from '../domain/evidence.ts';
import { DESIGNS, type Design, RELATED_GRADES, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { clopperPearson, type ProportionInterval } from '../stats/binomial.ts';
import type { Mcid } from '../synthesis/grade.ts';
import type { JudgementFile } from '../synthesis/judgements.ts';
import { computeSof } from '../synthesis/sof.ts';
import { bestMainCertainty, outcomeInsights } from './card-outcomes.ts';
import {
  DESIGN_SHORT,
  outcomeWhen,
  resultTier,
  reviewDescription,
  reviewSentences,
  studyResultSentences,
  undefinedMeasures,
} from './results.ts';
import { isControlled, isStatedDesign, isUncontrolled, type Selection, selectStudies, treatedArms } from './select.ts';

export interface Insight {
  kind:
    | 'evidence-base'
    /** per main outcome × comparison, from the synthesis: what changed, against what, how sure, in how many */
    | 'outcome'
    /** study by study: every curated result of one study, with its denominator */
    | 'study'
    | 'durability'
    | 'safety'
    | 'certainty'
    | 'ongoing'
    | 'reviews'
    | 'scope'
    | 'evidence-level';
  text: string;
  study_ids: string[];
}

export interface CardEvent {
  study_id: string;
  description: string;
  arm: string | null;
  count: number | null;
  relatedness: AdverseEvent['relatedness'];
  attribution: AdverseEvent['attribution'] | null;
  serious: boolean | null;
  /** patients in the event's arm (or, for a whole-study event, all treated and control patients), when known */
  denominator: number | null;
}

/**
 * Numeric results of one measure at one timepoint under one definition: a range is only ever taken over
 * values that share all three (so 1-month and 6-month responder rates never share a range).
 */
export interface OutcomeSummary {
  instrument: string;
  /** the timepoint as the source states it ("at 12 months", "within the first 8 days"), or null */
  when: string | null;
  definition: string | null;
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
  /** published studies whose design no source states: listed, not counted as a design */
  design_not_stated: string[];
  patients_enrolled: number;
  patients_enrolled_unknown: string[];
  patients_treated: number | null;
  patients_treated_known: number;
  patients_treated_unknown: string[];
  /** studies whose treated count uses an arm size derived from quoted numbers (e.g. an allocation ratio) */
  patients_treated_derived: string[];
  comparators: { study_id: string; arm: string; label: string }[];
  headline: string;
  insights: Insight[];
  outcomes: OutcomeSummary[];
  durability: { longest_followup_months: number | null; study_ids: string[] };
  safety: {
    reported_events: string[];
    reported_none: string[];
    /** stated that no serious (or severe) adverse event occurred: non-serious events neither reported nor excluded */
    reported_none_serious: string[];
    /** stated that no event related to the injection occurred */
    reported_none_related: string[];
    not_reported: string[];
    events: CardEvent[];
    related_events: number | null;
    /** null whenever the seriousness of any reported event is unknown: unknown is never counted as 0 */
    serious_events: number | null;
    related_interval: (ProportionInterval & { study_ids: string[] }) | null;
  };
  certainty: { level: 'very low' | 'low' | 'moderate' | 'high' | 'none'; reasons: string[] };
  ongoing: { id: string; nct: string | null; phase: string | null; enrolled: number | null; status: string }[];
  reviews: string[];
  evidence_levels: EvidenceLevel[];
  citations: { id: string; text: string; pmid: string | null; doi: string | null; nct: string | null }[];
}

const THERAPY_SHORT_NAMES: Record<string, string> = {
  prp: 'PRP',
  prf: 'PRF',
  bmc: 'BMC',
  msc: 'MSC therapies',
  mpc: 'MPCs',
  'bm-msc': 'BM-MSCs',
  'ad-msc': 'AD-MSCs',
  'uc-msc': 'UC-MSCs',
  all: 'regenerative therapies',
};
const therapyShort = (t: string) => THERAPY_SHORT_NAMES[t] ?? t;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, ''));
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
    c.journal ? `${c.journal.replace(/\.$/, '')}.` : '',
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
  const groups = new Map<
    string,
    { instrument: string; when: string | null; definition: string | null; rows: [Study, Outcome][] }
  >();
  for (const s of sel.primary) {
    for (const o of s.outcomes) {
      if (o.undefined_measure || o.statistic === 'n') continue;
      const when = outcomeWhen(o);
      const key = JSON.stringify([measureName(o), when, o.definition]);
      const g = groups.get(key) ?? { instrument: measureName(o), when, definition: o.definition, rows: [] };
      g.rows.push([s, o]);
      groups.set(key, g);
    }
  }
  const out: OutcomeSummary[] = [];
  for (const g of groups.values()) {
    const treated: RangeSummary['values'] = [];
    const control: RangeSummary['values'] = [];
    const change: RangeSummary['values'] = [];
    const timepoints = new Set<number>();
    for (const [s, o] of g.rows) {
      const treatedIds = new Set(treatedArms(s, sel.members).map((a) => a.id));
      const controlIds = new Set(s.arms.filter((a) => a.role === 'control').map((a) => a.id));
      // A whole-population value counts as "treated" only in a study where everyone got the therapy.
      const singleGroup = s.arms.length <= 1 || s.arms.every((a) => treatedIds.has(a.id));
      if (o.timepoint_months !== null) timepoints.add(o.timepoint_months);
      const row = {
        study_id: s.id,
        arm: o.arm,
        timepoint_months: o.timepoint_months,
        value: o.value,
        definition: o.definition,
      };
      const inTreated = o.arm ? treatedIds.has(o.arm) : singleGroup;
      if (o.statistic === 'responder_pct') {
        if (inTreated) treated.push(row);
        else if (o.arm && controlIds.has(o.arm)) control.push(row);
      }
      if (o.statistic === 'mean_change' && inTreated) change.push(row);
    }
    out.push({
      instrument: g.instrument,
      when: g.when,
      definition: g.definition,
      study_ids: [...new Set(g.rows.map(([s]) => s.id))],
      timepoints_months: [...timepoints].sort((a, b) => a - b),
      responder_pct_treated: summariseRange(treated),
      responder_pct_control: summariseRange(control),
      mean_change_treated: summariseRange(change),
    });
  }
  return out.sort((a, b) => b.study_ids.length - a.study_ids.length || a.instrument.localeCompare(b.instrument));
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** "2022-06-27" → "27 June 2022" (also YYYY-MM and YYYY). */
export function asOfText(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  if (m === undefined) return String(y);
  return `${d !== undefined ? `${d} ` : ''}${MONTHS[m - 1]} ${y}`;
}

const RELATEDNESS_WORDS: Partial<Record<AdverseEvent['relatedness'], string>> = {
  unrelated: 'unrelated',
  unlikely: 'unlikely to be related',
  possible: 'possibly related',
  probable: 'probably related',
  definite: 'definitely related',
};

/** Percent with enough digits that a small rate is not shown as 0.0% (1/71 has a lower bound of 0.04%). */
export const pctSmart = (x: number) => {
  const v = 100 * x;
  if (v === 0) return '0%';
  return `${v < 1 ? v.toFixed(2) : v.toFixed(1)}%`;
};

const DESIGN_ORDER: readonly Design[] = DESIGNS;

function armsSummary(s: Study): string {
  if (s.arms.length === 0) return 'no arms described';
  return s.arms
    .map(
      (a) => `${a.label} ${a.n.value === null ? 'n not stated' : `${a.n.value}${a.n.derivation ? ' (derived)' : ''}`}`,
    )
    .join('; ');
}

/** Evidence-level statements (ASIPP…) that concern the therapies of this card. */
export function evidenceLevelsFor(statements: Statement[], members: readonly string[]): EvidenceLevel[] {
  return statements.filter(
    (x): x is EvidenceLevel => x.kind === 'evidence-level' && x.therapies.some((t) => members.includes(t)),
  );
}

export function computeCard(
  all: Study[],
  condition: string,
  therapy: string,
  statements: Statement[] = [],
  /** MCIDs and reviewer judgements for the per-outcome GRADE suggestions (as `regenspine sof`) */
  synthesis: { mcids?: Record<string, Mcid>; judgements?: JudgementFile[] } = {},
): EvidenceCard {
  const sel = selectStudies(all, condition, therapy);
  // One number, one computation: the per-outcome results and certainty come from the Summary of Findings.
  const sof = computeSof(all, statements, {
    condition,
    therapy,
    mcids: synthesis.mcids ?? {},
    judgements: synthesis.judgements ?? [],
  });
  const group = THERAPY_GROUPS[sel.therapy]!;
  const primary = sel.primary;
  const ids = primary.map((s) => s.id);
  const insights: Insight[] = [];

  // --- The evidence base: designs and patients -------------------------------------------------------
  const designs: Partial<Record<Design, number>> = {};
  for (const s of primary) if (isStatedDesign(s.design)) designs[s.design] = (designs[s.design] ?? 0) + 1;
  const designNotStated = primary.filter((s) => !isStatedDesign(s.design)).map((s) => s.id);
  const randomized = primary.filter((s) => s.design === 'rct').length;
  const controlled = primary.filter((s) => isControlled(s.design)).length;
  const uncontrolled = primary.filter((s) => isUncontrolled(s.design)).length;
  const enrolledKnown = primary.filter((s) => s.enrolled.value !== null);
  const patientsEnrolled = enrolledKnown.reduce((a, s) => a + (s.enrolled.value ?? 0), 0);
  const enrolledUnknown = primary.filter((s) => s.enrolled.value === null).map((s) => s.id);
  let treatedKnown = 0;
  const treatedUnknown: string[] = [];
  const treatedDerived: string[] = [];
  for (const s of primary) {
    const arms = treatedArms(s, sel.members);
    if (arms.length === 0 || arms.some((a) => a.n.value === null)) treatedUnknown.push(s.id);
    else {
      treatedKnown += arms.reduce((a, x) => a + (x.n.value ?? 0), 0);
      if (arms.some((a) => a.n.derivation)) treatedDerived.push(s.id);
    }
  }
  const patientsTreated = treatedUnknown.length === 0 ? treatedKnown : null;
  const comparators = primary.flatMap((s) =>
    s.arms.filter((a) => a.role === 'control').map((a) => ({ study_id: s.id, arm: a.id, label: a.label })),
  );

  const designList = DESIGN_ORDER.filter((d) => designs[d])
    .map((d) => `${designs[d]} ${DESIGN_WORDS[d][designs[d] === 1 ? 0 : 1]}`)
    .concat(
      designNotStated.length
        ? [`${designNotStated.length} of design not stated in the sources (${designNotStated.join(', ')})`]
        : [],
    );
  const enrolledText =
    enrolledKnown.length === 0
      ? 'enrollment is not reported in the curated sources'
      : `${enrolledUnknown.length ? 'at least ' : ''}${patientsEnrolled} patients were enrolled${enrolledUnknown.length ? ` (enrollment not reported for ${enrolledUnknown.join(', ')})` : ''}`;
  const treatedText =
    patientsTreated !== null
      ? `${patientsTreated} of them received ${group.label.toLowerCase()}; the rest were controls`
      : treatedKnown === 0
        ? `the number who received the therapy is not reported (${treatedUnknown.join(', ')})`
        : `at least ${treatedKnown} received the therapy (the number treated is not reported for ${treatedUnknown.join(', ')})`;
  if (primary.length > 0) {
    insights.push({
      kind: 'evidence-base',
      text:
        `${plural(primary.length, 'published study', 'published studies')}: ${designList.join(', ')}. ` +
        `${enrolledText[0]!.toUpperCase()}${enrolledText.slice(1)}; ${treatedText}.` +
        (treatedDerived.length
          ? ` Arm sizes of ${treatedDerived.join(', ')} are derived from the stated total and allocation ratio or remainder.`
          : '') +
        (comparators.length
          ? ` Comparators: ${comparators.map((c) => `${c.label} (${c.study_id})`).join('; ')}.`
          : ' No study had a control group.'),
      study_ids: ids,
    });
  }

  // --- Results per main outcome (from the synthesis), then study by study ----------------------------
  const acrossInterventions = sel.therapy === 'all';
  for (const o of outcomeInsights(sof, primary.concat(sel.reviews), therapyShort(sel.therapy), !acrossInterventions))
    insights.push({ kind: 'outcome', text: o.text, study_ids: o.study_ids });
  const byStrength = [...primary].sort(
    (a, b) => DESIGN_ORDER.indexOf(a.design) - DESIGN_ORDER.indexOf(b.design) || a.id.localeCompare(b.id),
  );
  for (const s of byStrength) {
    const lines = studyResultSentences(s);
    const undef = undefinedMeasures(s);
    const tier = resultTier(s);
    const target = s.targets.length ? `; target: ${s.targets.join(', ')}` : '; target not stated';
    // Facts a reader weighs risk of bias by, as the sources state them (open-label, setting, blinding).
    const rob = s.rob_inputs
      .filter((r) => ['blinding', 'setting', 'randomisation'].includes(r.domain))
      .map((r) => r.value);
    const what = `${s.id} (${DESIGN_SHORT[s.design]}${s.enrolled.value !== null ? `, ${s.enrolled.value} enrolled` : ', enrollment not reported'}; ${armsSummary(s)}${target}${rob.length ? `; ${[...new Set(rob)].join('; ')}` : ''}${tier ? `; ${tier}` : ''})`;
    const text =
      lines.length === 0
        ? `${what}: no result is given in the curated sources.`
        : `${what}: ${lines.join('; ')}.${undef.length ? ` Not shown as results: ${undef.map((o) => o.caveat ?? o.label ?? o.instrument).join('; ')}.` : ''}`;
    insights.push({ kind: 'study', text, study_ids: [s.id] });
  }
  const outcomes = outcomeSummaries(sel);

  // --- Durability -----------------------------------------------------------------------------------
  const withFollowup = primary.filter((s) => s.followup_months.value !== null);
  const longest = withFollowup.length ? Math.max(...withFollowup.map((s) => s.followup_months.value!)) : null;
  const longestIds = withFollowup.filter((s) => s.followup_months.value === longest).map((s) => s.id);
  if (longest !== null) {
    const shortIds = withFollowup.filter((s) => (s.followup_months.value ?? 0) <= 12).map((s) => s.id);
    const controlledLong = withFollowup.filter((s) => isControlled(s.design) && (s.followup_months.value ?? 0) > 12);
    insights.push({
      kind: 'durability',
      text:
        `Longest follow-up: ${fmt(longest)} months (${longestIds.join(', ')}). ${shortIds.length} of ${withFollowup.length} studies with a stated follow-up ended by 12 months. ` +
        (controlledLong.length
          ? `Controlled follow-up beyond 12 months: ${controlledLong.map((s) => `${s.id} (${DESIGN_SHORT[s.design]}, ${fmt(s.followup_months.value!)} months)`).join(', ')}.`
          : 'No controlled study followed patients beyond 12 months.'),
      study_ids: withFollowup.map((s) => s.id),
    });
  }

  // --- Safety ---------------------------------------------------------------------------------------
  const state = (k: Study['adverse_events_reported']) => primary.filter((s) => s.adverse_events_reported === k);
  const reportedEvents = state('some');
  const reportedNone = state('none');
  const noneSerious = state('none-serious');
  const noneRelated = state('none-related');
  const notReported = state('not-reported');
  const treatedN = (s: Study) => {
    const arms = treatedArms(s, sel.members);
    return arms.length > 0 && arms.every((a) => a.n.value !== null)
      ? arms.reduce((x, a) => x + (a.n.value ?? 0), 0)
      : null;
  };
  const events: CardEvent[] = reportedEvents.flatMap((s) =>
    s.adverse_events.map((e) => ({
      study_id: s.id,
      description: e.description,
      arm: e.arm,
      count: e.count.value,
      relatedness: e.relatedness,
      attribution: e.attribution ?? null,
      serious: e.serious,
      denominator: e.arm
        ? (s.arms.find((a) => a.id === e.arm)?.n.value ?? null)
        : s.arms.length > 0 && s.arms.every((a) => a.n.value !== null)
          ? s.arms.reduce((x, a) => x + (a.n.value ?? 0), 0)
          : null,
    })),
  );
  const related = events.filter((e) => RELATED_GRADES.includes(e.relatedness));
  const relatedCount = related.some((e) => e.count === null) ? null : related.reduce((a, e) => a + (e.count ?? 0), 0);
  const unknownRelatedness = events.filter((e) => e.relatedness === 'not-stated' || e.relatedness === 'not-assessed');
  const seriousnessUnknown = events.some((e) => e.serious === null);
  const serious = events.filter((e) => e.serious === true);
  const seriousCount =
    seriousnessUnknown || serious.some((e) => e.count === null)
      ? null
      : serious.reduce((a, e) => a + (e.count ?? 0), 0);

  // Exact interval for "patients with a related event / treated" over the studies that reported on adverse
  // events in a way that settles relatedness (some, none, none-related), when every count it needs is known.
  // Each related event is counted as one patient.
  let relatedInterval: EvidenceCard['safety']['related_interval'] = null;
  const safetyStudies = [...reportedEvents, ...reportedNone, ...noneRelated];
  const safetyTreated = safetyStudies.map(treatedN);
  if (safetyStudies.length > 0 && safetyTreated.every((n) => n !== null) && relatedCount !== null) {
    const n = safetyTreated.reduce<number>((a, x) => a + (x ?? 0), 0);
    if (n > 0 && relatedCount <= n) {
      relatedInterval = { ...clopperPearson(relatedCount, n), study_ids: safetyStudies.map((s) => s.id) };
    }
  }
  const relWords = (e: CardEvent) => {
    if (e.attribution) {
      const words = (r: string) => (r === 'not-stated' ? 'not stated' : r === 'not-assessed' ? 'not assessed' : r);
      return e.attribution.product === e.attribution.procedure
        ? `relatedness ${words(e.attribution.product)} in the source`
        : `relatedness to the product: ${words(e.attribution.product)}; to the procedure: ${words(e.attribution.procedure)}`;
    }
    return e.relatedness === 'not-stated'
      ? 'relatedness not stated in the source'
      : e.relatedness === 'not-assessed'
        ? 'relatedness not assessed'
        : `judged ${RELATEDNESS_WORDS[e.relatedness] ?? e.relatedness}`;
  };
  if (events.length > 0) {
    const perStudy = reportedEvents.map((s) => {
      const list = events
        .filter((e) => e.study_id === s.id)
        .map((e) => {
          const arm = e.arm
            ? (s.arms.find((a) => a.id === e.arm)?.label ?? e.arm)
            : s.arms.length === 1
              ? s.arms[0]!.label
              : 'all arms';
          const count =
            e.count === null
              ? 'number not reported'
              : `${e.count}${e.denominator !== null ? ` of ${e.denominator}` : ''}`;
          const ser = e.serious === true ? 'serious' : e.serious === false ? 'not serious' : 'seriousness not stated';
          return `${e.description} (${count}, ${arm}; ${relWords(e)}; ${ser})`;
        })
        .join('; ');
      return `${s.id}: ${list}`;
    });
    insights.push({
      kind: 'safety',
      text: `Adverse events were reported in ${plural(reportedEvents.length, 'study', 'studies')}. ${perStudy.join('. ')}.`,
      study_ids: reportedEvents.map((s) => s.id),
    });
  }
  const unknownNote = unknownRelatedness.length
    ? ` Events whose relatedness the source does not state are not counted as related: ${unknownRelatedness.map((e) => `${e.description.split(/[,(]/)[0]!.trim().toLowerCase()} (${e.count ?? 'number not reported'}, ${e.study_id})`).join('; ')}.`
    : '';
  if (related.length > 0) {
    insights.push({
      kind: 'safety',
      text:
        (relatedInterval
          ? `${relatedInterval.x} of ${relatedInterval.n} treated patients in the ${plural(relatedInterval.study_ids.length, 'study', 'studies')} that reported on adverse events (${relatedInterval.study_ids.join(', ')}) had an event judged possibly, probably or definitely related to treatment: ${pctSmart(relatedInterval.estimate)} (exact 95% CI ${pctSmart(relatedInterval.lower)} to ${pctSmart(relatedInterval.upper)}).`
          : `${relatedCount ?? 'An unknown number of'} patient${relatedCount === 1 ? '' : 's'} had an event judged possibly, probably or definitely related to treatment; the number of treated patients it is out of is not known.`) +
        unknownNote,
      study_ids: [...new Set([...related.map((e) => e.study_id), ...(relatedInterval?.study_ids ?? [])])],
    });
  } else if (relatedInterval) {
    insights.push({
      kind: 'safety',
      text: `No event judged related to treatment was reported in ${relatedInterval.n} treated patients of the studies that reported on adverse events (${relatedInterval.study_ids.join(', ')}); the exact 95% CI for the rate still reaches ${pctSmart(relatedInterval.upper)}.${unknownNote}`,
      study_ids: relatedInterval.study_ids,
    });
  }
  if (events.length > 0 && seriousnessUnknown) {
    insights.push({
      kind: 'safety',
      text: `Seriousness is not stated for ${events.filter((e) => e.serious === null).length} of the ${events.length} reported events, so the number of serious events is unknown (not zero).`,
      study_ids: reportedEvents.map((s) => s.id),
    });
  }
  const withN = (xs: Study[]) =>
    xs.map((s) => `${s.id}${treatedN(s) !== null ? ` (${treatedN(s)} treated)` : ''}`).join(', ');
  if (reportedNone.length > 0) {
    insights.push({
      kind: 'safety',
      text: `${plural(reportedNone.length, 'study', 'studies')} stated that no adverse event occurred: ${withN(reportedNone)}.`,
      study_ids: reportedNone.map((s) => s.id),
    });
  }
  if (noneSerious.length > 0) {
    insights.push({
      kind: 'safety',
      text: `${plural(noneSerious.length, 'study', 'studies')} stated only that no serious (or severe) adverse event occurred: ${withN(noneSerious)}; non-serious events are neither reported nor excluded.`,
      study_ids: noneSerious.map((s) => s.id),
    });
  }
  if (noneRelated.length > 0) {
    insights.push({
      kind: 'safety',
      text: `${plural(noneRelated.length, 'study', 'studies')} stated that no adverse event related to the injection occurred: ${withN(noneRelated)}; unrelated events are neither reported nor excluded.`,
      study_ids: noneRelated.map((s) => s.id),
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
    if (designNotStated.length > 0) reasons.push(`the design of ${designNotStated.length} is not stated`);
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
    const secondHand = primary.filter((s) =>
      [s.design_provenance, ...s.outcomes.map((o) => o.provenance), ...s.findings.map((f) => f.provenance)].some(
        (p) => p.source_tier === 'narrative-review',
      ),
    );
    if (secondHand.length > 0)
      reasons.push(
        `results of ${secondHand.length} of ${primary.length} studies are known only second-hand, from narrative reviews`,
      );
  }
  // The card's level is the best GRADE suggestion of any main outcome with a result (src/synthesis): no outcome
  // is rated higher. Per-outcome certainty is in the outcome insights above. A rating across different
  // interventions (PRP and cell therapies) means nothing (evidence audit §3.4).
  const best = bestMainCertainty(sof);
  let level: EvidenceCard['certainty']['level'] =
    primary.length === 0 || best === null ? 'none' : best === 'very-low' ? 'very low' : best;
  if (acrossInterventions) level = 'none';
  const graded = sof.questions.filter((q) => q.domain !== 'adverse-events' && q.domain !== 'other');
  const tally = (['high', 'moderate', 'low', 'very-low'] as const)
    .map((c) => [c, graded.filter((q) => q.certainty === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c.replace('-', ' ')}`)
    .join(', ');
  insights.push({
    kind: 'certainty',
    text:
      primary.length === 0
        ? 'No published study with its own results was found in the curated evidence.'
        : acrossInterventions
          ? `No rating: certainty is not assessed across different interventions (PRP and cell therapies); see each therapy's card. Reasons for caution: ${reasons.join('; ')}.`
          : `GRADE certainty is computed per outcome question (a suggestion with a rule trace; see "what the evidence shows"): ${graded.length} outcome questions, ${tally || 'none graded'}; no main outcome is rated above ${level}. Reasons for caution across the evidence: ${reasons.join('; ') || 'see the study details'}.`,
    study_ids: ids,
  });

  // --- Evidence-level statements (guidelines) --------------------------------------------------------
  const levels = evidenceLevelsFor(statements, sel.members);
  for (const l of levels) {
    insights.push({
      kind: 'evidence-level',
      text: `${l.body}, as reported by ${l.reported_by.split(' (')[0]} (second-hand): level ${l.level} for ${l.therapies.map((t) => (t === 'prp' ? 'PRP' : t === 'msc-other' ? 'MSCs' : t)).join(' and ')} in ${l.targets.map((t) => ({ facet: 'lumbar facet joint', epidural: 'lumbar epidural', sacroiliac: 'sacroiliac joint' })[t as 'facet'] ?? t).join(', ')} injections — "${l.statement}" This is a guideline grading, not a GRADE certainty; it says nothing about intradiscal injection.`,
      study_ids: [],
    });
  }

  // --- Ongoing trials and reviews -------------------------------------------------------------------
  const ongoingStudies = [...sel.ongoing, ...sel.protocols];
  const ongoing = ongoingStudies.map((s) => ({
    id: s.id,
    nct: s.citation.nct,
    phase: s.phase,
    enrolled: s.enrolled.value,
    status: s.status,
  }));
  if (ongoing.length > 0) {
    const planned = ongoing.reduce((a, t) => a + (t.enrolled ?? 0), 0);
    const asOf = [...new Set(ongoingStudies.map((s) => s.status_as_of?.date).filter(Boolean))];
    const regs = sel.ongoing.length;
    const prots = sel.protocols.length;
    insights.push({
      kind: 'ongoing',
      text:
        `${[regs ? plural(regs, 'registered trial') : '', prots ? plural(prots, 'published protocol') : ''].filter(Boolean).join(' and ')} without published results plan to enroll ${ongoing.some((t) => t.enrolled === null) ? 'at least ' : ''}${planned} patients (estimated enrollment as registered)` +
        (asOf.length
          ? `; status as listed in seed-000, as of ${asOf.map((d) => asOfText(d!)).join(', ')}; it may have changed since.`
          : '.'),
      study_ids: ongoing.map((t) => t.id),
    });
  }
  if (sel.reviews.length > 0) {
    insights.push({
      kind: 'reviews',
      text: `${plural(sel.reviews.length, 'review')} of this question ${sel.reviews.length === 1 ? 'is' : 'are'} curated (${sel.reviews.map((s) => s.id).join(', ')}); their patients are not added to the counts above, and because the sources do not say which studies they include, their results may overlap with the studies above.`,
      study_ids: sel.reviews.map((s) => s.id),
    });
    for (const r of sel.reviews) {
      const lines = reviewSentences(r);
      insights.push({
        kind: 'reviews',
        text: `${r.id} (${reviewDescription(r)}): ${lines.length ? `${lines.join('; ')}.` : 'no result is given in the curated sources.'}`,
        study_ids: [r.id],
      });
    }
  }
  if (group.note) insights.unshift({ kind: 'scope', text: group.note, study_ids: [] });

  // --- Headline -------------------------------------------------------------------------------------
  let headline: string;
  if (primary.length === 0) {
    headline = `No published study of ${group.label.toLowerCase()} for ${sel.condition} with its own results is in the evidence base.`;
  } else {
    const safetyParts = [
      reportedEvents.length
        ? `${plural(reportedEvents.length, 'study', 'studies')} reported adverse events${related.length > 0 ? ` (${relatedCount ?? 'some'} patient${relatedCount === 1 ? '' : 's'} with an event judged possibly or more related${relatedInterval ? `, of ${relatedInterval.n} treated` : ''})` : ''}`
        : '',
      reportedNone.length ? `${reportedNone.length} stated that none occurred` : '',
      noneSerious.length ? `${noneSerious.length} that none was serious` : '',
      noneRelated.length ? `${noneRelated.length} that none was related to the injection` : '',
      notReported.length ? `${notReported.length} did not report on safety` : '',
    ].filter(Boolean);
    const designWords = [
      `${randomized} randomized`,
      controlled - randomized ? `${controlled - randomized} non-randomized controlled` : '',
      `${uncontrolled} without a control group`,
      designNotStated.length ? `${designNotStated.length} of design not stated` : '',
    ].filter(Boolean);
    const enrolledHead =
      enrolledKnown.length === 0
        ? 'enrollment not reported'
        : `enrolled ${enrolledUnknown.length ? 'at least ' : ''}${patientsEnrolled} patients`;
    const treatedHead =
      patientsTreated !== null
        ? `, ${patientsTreated} treated`
        : treatedKnown > 0
          ? `, at least ${treatedKnown} treated`
          : ', number treated not reported';
    headline =
      `${plural(primary.length, 'published study', 'published studies')} of ${group.label.toLowerCase()} for ${sel.condition} ` +
      `(${designWords.join(', ')}): ${enrolledHead}${treatedHead}; ${safetyParts.join(', ') || 'no study reported on safety'}; ${acrossInterventions ? 'not rated across different interventions' : `GRADE certainty per outcome at most ${level} (computed suggestion)`}.`;
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
    design_not_stated: designNotStated,
    patients_enrolled: patientsEnrolled,
    patients_enrolled_unknown: enrolledUnknown,
    patients_treated: patientsTreated,
    patients_treated_known: treatedKnown,
    patients_treated_unknown: treatedUnknown,
    patients_treated_derived: treatedDerived,
    comparators,
    headline,
    insights,
    outcomes,
    durability: { longest_followup_months: longest, study_ids: longestIds },
    safety: {
      reported_events: reportedEvents.map((s) => s.id),
      reported_none: reportedNone.map((s) => s.id),
      reported_none_serious: noneSerious.map((s) => s.id),
      reported_none_related: noneRelated.map((s) => s.id),
      not_reported: notReported.map((s) => s.id),
      events,
      related_events: relatedCount,
      serious_events: seriousCount,
      related_interval: relatedInterval,
    },
    certainty: { level, reasons },
    ongoing,
    reviews: sel.reviews.map((s) => s.id),
    evidence_levels: levels,
    citations: cited.map((s) => ({
      id: s.id,
      text: citationText(s),
      pmid: s.citation.pmid,
      doi: s.citation.doi,
      nct: s.citation.nct,
    })),
  };
}
