// Pure mapping of HTML form fields (flat names such as `targets[0].level`) to the JSON commands of the API,
// so forms and API share one validation path. No JavaScript is needed in the browser.
import { PROMIS10_ITEMS } from '../../instruments/promis10.ts';
import { RMDQ_ITEMS } from '../../instruments/rmdq.ts';

export type FormData = Record<string, string | string[]>;

/** Leaves that are numbers (empty → absent). Names not listed stay strings; "true"/"false" become booleans. */
const NUMERIC = new Set([
  'site_id',
  'year_of_birth',
  'bmi',
  'pain_duration_months',
  'platelets',
  'wbc',
  'neutrophils',
  'rbc',
  'rbc_pct',
  'whole_blood_ml',
  'prp_ml',
  'injected_ml',
  'g',
  'minutes',
  'tnc_per_ml',
  'cfu_f_per_ml',
  'cfu_f_assay_days',
  'cd34_per_ul',
  'viability_pct',
  'age_at_harvest',
  'aspiration_sites',
  'aspirate_volume_ml',
  'final_volume_ml',
  'injected_volume_ml',
  'passage',
  'days_in_culture',
  'dose_viable_cells',
  'injectate_volume_ml',
  'grade',
  'version',
  'procedure_id',
  'dose_mg',
  'doses_per_day',
  'dose_mcg_per_h',
]);
/** Multi-select names whose single value must still be an array. */
const ARRAYS = new Set(['prior_treatments', 'pain_generators', 'seriousness_criteria', 'adjuncts']);

const toNumber = (s: string): number => (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s.trim()) ? Number(s) : Number.NaN);

/** Highest list index a form field may name (the forms have at most a few rows; the schemas cap lists at 20). */
const MAX_INDEX = 99;
/** Names that would reach Object.prototype through setPath (prototype pollution). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function setPath(obj: Record<string, unknown>, name: string, value: unknown): void {
  const parts = name.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  // A field such as `constructor.prototype.x` would write into Object.prototype, and `a[4294967294]` would
  // make a huge sparse array that prune() walks for minutes: such fields are ignored.
  if (parts.some((p) => UNSAFE_KEYS.has(p) || (p.startsWith('[') && Number(p.slice(1, -1)) > MAX_INDEX))) return;
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const key: string | number = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    if (i === parts.length - 1) {
      cur[key] = value;
      return;
    }
    cur[key] ??= parts[i + 1]!.startsWith('[') ? [] : {};
    const next = cur[key];
    // `a=1` then `a.b=2`: the field conflicts with an earlier one and is ignored (not a crash).
    if (typeof next !== 'object' || next === null) return;
    cur = next as Record<string | number, unknown>;
  }
}

/** Drops empty strings and empty objects/arrays so "left blank" means "not given". */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const a = v
      .filter((x) => x !== undefined)
      .map(prune)
      .filter((x) => x !== undefined);
    return a.length > 0 ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = ARRAYS.has(k) ? (prune(x) ?? []) : prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return v === '' ? undefined : v;
}

/** Builds the nested command object from the form fields (names starting with `_` are form controls). */
export function formToCommand(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(form)) {
    if (name.startsWith('_')) continue;
    const leaf = name
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop()!;
    const conv = (s: string): unknown => {
      const t = s.trim();
      if (t === '') return '';
      if (NUMERIC.has(leaf)) return toNumber(t);
      if (t === 'true') return true;
      if (t === 'false') return false;
      return t;
    };
    // A multi-select name (`adjuncts`) becomes a list; an indexed one (`adjuncts[0]`) is already one element
    // of it and must not be wrapped again (issue 11: `adjuncts: [["…"]]` made the procedure unsavable).
    const indexed = /\[\d+\]$/.test(name);
    const value = Array.isArray(raw)
      ? indexed
        ? conv(raw[0] ?? '')
        : raw.map(conv)
      : ARRAYS.has(leaf) && !indexed
        ? [conv(raw)]
        : conv(raw);
    setPath(out, name, value);
  }
  return (prune(out) as Record<string, unknown>) ?? {};
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/**
 * The follow-up form: instrument blocks become the `proms` inputs of src/instruments; an instrument left
 * entirely blank is not administered. RMDQ is included only when its "administered" box is ticked, because
 * an unticked statement means "does not apply to me" (docs/reference/instruments.md §5.1).
 */
