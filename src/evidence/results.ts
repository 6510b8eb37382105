// What a study found, in sentences a methodologist would sign: numeric outcomes with their denominators,
// comparative findings with direction, significance and the comparator named, pooled estimates as the review
// reported them. Timepoints are written in the unit the source used and never merged across studies or
// definitions. Pure; the cards, and later the Summary-of-Findings tables, read from here.
import type { Finding, Outcome, Study, Timepoint } from '../domain/evidence.ts';
import type { Design } from '../domain/vocabulary.ts';

export const fmtNumber = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
/** A signed number as printed in clinical text: the minus sign, not a hyphen. */
export const fmtSigned = (x: number) => (x < 0 ? `−${fmtNumber(-x)}` : fmtNumber(x));

export function timepointText(t: Timepoint | null | undefined): string | null {
  if (!t) return null;
  const unit = t.value === 1 ? t.unit.replace(/s$/, '') : t.unit;
  return `${fmtNumber(t.value)} ${unit}`;
}

/** The timepoint of an outcome row as the source gave it: v2 timepoint, else weeks, else months, else the window. */
export function outcomeWhen(o: Outcome): string | null {
  if (o.timepoint) return `at ${timepointText(o.timepoint)}`;
  if (o.timepoint_weeks !== undefined) return `at ${timepointText({ value: o.timepoint_weeks, unit: 'weeks' })}`;
  if (o.timepoint_months !== null) return `at ${timepointText({ value: o.timepoint_months, unit: 'months' })}`;
  return o.window ?? null;
}

export function findingWhen(f: Finding): string | null {
  const at = f.timepoint ? `at ${timepointText(f.timepoint)}` : null;
  return [at, f.window].filter(Boolean).join(', ') || null;
}

export const DESIGN_SHORT: Record<Design, string> = {
  rct: 'RCT',
  'non-randomized-controlled': 'non-randomized controlled',
  'single-arm': 'single-arm',
  'case-series': 'case series',
  'case-report': 'case report',
  'systematic-review': 'systematic review',
  'meta-analysis': 'meta-analysis',
  'narrative-review': 'narrative review',
  registry: 'registry',
  'not-stated': 'design not stated',
};

export const armLabel = (s: Study, id: string) => s.arms.find((a) => a.id === id)?.label ?? id;
const armN = (s: Study, id: string) => s.arms.find((a) => a.id === id)?.n.value ?? null;

