// Outcome questions: the grouping rules that place each curated result in one question
// "condition × therapy × target × outcome domain × comparison × time window" (issue 9 §1). Pure, no I/O.
// The rules are code with tests (test/synthesis/questions.test.ts), never hand lists of studies.
import type { Arm, Finding, Outcome, Study, Timepoint } from '../domain/evidence.ts';
import type { Instrument, Therapy } from '../domain/vocabulary.ts';

export const DOMAINS = [
  'pain',
  'function',
  'responder',
  'quality-of-life',
  'opioid-use',
  'imaging',
  'treatment-failure',
  'adverse-events',
  'other',
] as const;
export type Domain = (typeof DOMAINS)[number];

export const DOMAIN_LABEL: Record<Domain, string> = {
  pain: 'Pain',
  function: 'Function / disability',
  responder: 'Responders',
  'quality-of-life': 'Quality of life',
  'opioid-use': 'Opioid / analgesic use',
  imaging: 'Imaging',
  'treatment-failure': 'Treatment failure',
  'adverse-events': 'Adverse events',
  other: 'Other outcomes',
};

/**
 * What a study's treatment arm was compared with. placebo = placebo, sham or vehicle (saline, sham, HA carrier,
 * contrast agent, local anaesthetic alone); active = an active comparator (steroid); none = single arm or change
 * from baseline within an arm; dose = dose arms against each other; subgroup = a moderator; unclear = the source
 * does not say whether against control or baseline; control-unspecified = a control whose type is not stated.
 */
export const COMPARISONS = [
  'placebo',
  'active',
  'conventional-care',
  'control-unspecified',
  'none',
  'dose',
  'subgroup',
  'unclear',
] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const COMPARISON_LABEL: Record<Comparison, string> = {
  placebo: 'vs placebo / sham / vehicle',
  active: 'vs active comparator',
  'conventional-care': 'vs conventional care',
  'control-unspecified': 'vs control (type not stated)',
  none: 'single arm (no comparator)',
  dose: 'dose vs dose',
  subgroup: 'subgroups',
  unclear: 'comparator unclear (control or baseline)',
};

/** Time windows of issue 9 §1: ≤ 3 months, 6 (> 3–6), 12 (> 6–12), > 12 months; `unstated` when no source says. */
export const WINDOWS = ['le3m', '6m', '12m', 'gt12m', 'unstated'] as const;
export type Window = (typeof WINDOWS)[number];
export const WINDOW_LABEL: Record<Window, string> = {
  le3m: '≤ 3 months',
  '6m': '6 months (> 3 to 6)',
  '12m': '12 months (> 6 to 12)',
  gt12m: '> 12 months',
  unstated: 'timepoint not stated',
};

/** A timepoint in months, only to place it in a window (the value shown is always the source's own). */
export function toMonths(t: Timepoint): number {
  // 1 month = 30.4375 days (365.25 / 12), 1 week = 7 days.
  if (t.unit === 'months') return t.value;
  if (t.unit === 'weeks') return (t.value * 7) / 30.4375;
  return t.value / 30.4375;
}

export function windowOfMonths(m: number): Window {
  if (m <= 3) return 'le3m';
  if (m <= 6) return '6m';
  if (m <= 12) return '12m';
  return 'gt12m';
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, ten: 10 };

/** Durations named in a window text ("within 8 weeks", "over the 3-year trial", "at 12, 24 and 36 months"). */
export function durationsIn(text: string): number[] {
  const out: number[] = [];
  // "12, 24 and 36 months" — a list sharing one unit
  const re =
    /((?:\d+(?:\.\d+)?|one|two|three|four|five|six|ten)(?:\s*(?:,|and|or)\s*(?:\d+(?:\.\d+)?))*)[\s-]*(day|week|month|year)s?\b/gi;
  for (const m of text.matchAll(re)) {
    const unit = m[2]!.toLowerCase();
    const nums = m[1]!.split(/\s*(?:,|and|or)\s*/).map((x) => NUMBER_WORDS[x.toLowerCase()] ?? Number(x));
    for (const n of nums) {
      if (!Number.isFinite(n)) continue;
      const months = unit === 'year' ? n * 12 : toMonths({ value: n, unit: `${unit}s` as Timepoint['unit'] });
      out.push(months);
    }
  }
  return out;
}

/**
 * The windows of a result from its timepoint, else its window text. Rules (engine reading, tested):
 * - a timepoint gives one window;
 * - a text saying "not stated", or naming no duration, gives `unstated`; "before injection"/"baseline" gives none
 *   (a baseline value is not a result);
 * - "at X, Y and Z months" (a list of assessments) gives each window;
 * - otherwise ("within 8 weeks", "over the 3-year trial", "from 3 months, maintained throughout the 1-year study")
 *   the result holds over the period, placed at its end: the longest duration named.
 */
