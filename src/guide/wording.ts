// Patient wording of a Summary-of-Findings result, never more favourable than its GRADE certainty allows
// (GRADE guidance 26, Santesso 2020, as templated in docs/reference/evidence-grading.md §2.4: high "reduces",
// moderate "probably reduces", low "may reduce … could be quite different", very low "we do not know whether
// … the evidence is very uncertain"). The certainty, the effect and its direction are the SoF's own
// (src/synthesis/sof.ts); this module only chooses simpler words at the same strength. Pure.
import type { Certainty } from '../synthesis/grade.ts';
import type { SofQuestion } from '../synthesis/sof.ts';

/** How favourable a sentence's wording is: 0 = "we do not know" or a plain description, 1 = "may",
 * 2 = "probably", 3 = an unhedged claim of effect. */
export type Strength = 0 | 1 | 2 | 3;

/** The most favourable wording a certainty allows (§2.4). */
export const ALLOWED_STRENGTH: Record<Certainty, Strength> = { 'very-low': 0, low: 1, moderate: 2, high: 3 };

/** Words that claim an effect, a benefit or safety. Any of them outside a "we do not know if …" clause or a
 * hedge makes a sentence an unhedged claim (strength 3). */
const CLAIM =
  /\b(reduces|lowers|improves|improved|helps|works|effective|relieves|relief|raises|heals|repairs|restores|regenerates|safe|proven|cures|better)\b/i;
/** A hedged claim of effect: "may lower", "might help", "could improve". */
const HEDGED = /\b(may|might|could)\s+(lower|reduce|raise|increase|improve|help|relieve|make little)\b/i;

/** The strength of a sentence's wording, for the test that no guide sentence says more than its certainty. */
export function wordingStrength(sentence: string): Strength {
  // a "we do not know if/whether …" sentence claims nothing, whatever verb follows inside the clause
  const rest = sentence.replace(/\bwe do not know (if|whether)\b[^.;]*/gi, '');
  if (CLAIM.test(rest)) return /\bprobably\b/i.test(rest) ? 2 : 3;
  if (HEDGED.test(rest)) return 1;
  return 0;
}

/** Plain nouns for the SoF's outcome domains (with the responder sub-domain from the question id). */
export const OUTCOME_NOUN: Record<string, string> = {
  pain: 'pain',
  function: 'disability in daily life',
  'quality-of-life': 'quality of life',
  'opioid-use': 'use of pain medicine',
  imaging: 'how the spine looks on scans',
  'treatment-failure': 'the need for more treatment',
  'adverse-events': 'side effects',
  other: 'other results',
  'responder-pain': 'how many people had less pain',
  'responder-function': 'how many people had less disability',
  'responder-composite': 'how many people had less pain and disability',
  'responder-work-capacity': 'how many people could work more',
  responder: 'how many people got better',
};

/** Plain words for a comparison kind (src/synthesis/questions.ts COMPARISONS). */
export const COMPARISON_PLAIN: Record<string, string> = {
  placebo: 'a dummy (placebo) injection',
  active: 'a steroid injection',
  'conventional-care': 'usual care',
  'control-unspecified': 'a control group of a type not stated',
  none: 'no comparison group',
  dose: 'a different dose',
  subgroup: 'groups of patients',
  unclear: 'something the source does not make clear',
};

/** Plain words for a time window (src/synthesis/questions.ts WINDOWS). */
export const WINDOW_PLAIN: Record<string, string> = {
  le3m: 'in the first 3 months',
  '6m': 'at about 6 months',
  '12m': 'at about 1 year',
  gt12m: 'after more than 1 year',
  unstated: 'at a time the source does not state',
};

/** What the guide's plain words say about how sure we are, per certainty (GRADE definitions, §2.1, simplified). */
export const CERTAINTY_PLAIN: Record<Certainty, string> = {
  high: 'high: the true effect is very likely close to what the studies found',
  moderate: 'moderate: the true effect is likely close to what the studies found, but it could be quite different',
  low: 'low: the true effect may be quite different from what the studies found',
  'very-low': 'very low: the true effect is likely to be quite different from what the studies found',
};

export const domainKey = (q: Pick<SofQuestion, 'id' | 'domain'>): string =>
  q.domain === 'responder' ? (q.id.split('.')[3] ?? 'responder') : q.domain;

/** The guide's sentence for one SoF question: the same certainty and effect, in simpler words. */
export function questionSentence(therapy: string, q: SofQuestion): string {
  const noun = OUTCOME_NOUN[domainKey(q)] ?? q.outcome.toLowerCase();
  const noEstimate = q.effect === null && q.reported_analyses.length === 0;
  if (noEstimate) return `We do not know if ${therapy} changes ${noun}. The studies gave no numbers we can check.`;
  if (q.certainty === 'very-low')
    return `We do not know if ${therapy} changes ${noun}. The evidence is very uncertain.`;
  if (q.effect?.body === 'single-arm') {
    const hedge = q.certainty === 'low' ? ' The true figure could be quite different.' : '';
    return `These numbers come from people who all had ${therapy}, with no comparison group. They do not show what ${therapy} itself does.${hedge}`;
  }
  // direction as the SoF states it (its statement carries "reduce", "increase" or "little or no difference")
  const s = q.statement;
  const verb = /little or no difference/.test(s)
    ? 'make little or no difference to'
    : /increase/.test(s)
      ? 'raise'
      : 'lower';
  const third = verb === 'make little or no difference to' ? 'makes little or no difference to' : `${verb}s`;
  if (q.certainty === 'low') return `${therapy} may ${verb} ${noun}, but the true effect could be quite different.`;
  if (q.certainty === 'moderate') return `${therapy} probably ${third} ${noun}.`;
  return `${therapy} ${third} ${noun}.`;
}
