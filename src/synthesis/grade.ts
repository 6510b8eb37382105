// GRADE certainty per outcome question, as a computed suggestion with a rule trace (issue 9 §3). Pure.
// The rules implement docs/reference/evidence-grading.md §2.2 (GRADE domains, Cochrane I² ranges and decision
// matrix, GRADE 6 / GRADE 34 imprecision, funnel tests only when k ≥ 10); where the reference leaves a choice,
// the engine's reading is stated in the domain's sentence so a reviewer can override it (data/judgements).
import type { Study } from '../domain/evidence.ts';
import { qnorm } from '../stats/dist.ts';
import type { FindingItem, ReportedAnalysis, StudyEffect } from './effects.ts';
import type { PooledEffect } from './pool.ts';
import type { Comparison, Domain } from './questions.ts';

export const CERTAINTY = ['very-low', 'low', 'moderate', 'high'] as const;
export type Certainty = (typeof CERTAINTY)[number];
export const GRADE_DOMAINS = [
  'risk-of-bias',
  'inconsistency',
  'indirectness',
  'imprecision',
  'publication-bias',
] as const;
export type GradeDomain = (typeof GRADE_DOMAINS)[number];

export interface DomainJudgement {
  domain: GradeDomain | 'large-effect';
  /** steps down (0, 1, 2; imprecision up to 3); for large-effect, steps up (0, 1, 2) */
  steps: number;
  inputs: Record<string, unknown>;
  reason: string;
}

export interface GradeResult {
  start: Certainty;
  start_reason: string;
  certainty: Certainty;
  domains: DomainJudgement[];
}

/** An MCID as the decision threshold for a continuous outcome (config/instruments.json `responder.<instrument>`). */
export interface Mcid {
  instrument: string;
  absolute: number;
  source: string;
}

export interface GradeInput {
  domain: Domain;
  comparison: Comparison;
  target: string;
  studies: Study[];
  effects: StudyEffect[];
  pooled: PooledEffect | null;
  findings: FindingItem[];
  reported: ReportedAnalysis[];
  /** for MD effects: the MCID of the instrument, or null when none is configured or the scale is not named */
  mcid: Mcid | null;
  /** a representative SD for the optimal information size, when the data give one */
  sd: number | null;
}

/** Certainty after moving `delta` levels from `start` (negative = down), clamped to [very low, high]. */
export function moveCertainty(start: Certainty, delta: number): Certainty {
  const i = Math.max(0, Math.min(3, CERTAINTY.indexOf(start) + delta));
  return CERTAINTY[i]!;
}

/**
 * The final rating: start, minus every downgrade, plus upgrades only for an observational body (GRADE 9: rating
 * up RCTs is theoretically possible, no compelling example), clamped (docs/reference/evidence-grading.md §2.2 engine algorithm).
 */
export function certaintyFrom(start: Certainty, down: readonly { steps: number }[], up: { steps: number }): Certainty {
  const total = down.reduce((a, d) => a + d.steps, 0);
  return moveCertainty(start, -total + (start === 'low' ? up.steps : 0));
}

/** Per-study risk of bias suggested from its design and stated rob_inputs (facts, not judgements). */
export function studyRiskOfBias(s: Study): { level: 'low' | 'some-concerns' | 'high'; why: string } {
  const facts = s.rob_inputs.map((r) => `${r.domain}: ${r.value}`);
  const txt = facts.join('; ');
  if (s.design !== 'rct') {
    return { level: 'high', why: `${s.design}: no randomised comparison${facts.length ? ` (${txt})` : ''}` };
  }
  if (/open-label|nonrandomi[sz]ed|unblinded/i.test(txt)) return { level: 'high', why: txt };
  const randomised = s.rob_inputs.some((r) => r.domain === 'randomisation');
  const blinded = s.rob_inputs.some((r) => r.domain === 'blinding' && /double|blind/i.test(r.value));
  const concealed = s.rob_inputs.some((r) => r.domain === 'allocation-concealment');
  if (randomised && blinded && concealed) return { level: 'low', why: txt };
  return {
    level: 'some-concerns',
    why: `the sources do not state ${[!randomised && 'the randomisation method', !concealed && 'allocation concealment', !blinded && 'blinding'].filter(Boolean).join(', ')}${facts.length ? ` (stated: ${txt})` : ''}`,
  };
}