export function visitFormToCommand(form: FormData): Record<string, unknown> {
  const proms: Record<string, unknown> = {};
  const odi = Array.from({ length: 10 }, (_, i) => one(form[`odi.${i}`]));
  if (odi.some((x) => x !== '')) proms.ODI = { answers: odi.map((x) => (x === '' ? null : toNumber(x))) };
  if (one(form.nrs) !== '') proms.NRS = { value: toNumber(one(form.nrs)) };
  if (one(form.vas) !== '') proms.VAS = { value: toNumber(one(form.vas)) };
  const eq = ['MO', 'SC', 'UA', 'PD', 'AD'].map((d) => one(form[`eq5d.${d}`]));
  if (eq.some((x) => x !== '') || one(form['eq5d.vas']) !== '') {
    proms.EQ5D3L = {
      state: eq.map((x) => x || '?').join(''),
      ...(one(form['eq5d.vas']) ? { vas: toNumber(one(form['eq5d.vas'])) } : {}),
    };
  }
  const promis: Record<string, number> = {};
  for (const item of PROMIS10_ITEMS) {
    const v = one(form[`promis.${item}`]);
    if (v !== '') promis[item] = toNumber(v);
  }
  if (Object.keys(promis).length > 0) proms.PROMIS10 = { items: promis };
  if (one(form['rmdq.administered']) === 'true') {
    proms.RMDQ = { items: Array.from({ length: RMDQ_ITEMS }, (_, i) => one(form[`rmdq.${i}`]) === 'true') };
  }
  const opioids: Record<string, unknown>[] = [];
  for (let i = 0; i < 3; i++) {
    const drug = one(form[`opioids[${i}].drug`]);
    if (!drug) continue;
    const e: Record<string, unknown> = { drug };
    for (const k of ['dose_mg', 'doses_per_day', 'dose_mcg_per_h']) {
      const v = one(form[`opioids[${i}].${k}`]);
      if (v !== '') e[k] = toNumber(v);
    }
    opioids.push(e);
  }
  const cmd: Record<string, unknown> = {
    timepoint: one(form.timepoint),
    visit_date: one(form.visit_date),
    proms,
    opioids,
  };
  // The explicit "No opioids at this visit" box (MME/day 0); an unticked box with no entries says nothing.
  if (one(form.no_opioids) === 'true') cmd.no_opioids = true;
  if (one(form['reintervention.occurred']) === 'true') {
    cmd.reintervention = {
      occurred: true,
      date: one(form['reintervention.date']) || null,
      description: one(form['reintervention.description']) || null,
    };
  }
  if (one(form.imaging_note)) cmd.imaging_note = one(form.imaging_note);
  return cmd;
}

/** Keeps only the product block of the chosen therapy (the form shows all three). */
export function procedureFormToCommand(form: FormData): Record<string, unknown> {
  const cmd = formToCommand(form);
  const therapy = String(cmd.therapy ?? '').toLowerCase();
  for (const k of ['prp', 'bmc', 'msc']) if (k !== therapy) delete cmd[k];
  cmd.targets ??= [];
  return cmd;
}

/** Flattens a stored record into the form's field names (`prp.baseline.platelets`, `targets[0].level`). */
export function commandToForm(record: unknown, prefix = ''): FormData {
  const out: FormData = {};
  const walk = (v: unknown, name: string) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      if (
        v.every((x) => typeof x !== 'object' || x === null) &&
        !/\]$/.test(name) &&
        ARRAYS.has(name.split('.').pop()!)
      ) {
        out[name] = v.map((x) => String(x));
        return;
      }
      v.forEach((x, i) => {
        walk(x, `${name}[${i}]`);
      });
      return;
    }
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, name ? `${name}.${k}` : k);
      return;
    }
    out[name] = String(v);
  };
  walk(record, prefix);
  return out;
}

/** The visit form's fields from a stored visit and its scores (for the correction form). */
export function visitToForm(visit: Record<string, unknown>, proms: Record<string, unknown>[]): FormData {
  const f: FormData = { timepoint: String(visit.timepoint ?? ''), visit_date: String(visit.visit_date ?? '') };
  for (const s of proms) {
    const input = (s.input ?? {}) as Record<string, unknown>;
    switch (s.instrument) {
      case 'ODI':
        ((input.answers as (number | null)[]) ?? []).forEach((a, i) => {
          if (a !== null && a !== undefined) f[`odi.${i}`] = String(a);
        });
        break;
      case 'NRS':
        f.nrs = String(input.value ?? '');
        break;
      case 'VAS':
        f.vas = String(input.value ?? '');
        break;
      case 'EQ5D3L': {
        const state = String(input.state ?? '');
        ['MO', 'SC', 'UA', 'PD', 'AD'].forEach((d, i) => {
          if (/[123]/.test(state[i] ?? '')) f[`eq5d.${d}`] = state[i]!;
        });
        if (input.vas !== undefined) f['eq5d.vas'] = String(input.vas);
        break;
      }
      case 'PROMIS10':
        for (const [k, v] of Object.entries((input.items ?? {}) as Record<string, unknown>))
          f[`promis.${k}`] = String(v);
        break;
      case 'RMDQ':
        f['rmdq.administered'] = 'true';
        ((input.items as boolean[]) ?? []).forEach((b, i) => {
          if (b) f[`rmdq.${i}`] = 'true';
        });
        break;
    }
  }
  // Opioids are stored as computed (daily amounts, not the strength × doses typed): shown as one dose a day.
  const entries = ((visit.opioids as { entries?: { drug: string; daily_amount: number; unit: string }[] } | null)
    ?.entries ?? []) as { drug: string; daily_amount: number; unit: string }[];
  // A visit stored with "no opioids" (a total of 0 and no entries) shows its box ticked.
  const total = (visit.opioids as { total_mme_per_day?: number } | null)?.total_mme_per_day;
  if (entries.length === 0 && total === 0) f.no_opioids = 'true';
  entries.slice(0, 3).forEach((e, i) => {
    f[`opioids[${i}].drug`] = e.drug;
    if (e.unit === 'mcg/h') f[`opioids[${i}].dose_mcg_per_h`] = String(e.daily_amount);
    else {
      f[`opioids[${i}].dose_mg`] = String(e.daily_amount);
      f[`opioids[${i}].doses_per_day`] = '1';
    }
  });
  const ri = visit.reintervention as { occurred?: boolean; date?: string | null; description?: string | null } | null;
  if (ri?.occurred) {
    f['reintervention.occurred'] = 'true';
    if (ri.date) f['reintervention.date'] = ri.date;
    if (ri.description) f['reintervention.description'] = ri.description;
  }
  if (visit.imaging_note) f.imaging_note = String(visit.imaging_note);
  return f;
}
