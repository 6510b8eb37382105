// Study-level effects from the curated numbers (issue 9 §1), computed with src/stats only where the numbers allow,
// and otherwise the exact reason they do not. Pure. Never back-fills: a count comes from a quoted count, or from a
// quoted percentage and a quoted (or derived) denominator that round-trip to exactly one whole count (the rule of
// `percent-of-denominator`, src/evidence/validate.ts); every input of an effect carries its provenance.
import type { Arm, Derivation, Finding, Measured, Outcome, Provenance, Study } from '../domain/evidence.ts';
import type { Therapy } from '../domain/vocabulary.ts';
import { findingSentence, fmtNumber } from '../evidence/results.ts';
import { treatedArms } from '../evidence/select.ts';
import { qnorm } from '../stats/dist.ts';
import { escalc } from '../stats/escalc.ts';
import { ilogit } from '../stats/transform.ts';
import {
  type Comparison,
  comparisonOfArms,
  comparisonOfWords,
  type Domain,
  findingComparison,
  findingDomains,
  outcomeDomain,
  outcomeTimepoint,
  type Window,
  windowOfMonths,
  windowsOf,
} from './questions.ts';

/** One number an effect was computed from: quoted (provenance) or derived (derivation, whose inputs are quoted). */
export interface EffectInput {
  name: string;
  value: number;
  provenance: Provenance | null;
  derivation: Derivation | null;
}

export type EffectMeasure = 'PLO' | 'RR' | 'OR' | 'RD' | 'MD' | 'SMD';

export interface StudyEffect {
  study_id: string;
  /** PLO = a single-arm proportion (analysed on the logit scale, shown back-transformed) */
  measure: EffectMeasure;
  /** on the natural scale: proportion, ratio, or difference */
  estimate: number;
  ci_lb: number;
  ci_ub: number;
  /** analysis scale (logit, log ratio, difference) and sampling variance, for pooling */
  yi: number;
  vi: number;
  /** participants contributing; events for counts */
  n: number;
  events: number | null;
  /** the comparator arm's events and size, for 2×2 effects */
  comparator: { events: number; n: number } | null;
  instrument: string;
  definition: string | null;
  when: string | null;
  /** true when reported by the study (not computed here) */
  as_reported: boolean;
  derived_from: EffectInput[];
}

/** Kinds of "not computable", one per reason the data give. */
export const NOT_COMPUTABLE_KINDS = [
  'arm-size-not-given',
  'percent-not-whole-count',
  'sd-not-reported',
  'ci-not-reported',
  'p-value-only',
  'not-split-by-arm',
  'median-only',
  'not-an-effect-measure',
  'undefined-measure',
  'single-patient-grade',
  'no-comparator-data',
  'unsupported-statistic',
] as const;
export type NotComputableKind = (typeof NOT_COMPUTABLE_KINDS)[number];

export interface NotComputable {
  study_id: string;
  kind: NotComputableKind;
  reason: string;
  provenance: Provenance;
}

/** A result stated without numbers (direction, significance), or an adverse event as listed. */
export interface FindingItem {
  study_id: string;
  /** intervention | comparator | neither | mixed | null (within-arm) */
  favours: 'intervention' | 'comparator' | 'neither' | 'mixed' | null;
  change: Finding['change'];
  significant: boolean | null;
  p: string | null;
  /** true when only the control arm is described (a placebo / natural-course response) */
  control_arm_only: boolean;
  /** the comparator arms of a between-arm finding, as labelled by the source (null: none or not named) */
  comparator_label?: string | null;
  /** when: the timepoint or window as stated (null when not stated) */
  when?: string | null;
  sentence: string;
  provenance: Provenance;
}

/** A review's reported pooled estimate (never pooled again). */
export interface ReportedAnalysis {
  study_id: string;
  measure: string;
  estimate: number;
  ci_lb: number | null;
  ci_ub: number | null;
  k: number | null;
  participants: number | null;
  scale: string | null;
  heterogeneity: string | null;
  intervention: string;
  comparator: string;
  when: string | null;
  included_study_ids: string[];
  provenance: Provenance;
}

