// "Beside the evidence" (issue 13 §2): the clinic's figure next to the published arms that report the same
// metric on the same footing — responder percentages for ODI and NRS at a registry timepoint, and opioid-use
// findings. The published numbers are read from the curated studies (data/evidence) with their provenance,
// never typed in; what differs between the two (definitions, design, selection) is said with each pair. Pure.
import type { Study } from '../../domain/evidence.ts';
import type { CohortAnalysis, OpioidRow, ResponderRow } from './core.ts';

export interface PublishedArm {
  study_id: string;
  study_label: string;
  design: string;
  arm_id: string | null;
  arm_label: string;
  arm_role: string | null;
  value: number;
  unit: string;
  definition: string | null;
  provenance: { document: string; locator: string; quote: string };
}

export interface Comparison {
  instrument: 'ODI' | 'NRS';
  timepoint_months: number;
  metric: string;
  clinic: ResponderRow | null;
  published: PublishedArm[];
  caveats: string[];
}

export interface OpioidComparison {
  clinic: OpioidRow[];
  published: {
    study_id: string;
    study_label: string;
    arm_labels: string[];
    statement: string;
    provenance: PublishedArm['provenance'];
  }[];
  caveats: string[];
}

const studyLabel = (s: Study) =>
  `${s.citation.authors[0]?.split(' ')[0] ?? s.id}${s.citation.authors.length > 1 ? ' et al.' : ''} ${s.citation.year ?? ''}`.trim();

const METRIC: Record<'ODI' | 'NRS', (rule: string) => string> = {
  ODI: (rule) => `ODI responders (minimal clinically important change; the registry counts ${rule})`,
  NRS: (rule) => `NRS pain responders (the registry counts ${rule})`,
};

function ruleText(a: CohortAnalysis, inst: string): string {
  const r = a.rules.find((x) => x.instrument === inst);
  if (!r) return 'no rule configured';
  const parts = [
    r.absolute !== null ? `a fall of at least ${r.absolute} points` : null,
    r.relativePct !== null ? `at least ${r.relativePct}%` : null,
  ].filter(Boolean);
  return parts.join(r.combine === 'any' ? ' or ' : ' and ');
}

/** Caveats that hold for every comparison of a registry cohort with a trial arm. */
const COMMON_CAVEATS = [
  'The registry has no control group: a change after the procedure is not an effect of the procedure (natural course, regression to the mean and co-interventions also change scores).',
  "The clinic's patients were not selected as the study's were: indications, severity, prior treatment and product differ.",
  'Complete-case percentages leave out patients who missed the visit; the worst-case percentage beside them counts those patients as non-responders.',
];

/** The registry timepoints × the studies' responder outcomes for ODI and NRS, with the clinic's row. */
export function evidenceComparisons(a: CohortAnalysis, studies: readonly Study[]): Comparison[] {
  const out: Comparison[] = [];
  const months = new Set(a.responders.map((r) => r.timepoint_months));
  for (const inst of ['ODI', 'NRS'] as const) {
    const rule = ruleText(a, inst);
    const byMonth = new Map<number, PublishedArm[]>();
    for (const s of studies) {
      for (const o of s.outcomes) {
        if (o.instrument !== inst || o.statistic !== 'responder_pct' || o.undefined_measure) continue;
        if (o.timepoint_months === null || !months.has(o.timepoint_months)) continue;
        const arm = o.arm ? s.arms.find((x) => x.id === o.arm) : null;
        const list = byMonth.get(o.timepoint_months) ?? [];
        list.push({
          study_id: s.id,
          study_label: studyLabel(s),
          design: s.design,
          arm_id: o.arm,
          arm_label: arm?.label ?? 'whole study population',
          arm_role: arm?.role ?? null,
          value: o.value,
          unit: o.unit ?? '%',
          definition: o.definition,
          provenance: { document: o.provenance.document, locator: o.provenance.locator, quote: o.provenance.quote },
        });
        byMonth.set(o.timepoint_months, list);
      }
    }
    for (const [m, published] of [...byMonth.entries()].sort((x, y) => x[0] - y[0])) {
      const clinic = a.responders.find((r) => r.instrument === inst && r.timepoint_months === m) ?? null;
      const caveats = [...COMMON_CAVEATS];
      caveats.push(
        `Definitions differ: the registry counts ${rule} from baseline (config ${a.config_versions.instruments}, ${a.config_versions.analysis}); the studies' definitions are quoted beside their numbers${inst === 'ODI' ? ' and may use another threshold' : ''}.`,
      );
      if (published.some((p) => p.definition && /greater than/i.test(p.definition)))
        caveats.push(
          '"Greater than 2 points" (as a study words it) is stricter than the registry\'s "at least 2 points".',
        );
      if (published.some((p) => /seed-001/.test(p.provenance.document)))
        caveats.push('One published figure is quoted from a narrative review, not from the trial report itself.');
      if (clinic && clinic.assessed !== null && clinic.assessed < 30)
        caveats.push(
          `Few of the clinic's patients were assessed at ${m} months (${clinic.assessed}): the interval is wide.`,
        );
      out.push({ instrument: inst, timepoint_months: m, metric: METRIC[inst](rule), clinic, published, caveats });
    }
  }
  return out;
}

/** Opioid use: the clinic's MME figures beside the studies' opioid findings (which give no numbers). */
export function opioidComparison(a: CohortAnalysis, studies: readonly Study[]): OpioidComparison {
  const published: OpioidComparison['published'] = [];
  for (const s of studies) {
    for (const f of s.findings ?? []) {
      if (f.instrument !== 'opioid-use') continue;
      published.push({
        study_id: s.id,
        study_label: studyLabel(s),
        arm_labels: f.arms.map((id) => s.arms.find((x) => x.id === id)?.label ?? id),
        statement: f.statement,
        provenance: { document: f.provenance.document, locator: f.provenance.locator, quote: f.provenance.quote },
      });
    }
  }
  return {
    clinic: a.opioids,
    published,
    caveats: [
      ...COMMON_CAVEATS.slice(0, 2),
      'The studies state a direction of change without numbers; the registry reports MME/day (CDC 2022 factors) for patients with opioid use recorded at baseline and at the timepoint.',
      'A follow-up visit without opioid entries is "not recorded", not "no opioids": such visits are left out.',
    ],
  };
}