/**
 * Optimal information size (GRADE 6, Guyatt 2011): the total sample size of one adequately powered two-arm trial,
 * α = 0.05 two-sided, power 0.80.
 * - continuous: 2 × 2(z₁₋α/₂ + z₁₋β)² σ² / Δ² with Δ = the MCID;
 * - binary: 2 × (z₁₋α/₂ + z₁₋β)² [p₁(1−p₁) + p₂(1−p₂)] / (p₁ − p₂)² with a 25% relative risk reduction
 *   (p₂ = 0.75 p₁), GRADE 6's threshold.
 */
export function optimalInformationSize(
  x: { kind: 'continuous'; sd: number; mcid: number } | { kind: 'binary'; risk: number },
): number {
  const z = qnorm(0.975) + qnorm(0.8);
  if (x.kind === 'continuous') return Math.ceil(2 * ((2 * z * z * x.sd * x.sd) / (x.mcid * x.mcid)));
  const p1 = x.risk;
  const p2 = 0.75 * p1;
  return Math.ceil(2 * ((z * z * (p1 * (1 - p1) + p2 * (1 - p2))) / ((p1 - p2) * (p1 - p2))));
}

function riskOfBias(g: GradeInput): DomainJudgement {
  const ids = new Set([...g.effects.map((e) => e.study_id), ...g.findings.map((f) => f.study_id)]);
  const studies = g.studies.filter((s) => ids.has(s.id) && !s.review);
  if (studies.length === 0) {
    const reviews = g.reported.map((r) => r.study_id);
    return {
      domain: 'risk-of-bias',
      steps: reviews.length ? 1 : 0,
      inputs: { reviews },
      reason: reviews.length
        ? 'The risk of bias of the studies the review pooled is not stated in the sources: serious concerns cannot be excluded (−1).'
        : 'No studies.',
    };
  }
  const per = studies.map((s) => ({ study_id: s.id, ...studyRiskOfBias(s) }));
  const high = per.filter((p) => p.level === 'high').length;
  const notLow = per.filter((p) => p.level !== 'low').length;
  const uncontrolled = g.comparison === 'none' || g.comparison === 'unclear';
  // Engine reading of "proportion of weight from studies at high risk" (docs/reference/evidence-grading.md §2.2), by study count:
  // more than half the studies at high risk in a body without a comparator (a subjective outcome with no control
  // for placebo response or natural course) → −2; more than half not at low risk → −1.
  let steps = 0;
  if (high * 2 > per.length && uncontrolled) steps = 2;
  else if (notLow * 2 > per.length) steps = 1;
  const reason =
    steps === 2
      ? `${high} of ${per.length} studies at high risk of bias and no comparator arm: placebo response and natural course cannot be separated from the effect (−2).`
      : steps === 1
        ? `${notLow} of ${per.length} studies not at low risk of bias (${per.map((p) => `${p.study_id}: ${p.why}`).join('; ')}) (−1).`
        : `Most studies at low risk of bias (${per.map((p) => `${p.study_id}: ${p.why}`).join('; ')}).`;
  return { domain: 'risk-of-bias', steps, inputs: { studies: per }, reason };
}