export type Item =
  | { type: 'effect'; effect: StudyEffect }
  | { type: 'not-computable'; value: NotComputable }
  | { type: 'finding'; value: FindingItem }
  | { type: 'reported-analysis'; value: ReportedAnalysis };

/** An item with the question coordinates it belongs to (target, therapy and condition are the study's). */
export interface PlacedItem {
  domain: Domain;
  sub: string | null;
  comparison: Comparison;
  windows: Window[];
  item: Item;
}

const Z975 = qnorm(0.975);

function input(name: string, m: Measured): EffectInput | null {
  if (m.value === null) return null;
  if (!m.provenance && !m.derivation) return null;
  return { name, value: m.value, provenance: m.provenance ?? null, derivation: m.derivation ?? null };
}

/** A denominator with its provenance: a matching `n` row, else the arm's n, else the single group's n (the card's
 * rule, src/evidence/results.ts denominatorOf, here with the provenance kept). */
export function denominator(s: Study, o: Outcome): { m: Measured; name: string } | null {
  const nRow = s.outcomes.find(
    (x) =>
      x.statistic === 'n' &&
      x.instrument === o.instrument &&
      x.arm === o.arm &&
      (x.measure ?? '') === (o.measure ?? '') &&
      (x.label ?? '') === (o.label ?? ''),
  );
  if (nRow) return { m: { value: nRow.value, provenance: nRow.provenance }, name: 'patients assessed' };
  const arm = o.arm ? s.arms.find((a) => a.id === o.arm) : s.arms.length === 1 ? s.arms[0] : undefined;
  if (arm) return { m: arm.n, name: `${arm.label}: patients allocated` };
  return null;
}

function whenOf(o: Outcome): string | null {
  const t = outcomeTimepoint(o);
  if (t) return `${fmtNumber(t.value)} ${t.unit}`;
  return o.window ?? null;
}

/** Counts from a percentage: the one whole count k of n with round(100k/n) = the percentage, or why not. */
export function countFromPercent(pct: number, n: number): { count: number } | { error: string } {
  const ks: number[] = [];
  for (let k = 0; k <= n; k++) if (Math.round((100 * k) / n) === Math.round(pct)) ks.push(k);
  if (ks.length === 1) return { count: ks[0]! };
  if (ks.length === 0) {
    const lo = Math.floor((pct * n) / 100);
    const near = [lo, lo + 1]
      .filter((k) => k >= 0 && k <= n)
      .map((k) => `${k} of ${n} = ${Math.round((100 * k) / n)}%`)
      .join(', ');
    return { error: `${fmtNumber(pct)}% of ${n} is not a whole number of patients (${near})` };
  }
  return { error: `${fmtNumber(pct)}% of ${n} fits several counts (${ks.join(', ')})` };
}

interface Count {
  events: number;
  n: number;
  inputs: EffectInput[];
}

/** The responder/event count of a row, or why it cannot be had. */
function countOf(s: Study, o: Outcome): { ok: Count } | { kind: NotComputableKind; reason: string } {
  const d = denominator(s, o);
  const when = whenOf(o);
  if (!d || d.m.value === null) {
    const why = d?.m.null_reason ? `: ${d.m.null_reason}` : '';
    return { kind: 'arm-size-not-given', reason: `arm size not given${why}` };
  }
  const nIn = input(d.name, d.m);
  if (!nIn) return { kind: 'arm-size-not-given', reason: 'the denominator has no provenance' };
  if (o.statistic === 'responder_n' || o.statistic === 'count') {
    return {
      ok: {
        events: o.value,
        n: d.m.value,
        inputs: [
          { name: 'patients with the outcome', value: o.value, provenance: o.provenance, derivation: null },
          nIn,
        ],
      },
    };
  }
  // responder_pct
  const c = countFromPercent(o.value, d.m.value);
  if ('error' in c) {
    return {
      kind: 'percent-not-whole-count',
      reason: `${c.error}: the denominator${when ? ` at ${when}` : ''} is unknown`,
    };
  }
  const derivation: Derivation = {
    rule: 'percent-of-denominator',
    formula: `the one whole count k of ${d.m.value} with round(100 k / ${d.m.value}) = ${fmtNumber(o.value)}: k = ${c.count}`,
    inputs: [
      { name: 'percent', value: o.value, provenance: o.provenance },
      ...(d.m.provenance ? [{ name: d.name, value: d.m.value, provenance: d.m.provenance }] : []),
    ],
  };
  return {
    ok: {
      events: c.count,
      n: d.m.value,
      inputs: [
        { name: 'patients with the outcome (derived)', value: c.count, provenance: null, derivation },
        { name: 'percent', value: o.value, provenance: o.provenance, derivation: null },
        nIn,
      ],
    },
  };
}

