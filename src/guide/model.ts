// The patient guide of one therapy (PRP, BMC, stem cells), as data. Every result, certainty and effect is the
// Summary of Findings' own (computeSof, src/synthesis/sof.ts); counts of studies, people and reported adverse
// events are the evidence card's (computeCard, src/evidence/card.ts); the rest is the vendored reference text
// of content.ts. Nothing here re-estimates an effect or raises a certainty. Pure: data in, guide out.
import type { Provenance, Statement, Study } from '../domain/evidence.ts';
import { citationText, computeCard } from '../evidence/card.ts';
import { selectStudies } from '../evidence/select.ts';
import type { StudyEffect } from '../synthesis/effects.ts';
import type { Certainty, Mcid } from '../synthesis/grade.ts';
import type { JudgementFile } from '../synthesis/judgements.ts';
import { computeSof, type Sof, type SofQuestion } from '../synthesis/sof.ts';
import {
  BALANCE,
  COST,
  DONOR_RISK,
  type FactSentence,
  GENERAL_RISKS,
  GENERAL_RISKS_INTRO,
  type GuideTherapy,
  NOT_LEGAL_ADVICE,
  QUESTIONS,
  REGULATORY,
  SECOND_OPINION,
  THERAPY_NAME,
  TRIALS_INTRO,
  WHAT_IT_IS,
} from './content.ts';
import { type Readability, readability } from './readability.ts';
import {
  CERTAINTY_PLAIN,
  COMPARISON_PLAIN,
  domainKey,
  OUTCOME_NOUN,
  questionSentence,
  WINDOW_PLAIN,
} from './wording.ts';

export const GUIDE_SCHEMA = 'regenspine.guide/1';

export interface GuideSentence {
  text: string;
  /** curated studies behind the sentence (every sentence with a study number has at least one) */
  study_ids: string[];
  /** the SoF questions the sentence words */
  question_ids: string[];
  /** the GRADE certainty of those questions (the lowest, when several), or null for a sentence that is no result */
  certainty: Certainty | null;
  /** a number in it is known only as a narrative review retells the study */
  second_hand: boolean;
  /** for reference text: the vendored passage and its public source */
  source: FactSentence['source'] | null;
}

export interface IconArray {
  id: string;
  study_id: string;
  question_id: string;
  certainty: Certainty;
  /** plain label of what was counted */
  label: string;
  /** the study's own definition and timing, quoted from the data */
  definition: string | null;
  when: string | null;
  treated: { events: number; n: number; per_100: number };
  /** with a control group: its count; null = no comparison */
  control: { events: number; n: number; per_100: number; label: string } | null;
  /** the SoF's 95% CI for a single-arm proportion, per 100 (rounded) */
  ci_per_100: { lb: number; ub: number } | null;
  formula: string;
  /** the text alternative of the picture and the sentence under it */
  text: string;
  second_hand: boolean;
}

export interface GuideTrial {
  id: string;
  nct: string | null;
  title: string;
  phase: string | null;
  status: string;
  status_plain: string;
  status_as_of: string | null;
  status_basis: string | null;
  enrolled: number | null;
  open: boolean;
}

export interface Guide {
  schema: typeof GUIDE_SCHEMA;
  therapy: GuideTherapy;
  title: string;
  condition: string;
  summary: GuideSentence[];
  what_it_is: GuideSentence[];
  /** what was measured, in how many people, and how sure we are: one group per outcome */
  benefits: { domain: string; heading: string; sentences: GuideSentence[] }[];
  icon_arrays: IconArray[];
  /** why there is no picture (no comparison, no denominators) */
  icon_notes: GuideSentence[];
  not_improved: GuideSentence[];
  not_measured: GuideSentence[];
  followup: GuideSentence[];
  harms: { reported: GuideSentence[]; general_intro: GuideSentence; general: GuideSentence[] };
  regulatory: GuideSentence[];
  cost: GuideSentence[];
  questions: GuideSentence[];
  trials_intro: GuideSentence;
  trials: GuideTrial[];
  /** every study a sentence links to, with its citation */
  studies: { id: string; citation: string; pmid: string | null; doi: string | null; nct: string | null }[];
  /** the SoF the guide was built from (schema and question count) */
  sof: { schema: Sof['schema']; questions: number; certainties: Partial<Record<Certainty, number>> };
  readability: Readability & { scope: string; target: number; limit: number; all_text: Readability };
}