function inconsistency(g: GradeInput): DomainJudgement {
  // Directions are compared between studies: one study whose finding changes direction within a window (steroid
  // better at 1 month, PRP at 3 months) is a time course, not inconsistency across studies.
  const byStudy = new Map<string, Set<string>>();
  for (const f of g.findings) {
    if (f.favours !== 'intervention' && f.favours !== 'comparator') continue;
    const set = byStudy.get(f.study_id) ?? new Set<string>();
    set.add(f.favours);
    byStudy.set(f.study_id, set);
  }
  const oneWay = [...byStudy.entries()].filter(([, d]) => d.size === 1).map(([id, d]) => [id, [...d][0]!] as const);
  const dirs = new Set(oneWay.map(([, d]) => d));
  const timeCourse = [...byStudy.entries()].filter(([, d]) => d.size > 1).map(([id]) => id);
  const p = g.pooled;
  const k = p?.k ?? 0;
  const inputs = {
    k,
    i2: p?.i2 ?? null,
    pi: p ? [p.pi_lb, p.pi_ub] : null,
    finding_directions: Object.fromEntries(oneWay),
    direction_changes_within_study: timeCourse,
  };
  if (dirs.size > 1) {
    return {
      domain: 'inconsistency',
      steps: 1,
      inputs,
      reason: `Studies point in different directions (${oneWay.map(([id, d]) => `${id} favours the ${d}`).join('; ')}) (−1).`,
    };
  }
  if (!p || k < 2 || p.i2 === null) {
    return {
      domain: 'inconsistency',
      steps: 0,
      inputs,
      reason: `Fewer than two pooled effects: inconsistency cannot be assessed and is not rated down (single-study bodies are judged under imprecision)${timeCourse.length ? `; ${timeCourse.join(', ')}: the direction changes between timepoints within this window (a time course, shown in the findings)` : ''}.`,
    };
  }
  // Cochrane decision matrix (docs/reference/evidence-grading.md §2.2): I² < 40% not rated down; 40–74% with estimates in the
  // same direction not rated down, different directions −1; ≥ 75% −1 (same direction) or −2 (different).
  const sameSide = g.effects.every((e) => e.yi >= 0) || g.effects.every((e) => e.yi <= 0);
  const i2 = p.i2;
  let steps = 0;
  if (i2 >= 75) steps = sameSide ? 1 : 2;
  else if (i2 >= 40) steps = sameSide ? 0 : 1;
  const reason = `I² = ${i2.toFixed(0)}%${p.pi_lb !== null ? `, prediction interval ${p.pi_lb.toPrecision(3)} to ${p.pi_ub!.toPrecision(3)}` : ''}; estimates ${sameSide ? 'on one side of no effect' : 'on both sides of no effect'}${steps ? ` (−${steps})` : ' (not rated down)'}.`;
  return { domain: 'inconsistency', steps, inputs, reason };
}

function indirectness(g: GradeInput): DomainJudgement {
  const concerns: string[] = [];
  const ids = new Set([...g.effects.map((e) => e.study_id), ...g.findings.map((f) => f.study_id)]);
  const studies = g.studies.filter((s) => ids.has(s.id));
  if (studies.some((s) => s.targets.includes('cervical-spine'))) concerns.push('cervical-spine data');
  if (g.target === 'multiple')
    concerns.push('several targets treated together (the effect at one target is not separable)');
  if (g.target === 'not-stated' && (g.effects.length || g.reported.length))
    concerns.push('injection target not stated');
  const products = new Set(
    studies.flatMap((s) =>
      s.therapies.filter(
        (t) =>
          !['ha', 'saline', 'sham', 'contrast', 'steroid', 'local-anesthetic', 'conventional-care', 'other'].includes(
            t,
          ),
      ),
    ),
  );
  if (products.size > 1) concerns.push(`different products pooled under one question (${[...products].join(', ')})`);
  if (g.comparison === 'control-unspecified') concerns.push('comparator type not stated');
  // Engine reading (docs/reference/evidence-grading.md §2.2 "population, intervention, comparator or outcome differ"): one
  // concern → −1, two or more → −2.
  const steps = Math.min(2, concerns.length);
  return {
    domain: 'indirectness',
    steps,
    inputs: { concerns },
    reason: concerns.length
      ? `${concerns.join('; ')} (−${steps}).`
      : 'Population, product, target and comparator match the question.',
  };
}

