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
}

export function plainLanguage(x: StatementInput): string {
  if (x.effect === null) {
    return `We do not know whether ${x.intervention} changes ${x.outcome}: no effect estimate can be computed from the reported data.`;
  }
  if (x.certainty === 'very-low') {
    return `We do not know whether ${x.intervention} changes ${x.outcome}; the evidence is very uncertain${x.singleArm ? ` (single-arm data: ${x.effect}, with no comparison with control)` : ''}.`;
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
