// Strata of the analysis (issue 13 §1): site, therapy, product class, target, pain generator, and any two at
// once; and small-cell suppression for every de-identified output. Pure.
import type {
  AeRow,
  ChangeRow,
  CohortAnalysis,
  CompletenessRow,
  OpioidRow,
  ResponderRow,
  SurvivalTimeRow,
} from './core.ts';
import { type AnalysisRecord, STRATA, type Stratum } from './input.ts';

export { STRATA, type Stratum };

/** Shown for a record without a value for the stratum (unknown is its own group, never merged into another). */
export const NOT_RECORDED = 'not recorded';

export function isStratum(x: string): x is Stratum {
  return (STRATA as readonly string[]).includes(x);
}

/** Parses "therapy" or "therapy,site" (at most two, distinct); throws naming the bad value. */
export function parseStrata(spec: string | undefined | null): Stratum[] {
  if (!spec) return [];
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts) {
    if (!isStratum(p)) throw new RangeError(`unknown stratum "${p}" (one or two of ${STRATA.join(', ')})`);
  }
  if (parts.length > 2) throw new RangeError('at most two strata at once');
  if (parts.length === 2 && parts[0] === parts[1]) throw new RangeError('the two strata must differ');
  return parts as Stratum[];
}

export interface Group {
  key: Partial<Record<Stratum, string>>;
  label: string;
  records: AnalysisRecord[];
}

/** The group a record with these stratum values falls in: its key and label ("PRP × disc"). */
export function groupOf(
  values: Partial<Record<Stratum, string | null>>,
  by: readonly Stratum[],
): { key: Partial<Record<Stratum, string>>; label: string } {
  const key: Partial<Record<Stratum, string>> = {};
  for (const s of by) key[s] = values[s] ?? NOT_RECORDED;
  return { key, label: by.map((s) => key[s]).join(' × ') };
}

/** Groups sorted for display: by label. */
export const byLabel = (a: { label: string }, b: { label: string }): number => a.label.localeCompare(b.label);

/** Records grouped by the strata's values (sorted by label); [] strata = one group of everything. */
export function groupBy(records: readonly AnalysisRecord[], by: readonly Stratum[]): Group[] {
  if (by.length === 0) return [{ key: {}, label: 'all patients', records: [...records] }];
  const m = new Map<string, Group>();
  for (const r of records) {
    const { key, label } = groupOf(r, by);
    let g = m.get(label);
    if (!g) {
      g = { key, label, records: [] };
      m.set(label, g);
    }
    g.records.push(r);
  }
  return [...m.values()].sort(byLabel);
}

/** Whether a record with these stratum values passes the filters (e.g. {therapy: "PRP"}). */
export function matchesFilters(
  values: Partial<Record<Stratum, string | null>>,
  where: Partial<Record<Stratum, string>>,
): boolean {
  for (const [k, v] of Object.entries(where) as [Stratum, string | undefined][])
    if (v !== undefined && v !== '' && (values[k] ?? NOT_RECORDED) !== v) return false;
  return true;
}

/** Filters records to the given values of strata (e.g. {therapy: "PRP"}). */
export function filterRecords(
  records: readonly AnalysisRecord[],
  where: Partial<Record<Stratum, string>>,
): AnalysisRecord[] {
  return records.filter((r) => matchesFilters(r, where));
}

const small = (x: number | null, k: number) => x !== null && x > 0 && x < k;

/**
 * Small-cell suppression for de-identified outputs: a count of 1 to k−1 is not shown, nor anything computed
 * from it. A responder row is a partition (responders, non-responders, not evaluable, missing): if any part is
 * small the whole row is withheld, since the others would give it back by subtraction; the stratum's patients
 * are another (eligible, not yet due, no baseline), so a small one of those is withheld with a second; the missing breakdown
 * (missed / withdrawn) is withheld when either part is small. Means need n ≥ k. Kaplan–Meier rows need k at
 * risk, and the drawn curve stops where fewer than k remain at risk.
 */