function proportionEffect(s: Study, o: Outcome, c: Count): StudyEffect {
  const r = escalc('PLO', [{ xi: c.events, ni: c.n }]);
  const yi = r.yi[0]!;
  const vi = r.vi[0]!;
  const se = Math.sqrt(vi);
  return {
    study_id: s.id,
    measure: 'PLO',
    estimate: c.events / c.n,
    ci_lb: ilogit(yi - Z975 * se),
    ci_ub: ilogit(yi + Z975 * se),
    yi,
    vi,
    n: c.n,
    events: c.events,
    comparator: null,
    instrument: o.instrument,
    definition: o.definition,
    when: whenOf(o),
    as_reported: false,
    derived_from: c.inputs,
  };
}

function riskRatioEffect(s: Study, o: Outcome, t: Count, c: Count): StudyEffect {
  const r = escalc('RR', [{ ai: t.events, bi: t.n - t.events, ci: c.events, di: c.n - c.events }]);
  const yi = r.yi[0]!;
  const vi = r.vi[0]!;
  const se = Math.sqrt(vi);
  return {
    study_id: s.id,
    measure: 'RR',
    estimate: Math.exp(yi),
    ci_lb: Math.exp(yi - Z975 * se),
    ci_ub: Math.exp(yi + Z975 * se),
    yi,
    vi,
    n: t.n + c.n,
    events: t.events,
    comparator: { events: c.events, n: c.n },
    instrument: o.instrument,
    definition: o.definition,
    when: whenOf(o),
    as_reported: false,
    derived_from: [
      ...t.inputs.map((i) => ({ ...i, name: `treatment: ${i.name}` })),
      ...c.inputs.map((i) => ({ ...i, name: `control: ${i.name}` })),
    ],
  };
}

function meanDifferenceEffect(
  s: Study,
  o: Outcome,
  c: Outcome,
  tn: EffectInput,
  cn: EffectInput,
  tsd: Outcome,
  csd: Outcome,
): StudyEffect {
  const r = escalc('MD', [
    { m1i: o.value, sd1i: tsd.value, n1i: tn.value, m2i: c.value, sd2i: csd.value, n2i: cn.value },
  ]);
  const yi = r.yi[0]!;
  const vi = r.vi[0]!;
  const se = Math.sqrt(vi);
  const q = (name: string, x: Outcome): EffectInput => ({
    name,
    value: x.value,
    provenance: x.provenance,
    derivation: null,
  });
  return {
    study_id: s.id,
    measure: 'MD',
    estimate: yi,
    ci_lb: yi - Z975 * se,
    ci_ub: yi + Z975 * se,
    yi,
    vi,
    n: tn.value + cn.value,
    events: null,
    comparator: null,
    instrument: o.instrument,
    definition: o.definition,
    when: whenOf(o),
    as_reported: false,
    derived_from: [q('treatment mean', o), q('treatment SD', tsd), tn, q('control mean', c), q('control SD', csd), cn],
  };
}

