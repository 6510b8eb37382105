// Categorical moderators and subgroup analysis, as metafor users do them (metafor 3.8-1):
//   moderatorDesign  columns → moderator matrix; a non-numeric column becomes a factor with R's default treatment
//                    contrasts (first level = reference; one 0/1 column per other level, named column + level)
//   subgroups        separate rma() fits per subgroup; the test of subgroup differences both ways metafor users
//                    report it: (1) QM of rma(yi, vi, mods = ~ factor(g)) with the same method and test (mixed-effects
//                    model, one τ² shared by the subgroups), and (2) Q-between: QM of an equal-effects
//                    meta-regression of the subgroup estimates on the subgroup (variances = squared SEs), i.e. the
//                    Q statistic among the separately estimated subgroup effects (separate τ² per subgroup).
import { MetaError, type Method, type RmaResult, rma, type Test } from './rma.ts';

export type Cell = string | number | null | undefined;

const isMissing = (v: Cell): boolean =>
  v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || v === '' || v === 'NA';

/**
 * Factor levels in R's order: sort(unique(x)). Numbers sort numerically; strings by an English-locale collation
 * (R's sort() in an en_US.UTF-8 locale — lower case before upper case, letters compared case-insensitively first).
 */
export function factorLevels(values: readonly Cell[]): string[] {
  const present = values.filter((v) => !isMissing(v)).map(String);
  const uniq = [...new Set(present)];
  if (uniq.every((u) => Number.isFinite(Number(u)) && u.trim() !== ''))
    return uniq.sort((a, b) => Number(a) - Number(b));
  const coll = new Intl.Collator('en', { sensitivity: 'variant', caseFirst: 'lower', numeric: false });
  return uniq.sort(coll.compare);
}

export interface ModeratorColumn {
  name: string;
  values: readonly Cell[];
  /** force a numeric column to be a factor (R: factor(x)) */
  categorical?: boolean;
}

export interface ModeratorDesign {
  mods: number[][];
  modNames: string[];
  /** per factor: its levels, first = reference */
  factors: { name: string; levels: string[] }[];
}

/** Moderator matrix for rma(): numeric columns as they are, others dummy coded (treatment contrasts). */
export function moderatorDesign(columns: readonly ModeratorColumn[]): ModeratorDesign {
  const mods: number[][] = [];
  const modNames: string[] = [];
  const factors: ModeratorDesign['factors'] = [];
  for (const c of columns) {
    const numeric = !c.categorical && c.values.every((v) => isMissing(v) || Number.isFinite(Number(v)));
    if (numeric) {
      mods.push(c.values.map((v) => (isMissing(v) ? Number.NaN : Number(v))));
      modNames.push(c.name);
      continue;
    }
    const levels = factorLevels(c.values);
    if (levels.length < 2) throw new MetaError(`moderator ${c.name} has fewer than 2 levels`);
    factors.push({ name: c.name, levels });
    for (const lev of levels.slice(1)) {
      mods.push(c.values.map((v) => (isMissing(v) ? Number.NaN : String(v) === lev ? 1 : 0)));
      modNames.push(`${c.name}${lev}`);
    }
  }
  return { mods, modNames, factors };
}

export interface SubgroupFit {
  level: string;
  k: number;
  fit: RmaResult | null;
  error?: string;
  warnings: string[];
}

export interface SubgroupTest {
  /** QM (χ², or F for knha in the moderator model) with its df and p-value */
  stat: number;
  df: number;
  /** denominator df (F test) or NaN */
  ddf: number;
  pval: number;
}

export interface SubgroupResult {
  column: string;
  levels: string[];
  groups: SubgroupFit[];
  /** rma(yi, vi, mods = ~ factor(g)): the moderator model and its omnibus test */
  moderatorFit: RmaResult | null;
  moderatorTest: SubgroupTest | null;
  /** equal-effects meta-regression on the subgroup estimates (subgroups with a fit only) */
  betweenTest: SubgroupTest | null;
  warnings: string[];
}

export interface SubgroupOptions {
  method?: Method;
  test?: Test;
  level?: number;
  column?: string;
}

/** Subgroup analysis over the levels of `group` (missing group: study left out, with a warning). */
export function subgroups(
  yi: readonly number[],
  vi: readonly number[],
  group: readonly Cell[],
  opts: SubgroupOptions = {},
): SubgroupResult {
  const method = opts.method ?? 'REML';
  const test = opts.test ?? 'z';
  const level = opts.level ?? 95;
  const column = opts.column ?? 'group';
  const warnings: string[] = [];
  const usable = (i: number) => !Number.isNaN(yi[i]!) && !Number.isNaN(vi[i]!);
  const nMissing = group.filter((g, i) => isMissing(g) && usable(i)).length;
  if (nMissing > 0)
    warnings.push(`${nMissing} stud${nMissing === 1 ? 'y' : 'ies'} without a ${column} value left out.`);
  const levels = factorLevels(group.filter((g, i) => usable(i) || isMissing(g)));
  const groups: SubgroupFit[] = levels.map((lev) => {
    const idx = group.map((g, i) => (!isMissing(g) && String(g) === lev ? i : -1)).filter((i) => i >= 0);
    const gw: string[] = [];
    try {
      const fit = rma(
        idx.map((i) => yi[i]!),
        idx.map((i) => vi[i]!),
        { method, test, level },
      );
      if (fit.k <= 2 && method !== 'EE' && method !== 'FE')
        gw.push(`subgroup ${lev}: k = ${fit.k}, tau^2 ${fit.k === 1 ? 'cannot be estimated' : 'is very imprecise'}.`);
      return { level: lev, k: fit.k, fit, warnings: [...fit.warnings.map((w) => `subgroup ${lev}: ${w}`), ...gw] };
    } catch (e) {
      return { level: lev, k: idx.length, fit: null, error: (e as Error).message, warnings: gw };
    }
  });
  if (levels.length < 2) warnings.push(`${column} has fewer than 2 levels: no test of subgroup differences.`);

  let moderatorFit: RmaResult | null = null;
  let moderatorTest: SubgroupTest | null = null;
  let betweenTest: SubgroupTest | null = null;
  if (levels.length >= 2) {
    try {
      const d = moderatorDesign([{ name: column, values: group, categorical: true }]);
      moderatorFit = rma(yi, vi, { mods: d.mods, modNames: d.modNames, method, test, level });
      moderatorTest = {
        stat: moderatorFit.QM,
        df: moderatorFit.QMdf[0],
        ddf: moderatorFit.QMdf[1],
        pval: moderatorFit.QMp,
      };
    } catch (e) {
      warnings.push(`moderator model failed: ${(e as Error).message}`);
    }
    const ok = groups.filter((g) => g.fit !== null && Number.isFinite(g.fit.se[0]!));
    if (ok.length >= 2) {
      const d = moderatorDesign([{ name: column, values: ok.map((g) => g.level), categorical: true }]);
      const f = rma(
        ok.map((g) => g.fit!.beta[0]!),
        ok.map((g) => g.fit!.se[0]! ** 2),
        { mods: d.mods, modNames: d.modNames, method: 'EE', level, skipR2: true },
      );
      betweenTest = { stat: f.QM, df: f.QMdf[0], ddf: Number.NaN, pval: f.QMp };
      if (ok.length < groups.length) warnings.push('Q-between uses only the subgroups that could be fitted.');
    }
  }
  return { column, levels, groups, moderatorFit, moderatorTest, betweenTest, warnings };
}
