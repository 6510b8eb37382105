// The evidence export (`regenspine export --format json`), schema "regenspine.evidence/2": studies with numbers
// flattened to plain values and their provenance kept beside them, plus the evidence-level statements,
// unverifiable claims and title-only citation records. Every key of "regenspine.evidence/1" is kept with its
// meaning; docs/evidence-model.md lists what v2 adds and how a v1 reader migrates. Pure.
import type {
  CitationRecord,
  EvidenceLevel,
  Measured,
  Provenance,
  Statement,
  Study,
  UnverifiableStatement,
} from '../domain/evidence.ts';

export const EXPORT_SCHEMA = 'regenspine.evidence/2';
export const EXPORT_SCHEMA_V1 = 'regenspine.evidence/1';

const measuredValue = (m: Measured) => m.value;
const provOf = (m: Measured): Provenance | { null_reason: string } | { derived: true } | null =>
  m.provenance ?? (m.derivation ? { derived: true } : m.null_reason ? { null_reason: m.null_reason } : null);
const derivationOf = (m: Measured) =>
  m.derivation
    ? {
        rule: m.derivation.rule,
        formula: m.derivation.formula,
        inputs: m.derivation.inputs.map((i) => ({ name: i.name, value: i.value, provenance: i.provenance })),
      }
    : null;

/** v1 kept `timepoint_months`; v2 adds the timepoint as stated (days, weeks, months) and windows. */
function outcomeTimepoint(o: Study['outcomes'][number]) {
  if (o.timepoint) return o.timepoint;
  if (o.timepoint_weeks !== undefined) return { value: o.timepoint_weeks, unit: 'weeks' as const };
  if (o.timepoint_months !== null) return { value: o.timepoint_months, unit: 'months' as const };
  return null;
}

export function exportStudy(s: Study) {
  return {
    // ---- v1 keys (meaning unchanged; `design` no longer holds "protocol", see record_kind) ----
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
      n_derivation: derivationOf(a.n),
      intervention: a.intervention,
      provenance: { n: provOf(a.n) },
    })),
    products: s.products,
    outcomes: s.outcomes.map((o) => ({
      instrument: o.instrument,
      label: o.label ?? null,
      timepoint_months: o.timepoint_months,
      timepoint: outcomeTimepoint(o),
      window: o.window ?? null,
      measure: o.measure ?? null,
      analysis: o.analysis ?? null,
      arm: o.arm,
      comparator_arm: o.comparator_arm ?? null,
      statistic: o.statistic,
      value: o.value,
      unit: o.unit ?? null,
      definition: o.definition,
      dispersion: o.dispersion ?? null,
      caveat: o.caveat ?? null,
      undefined_measure: o.undefined_measure ?? false,
      provenance: o.provenance,
    })),
    adverse_events: s.adverse_events.map((e) => ({
      description: e.description,
      arm: e.arm,
      count: measuredValue(e.count),
      serious: e.serious,
      relatedness: e.relatedness,
      attribution: e.attribution ?? null,
      onset: e.onset ?? null,
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
    // ---- v2 keys ----
    record_kind: s.record_kind,
    status_as_of: s.status_as_of ?? null,
    allocation_ratio: s.allocation_ratio ?? null,
    findings: s.findings.map((f) => ({
      outcome: f.outcome,
      instrument: f.instrument,
      measure: f.measure ?? null,
      timepoint: f.timepoint,
      window: f.window,
      comparison: f.comparison,
      arms: f.arms,
      comparator: f.comparator ?? null,
      favours: f.favours,
      change: f.change,
      significant: f.significant,
      p: f.p,
      analysis: f.analysis,
      statement: f.statement,
      provenance: f.provenance,
    })),
    included_studies: s.review?.included_studies.value ?? s.included_studies?.value ?? null,
    review: s.review
      ? {
          included_studies: s.review.included_studies.value,
          included_rcts: s.review.included_rcts.value,
          participants: s.review.participants.value,
          pooled: s.review.pooled.map((p) => ({
            ...p,
            studies: p.studies?.value ?? null,
            participants: p.participants?.value ?? null,
          })),
          vote_counts: s.review.vote_counts,
          conclusions: s.review.conclusions,
          included_study_ids: s.review.included_study_ids,
          provenance: {
            included_studies: provOf(s.review.included_studies),
            included_rcts: provOf(s.review.included_rcts),
            participants: provOf(s.review.participants),
          },
        }
      : null,
    rob_inputs: s.rob_inputs,
    related_records: s.related_records,
    notes: s.notes ?? [],
  };
}

export function exportEvidenceLevel(l: EvidenceLevel) {
  return {
    id: l.id,
    body: l.body,
    scheme: l.scheme,
    level: l.level,
    therapies: l.therapies,
    targets: l.targets,
    statement: l.statement,
    reported_by: l.reported_by,
    provenance: l.provenance,
  };
}

export function exportEvidence(studies: Study[], statements: Statement[] = []) {
  const of = <K extends Statement['kind']>(k: K) =>
    statements.filter((s): s is Extract<Statement, { kind: K }> => s.kind === k);
  return {
    schema: EXPORT_SCHEMA,
    studies: studies.map(exportStudy),
    evidence_levels: of('evidence-level').map(exportEvidenceLevel),
    unverifiable_statements: of('unverifiable').map((u: UnverifiableStatement) => ({ ...u })),
    citation_records: of('citation').map((c: CitationRecord) => ({ ...c })),
  };
}

/**
 * Read a v1 export as v2 (for consumers holding old files): v1 studies gain the v2 keys with their
 * "unknown" values. A v1 design "protocol" becomes record_kind "protocol" with design "not-stated"; a
 * non-completed study without outcomes was "ongoing" in v1 and becomes a registration.
 */
export function migrateExportV1(v1: { schema: string; studies: Record<string, unknown>[] }) {
  if (v1.schema !== EXPORT_SCHEMA_V1) throw new Error(`not a ${EXPORT_SCHEMA_V1} export (schema "${v1.schema}")`);
  return {
    schema: EXPORT_SCHEMA,
    studies: v1.studies.map((s) => {
      const outcomes = (s.outcomes as Record<string, unknown>[]) ?? [];
      const protocol = s.design === 'protocol';
      const registration = !protocol && s.status !== 'completed' && outcomes.length === 0;
      return {
        ...s,
        design: protocol ? 'not-stated' : s.design,
        arms: ((s.arms as Record<string, unknown>[]) ?? []).map((a) => ({ ...a, n_derivation: null })),
        outcomes: outcomes.map((o) => ({
          ...o,
          timepoint: typeof o.timepoint_months === 'number' ? { value: o.timepoint_months, unit: 'months' } : null,
          window: null,
          measure: null,
          analysis: null,
          caveat: null,
          undefined_measure: false,
        })),
        adverse_events: ((s.adverse_events as Record<string, unknown>[]) ?? []).map((e) => ({
          ...e,
          attribution: null,
          onset: null,
        })),
        record_kind: protocol ? 'protocol' : registration ? 'registration' : 'publication',
        status_as_of: null,
        allocation_ratio: null,
        findings: [],
        included_studies: null,
        review: null,
        rob_inputs: [],
        related_records: [],
        notes: [],
      };
    }),
    evidence_levels: [],
    unverifiable_statements: [],
    citation_records: [],
  };
}