const sameRow = (a: Outcome, b: Outcome) =>
  a.instrument === b.instrument &&
  (a.measure ?? '') === (b.measure ?? '') &&
  JSON.stringify(outcomeTimepoint(a)) === JSON.stringify(outcomeTimepoint(b)) &&
  (a.window ?? '') === (b.window ?? '');

const AUXILIARY = new Set(['n', 'sd', 'se']);

function notComputable(s: Study, o: Outcome, kind: NotComputableKind, reason: string): Item {
  return { type: 'not-computable', value: { study_id: s.id, kind, reason, provenance: o.provenance } };
}

/** Every outcome row of a study, as effects or "not computable" items, with its question coordinates. */
export function outcomeItems(s: Study, members: readonly Therapy[]): PlacedItem[] {
  const out: PlacedItem[] = [];
  const treated = new Set(treatedArms(s, members).map((a) => a.id));
  const controls = s.arms.filter((a) => a.role === 'control');
  const consumed = new Set<Outcome>();
  const armById = (id: string | null | undefined) => s.arms.find((a) => a.id === id);
  for (const o of s.outcomes) {
    if (AUXILIARY.has(o.statistic) || consumed.has(o)) continue;
    const dk = outcomeDomain(o);
    const windows = windowsOf(outcomeTimepoint(o), o.window);
    if (windows.length === 0) continue; // a baseline value is not a result
    const place = (comparison: Comparison, item: Item) => out.push({ ...dk, comparison, windows, item });
    const arm = armById(o.arm);
    // rows of an arm that is neither the therapy asked about nor a control (another treatment) are the comparator's
    if (arm && arm.role === 'treatment' && !treated.has(arm.id)) continue;
    if (arm && arm.role === 'control') {
      const paired = s.outcomes.some(
        (t) => t !== o && t.statistic === o.statistic && sameRow(t, o) && treated.has(t.arm ?? ''),
      );
      if (paired) continue; // handled with its treatment row
      place(
        comparisonOfArms([arm]),
        notComputable(
          s,
          o,
          'no-comparator-data',
          `a control-arm value only (${arm.label}); no value of the treated arm is given`,
        ),
      );
      continue;
    }
    if (o.undefined_measure) {
      place(
        controls.length ? comparisonOfArms(controls) : 'none',
        notComputable(
          s,
          o,
          'undefined-measure',
          'the source does not say what was measured; kept, never shown as a result',
        ),
      );
      continue;
    }
    const comparatorArm = armById(o.comparator_arm);
    if (comparatorArm) {
      const comparison = comparisonOfArms([comparatorArm]);
      out.push(...reportedBetweenArm(s, o).map((item) => ({ ...dk, comparison, windows, item })));
      continue;
    }
    // a whole-population row in a controlled study is not split by arm
    if (!arm && controls.length > 0) {
      place(
        comparisonOfArms(controls),
        notComputable(
          s,
          o,
          'not-split-by-arm',
          `${fmtNumber(o.value)}${o.statistic === 'responder_pct' ? '%' : ''} is for the whole study population, not given by arm`,
        ),
      );
      continue;
    }
    const control = arm
      ? s.outcomes.find((c) => c.statistic === o.statistic && sameRow(c, o) && armById(c.arm)?.role === 'control')
      : undefined;
    if (control) consumed.add(control);
    const comparison: Comparison = control ? comparisonOfArms([armById(control.arm)!]) : 'none';
    switch (o.statistic) {
      case 'responder_n':
      case 'count':
      case 'responder_pct': {
        // a percentage with its count beside it: the count is used
        if (
          o.statistic === 'responder_pct' &&
          s.outcomes.some((x) => x.statistic === 'responder_n' && x.arm === o.arm && sameRow(x, o))
        )
          continue;
        const t = countOf(s, o);
        if (!control) {
          if ('ok' in t) place('none', { type: 'effect', effect: proportionEffect(s, o, t.ok) });
          else place('none', notComputable(s, o, t.kind, t.reason));
          break;
        }
        const c = countOf(s, control);
        if ('ok' in t && 'ok' in c) place(comparison, { type: 'effect', effect: riskRatioEffect(s, o, t.ok, c.ok) });
        else {
          const parts = [
            'ok' in t ? null : `${arm?.label ?? 'treated arm'}: ${t.reason}`,
            'ok' in c ? null : `${armById(control.arm)?.label ?? 'control arm'}: ${c.reason}`,
          ].filter(Boolean);
          const kind = 'ok' in t ? (c as { kind: NotComputableKind }).kind : (t as { kind: NotComputableKind }).kind;
          place(
            comparison,
            notComputable(
              s,
              o,
              kind === 'arm-size-not-given' ? 'arm-size-not-given' : kind,
              `between-arm risk ratio not computable: ${parts.join('; ')}`,
            ),
          );
        }
        break;
      }
      case 'mean':
      case 'mean_change': {
        const sdOf = (x: Outcome) =>
          s.outcomes.find((y) => y.statistic === 'sd' && y.arm === x.arm && sameRow(y, x)) ??
          (x.dispersion?.type === 'sd' && x.dispersion.value !== undefined
            ? { ...x, statistic: 'sd' as const, value: x.dispersion.value }
            : undefined);
        if (!control) {
          place(
            'none',
            notComputable(
              s,
              o,
              'no-comparator-data',
              'a single-arm mean: a pre–post change needs baseline and follow-up means with SDs and their correlation',
            ),
          );
          break;
        }
        const tsd = sdOf(o);
        const csd = sdOf(control);
        const tn = arm ? input(`${arm.label}: patients`, arm.n) : null;
        const cArm = armById(control.arm)!;
        const cn = input(`${cArm.label}: patients`, cArm.n);
        if (!tsd || !csd) place(comparison, notComputable(s, o, 'sd-not-reported', 'SD not reported'));
        else if (!tn || !cn) place(comparison, notComputable(s, o, 'arm-size-not-given', 'arm sizes not given'));
        else place(comparison, { type: 'effect', effect: meanDifferenceEffect(s, o, control, tn, cn, tsd, csd) });
        break;
      }
      case 'median':
        place(comparison, notComputable(s, o, 'median-only', 'only a median is given; no mean or SD'));
        break;
      case 'grade': {
        const n = arm?.n.value ?? null;
        place(
          'none',
          notComputable(
            s,
            o,
            n === 1 ? 'single-patient-grade' : 'not-an-effect-measure',
            n === 1
              ? 'an ordinal grade of one patient is not an effect estimate'
              : 'an ordinal grade is not an effect estimate',
          ),
        );
        break;
      }
      case 'pct':
      case 'pct_change':
        place(
          comparison,
          notComputable(
            s,
            o,
            'not-an-effect-measure',
            `a percentage (${o.definition ?? o.statistic}) that is neither a count of patients nor a difference`,
          ),
        );
        break;
      default:
        place(
          comparison,
          notComputable(s, o, 'unsupported-statistic', `statistic "${o.statistic}" without a comparator arm`),
        );
    }
  }
  return out;
}