export function suppressSmallCells(a: CohortAnalysis, k: number): CohortAnalysis {
  const resp = a.responders.map((r): ResponderRow => {
    const missing = (r.missing.missed ?? 0) + (r.missing.withdrawn ?? 0);
    const hide = [r.responders, r.non_responders, r.not_evaluable, missing].some((x) => small(x, k));
    // The stratum's patients are a second partition of every row: eligible + not yet due + no baseline =
    // patients, which is shown. One part withheld alone would come back by subtraction, so when any of the three
    // is small, not-yet-due and no-baseline are withheld together, and the whole row as well when those two
    // together are small (patients − eligible would show their sum).
    const outerSmall = small(r.eligible, k) || small(r.not_yet_due, k) || small(r.no_baseline, k);
    const outside = (r.not_yet_due ?? 0) + (r.no_baseline ?? 0);
    const base = {
      ...r,
      not_yet_due: outerSmall ? null : r.not_yet_due,
      no_baseline: outerSmall ? null : r.no_baseline,
    };
    if (hide || small(r.eligible, k) || (outerSmall && small(outside, k)))
      return {
        ...base,
        eligible: null,
        assessed: null,
        responders: null,
        non_responders: null,
        not_evaluable: null,
        missing: { missed: null, withdrawn: null },
        pct: null,
        ci_exact: null,
        ci_wilson: null,
        worst_case_pct: null,
        worst_case_ci_exact: null,
        worst_case_ci_wilson: null,
        suppressed: true,
      };
    if (small(r.missing.missed, k) || small(r.missing.withdrawn, k))
      return { ...base, missing: { missed: null, withdrawn: null } };
    return base;
  });
  const change = a.change.map(
    (c): ChangeRow =>
      c.n !== null && c.n > 0 && c.n < k
        ? { ...c, n: null, mean: null, ci: null, sd: null, median: null, iqr: null, suppressed: true }
        : c,
  );
  const opioids = a.opioids.map((o): OpioidRow => {
    if (o.n !== null && o.n > 0 && o.n < k)
      return {
        ...o,
        n: null,
        baseline_mean: null,
        followup_mean: null,
        followup_median: null,
        off_opioids: null,
        off_opioids_pct: null,
        off_opioids_ci_exact: null,
        baseline_users: null,
        baseline_users_off: null,
        change_mean: null,
        change_ci: null,
        change_median: null,
        suppressed: true,
      };
    const out = { ...o };
    if (small(o.off_opioids, k) || (o.n !== null && o.off_opioids !== null && small(o.n - o.off_opioids, k))) {
      out.off_opioids = null;
      out.off_opioids_pct = null;
      out.off_opioids_ci_exact = null;
      out.suppressed = true;
    }
    if (
      small(o.baseline_users, k) ||
      small(o.baseline_users_off, k) ||
      (o.baseline_users !== null && o.baseline_users_off !== null && small(o.baseline_users - o.baseline_users_off, k))
    ) {
      out.baseline_users = null;
      out.baseline_users_off = null;
      out.suppressed = true;
    }
    return out;
  });
  const times = a.survival.times.map(
    (t): SurvivalTimeRow =>
      small(t.at_risk, k) || small(t.events, k)
        ? {
            ...t,
            at_risk: small(t.at_risk, k) ? null : t.at_risk,
            events: null,
            survival: small(t.at_risk, k) ? null : t.survival,
            ci: small(t.at_risk, k) ? null : t.ci,
            suppressed: true,
          }
        : t,
  );
  const curve = a.survival.curve.filter((s) => s.at_risk >= k);
  const ae = a.adverse_events.rows.map(
    (r): AeRow =>
      small(r.procedures_with_event, k) || small(r.events, k)
        ? {
            ...r,
            procedures_with_event: null,
            per_100_procedures: null,
            ci_exact: null,
            events: null,
            events_per_100: null,
            events_ci_exact: null,
            suppressed: true,
          }
        : r,
  );
  const completeness = a.completeness.map(
    (c): CompletenessRow =>
      [c.seen_in_window, c.missed, c.withdrawn, c.not_yet_due].some((x) => small(x, k))
        ? {
            ...c,
            eligible: null,
            seen_in_window: null,
            missed: null,
            withdrawn: null,
            not_yet_due: null,
            pct: null,
            suppressed: true,
          }
        : c,
  );
  const tooFew = small(a.patients, k);
  return {
    ...a,
    patients: tooFew ? null : a.patients,
    procedures: tooFew ? null : a.procedures,
    responders: resp,
    change,
    opioids,
    survival: {
      ...a.survival,
      n: small(a.survival.n, k) ? null : a.survival.n,
      events: small(a.survival.events, k) ? null : a.survival.events,
      times,
      curve,
    },
    adverse_events: { procedures: tooFew ? null : a.adverse_events.procedures, rows: ae },
    completeness,
    deidentified: true,
    small_cell: k,
  };
}
