// Types of the claim checker (issue 10 §1). The JSON a caller sees is `CheckReport` (the contract);
// `CheckedClaim` adds where the claim stands in the text, for the inline page, and is never serialised as such.

export const CLAIM_KINDS = [
  'study-count',
  'patient-count',
  'design-quality',
  'efficacy',
  'responder-rate',
  'durability',
  'safety',
  'opioid-use',
  'regulatory',
  'mechanism',
  'comparison',
  'cost-access',
  'other',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/**
 * supported: the data say so; contradicted: the data say otherwise; overstated: true in part, stronger than
 * the data; unsupported: no data for it; unverifiable: the data cannot decide (e.g. a total that depends on
 * unknown sizes); not-checkable: not a factual claim, or one this checker cannot read (it says why).
 */
export const VERDICTS = [
  'supported',
  'contradicted',
  'overstated',
  'unsupported',
  'unverifiable',
  'not-checkable',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A quote behind a verdict: a study's provenance, or a vendored reference passage (study_id null). */
export interface ClaimEvidence {
  study_id: string | null;
  quote: string;
  document: string;
  locator: string;
}

export interface ClaimResult {
  text: string;
  kind: ClaimKind;
  /** the therapy group the claim speaks of (src/domain/vocabulary.ts THERAPY_GROUPS key), or null */
  therapy: string | null;
  verdict: Verdict;
  reason: string;
  study_ids: string[];
  evidence: ClaimEvidence[];
}

export interface CheckReport {
  claims: ClaimResult[];
  summary: Record<Verdict, number>;
}

/** A claim with its place in the checked text: [start, end) in UTF-16 code units of the input. */
export interface CheckedClaim extends ClaimResult {
  start: number;
  end: number;
}
