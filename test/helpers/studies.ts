// Builders of synthetic studies for unit tests of pure evidence logic (not curated data).
import type { Arm, Study } from '../../src/domain/evidence.ts';
import type { Therapy } from '../../src/domain/vocabulary.ts';

export const P = { document: 'test', locator: 'synthetic', quote: 'synthetic test value' };
export const known = (value: number) => ({ value, provenance: P });
export const unknown = { value: null, null_reason: 'not reported' };

export function arm(id: string, role: Arm['role'], therapies: Therapy[], n: number | null): Arm {
  return { id, label: id, role, therapies, n: n === null ? unknown : known(n), intervention: id };
}

export function makeStudy(id: string, over: Partial<Study> = {}): Study {
  return {
    id,
    citation: { authors: ['Doe J'], year: 2020, title: `Study ${id}`, journal: null, pmid: null, doi: null, nct: null },
    citation_provenance: P,
    design: 'single-arm',
    design_provenance: P,
    record_kind: 'publication',
    phase: null,
    status: 'completed',
    conditions: ['chronic low back pain'],
    therapies: ['bmc'],
    targets: ['disc'],
    enrolled: known(10),
    followup_months: known(12),
    arms: [arm('t', 'treatment', ['bmc'], 10)],
    products: [],
    outcomes: [],
    findings: [],
    rob_inputs: [],
    related_records: [],
    adverse_events: [],
    adverse_events_reported: 'not-reported',
    limitations: [],
    ...over,
  };
}