export function windowsOf(timepoint: Timepoint | null | undefined, text: string | null | undefined): Window[] {
  if (timepoint) return [windowOfMonths(toMonths(timepoint))];
  const t = (text ?? '').trim();
  if (/\bbefore (the )?(injection|treatment)|\bbaseline\b|pre-?treatment/i.test(t) && !/after|post/i.test(t)) return [];
  if (t === '' || /not stated/i.test(t)) return ['unstated'];
  const ds = durationsIn(t);
  if (ds.length === 0) return ['unstated'];
  if (/\bat\b[^.]*\d[^.]*(,|and)/i.test(t)) return [...new Set(ds.map(windowOfMonths))];
  return [windowOfMonths(Math.max(...ds))];
}

export function outcomeTimepoint(o: Outcome): Timepoint | null {
  if (o.timepoint) return o.timepoint;
  if (o.timepoint_weeks !== undefined) return { value: o.timepoint_weeks, unit: 'weeks' };
  if (o.timepoint_months !== null) return { value: o.timepoint_months, unit: 'months' };
  return null;
}

const PAIN_INSTRUMENTS: readonly Instrument[] = ['VAS', 'NRS', 'pain-improvement'];
const FUNCTION_INSTRUMENTS: readonly Instrument[] = ['ODI', 'MODQ', 'RDQ', 'FRI', 'NASS', 'JOA', 'work-capacity'];
const QOL_INSTRUMENTS: readonly Instrument[] = ['EQ-5D-3L', 'EQ-5D', 'SF-36', 'SF-12', 'PROMIS', 'GPH', 'GMH'];

export interface DomainKey {
  domain: Domain;
  /** for responders: responders on what (pain, function, work capacity, composite) */
  sub: string | null;
}

const RESPONDER_STATS = new Set(['responder_pct', 'responder_n']);

/** The domain of an outcome row, from its instrument and statistic. */
export function outcomeDomain(o: Pick<Outcome, 'instrument' | 'statistic'>): DomainKey {
  const i = o.instrument;
  if (i === 'opioid-use' || i === 'analgesic-use') return { domain: 'opioid-use', sub: null };
  if (i === 'treatment-failure') return { domain: 'treatment-failure', sub: null };
  if (i === 'MRI') return { domain: 'imaging', sub: null };
  if (RESPONDER_STATS.has(o.statistic)) {
    if (PAIN_INSTRUMENTS.includes(i)) return { domain: 'responder', sub: 'pain' };
    if (i === 'work-capacity') return { domain: 'responder', sub: 'work-capacity' };
    if (FUNCTION_INSTRUMENTS.includes(i)) return { domain: 'responder', sub: 'function' };
    if (QOL_INSTRUMENTS.includes(i)) return { domain: 'responder', sub: 'quality-of-life' };
    return { domain: 'responder', sub: 'composite' };
  }
  if (PAIN_INSTRUMENTS.includes(i)) return { domain: 'pain', sub: null };
  if (FUNCTION_INSTRUMENTS.includes(i)) return { domain: 'function', sub: null };
  if (QOL_INSTRUMENTS.includes(i)) return { domain: 'quality-of-life', sub: null };
  return { domain: 'other', sub: null };
}

/**
 * The domains a finding speaks to, from its instrument or, when it names several measures in words ("pain and
 * disability (VAS and ODI)"), from the words: a finding on two domains is listed in both questions.
 */
export function findingDomains(f: Pick<Finding, 'instrument' | 'outcome'>): DomainKey[] {
  if (f.instrument && f.instrument !== 'other') {
    const d = outcomeDomain({ instrument: f.instrument, statistic: 'mean' });
    if (f.instrument === 'treatment-failure' || f.instrument === 'MRI' || d.domain !== 'other') return [d];
  }
  const t = f.outcome;
  if (/adverse|antibod|HLA/i.test(t)) return [{ domain: 'adverse-events', sub: null }];
  if (/fail|post-treatment intervention/i.test(t)) return [{ domain: 'treatment-failure', sub: null }];
  if (/opioid|analgesic/i.test(t)) return [{ domain: 'opioid-use', sub: null }];
  if (/MRI|degenerat|water content|morpholog|synovitis|disc height/i.test(t)) return [{ domain: 'imaging', sub: null }];
  if (/by age|subgroup/i.test(t)) return [{ domain: 'other', sub: null }];
  // responder wordings: "> 50% pain relief", "MCID", "≥ 2-point"
  if (/relief|MCID|responder|[>≥]\s*\d+\s*%|[>≥]\s*\d+-point/i.test(t)) {
    const subs: DomainKey[] = [];
    if (/pain|NRS|VAS/i.test(t)) subs.push({ domain: 'responder', sub: 'pain' });
    if (/ODI|disab|function/i.test(t)) subs.push({ domain: 'responder', sub: 'function' });
    return subs.length > 0 ? subs : [{ domain: 'responder', sub: 'composite' }];
  }
  const out: DomainKey[] = [];
  if (/pain|VAS|NRS/i.test(t)) out.push({ domain: 'pain', sub: null });
  if (/disab|function|ODI|MODQ|RDQ|FRI|NASS/i.test(t)) out.push({ domain: 'function', sub: null });
  if (/health status|quality of life|EQ-5D|SF-\d+|GMH|GPH|mental health/i.test(t))
    out.push({ domain: 'quality-of-life', sub: null });
  return out.length > 0 ? out : [{ domain: 'other', sub: null }];
}