function list(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

function significance(f: Finding): string {
  const p = f.p ? `, ${f.p}` : '';
  if (f.significant === true) return `significant${p}`;
  if (f.significant === false) return `not significant${p}`;
  return `significance not stated${p}`;
}

/** One finding as a sentence, built from its fields (so every card words the same finding the same way). */
export function findingSentence(s: Study, f: Finding): string {
  const when = findingWhen(f);
  const head = `${f.outcome}${when ? ` (${when})` : ''}`;
  const analysis = f.analysis ? `; ${f.analysis}` : '';
  const named = (ids: string[]) => list(ids.map((id) => armLabel(s, id)));
  switch (f.comparison) {
    case 'within-arm': {
      const change =
        f.change === 'no-change'
          ? 'no change'
          : f.change === 'stable-or-improved'
            ? 'stable or improved'
            : (f.change ?? 'changed');
      const controls = f.arms.filter((a) => s.arms.find((x) => x.id === a)?.role === 'control');
      const who =
        f.arms.length > 1 && f.arms.length === s.arms.length
          ? `${f.arms.length === 2 ? 'both arms' : `all ${f.arms.length} arms`} (${named(f.arms)})`
          : named(f.arms);
      const sig = f.significant === null ? '' : ` (${significance(f)})`;
      // an improvement in a control arm is the placebo (or vehicle, or natural-course) response a reader needs
      const ctl =
        controls.length > 0 && f.change === 'improved'
          ? ` — control arm${controls.length > 1 ? 's' : ''} (${named(controls)}) improved too`
          : '';
      const vsBaseline = f.change === 'no-change' ? `${change} in ${who}` : `${who}: ${change} from baseline`;
      return `${head}: ${vsBaseline}${sig}${ctl}${analysis}`;
    }
    case 'subgroup':
      return `${head}: ${f.statement.replace(/\.$/, '')} (${named(f.arms)}; ${significance(f)})`;
    case 'unclear':
      return `${head}: ${f.statement.replace(/\.$/, '')} (${significance(f)})`;
    default: {
      const others = f.arms.filter((a) => a !== f.favours);
      if (f.favours === 'neither')
        return `${head}: no difference between ${named(f.arms)} (${significance(f)})${analysis}`;
      if (f.favours === 'mixed')
        return `${head}: mixed results between ${named(f.arms)} (${significance(f)})${analysis}`;
      const fav = f.favours ? armLabel(s, f.favours) : '?';
      const vs = others.length ? named(others) : (f.comparator ?? 'the comparator');
      return `${head}: favours ${fav} over ${vs} (${significance(f)})${analysis}`;
    }
  }
}

function explicitN(s: Study, o: Outcome): number | null {
  const nRow = s.outcomes.find(
    (x) =>
      x.statistic === 'n' && x.instrument === o.instrument && x.arm === o.arm && (x.label ?? '') === (o.label ?? ''),
  );
  return nRow ? nRow.value : null;
}

/** The denominator of a count or responder row: a matching 'n' row, else the arm's n, else a single group's n. */
export function denominatorOf(s: Study, o: Outcome): number | null {
  const nRow = s.outcomes.find(
    (x) =>
      x.statistic === 'n' && x.instrument === o.instrument && x.arm === o.arm && (x.label ?? '') === (o.label ?? ''),
  );
  if (nRow) return nRow.value;
  if (o.arm) return armN(s, o.arm);
  if (s.arms.length === 1) return s.arms[0]!.n.value;
  return null;
}

const label = (o: Outcome) => o.label ?? o.instrument;

/** One numeric outcome row as words, with its denominator and caveat. Null for rows that are only denominators. */
export function outcomeSentence(s: Study, o: Outcome): string | null {
  if (o.statistic === 'n' || o.undefined_measure) return null;
  const when = outcomeWhen(o);
  const arm = o.arm ? armLabel(s, o.arm) : s.arms.length > 1 ? 'all patients' : null;
  const where = [arm, when].filter(Boolean).join(', ');
  const den = denominatorOf(s, o);
  const def = o.definition ? `; ${o.definition}` : '';
  const caveat = o.caveat ? ` [${o.caveat}]` : '';
  // A value retold by a narrative review in a study whose other results come from its own abstract is marked.
  const secondHand =
    o.provenance.source_tier === 'narrative-review' &&
    s.outcomes.some((x) => x.provenance.source_tier === 'primary-abstract')
      ? ` [second-hand: from ${o.provenance.document}, a narrative review, not the study's abstract]`
      : '';
  let value: string;
  switch (o.statistic) {
    case 'count':
    case 'responder_n':
      value =
        den !== null ? `${fmtNumber(o.value)} of ${fmtNumber(den)}` : `${fmtNumber(o.value)} (denominator not stated)`;
      break;
    case 'responder_pct': {
      // Only an explicit 'n' row is a denominator of a percentage: the arm's size is what was enrolled, not
      // what was analysed (47% of a 22-patient cohort is not a whole number of patients).
      const nRow = explicitN(s, o);
      const group = o.arm ? armN(s, o.arm) : s.arms.length === 1 ? s.arms[0]!.n.value : null;
      value =
        nRow !== null
          ? `${fmtNumber(o.value)}% of ${fmtNumber(nRow)}`
          : `${fmtNumber(o.value)}% (number analysed not stated${group !== null ? `; ${fmtNumber(group)} in the group` : ''})`;
      break;
    }
    case 'pct':
      value = `${fmtNumber(o.value)}%`;
      break;
    // a change can be negative: signed with the minus sign, as every other signed statistic here
    case 'pct_change':
      value = `${fmtSigned(o.value)}%`;
      break;
    case 'grade':
      value = `grade ${fmtNumber(o.value)}`;
      break;
    case 'p_value':
      value = `p = ${fmtNumber(o.value)}${o.comparator_arm ? ` vs ${armLabel(s, o.comparator_arm)}` : ''}`;
      break;
    default:
      value = `${o.statistic.replace('_', ' ')} ${fmtSigned(o.value)}${o.unit && o.unit !== '%' ? ` ${o.unit}` : ''}`;
  }
  return `${label(o)}${where ? ` (${where})` : ''}: ${value}${def}${caveat}${secondHand}`;
}

/**
 * Every result of a primary study, numbers first, then findings. p-value rows are left out when a finding
 * already states them (the finding names the comparison; the rows would repeat it without the context).
 */
export function studyResultSentences(s: Study): string[] {
  const findingPs = s.findings.some((f) => f.p !== null);
  const rows = s.outcomes
    .filter((o) => !(o.statistic === 'p_value' && findingPs))
    // a responder count and its percentage of the same measure say one thing: keep the count
    .filter(
      (o) =>
        !(
          o.statistic === 'responder_pct' &&
          s.outcomes.some(
            (x) =>
              x.statistic === 'responder_n' &&
              x.arm === o.arm &&
              x.instrument === o.instrument &&
              (x.label ?? '') === (o.label ?? '') &&
              x.timepoint_months === o.timepoint_months,
          )
        ),
    )
    .map((o) => outcomeSentence(s, o))
    .filter((x): x is string => x !== null);
  return [...rows, ...s.findings.map((f) => findingSentence(s, f))];
}

/** Outcome rows a card must not show as results (undefined measures), so it can say that it left them out. */
export function undefinedMeasures(s: Study): Outcome[] {
  return s.outcomes.filter((o) => o.undefined_measure);
}

/** A review's reported results: counts of included studies, pooled estimates, vote counts, conclusions. */
export function reviewSentences(s: Study, opts: { findings?: boolean } = {}): string[] {
  const r = s.review;
  const out: string[] = [];
  for (const p of r?.pooled ?? []) {
    const when = [timepointText(p.timepoint) ? `at ${timepointText(p.timepoint)}` : null, p.window]
      .filter(Boolean)
      .join(', ');
    const ci =
      p.ci_lower !== null && p.ci_upper !== null
        ? ` (95% CI ${fmtSigned(p.ci_lower)} to ${fmtSigned(p.ci_upper)})`
        : '';
    const missing = [
      p.scale ? null : 'scale',
      p.studies?.value != null ? null : 'number of studies',
      p.participants?.value != null ? null : 'number of patients',
      p.heterogeneity ? null : 'heterogeneity',
    ].filter(Boolean) as string[];
    out.push(
      `reported pooled estimate, ${p.intervention} vs ${p.comparator}, ${p.outcome}${when ? ` ${when}` : ''}: ${p.measure} ${fmtSigned(p.estimate)}${ci}${p.scale ? ` on ${p.scale}` : ''}${missing.length ? `; ${list(missing)} not given in the sources` : ''}`,
    );
  }
  for (const v of r?.vote_counts ?? []) {
    out.push(
      `vote count: ${v.positive} of ${v.of} ${v.unit === 'rcts' ? 'randomized trials' : 'studies'} showed ${v.outcome.startsWith('significant') ? '' : 'significant improvement in '}${v.outcome} (a count of trials, not a pooled estimate)`,
    );
  }
  if (opts.findings !== false) for (const f of s.findings) out.push(findingSentence(s, f));
  for (const c of r?.conclusions ?? []) out.push(`states: "${c.text}" (no numbers in the sources)`);
  return out;
}

/** "systematic review of 40 studies (13 RCTs)" — what the review is, with the counts the sources give. */
export function reviewDescription(s: Study): string {
  const r = s.review;
  const n = r?.included_studies.value ?? s.included_studies?.value ?? null;
  const rcts = r?.included_rcts.value ?? null;
  const what = s.design === 'not-stated' ? 'review (type not stated)' : DESIGN_SHORT[s.design];
  return `${what}${n !== null ? ` of ${n} studies` : ''}${rcts !== null ? ` (${rcts} RCTs)` : ''}`;
}

/** Where a study's results come from: "its own abstract (seed-002)" or "retold by a narrative review (seed-000)". */
export function resultTier(s: Study): string | null {
  const provs = [...s.outcomes.map((o) => o.provenance), ...s.findings.map((f) => f.provenance)];
  if (provs.length === 0) return null;
  const docs = (tier: string) => [...new Set(provs.filter((p) => p.source_tier === tier).map((p) => p.document))];
  const primary = docs('primary-abstract');
  const review = docs('narrative-review');
  const parts = [
    primary.length ? `its abstract (${primary.join(', ')})` : '',
    review.length ? `${primary.length ? 'and ' : ''}a narrative review, second-hand (${review.join(', ')})` : '',
  ].filter(Boolean);
  return parts.length ? `results from ${parts.join(' ')}` : null;
}
