// De-identification rules (pure), HIPAA Safe Harbor, 45 CFR 164.514(b)(2), as vendored in
// docs/reference/interoperability.md §5 item 3: "all ages over 89 (and date elements revealing such age)"
// are identifiers; registry handling: "keep year only; aggregate ages ≥90 into one "90 or older" category;
// express follow-up as days since index procedure".

/** The one category every age of 90 and over is reported as. */
export const AGE_90_OR_OLDER = '90 or older';

/**
 * Age in the export year from the year of birth (only the year is stored, so this is the age reached during
 * `year`), with every age ≥ 90 aggregated into one category.
 */
export function safeHarborAge(yearOfBirth: number, year: number): string {
  const age = year - yearOfBirth;
  return age >= 90 ? AGE_90_OR_OLDER : String(age);
}

const DAY_MS = 86_400_000;

/** Follow-up as whole days since the index procedure instead of a date (null before any procedure). */
export function daysSinceIndex(indexDate: string | null, visitDate: string): number | null {
  if (indexDate === null) return null;
  return Math.round((Date.parse(`${visitDate}T00:00:00Z`) - Date.parse(`${indexDate}T00:00:00Z`)) / DAY_MS);
}