/** A between-arm statistic the study reports (md, smd, rr, or, rd, p value): taken as reported. */
function reportedBetweenArm(s: Study, o: Outcome): Item[] {
  if (o.statistic === 'p_value') {
    return [
      notComputable(
        s,
        o,
        'p-value-only',
        `only a p value is reported (p = ${fmtNumber(o.value)}${o.definition ? `, ${o.definition}` : ''}); no estimate, CI or arm data`,
      ),
    ];
  }
  const measure = ({ md: 'MD', smd: 'SMD', rr: 'RR', or: 'OR', rd: 'RD' } as Record<string, EffectMeasure | undefined>)[
    o.statistic
  ];
  if (!measure) return [notComputable(s, o, 'unsupported-statistic', `statistic "${o.statistic}" between arms`)];
  const d = o.dispersion;
  const ratio = measure === 'RR' || measure === 'OR';
  const f = ratio ? Math.log : (x: number) => x;
  let lb: number | undefined;
  let ub: number | undefined;
  if (d?.type === 'ci95' && d.lower !== undefined && d.upper !== undefined) {
    lb = d.lower;
    ub = d.upper;
  } else if (d?.type === 'se' && d.value !== undefined && !ratio) {
    lb = o.value - Z975 * d.value;
    ub = o.value + Z975 * d.value;
  }
  if (lb === undefined || ub === undefined)
    return [notComputable(s, o, 'ci-not-reported', `${measure} reported without a 95% CI or SE`)];
  const se = (f(ub) - f(lb)) / (2 * Z975);
  return [
    {
      type: 'effect',
      effect: {
        study_id: s.id,
        measure,
        estimate: o.value,
        ci_lb: lb,
        ci_ub: ub,
        yi: f(o.value),
        vi: se * se,
        n: Number.NaN,
        events: null,
        comparator: null,
        instrument: o.instrument,
        definition: o.definition,
        when: whenOf(o),
        as_reported: true,
        derived_from: [{ name: `${measure} as reported`, value: o.value, provenance: o.provenance, derivation: null }],
      },
    },
  ];
}

