// Data-entry plausibility (security review L2): values that are almost certainly typing errors are refused
// with the field named, before anything is stored. Pure. The ranges are settings (config/registry.json
// plausibility, each marked unverified: they are not clinical thresholds); the database has CHECK
// constraints for the absolute envelope (migration 006). Dates must fall within the patient's life: not
// before 1 January of the year of birth (only the year is stored), not after today (one day of grace for
// sites ahead of UTC), and not after the date the patient died.
import type { MmeTotal } from '../instruments/mme.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from './config.ts';
import { addDays } from './schedule.ts';
import { CommandError } from './validation.ts';

export function checkBmi(bmi: number | null | undefined, config: RegistryConfig = DEFAULT_REGISTRY_CONFIG): void {
  if (bmi === null || bmi === undefined) return;
  const { min, max } = config.plausibility.bmi.value;
  if (!(bmi >= min && bmi <= max))
    throw new CommandError(`a BMI between ${min} and ${max} kg/m² (check height and weight)`, 'bmi');
}

export interface LifeSpan {
  year_of_birth: number;
  /** Date of death when the patient's status is deceased. */
  died?: string | null;
}

/** Refuses (422, naming `field`) a date before the patient's birth year, after today, or after death. */
export function checkDateInLife(date: string, field: string, life: LifeSpan, today: string): void {
  const born = `${String(life.year_of_birth).padStart(4, '0')}-01-01`;
  if (date < born)
    throw new CommandError(`the date is before the patient was born (${life.year_of_birth})`, field, 422);
  if (date > addDays(today, 1)) throw new CommandError(`the date is in the future (today is ${today})`, field, 422);
  if (life.died && date > life.died)
    throw new CommandError(`the date is after the patient's death (${life.died})`, field, 422);
}

/** Each dose and the total must be finite and within the plausibility bounds; fields named per entry. */
export function checkOpioids(
  entries: readonly Record<string, unknown>[],
  total: MmeTotal | null,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): void {
  const p = config.plausibility;
  entries.forEach((e, i) => {
    const bounds: [string, number][] = [
      ['dose_mg', p.maxDoseMg.value],
      ['doses_per_day', p.maxDosesPerDay.value],
    ];
    for (const [k, max] of bounds) {
      const v = e[k];
      if (typeof v === 'number' && !(v <= max)) throw new CommandError(`at most ${max}`, `opioids[${i}].${k}`);
    }
  });
  if (!total) return;
  const max = p.maxMmePerDay.value;
  if (!Number.isFinite(total.total_mme_per_day) || total.total_mme_per_day > max)
    throw new CommandError(
      `the total is over ${max} MME/day, not a plausible entry (check strength and doses per day)`,
      'opioids',
    );
}

/**
 * A product record's numbers finite and below MAX_PRODUCT_NUMBER, and its free text (device, kit, gating
 * protocol) within the storage limit. The bound is an envelope against typing errors such as 1e300
 * platelets (security review L2), far above any real count, dose or volume; not a clinical number.
 */
export const MAX_PRODUCT_NUMBER = 1e12;
export function checkProductText(
  key: 'prp' | 'bmc' | 'msc',
  product: Record<string, unknown>,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
): void {
  const max = config.plausibility.deviceMaxChars.value;
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string' && v.length > max) throw new CommandError(`at most ${max} characters`, path);
    if (typeof v === 'number' && !(Math.abs(v) < MAX_PRODUCT_NUMBER))
      throw new CommandError('not a plausible value (check the units and the number of digits)', path);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${path}[${i}]`);
    if (v && typeof v === 'object' && !Array.isArray(v))
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(product, key);
}
