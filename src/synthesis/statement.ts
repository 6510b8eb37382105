// Plain-language statements by certainty and effect size: GRADE guidance 26 (Santesso 2020) as templated in
// docs/reference/evidence-grading.md §2.4. Pure.
import type { Certainty } from './grade.ts';

export interface StatementInput {
  intervention: string;
  outcome: string;
  certainty: Certainty;
  /** the effect in words ("1.5 points (95% CI 0.8 to 2.1)"), or null when there is no estimate */
  effect: string | null;
  /** direction of a comparative effect: reduces / increases, or within ±MCID → little or no difference */
  direction: 'reduces' | 'increases' | 'little-or-no-difference' | null;
  singleArm: boolean;
  /** results stated as direction and significance without numbers: worded when there is no estimate */
  findings?: readonly DirectionFinding[];
  /** the question's comparison: `unclear` words a change without saying against what */
  comparison?: string;
}

/** A finding's fields a statement needs (src/synthesis/effects.ts FindingItem). */
export interface DirectionFinding {
  study_id: string;
  favours: 'intervention' | 'comparator' | 'neither' | 'mixed' | null;
  change: string | null;
  significant: boolean | null;
  control_arm_only: boolean;
  comparator_label?: string | null | undefined;
  when?: string | null | undefined;
}

const SIGNIFICANCE = (s: boolean | null) =>
  s === true ? 'statistically significant' : s === false ? 'not statistically significant' : 'significance not stated';

/**
 * Direction-only results in words: who did better than whom, when, and whether the source calls it significant.
 * Never a number: the source gives none (issue 9; docs/reference/evidence-grading.md §2.4 keeps the certainty qualifier).
 */
export function directionWords(
  intervention: string,
  findings: readonly DirectionFinding[],
  /** true when the source does not say whether a change is against control or from baseline */
  unclear = false,
): string[] {
  const groups = new Map<string, { f: DirectionFinding; whens: string[] }>();
  for (const f of findings) {
    if (f.control_arm_only) continue;
    const key = JSON.stringify([
      f.study_id,
      f.favours,
      f.comparator_label ?? null,
      f.significant,
      f.favours ? null : f.change,
    ]);
    const g = groups.get(key) ?? { f, whens: [] };
    if (f.when && !g.whens.includes(f.when)) g.whens.push(f.when);
    groups.set(key, g);
  }
  const out: string[] = [];
  for (const { f, whens } of groups.values()) {
    const comp = f.comparator_label ?? 'the comparator';
    const when = whens.length ? ` (${whens.join(', ')})` : '';
    const sig = `; ${SIGNIFICANCE(f.significant)}`;
    if (f.favours === 'intervention')
      out.push(`${f.study_id} reports ${intervention} better than ${comp}${when}${sig}`);
    else if (f.favours === 'comparator')
      out.push(`${f.study_id} reports ${comp} better than ${intervention}${when}${sig}`);
    else if (f.favours === 'neither')
      out.push(`${f.study_id} reports no difference between ${intervention} and ${comp}${when}${sig}`);
    else if (f.favours === 'mixed')
      out.push(`${f.study_id} reports mixed results for ${intervention} against ${comp}${when}${sig}`);
    else if (unclear && f.change)
      out.push(
        `${f.study_id} reports that patients given ${intervention} ${f.change === 'worsened' ? 'worsened' : f.change === 'no-change' ? 'did not change' : 'improved'}${when}${sig}; the source does not say whether against the control group or from baseline`,
      );
    else if (f.change === 'improved' || f.change === 'stable-or-improved')
      out.push(
        `${f.study_id} reports improvement from baseline with ${intervention}${when}${sig}, with no comparison against control`,
      );
    else if (f.change === 'no-change')
      out.push(`${f.study_id} reports no change from baseline with ${intervention}${when}${sig}`);
    else if (f.change === 'worsened')
      out.push(`${f.study_id} reports worsening from baseline with ${intervention}${when}${sig}`);
  }
  return out;
}

export function plainLanguage(x: StatementInput): string {
  if (x.effect === null) {
    const words = directionWords(x.intervention, x.findings ?? [], x.comparison === 'unclear');
    if (words.length > 0) {
      const lead =
        x.certainty === 'very-low'
          ? `We do not know whether ${x.intervention} changes ${x.outcome}; the evidence is very uncertain`
          : x.certainty === 'low'
            ? `${x.intervention} may change ${x.outcome}; the true effect could be quite different`
            : x.certainty === 'moderate'
              ? `${x.intervention} probably changes ${x.outcome}`
              : `${x.intervention} changes ${x.outcome}`;
      return `${lead}. Direction only, no size of effect reported: ${words.join('; ')}.`;
    }
    return `We do not know whether ${x.intervention} changes ${x.outcome}: no effect estimate can be computed from the reported data.`;
  }
  if (x.certainty === 'very-low') {
    return `We do not know whether ${x.intervention} changes ${x.outcome}; the evidence is very uncertain${x.singleArm ? ` (single-arm data: ${x.effect}, with no comparison with control)` : ` (${x.effect})`}.`;
  }
  if (x.singleArm) {
    const q = { high: '', moderate: 'probably ', low: 'may ' }[x.certainty];
    return `Without a control group, ${x.effect} of patients treated with ${x.intervention} ${q ? `${q}` : ''}had this outcome; this is not an effect compared with control${x.certainty === 'low' ? ', and the true figure could be quite different' : ''}.`;
  }
  const verb =
    x.direction === 'little-or-no-difference'
      ? 'make little or no difference to'
      : x.direction === 'increases'
        ? 'increase'
        : 'reduce';
  switch (x.certainty) {
    case 'high':
      return `${x.intervention} ${verb
        .replace(/^make/, 'makes')
        .replace(/^reduce$/, 'reduces')
        .replace(/^increase$/, 'increases')} ${x.outcome} (${x.effect}).`;
    case 'moderate':
      return `${x.intervention} probably ${verb
        .replace(/^make/, 'makes')
        .replace(/^reduce$/, 'reduces')
        .replace(/^increase$/, 'increases')} ${x.outcome} (${x.effect}).`;
    default:
      return `${x.intervention} may ${verb} ${x.outcome} (${x.effect}); the true effect could be quite different.`;
  }
}