function favoursOf(f: Finding, treated: Set<string>): FindingItem['favours'] {
  if (f.favours === null) return null;
  if (f.favours === 'neither' || f.favours === 'mixed') return f.favours;
  return treated.has(f.favours) ? 'intervention' : 'comparator';
}

/** The comparator of a between-arm finding in the source's words: its listed arms that are not the therapy. */
function comparatorLabel(s: Study, f: Finding, treated: Set<string>): string | null {
  if (f.comparison !== 'between-arms' && f.comparison !== 'dose') return null;
  const others = f.arms.filter((id) => !treated.has(id)).map((id) => s.arms.find((a) => a.id === id)?.label ?? id);
  if (others.length > 0) return others.join(' and ');
  return f.comparator ?? null;
}

/** Findings (direction/significance without numbers) with their question coordinates. */
export function findingItems(s: Study, members: readonly Therapy[]): PlacedItem[] {
  const treated = new Set(treatedArms(s, members).map((a) => a.id));
  const out: PlacedItem[] = [];
  for (const f of s.findings) {
    const arms = f.arms.map((id) => s.arms.find((a) => a.id === id)).filter((a): a is Arm => !!a);
    const controlOnly = arms.length > 0 && arms.every((a) => a.role === 'control');
    // a finding only about arms of another treatment (not the therapy asked about) is the comparator's
    if (arms.length > 0 && !controlOnly && !arms.some((a) => treated.has(a.id)) && s.arms.length > 0) continue;
    const comparison = controlOnly ? comparisonOfArms(arms) : findingComparison(s, f, members);
    const windows = windowsOf(f.timepoint, f.window);
    if (windows.length === 0) continue;
    const value: FindingItem = {
      study_id: s.id,
      favours: favoursOf(f, treated),
      change: f.change,
      significant: f.significant,
      p: f.p,
      control_arm_only: controlOnly,
      comparator_label: comparatorLabel(s, f, treated),
      when: f.timepoint
        ? `${fmtNumber(f.timepoint.value)} ${f.timepoint.value === 1 ? f.timepoint.unit.replace(/s$/, '') : f.timepoint.unit}`
        : (f.window ?? null),
      sentence: findingSentence(s, f),
      provenance: f.provenance,
    };
    for (const dk of findingDomains(f)) out.push({ ...dk, comparison, windows, item: { type: 'finding', value } });
  }
  return out;
}