function imprecision(g: GradeInput): DomainJudgement {
  const p = g.pooled;
  const ra = g.reported[0];
  const est =
    p ??
    (ra && ra.ci_lb !== null && ra.ci_ub !== null
      ? {
          measure: ra.measure,
          estimate: ra.estimate,
          ci_lb: ra.ci_lb,
          ci_ub: ra.ci_ub,
          participants: ra.participants,
          k: ra.k,
        }
      : null);
  if (!est) {
    return {
      domain: 'imprecision',
      steps: 2,
      inputs: { effect: null, findings: g.findings.length },
      reason:
        'No effect estimate with a confidence interval: only direction or significance is reported, or the numbers do not allow one (−2).',
    };
  }
  const n = est.participants ?? null;
  const inputs: Record<string, unknown> = {
    measure: est.measure,
    estimate: est.estimate,
    ci: [est.ci_lb, est.ci_ub],
    participants: n,
  };
  if (est.measure === 'PLO' || est.measure === 'proportion') {
    // Single-arm proportion: no comparator, so no decision threshold; the OIS of GRADE 6 for a 25% relative risk
    // reduction at the observed proportion says how many patients one adequate trial would need.
    const ois = optimalInformationSize({ kind: 'binary', risk: Math.min(0.99, Math.max(0.01, est.estimate)) });
    inputs.ois = ois;
    const width = est.ci_ub - est.ci_lb;
    inputs.ci_width = width;
    if (n === null)
      return {
        domain: 'imprecision',
        steps: 1,
        inputs,
        reason: 'Number of participants not stated: the optimal information size cannot be checked (−1).',
      };
    const steps = n < ois / 4 ? 2 : n < ois ? 1 : 0;
    return {
      domain: 'imprecision',
      steps,
      inputs,
      reason: `${n} participants against an optimal information size of ${ois} (GRADE 6: one trial powered for a 25% relative reduction at a ${Math.round(est.estimate * 100)}% rate); 95% CI ${(est.ci_lb * 100).toFixed(0)}% to ${(est.ci_ub * 100).toFixed(0)}%${steps ? ` (−${steps})` : ''}.`,
    };
  }
  if (est.measure === 'RR' || est.measure === 'OR') {
    const crossesNull = est.ci_lb < 1 && est.ci_ub > 1;
    const crossesBoth = est.ci_lb < 0.75 && est.ci_ub > 1.25;
    let steps = crossesBoth ? 2 : crossesNull ? 1 : 0;
    if (!steps && n !== null && g.effects.length) {
      const risk = g.effects[0]!.comparator ? g.effects[0]!.comparator.events / g.effects[0]!.comparator.n : 0.5;
      const ois = optimalInformationSize({ kind: 'binary', risk: Math.min(0.99, Math.max(0.01, risk)) });
      inputs.ois = ois;
      if (n < ois) steps = 1;
    }
    return {
      domain: 'imprecision',
      steps,
      inputs,
      reason: `${est.measure} 95% CI ${est.ci_lb.toPrecision(3)} to ${est.ci_ub.toPrecision(3)}: ${crossesBoth ? 'includes both appreciable benefit (< 0.75) and harm (> 1.25)' : crossesNull ? 'crosses no effect' : 'excludes no effect'}${steps ? ` (−${steps})` : ''}.`,
    };
  }
  // continuous (MD): decision threshold = the MCID (docs/reference/evidence-grading.md §2.2, docs/reference/instruments.md)
  const crossesNull = est.ci_lb < 0 && est.ci_ub > 0;
  if (!g.mcid) {
    return {
      domain: 'imprecision',
      steps: crossesNull ? 2 : 1,
      inputs,
      reason: `No MCID applies (the scale is not named or none is configured), so the CI can only be judged against no effect; ${crossesNull ? 'it crosses no effect (−2)' : `it excludes no effect, but ${n === null ? 'the number of participants is not stated and' : ''} the optimal information size cannot be computed without an MCID and SD (−1)`}.`,
    };
  }
  const m = g.mcid.absolute;
  inputs.mcid = g.mcid;
  const crossesMcid =
    Math.min(Math.abs(est.ci_lb), Math.abs(est.ci_ub)) < m && Math.max(Math.abs(est.ci_lb), Math.abs(est.ci_ub)) > m;
  let steps =
    crossesNull && Math.max(Math.abs(est.ci_lb), Math.abs(est.ci_ub)) > m ? 2 : crossesNull || crossesMcid ? 1 : 0;
  let ois: number | null = null;
  if (g.sd !== null) ois = optimalInformationSize({ kind: 'continuous', sd: g.sd, mcid: m });
  inputs.ois = ois;
  if (!steps && (n === null || ois === null || n < ois)) steps = 1;
  return {
    domain: 'imprecision',
    steps,
    inputs,
    reason: `MD 95% CI ${est.ci_lb} to ${est.ci_ub} against the MCID of ${m} (${g.mcid.instrument}): ${crossesNull ? 'crosses no effect' : crossesMcid ? 'includes effects below and above the MCID' : 'lies on one side of the MCID'}; ${ois === null ? 'optimal information size not computable (no SD)' : `OIS ${ois}`}, participants ${n ?? 'not stated'}${steps ? ` (−${steps})` : ''}.`,
  };
}

