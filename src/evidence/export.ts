// The evidence export (`regenspine export --format json`, schema "regenspine.evidence/1"): studies with
// numbers flattened to plain values and their provenance kept beside them. Pure.
import type { Measured, Provenance, Study } from '../domain/evidence.ts';

export const EXPORT_SCHEMA = 'regenspine.evidence/1';

const measuredValue = (m: Measured) => m.value;
const provOf = (m: Measured): Provenance | { null_reason: string } | null =>
  m.provenance ?? (m.null_reason ? { null_reason: m.null_reason } : null);

export function exportStudy(s: Study) {
  return {
    id: s.id,
    citation: { ...s.citation },
    design: s.design,
    phase: s.phase,
    status: s.status,
    conditions: s.conditions,
    therapies: s.therapies,
    targets: s.targets,
    enrolled: measuredValue(s.enrolled),
    enrolled_kind: s.enrolled_kind ?? null,
    followup_months: measuredValue(s.followup_months),
    arms: s.arms.map((a) => ({
      id: a.id,
      label: a.label,
      role: a.role,
      therapies: a.therapies,
      n: measuredValue(a.n),
      intervention: a.intervention,
      provenance: { n: provOf(a.n) },
    })),
    products: s.products,
    outcomes: s.outcomes.map((o) => ({
      instrument: o.instrument,
      label: o.label ?? null,
      timepoint_months: o.timepoint_months,
      arm: o.arm,
      comparator_arm: o.comparator_arm ?? null,
      statistic: o.statistic,
      value: o.value,
      unit: o.unit ?? null,
      definition: o.definition,
      dispersion: o.dispersion ?? null,
      provenance: o.provenance,
    })),
    adverse_events: s.adverse_events.map((e) => ({
      description: e.description,
      arm: e.arm,
      count: measuredValue(e.count),
      serious: e.serious,
      relatedness: e.relatedness,
      resolution: e.resolution,
      provenance: e.provenance,
    })),
    adverse_events_reported: s.adverse_events_reported,
    limitations: s.limitations,
    summary: s.summary ?? null,
    provenance: {
      citation: s.citation_provenance,
      design: s.design_provenance,
      enrolled: provOf(s.enrolled),
      followup_months: provOf(s.followup_months),
      adverse_events: s.adverse_events_provenance ?? null,
    },
  };
}

export function exportEvidence(studies: Study[]) {
  return { schema: EXPORT_SCHEMA, studies: studies.map(exportStudy) };
}
