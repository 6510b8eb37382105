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

/** A half-open run of days [from, until) (until null = open-ended). */
export interface DayPeriod {
  from: string;
  until: string | null;
}

/**
 * Research export (security review M6): only patients whose research consent holds on the day and who have
 * not withdrawn from the registry. A withdrawal excludes the patient from every export made from its date on,
 * including data collected before it. Stated as the days on which it holds — each research consent's
 * [consent date, its withdrawal) cut at the first registry withdrawal, none once the status is withdrawn — so
 * that a store can keep the periods and compare a day with them (src/store/registry-analysis-facts.ts)
 * instead of restating the rule.
 */
export function researchPeriods(status: PatientStatus | string, consents: readonly ConsentFacts[]): DayPeriod[] {
  if (status === 'withdrawn') return [];
  let registryOut: string | null = null;
  for (const c of consents)
    if (c.scope === 'registry' && c.withdrawn_date !== null && (registryOut === null || c.withdrawn_date < registryOut))
      registryOut = c.withdrawn_date;
  const out: DayPeriod[] = [];
  for (const c of consents) {
    if (c.scope !== 'research') continue;
    let until = c.withdrawn_date;
    if (registryOut !== null && (until === null || registryOut < until)) until = registryOut;
    if (until === null || c.consent_date < until) out.push({ from: c.consent_date, until });
  }
  return out;
}

/** Whether `day` falls in one of the periods. */
export const inPeriods = (periods: readonly DayPeriod[], day: string): boolean =>
  periods.some((p) => p.from <= day && (p.until === null || day < p.until));

/** Research export on `today` (researchPeriods). */
export function mayExportForResearch(
  status: PatientStatus | string,
  consents: readonly ConsentFacts[],
  today: string,
): boolean {
  return inPeriods(researchPeriods(status, consents), today);
}