function publicationBias(g: GradeInput): DomainJudgement {
  const k = g.pooled?.k ?? 0;
  const small = g.effects.filter((e) => Number.isFinite(e.n) && e.n < 50).length;
  const funding = g.studies.flatMap((s) =>
    s.rob_inputs.filter((r) => r.domain === 'funding').map((r) => `${s.id}: ${r.value}`),
  );
  return {
    domain: 'publication-bias',
    steps: 0,
    inputs: { k, small_studies: small, funding },
    reason:
      k >= 10
        ? 'k ≥ 10: a funnel-plot test applies (not yet run by this engine; a reviewer judges).'
        : `k = ${k} < 10: funnel-plot tests are not used (Sterne 2011); judgement inputs for a reviewer: ${small} small studies (< 50 patients)${funding.length ? `, funding: ${funding.join('; ')}` : ', funding not stated'}. Not rated down by the engine.`,
  };
}

function largeEffect(g: GradeInput, down: DomainJudgement[]): DomainJudgement {
  const p = g.pooled;
  const rob = down.find((d) => d.domain === 'risk-of-bias')!.steps;
  const imp = down.find((d) => d.domain === 'imprecision')!.steps;
  if (!p || (p.measure !== 'RR' && p.measure !== 'OR') || rob > 0 || imp > 0) {
    return {
      domain: 'large-effect',
      steps: 0,
      inputs: {},
      reason: 'Not rated up: no comparative ratio estimate free of serious risk of bias and imprecision (GRADE 9).',
    };
  }
  const r = p.estimate >= 1 ? p.estimate : 1 / p.estimate;
  const steps = r > 5 ? 2 : r > 2 ? 1 : 0;
  return {
    domain: 'large-effect',
    steps,
    inputs: { ratio: p.estimate },
    reason: `Ratio ${p.estimate.toPrecision(3)}${steps ? ` beyond ${steps === 2 ? '5 (or 0.2)' : '2 (or 0.5)'}: rated up +${steps}` : ': not large'} (GRADE 9).`,
  };
}

/** The GRADE suggestion for one question. */
export function gradeQuestion(g: GradeInput): GradeResult {
  const ids = new Set([...g.effects.map((e) => e.study_id), ...g.findings.map((f) => f.study_id)]);
  const body = g.studies.filter((s) => ids.has(s.id) && !s.review);
  const rctBody =
    body.length > 0 && body.every((s) => s.design === 'rct') && !['none', 'unclear'].includes(g.comparison);
  const start: Certainty = rctBody ? 'high' : 'low';
  const start_reason = rctBody
    ? 'Randomised trials comparing arms: start high.'
    : body.length === 0
      ? 'Only a review’s reported analysis; the designs it pooled are not stated: start low.'
      : g.comparison === 'none'
        ? 'Single-arm or within-arm evidence (no comparator): start low, as observational evidence.'
        : 'Non-randomised or observational evidence: start low.';
  const down = [riskOfBias(g), inconsistency(g), indirectness(g), imprecision(g), publicationBias(g)];
  const up = largeEffect(g, down);
  return { start, start_reason, certainty: certaintyFrom(start, down, up), domains: [...down, up] };
}
