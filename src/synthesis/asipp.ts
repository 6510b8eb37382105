// ASIPP evidence level (I–V) per therapy × target, from the deterministic reading of the ASIPP "qualitative
// modified approach" in docs/reference/evidence-grading.md §1.2 (an engine interpretation, not ASIPP text), with
// a trace, shown next to a level a source states. Pure.
import type { EvidenceLevel, Study } from '../domain/evidence.ts';
import type { Therapy } from '../domain/vocabulary.ts';

export type AsippLevel = 'I' | 'II' | 'III' | 'IV' | 'V';

/** Counts of relevant studies by quality: RCTs H, M, L; non-randomised/observational h, m, l. */
export interface AsippCounts {
  H: number;
  M: number;
  L: number;
  h: number;
  m: number;
  l: number;
}

/** docs/reference/evidence-grading.md §1.2, checked in order. "Multiple" = 2 or more. */
export function asippLevel(c: AsippCounts): { level: AsippLevel; rule: string } {
  if (c.H >= 2) return { level: 'I', rule: 'H ≥ 2 (multiple high-quality RCTs)' };
  if (c.H >= 1 || c.M + c.L >= 2) return { level: 'II', rule: 'H ≥ 1, or M + L ≥ 2' };
  if ((c.M + c.L >= 1 && c.h + c.m + c.l >= 2) || (c.h >= 1 && c.m + c.l >= 2))
    return { level: 'III', rule: '(M + L ≥ 1 and h + m + l ≥ 2), or (h ≥ 1 and m + l ≥ 2)' };
  if (c.m + c.l >= 2)
    return { level: 'IV', rule: 'm + l ≥ 2 (multiple moderate- or low-quality observational studies)' };
  return { level: 'V', rule: 'otherwise: level V (or insufficient), flagged for panel review' };
}

const OBSERVATIONAL = new Set(['non-randomized-controlled', 'single-arm', 'case-series', 'case-report', 'registry']);

export interface AsippRow {
  target: string;
  level: AsippLevel;
  trace: string[];
  counts: AsippCounts;
  stated: { level: string; body: string; provenance: EvidenceLevel['provenance']; reported_by: string } | null;
  differs: string | null;
}

/**
 * Level per target from the primary studies with results (publications of a stated design). The data hold no
 * IPM-QRB quality scores, so no study can count as high quality: every RCT counts as M/L and every
 * observational study as m/l — stated in the trace. A multi-target study counts for each of its targets.
 */
export function asippRows(primary: Study[], statements: EvidenceLevel[], members: readonly Therapy[]): AsippRow[] {
  // Targets of the curated studies, and those a source states a level for (shown even with no curated study).
  const statedTargets = statements
    .filter((x) => x.therapies.some((t) => members.includes(t as Therapy)))
    .flatMap((x) => x.targets);
  const targets = [...new Set([...primary.flatMap((s) => s.targets), ...statedTargets])].sort();
  return targets.map((target) => {
    const at = primary.filter(
      (s) =>
        s.targets.includes(target as never) &&
        s.record_kind === 'publication' &&
        s.outcomes.length + s.findings.length > 0,
    );
    const rcts = at.filter((s) => s.design === 'rct');
    const obs = at.filter((s) => OBSERVATIONAL.has(s.design));
    const notStated = at.filter((s) => s.design === 'not-stated');
    const counts: AsippCounts = { H: 0, M: 0, L: rcts.length, h: 0, m: 0, l: obs.length };
    const r = asippLevel(counts);
    const trace = [
      `relevant RCTs with results: ${rcts.length}${rcts.length ? ` (${rcts.map((s) => s.id).join(', ')})` : ''}`,
      `relevant observational studies with results: ${obs.length}${obs.length ? ` (${obs.map((s) => `${s.id} ${s.design}`).join(', ')})` : ''}`,
      ...(notStated.length ? [`not counted (design not stated): ${notStated.map((s) => s.id).join(', ')}`] : []),
      'no IPM-QRB quality scores are in the data: no study counts as high quality (all RCTs as M/L, all observational studies as m/l)',
      `rule: ${r.rule} → level ${r.level} (computed suggestion; ASIPP applies judgement, so a reviewer may override)`,
    ];
    const st = statements.find(
      (x) => x.targets.includes(target) && x.therapies.some((t) => members.includes(t as Therapy)),
    );
    const stated = st
      ? { level: st.level, body: st.body, provenance: st.provenance, reported_by: st.reported_by }
      : null;
    const differs =
      stated && stated.level !== r.level
        ? `computed ${r.level} from the curated studies; ${stated.body} states ${stated.level} (${stated.reported_by}). The panel applied judgement (docs/reference/evidence-grading.md §1.2: it did not mechanically apply the RCT clauses) and may have counted studies not curated here.`
        : null;
    return { target, level: r.level, trace, counts, stated, differs };
  });
}