/** Adverse events as listed (each event type a finding with its count), and "no adverse events" statements. */
export function adverseEventItems(s: Study, members: readonly Therapy[]): PlacedItem[] {
  const out: PlacedItem[] = [];
  const controls = s.arms.filter((a) => a.role === 'control');
  const comparison: Comparison = controls.length > 0 ? comparisonOfArms(controls) : 'none';
  const f = s.followup_months.value;
  const windows: Window[] = f === null ? ['unstated'] : [windowOfMonths(f)];
  const treated = new Set(treatedArms(s, members).map((a) => a.id));
  for (const e of s.adverse_events) {
    const arm = s.arms.find((a) => a.id === e.arm);
    if (arm && arm.role === 'treatment' && !treated.has(arm.id)) continue;
    const n = arm ? arm.n.value : s.arms.length === 1 ? s.arms[0]!.n.value : s.enrolled.value;
    const count = e.count.value === null ? 'an unstated number of' : fmtNumber(e.count.value);
    const seriousness = e.serious === null ? 'seriousness not stated' : e.serious ? 'serious' : 'not serious';
    const sentence = `${count}${n !== null ? ` of ${n}` : ''} patients${arm ? ` (${arm.label})` : ''}: ${e.description} (${seriousness}; relatedness ${e.relatedness})`;
    out.push({
      domain: 'adverse-events',
      sub: null,
      comparison,
      windows,
      item: {
        type: 'finding',
        value: {
          study_id: s.id,
          favours: null,
          change: null,
          significant: null,
          p: null,
          control_arm_only: arm?.role === 'control',
          sentence,
          provenance: e.provenance,
        },
      },
    });
  }
  if (s.adverse_events.length === 0 && s.adverse_events_reported !== 'not-reported' && s.adverse_events_provenance) {
    const words = {
      none: 'no adverse events',
      'none-serious': 'no serious adverse events',
      'none-related': 'no adverse events related to the treatment',
      some: 'adverse events (not listed)',
    }[s.adverse_events_reported];
    out.push({
      domain: 'adverse-events',
      sub: null,
      comparison,
      windows,
      item: {
        type: 'finding',
        value: {
          study_id: s.id,
          favours: null,
          change: null,
          significant: null,
          p: null,
          control_arm_only: false,
          sentence: `The study reports ${words}.`,
          provenance: s.adverse_events_provenance,
        },
      },
    });
  }
  return out;
}

/** A review's pooled estimates, findings and vote counts, placed in questions. */
export function reviewItems(s: Study, members: readonly Therapy[]): PlacedItem[] {
  const out: PlacedItem[] = [];
  const r = s.review;
  if (!r) return out;
  for (const p of r.pooled) {
    const doms = findingDomains({ instrument: null, outcome: p.outcome });
    const windows = windowsOf(p.timepoint, p.window);
    const value: ReportedAnalysis = {
      study_id: s.id,
      measure: p.measure,
      estimate: p.estimate,
      ci_lb: p.ci_lower,
      ci_ub: p.ci_upper,
      k: p.studies?.value ?? null,
      participants: p.participants?.value ?? null,
      scale: p.scale,
      heterogeneity: p.heterogeneity,
      intervention: p.intervention,
      comparator: p.comparator,
      when: p.window ?? (p.timepoint ? `${fmtNumber(p.timepoint.value)} ${p.timepoint.unit}` : null),
      included_study_ids: r.included_study_ids,
      provenance: p.provenance,
    };
    for (const dk of doms)
      out.push({
        ...dk,
        comparison: comparisonOfWords(p.comparator),
        windows,
        item: { type: 'reported-analysis', value },
      });
  }
  for (const v of r.vote_counts) {
    for (const dk of findingDomains({ instrument: null, outcome: v.outcome })) {
      out.push({
        ...dk,
        comparison: comparisonOfWords(v.statement),
        windows: ['unstated'],
        item: {
          type: 'finding',
          value: {
            study_id: s.id,
            favours: null,
            change: null,
            significant: null,
            p: null,
            control_arm_only: false,
            sentence: `${v.positive} of ${v.of} ${v.unit === 'rcts' ? 'RCTs' : 'studies'}: ${v.statement}`,
            provenance: v.provenance,
          },
        },
      });
    }
  }
  out.push(...findingItems(s, members));
  return out;
}