export interface GuideOptions {
  therapy: GuideTherapy;
  condition?: string;
  mcids?: Record<string, Mcid>;
  judgements?: JudgementFile[];
}

const ORDER: Certainty[] = ['very-low', 'low', 'moderate', 'high'];
const lowest = (cs: Certainty[]): Certainty | null =>
  cs.length ? cs.reduce((a, c) => (ORDER.indexOf(c) < ORDER.indexOf(a) ? c : a)) : null;
const uniq = <T>(xs: T[]) => [...new Set(xs)].sort() as T[];
const isSecondHand = (ps: (Provenance | null | undefined)[]) =>
  ps.some((p) => p?.source_tier === 'narrative-review' || p?.source_tier === 'promotional');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const count = (n: number, one: string, many = one === 'study' ? 'studies' : `${one}s`) =>
  `${n <= 10 ? WORDS[n] : n} ${n === 1 ? one : many}`;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const fact = (x: FactSentence): GuideSentence => ({
  text: x.text,
  study_ids: [],
  question_ids: [],
  certainty: null,
  second_hand: false,
  source: x.source,
});
const said = (
  text: string,
  study_ids: string[],
  o: { questions?: SofQuestion[]; second_hand?: boolean } = {},
): GuideSentence => ({
  text,
  study_ids: uniq(study_ids),
  question_ids: uniq((o.questions ?? []).map((q) => q.id)),
  certainty: lowest((o.questions ?? []).map((q) => q.certainty)),
  second_hand: o.second_hand ?? false,
  source: null,
});

/** Outcome domains a patient asks about, in reading order (adverse events are the risks section). */
const BENEFIT_DOMAINS = [
  'pain',
  'function',
  'responder-pain',
  'responder-function',
  'responder-composite',
  'responder-work-capacity',
  'quality-of-life',
  'opioid-use',
  'treatment-failure',
  'imaging',
  'other',
];
const ASKED = ['pain', 'function', 'quality-of-life', 'opioid-use'];
/** Domains whose single-arm or 2×2 counts are "how many people got better" (drawn as icon arrays). */
const RATE_DOMAINS = new Set([
  'responder-pain',
  'responder-function',
  'responder-composite',
  'responder-work-capacity',
  'opioid-use',
]);
const RATE_LABEL: Record<string, string> = {
  'responder-pain': 'had less pain, by the study’s own measure',
  'responder-function': 'had less disability, by the study’s own measure',
  'responder-composite': 'had less pain and disability, by the study’s own measure',
  'responder-work-capacity': 'said they could work more',
  'opioid-use': 'used less pain medicine',
};
const HEADING: Record<string, string> = {
  pain: 'Pain',
  function: 'Disability in daily life',
  'responder-pain': 'People with less pain',
  'responder-function': 'People with less disability',
  'responder-composite': 'People with less pain and disability',
  'responder-work-capacity': 'Work',
  'quality-of-life': 'Quality of life',
  'opioid-use': 'Pain medicine',
  'treatment-failure': 'Needing more treatment',
  imaging: 'Scans of the spine',
  other: 'Other results',
};

const STATUS_PLAIN: Record<string, string> = {
  recruiting: 'looking for people to join',
  'not-yet-recruiting': 'not yet taking people',
  'enrolling-by-invitation': 'taking people by invitation',
  'active-not-recruiting': 'running, but not taking new people',
  completed: 'finished',
  suspended: 'paused',
  terminated: 'stopped early',
  withdrawn: 'withdrawn',
  unknown: 'of a status the sources do not state',
};
const OPEN = new Set(['recruiting', 'not-yet-recruiting', 'enrolling-by-invitation']);