const PLACEBO_LIKE: readonly Therapy[] = ['saline', 'sham', 'ha', 'contrast', 'local-anesthetic'];

/** The comparison class of a set of comparator arms (control arms, or the other arms of a between-arm contrast). */
export function comparisonOfArms(arms: readonly Arm[]): Comparison {
  if (arms.length === 0) return 'none';
  const ts = arms.flatMap((a) => a.therapies);
  if (ts.includes('steroid')) return 'active';
  if (ts.includes('conventional-care')) return 'conventional-care';
  if (ts.every((t) => PLACEBO_LIKE.includes(t))) return 'placebo';
  if (arms.every((a) => a.role === 'treatment')) return 'active';
  return 'control-unspecified';
}

/** The comparison of a comparator named in words only (a review's pooled estimate). */
export function comparisonOfWords(text: string): Comparison {
  if (/placebo|sham|saline|vehicle/i.test(text)) return 'placebo';
  if (/steroid|corticosteroid|active/i.test(text)) return 'active';
  if (/conventional|usual care|standard care|conservative/i.test(text)) return 'conventional-care';
  return 'control-unspecified';
}

/** The comparison of a finding: between-arms against the other arms it lists; within-arm = none. */
export function findingComparison(s: Study, f: Finding, members: readonly Therapy[]): Comparison {
  if (f.comparison === 'within-arm') return 'none';
  if (f.comparison === 'dose') return 'dose';
  if (f.comparison === 'subgroup') return 'subgroup';
  if (f.comparison === 'unclear') return 'unclear';
  const arms = f.arms.map((id) => s.arms.find((a) => a.id === id)).filter((a): a is Arm => !!a);
  const others = arms.filter((a) => !(a.role === 'treatment' && a.therapies.some((t) => members.includes(t))));
  return others.length === 0 ? 'dose' : comparisonOfArms(others);
}

/** The target key of a study: its single target, `multiple`, or `not-stated`. */
export function targetKey(s: Pick<Study, 'targets'>): string {
  if (s.targets.length === 0) return 'not-stated';
  if (s.targets.length === 1) return s.targets[0]!;
  return 'multiple';
}

export interface QuestionKey {
  condition: string;
  therapy: string;
  target: string;
  domain: Domain;
  sub: string | null;
  comparison: Comparison;
  window: Window;
}

const slug = (x: string) =>
  x
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A stable id, also the file name of reviewer judgements (data/judgements/<id>.json). */
export function questionId(k: QuestionKey): string {
  const domain = k.sub ? `${k.domain}-${k.sub}` : k.domain;
  return [slug(k.condition), slug(k.therapy), k.target, domain, k.comparison, k.window].join('.');
}

export function outcomeLabel(k: Pick<QuestionKey, 'domain' | 'sub'>): string {
  const base = DOMAIN_LABEL[k.domain];
  return k.sub ? `${base} (${k.sub.replace(/-/g, ' ')})` : base;
}

const ORDER =
  <T extends string>(xs: readonly T[]) =>
  (x: T) =>
    xs.indexOf(x);
/** Questions in reading order: domain, comparison, window, target. */
export function compareKeys(a: QuestionKey, b: QuestionKey): number {
  const d = ORDER(DOMAINS);
  const c = ORDER(COMPARISONS);
  const w = ORDER(WINDOWS);
  return (
    d(a.domain) - d(b.domain) ||
    (a.sub ?? '').localeCompare(b.sub ?? '') ||
    c(a.comparison) - c(b.comparison) ||
    w(a.window) - w(b.window) ||
    a.target.localeCompare(b.target)
  );
}
