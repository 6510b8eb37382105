// Consent rules (pure): which consent a registry action needs and whether it holds on a given day. The
// de-identified export states the same rule in SQL (src/store/registry.ts deidentifiedOutcomes); tests check
// that both agree. Scopes: src/registry/validation.ts CONSENT_SCOPES.
import type { ConsentScope, PatientStatus } from './validation.ts';

export interface ConsentFacts {
  scope: string;
  consent_date: string;
  withdrawn_date: string | null;
}

/** A consent of `scope` given on or before `day` and not withdrawn on or before it. */
export function consentHolds(consents: readonly ConsentFacts[], scope: ConsentScope, day: string): boolean {
  return consents.some(
    (c) => c.scope === scope && c.consent_date <= day && (c.withdrawn_date === null || day < c.withdrawn_date),
  );
}

/** Why a procedure dated `day` cannot be recorded for lack of consent, or null. */
export function procedureConsentProblem(consents: readonly ConsentFacts[], day: string): string | null {
  if (consentHolds(consents, 'registry', day)) return null;
  const registry = consents.filter((c) => c.scope === 'registry');
  if (registry.length === 0)
    return 'record the registry-participation consent first: a procedure needs a registry consent dated on or before it';
  if (registry.every((c) => c.withdrawn_date !== null && c.withdrawn_date <= day))
    return 'the registry consent was withdrawn on or before the procedure date';
  return 'the registry consent is dated after the procedure: a procedure needs a registry consent dated on or before it';
}

/**
 * Research export (security review M6): only patients whose research consent holds today and who have not
 * withdrawn from the registry. A withdrawal excludes the patient from every export made from its date on,
 * including data collected before it.
 */
export function mayExportForResearch(
  status: PatientStatus | string,
  consents: readonly ConsentFacts[],
  today: string,
): boolean {
  if (status === 'withdrawn') return false;
  if (consents.some((c) => c.scope === 'registry' && c.withdrawn_date !== null && c.withdrawn_date <= today))
    return false;
  return consentHolds(consents, 'research', today);
}