const effectProvenance = (e: Pick<StudyEffect, 'derived_from'>): Provenance[] =>
  e.derived_from
    .flatMap((d) => [d.provenance, ...(d.derivation?.inputs.map((i) => i.provenance) ?? [])])
    .filter((p): p is Provenance => !!p);

/** A number of scale points as the source gives it (no rounding beyond the source's own digits). */
const fmtPoints = (x: number) => String(Number(x.toPrecision(6)));

/** Per 100, rounded to a whole person: round(100 × events / n). The formula is shown with the picture. */
export const per100 = (events: number, n: number) => Math.round((100 * events) / n);

export function buildGuide(studies: Study[], statements: Statement[], o: GuideOptions): Guide {
  const condition = o.condition ?? 'chronic low back pain';
  const t = o.therapy;
  const name = THERAPY_NAME[t].short;
  const sof = computeSof(studies, statements, {
    condition,
    therapy: t,
    mcids: o.mcids ?? {},
    judgements: o.judgements ?? [],
  });
  const card = computeCard(studies, condition, t, statements);
  const sel = selectStudies(studies, condition, t);
  const questions = sof.questions;
  const byDomain = new Map<string, SofQuestion[]>();
  for (const q of questions) {
    const k = domainKey(q);
    byDomain.set(k, [...(byDomain.get(k) ?? []), q]);
  }

  // --- Summary: how many studies and people, how sure ------------------------------------------------------
  const certainties: Partial<Record<Certainty, number>> = {};
  for (const q of questions) certainties[q.certainty] = (certainties[q.certainty] ?? 0) + 1;
  const enrolledProv = sel.primary.map((s) => s.enrolled.provenance);
  const summary: GuideSentence[] = [];
  summary.push(
    said(
      `${cap(count(card.studies, 'published study', 'published studies'))} tested ${name} for ${condition}.`,
      card.study_ids,
    ),
  );
  if (card.randomized > 0)
    summary.push(
      said(
        `${cap(count(card.randomized, 'study'))} chose by chance who got ${name} and who got something else. This is the fairest kind of test.`,
        sel.primary.filter((s) => s.design === 'rct').map((s) => s.id),
      ),
    );
  else
    summary.push(said(`No study chose by chance who got ${name}. That is the fairest kind of test.`, card.study_ids));
  const unknown = card.patients_enrolled_unknown;
  if (unknown.length === card.studies && card.studies > 0)
    summary.push(said('None of these studies said how many people took part.', unknown));
  else
    summary.push(
      said(
        `${unknown.length ? 'At least ' : ''}${card.patients_enrolled} people took part${unknown.length ? `. ${cap(count(unknown.length, 'study', 'studies'))} did not say how many` : ''}.`,
        card.study_ids,
        { second_hand: isSecondHand(enrolledProv) },
      ),
    );
  const nq = questions.length;
  const top = ORDER.filter((c) => certainties[c]).at(-1) ?? null;
  if (nq && top) {
    summary.push(
      said(
        certainties[top] === nq
          ? `For all ${nq} results, our confidence is ${CERTAINTY_PLAIN[top]}.`
          : `For the best results, our confidence is ${CERTAINTY_PLAIN[top]}.`,
        uniq(questions.flatMap((q) => q.study_ids)),
        { questions },
      ),
    );
  }
  const secondHandStudies = sel.primary.filter((s) =>
    isSecondHand([...s.outcomes.map((x) => x.provenance), ...s.findings.map((x) => x.provenance)]),
  );
  if (secondHandStudies.length)
    summary.push(
      said(
        `For ${count(secondHandStudies.length, 'study', 'studies')}, we only have the numbers as a review retells them, not from the study itself. These are marked “second-hand”.`,
        secondHandStudies.map((s) => s.id),
      ),
    );

  // --- Benefits: what was measured, in how many people, how sure -------------------------------------------
  const benefits: Guide['benefits'] = [];
  for (const d of BENEFIT_DOMAINS) {
    const qs = byDomain.get(d);
    if (!qs?.length) continue;
    const ids = uniq(qs.flatMap((q) => q.study_ids));
    const kinds = uniq(qs.map((q) => q.comparison_kind));
    const comparisons = kinds.filter((c) => c !== 'subgroup' && c !== 'none');
    const sentences: GuideSentence[] = [];
    const noun = OUTCOME_NOUN[d] ?? d;
    const reviews = sel.reviews.filter((r) => ids.includes(r.id)).length;
    const primary = ids.length - reviews;
    const who = [primary ? count(primary, 'study', 'studies') : '', reviews ? count(reviews, 'review') : ''].filter(
      Boolean,
    );
    const compared = comparisons.length
      ? ` ${ids.length === 1 ? 'It' : 'They'} compared ${name} with ${listWords(comparisons.map((c) => COMPARISON_PLAIN[c] ?? c))}.${kinds.includes('none') ? ` ${ids.length === 1 ? 'It also gave results' : 'Some gave results'} with no comparison group.` : ''}`
      : kinds.includes('none')
        ? ` ${ids.length === 1 ? 'It' : 'None of them'} had ${ids.length === 1 ? 'no' : 'a'} comparison group.`
        : '';
    sentences.push(
      said(`${cap(who.join(' and '))} looked at ${noun}${peopleIn(sel.primary, ids)}.${compared}`, ids, {
        questions: qs,
      }),
    );
    // one sentence per distinct wording: all very-low questions of a domain read the same
    const byText = new Map<string, SofQuestion[]>();
    for (const q of qs) {
      const text = questionSentence(name, q);
      byText.set(text, [...(byText.get(text) ?? []), q]);
    }
    for (const [text, group] of byText)
      sentences.push(
        said(
          text,
          group.flatMap((q) => q.study_ids),
          { questions: group },
        ),
      );
    // a review's reported mean difference, as the SoF shows it (never pooled again), in words
    for (const q of qs)
      for (const r of q.reported_analyses) {
        if (r.measure !== 'MD') continue;
        const pts = (x: number) => fmtPoints(Math.abs(x));
        const dir = r.estimate < 0 ? 'lower' : 'higher';
        const range =
          r.ci_lb !== null && r.ci_ub !== null && Math.sign(r.ci_lb) === Math.sign(r.ci_ub)
            ? ` The likely range was ${pts(Math.min(Math.abs(r.ci_lb), Math.abs(r.ci_ub)))} to ${pts(Math.max(Math.abs(r.ci_lb), Math.abs(r.ci_ub)))} points.`
            : '';
        sentences.push(
          said(
            `A review that pooled other studies reported ${noun} scores ${pts(r.estimate)} points ${dir} with ${name} than with control${r.when ? `, ${r.when}` : ''}.${range}${r.included_study_ids.length === 0 ? ' The sources do not say which studies it pooled.' : ''}${q.certainty === 'very-low' ? ' The evidence is very uncertain.' : ''}`,
            [r.study_id],
            { questions: [q], second_hand: isSecondHand([r.provenance]) },
          ),
        );
      }
    benefits.push({ domain: d, heading: HEADING[d] ?? cap(noun), sentences });
  }

  // --- Icon arrays: responder counts with denominators -----------------------------------------------------
  const icon_arrays: IconArray[] = [];
  const icon_notes: GuideSentence[] = [];
  const seen = new Set<string>();
  for (const q of questions) {
    const d = domainKey(q);
    if (!RATE_DOMAINS.has(d)) continue;
    for (const e of q.study_effects) {
      if (e.events === null || !(e.measure === 'PLO' || e.measure === 'RR' || e.measure === 'RD' || e.measure === 'OR'))
        continue;
      const key = `${e.study_id}|${d}|${e.definition}|${e.when}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const treated = { events: e.events, n: e.n, per_100: per100(e.events, e.n) };
      const control = e.comparator
        ? {
            ...e.comparator,
            per_100: per100(e.comparator.events, e.comparator.n),
            label: COMPARISON_PLAIN[q.comparison_kind] ?? 'the comparison',
          }
        : null;
      const ci = e.measure === 'PLO' ? { lb: Math.round(e.ci_lb * 100), ub: Math.round(e.ci_ub * 100) } : null;
      const label = RATE_LABEL[d]!;
      const parts = [
        `In one study, ${treated.events} of ${treated.n} people who had ${name} ${label}: about ${treated.per_100} in 100.`,
        control
          ? `With ${control.label}, ${control.events} of ${control.n} did: about ${control.per_100} in 100.`
          : `There was no comparison group, so we cannot tell how many would have done as well without ${name}.`,
        ci ? `With so few people, the true number could be anywhere from about ${ci.lb} to ${ci.ub} in 100.` : '',
      ].filter(Boolean);
      icon_arrays.push({
        id: `ia-${icon_arrays.length + 1}`,
        study_id: e.study_id,
        question_id: q.id,
        certainty: q.certainty,
        label,
        definition: e.definition,
        when: e.when,
        treated,
        control,
        ci_per_100: ci,
        formula: `round(100 × ${treated.events} / ${treated.n}) = ${treated.per_100}${control ? `; round(100 × ${control.events} / ${control.n}) = ${control.per_100}` : ''}`,
        text: parts.join(' '),
        second_hand: isSecondHand(effectProvenance(e)),
      });
    }
    for (const nc of q.not_computable) {
      if (nc.kind !== 'arm-size-not-given' && nc.kind !== 'percent-not-whole-count') continue;
      const key = `nc|${nc.study_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      icon_notes.push(
        said(
          nc.kind === 'arm-size-not-given'
            ? 'One study gave the share of people who reached its goal as a percentage, but not how many people were in each group. We do not draw a picture for it, because we cannot check the numbers.'
            : 'One study gave a percentage that does not match a whole number of its people. We do not draw a picture for it, because we cannot check the numbers.',
          [nc.study_id],
          { questions: [q], second_hand: isSecondHand([nc.provenance]) },
        ),
      );
    }
  }
  if (icon_arrays.length === 0)
    icon_notes.push(
      said(
        `No study of ${name} gave a count of people who reached a study goal, out of a known number of people. So there is no picture and no comparison.`,
        card.study_ids,
      ),
    );
  else if (icon_arrays.every((a) => a.control === null))
    icon_notes.push(
      said(
        `None of these counts has a comparison group. Back pain often eases over time, or after any injection, so the pictures do not show what ${name} itself does.`,
        uniq(icon_arrays.map((a) => a.study_id)),
        { questions: questions.filter((q) => icon_arrays.some((a) => a.question_id === q.id)) },
      ),
    );

  // --- What did not improve -------------------------------------------------------------------------------
  const not_improved: GuideSentence[] = [];
  const noted = new Set<string>();
  for (const q of questions) {
    const d = domainKey(q);
    // adverse events are the risks section; subgroup findings are about who did better, not whether it helped
    if (d === 'adverse-events' || q.comparison_kind === 'subgroup') continue;
    const noun = OUTCOME_NOUN[d] ?? d;
    for (const f of q.findings) {
      const w = q.id.split('.').at(-1) ?? 'unstated';
      const when = w === 'unstated' ? '' : ` ${WINDOW_PLAIN[w] ?? ''}`;
      let text: string | null = null;
      if (f.control_arm_only && f.change === 'improved')
        text = `In one study, people in the comparison group, who had ${COMPARISON_PLAIN[q.comparison_kind]}, also reported gains in ${noun}. This often happens with a dummy treatment, or with time.`;
      else if (f.control_arm_only) continue;
      else if (f.favours === 'comparator')
        text = `In one study, ${name} did worse than ${COMPARISON_PLAIN[q.comparison_kind]} on ${noun}${when}.`;
      else if (f.favours === 'neither' && q.comparison_kind === 'dose')
        text = `In one study, a higher dose did no more for ${noun} than a lower dose.`;
      else if (f.favours === 'neither' || f.change === 'no-change')
        text =
          d === 'imaging'
            ? `In one study, the discs looked no different on scans in any group.`
            : `In one study, ${noun} was no different with ${name} than with ${COMPARISON_PLAIN[q.comparison_kind]}.`;
      else if (f.change === 'worsened') text = `In one study, ${noun} got worse in some people${when}.`;
      if (!text) continue;
      const key = `${f.study_id}|${text}`;
      if (noted.has(key)) continue;
      noted.add(key);
      not_improved.push(said(text, [f.study_id], { questions: [q], second_hand: isSecondHand([f.provenance]) }));
    }
  }
  // Akeda-type single-arm counts of pain coming back are a "did not last" result
  for (const q of byDomain.get('other') ?? [])
    for (const e of q.study_effects)
      if (e.events !== null && /return/i.test(e.definition ?? ''))
        not_improved.push(
          said(
            `In one study, the back pain came back in ${e.events} of ${e.n} people by the end of the study.`,
            [e.study_id],
            { questions: [q], second_hand: isSecondHand(effectProvenance(e)) },
          ),
        );
  if (not_improved.length === 0)
    not_improved.push(
      said(
        `No study here reported that ${name} did worse than the comparison, or no different from it. This is not proof of benefit: most results had no numbers we can check.`,
        card.study_ids,
      ),
    );

  // --- What was not measured ------------------------------------------------------------------------------
  const not_measured: GuideSentence[] = [];
  for (const d of ASKED)
    if (!byDomain.has(d)) not_measured.push(said(`No study here measured ${OUTCOME_NOUN[d]}.`, card.study_ids));
  const nonAe = questions.filter((q) => q.domain !== 'adverse-events');
  if (!nonAe.some((q) => q.comparison_kind === 'placebo'))
    not_measured.push(said(`No study compared ${name} with a dummy (placebo) injection.`, card.study_ids));
  if (!nonAe.some((q) => q.id.endsWith('.gt12m')))
    not_measured.push(said('No study reported results after more than 1 year.', card.study_ids));
  not_measured.push(
    fact({
      text: 'Nobody yet knows which types of back pain respond best, how many injections are needed, or how best to make the product.',
      source: { section: 'docs/reference/patient-guides.md#seed-003-prp', cites: 'seed 003, "What Remains Uncertain"' },
    }),
  );

  // --- How long people were followed ----------------------------------------------------------------------
  const followup: GuideSentence[] = [];
  const fu = sel.primary.map((s) => ({ id: s.id, m: s.followup_months.value, p: s.followup_months.provenance }));
  const known = fu.filter((x): x is { id: string; m: number; p: Provenance | undefined } => x.m !== null);
  const longest = card.durability.longest_followup_months;
  if (longest !== null)
    followup.push(
      said(`The longest study followed people for ${longest} months.`, card.durability.study_ids, {
        second_hand: isSecondHand(known.filter((x) => x.m === longest).map((x) => x.p)),
      }),
    );
  const short = known.filter((x) => x.m <= 12);
  if (short.length)
    followup.push(
      said(
        `${short.length === card.studies ? (card.studies === 2 ? 'Both studies' : `All ${card.studies} studies`) : `${short.length} of the ${card.studies} studies`} followed people for 1 year or less.`,
        short.map((x) => x.id),
        { second_hand: isSecondHand(short.map((x) => x.p)) },
      ),
    );
  const noFu = fu.filter((x) => x.m === null);
  if (noFu.length)
    followup.push(
      said(
        `${cap(count(noFu.length, 'study', 'studies'))} did not say how long they followed people.`,
        noFu.map((x) => x.id),
      ),
    );
  followup.push(said('So we do not know if any benefit lasts for years.', card.study_ids));

  // --- Risks ----------------------------------------------------------------------------------------------
  const reported: GuideSentence[] = [];
  const aeQuestions = byDomain.get('adverse-events') ?? [];
  const aeProv = (id: string, desc: string) =>
    sel.primary.find((s) => s.id === id)?.adverse_events.find((e) => e.description === desc)?.provenance;
  for (const e of card.safety.events) {
    const rel =
      e.relatedness === 'possible' || e.relatedness === 'probable' || e.relatedness === 'definite'
        ? ` The researchers thought it was ${e.relatedness === 'possible' ? 'possibly' : e.relatedness === 'probable' ? 'probably' : 'certainly'} caused by the product.`
        : ' The source does not say if the treatment caused it.';
    const what = e.description.charAt(0).toLowerCase() + e.description.slice(1);
    const text =
      e.count === null
        ? `One study reported ${what}. It did not say how many people had them.`
        : `In one study, ${e.count} of ${e.denominator ?? 'an unknown number of'} people given the treatment had ${what}.${rel}`;
    reported.push(
      said(text, [e.study_id], {
        questions: aeQuestions.filter((q) => q.study_ids.includes(e.study_id)),
        second_hand: isSecondHand([aeProv(e.study_id, e.description)]),
      }),
    );
  }
  const s = card.safety;
  if (s.reported_none.length)
    reported.push(
      said(`${cap(count(s.reported_none.length, 'study', 'studies'))} said no side effects happened.`, s.reported_none),
    );
  if (s.reported_none_serious.length)
    reported.push(
      said(
        `${cap(count(s.reported_none_serious.length, 'study', 'studies'))} said only that no serious side effects happened.`,
        s.reported_none_serious,
      ),
    );
  if (s.reported_none_related.length)
    reported.push(
      said(
        `${cap(count(s.reported_none_related.length, 'study', 'studies'))} said only that no side effects came from the injection.`,
        s.reported_none_related,
      ),
    );
  if (s.not_reported.length)
    reported.push(
      said(
        `${s.not_reported.length === card.studies ? (card.studies === 2 ? 'Neither study reported' : `None of the ${card.studies} studies reported`) : `${s.not_reported.length} of the ${card.studies} studies did not report`} on side effects at all, so their risks are unknown.`,
        s.not_reported,
      ),
    );
  reported.push(said(`These studies were small, so rare but serious problems could have been missed.`, card.study_ids));
  const general = GENERAL_RISKS.map(fact);
  if (t !== 'prp') general.push(fact(DONOR_RISK));

  // --- Trials ---------------------------------------------------------------------------------------------
  const trials: GuideTrial[] = [...sel.ongoing, ...sel.protocols]
    .filter((x) => x.record_kind !== 'protocol' || x.status !== 'completed')
    .map((x) => ({
      id: x.id,
      nct: x.citation.nct,
      title: x.citation.title ?? x.id,
      phase: x.phase,
      status: x.status,
      status_plain: STATUS_PLAIN[x.status] ?? x.status,
      status_as_of: x.status_as_of?.date ?? null,
      status_basis: x.status_as_of?.basis ?? null,
      enrolled: x.enrolled.value,
      open: OPEN.has(x.status),
    }))
    .sort((a, b) => Number(b.open) - Number(a.open) || a.id.localeCompare(b.id));

  const guide: Omit<Guide, 'readability'> = {
    schema: GUIDE_SCHEMA,
    therapy: t,
    title: THERAPY_NAME[t].title,
    condition,
    summary,
    what_it_is: WHAT_IT_IS[t].map(fact),
    benefits,
    icon_arrays,
    icon_notes,
    not_improved,
    not_measured,
    followup,
    harms: { reported, general_intro: fact(GENERAL_RISKS_INTRO), general },
    regulatory: [...REGULATORY[t], NOT_LEGAL_ADVICE].map(fact),
    cost: COST.map(fact),
    questions: [...QUESTIONS, SECOND_OPINION, BALANCE].map(fact),
    trials_intro: fact(TRIALS_INTRO),
    trials,
    studies: [],
    sof: { schema: sof.schema, questions: questions.length, certainties },
  };
  const cited = new Set([
    ...[
      ...summary,
      ...benefits.flatMap((b) => b.sentences),
      ...icon_notes,
      ...not_improved,
      ...not_measured,
      ...followup,
      ...reported,
    ].flatMap((x) => x.study_ids),
    ...icon_arrays.map((a) => a.study_id),
    ...trials.map((x) => x.id),
  ]);
  guide.studies = studies
    .filter((x) => cited.has(x.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((x) => ({
      id: x.id,
      citation: citationText(x),
      pmid: x.citation.pmid,
      doi: x.citation.doi,
      nct: x.citation.nct,
    }));
  return { ...guide, readability: measure(guide) };
}

/** " in at least N people" from the studies' quoted enrollment (a sum of quoted numbers), or "" when none is known. */
function peopleIn(studies: Study[], ids: string[]): string {
  const xs = studies.filter((s) => ids.includes(s.id) && !s.review);
  const known = xs.map((s) => s.enrolled.value).filter((v): v is number => v !== null);
  if (known.length === 0) return '';
  const sum = known.reduce((a, b) => a + b, 0);
  return `, with ${known.length < xs.length ? 'at least ' : ''}${plural(sum, 'person', 'people')} in all`;
}

function listWords(xs: string[]): string {
  if (xs.length <= 1) return xs[0] ?? 'nothing';
  return `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`;
}

/** Every plain-language sentence the guide itself writes, section by section (what the grade level measures). */
export function guideText(g: Omit<Guide, 'readability'>): string[] {
  const ss = (xs: GuideSentence[]) => xs.map((x) => x.text);
  return [
    g.title,
    ...ss(g.summary),
    ...ss(g.what_it_is),
    ...g.benefits.flatMap((b) => [b.heading, ...ss(b.sentences)]),
    ...g.icon_arrays.map((a) => a.text),
    ...ss(g.icon_notes),
    ...ss(g.not_improved),
    ...ss(g.not_measured),
    ...ss(g.followup),
    ...ss(g.harms.reported),
    g.harms.general_intro.text,
    ...ss(g.harms.general),
    ...ss(g.regulatory),
    ...ss(g.cost),
    ...ss(g.questions),
    g.trials_intro.text,
    ...g.trials.map((x) => `This trial is ${x.status_plain}.`),
    ...SECTION_HEADINGS,
  ];
}

/** Fixed headings of every guide (rendered by src/web/guide.ts and guideToMarkdown). */
export const SECTION_HEADINGS = [
  'The short answer',
  'What is it?',
  'What the studies measured, and how sure we are',
  'Out of 100 people',
  'What did not get better',
  'What was not measured',
  'How long people were followed',
  'Benefits',
  'Risks',
  'Side effects reported in the studies',
  'General risks of spine injections',
  'Rules and approval',
  'Cost',
  'Questions to ask before you agree',
  'Clinical trials',
];

function measure(g: Omit<Guide, 'readability'>): Guide['readability'] {
  const own = guideText(g);
  // for transparency, also the grade with everything shown: the studies' own definitions and trial titles
  const quoted = [
    ...g.icon_arrays.flatMap((a) => [a.definition ?? '', a.when ?? '']),
    ...g.trials.map((x) => x.title),
  ].filter(Boolean);
  return {
    ...readability(own),
    scope:
      "the guide's own sentences and headings; the studies' quoted definitions and trial titles are their authors' words and are counted only in all_text",
    target: 8,
    limit: 9,
    all_text: readability([...own, ...quoted]),
  };
}
