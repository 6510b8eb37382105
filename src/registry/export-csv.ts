// Registry export as analysis-ready CSV (pure): long format — one row per patient × visit × instrument score
// measure — plus the procedure and adverse-event tables, a REDCap-style data dictionary describing every
// column and every measure (field, form, type, label, choices, validation, units, instrument version), and,
// de-identified, an aggregate table with small cells suppressed. The rows of a table are built per
// patient, so the store streams patients page by page (src/store/registry-export.ts).
import { INSTRUMENT_VERSIONS } from './clinical.ts';
import {
  birthYearBand,
  daysSinceIndex,
  type ExportPatient,
  type ExportRun,
  indexProcedure,
  productClass,
  subjectId,
  suppressed,
  targetsText,
} from './export-deid.ts';

export type CsvTable = 'scores' | 'procedures' | 'adverse_events' | 'summary' | 'dictionary';
export const CSV_TABLES: readonly CsvTable[] = ['scores', 'procedures', 'adverse_events', 'summary', 'dictionary'];

type Cell = string | number | boolean | null;

/**
 * A text cell a spreadsheet would run as a formula: one starting with = + - @, tab or CR (OWASP, "CSV
 * Injection", https://owasp.org/www-community/attacks/CSV_Injection). Free text reaches the export (operator,
 * event term, product source, targets), so such a cell gets a leading apostrophe, which makes the spreadsheet
 * read it as text. Numbers are written as numbers and never changed (a change score of -12 stays -12).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: fields with a comma, quote, CR or LF are quoted and quotes doubled; null is an empty field. A text
 * cell that starts like a formula is prefixed with an apostrophe (FORMULA_START).
 */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells
    .map((c) => {
      if (c === null) return '';
      let s = typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '') : String(c);
      if (typeof c === 'string' && FORMULA_START.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',')}\r\n`;
}

type FieldType = 'text' | 'integer' | 'number' | 'date_ymd' | 'yesno' | 'dropdown';
interface Column {
  name: string;
  label: string;
  type: FieldType;
  choices?: string;
  units?: string;
  min?: number;
  max?: number;
  /** Shown only in identified exports (dates, free text), or only in de-identified ones. */
  only?: 'identified' | 'deidentified';
}

const SUBJECT: Column = {
  name: 'subject',
  label: 'Patient: registry id (identified) or a pseudonym keyed for this export only (de-identified)',
  type: 'text',
};
const SITE: Column = { name: 'site', label: 'Site code', type: 'text' };
const COVARIATES: Column[] = [
  { name: 'sex', label: 'Sex', type: 'dropdown', choices: 'female | male | other | unknown' },
  { name: 'birth_year', label: 'Year of birth', type: 'integer', only: 'identified' },
  {
    name: 'birth_year_band',
    label: 'Year of birth, banded (ages 90 and over: "90 or older")',
    type: 'text',
    only: 'deidentified',
  },
  { name: 'pain_generator_group', label: 'Pain generator group', type: 'text' },
  { name: 'therapy', label: 'Therapy of the index procedure', type: 'dropdown', choices: 'PRP | BMC | MSC' },
  {
    name: 'product_class',
    label: 'Product class of the index procedure (PRP by Dohan Ehrenfest class, MSC by source)',
    type: 'text',
  },
];
const WHEN = (what: string): Column[] => [
  { name: `${what}_date`, label: `Date of the ${what}`, type: 'date_ymd', only: 'identified' },
  {
    name: 'days_since_index',
    label: `Days from the index procedure to the ${what} (negative: before it)`,
    type: 'integer',
    units: 'd',
  },
];

export const COLUMNS: Record<Exclude<CsvTable, 'dictionary'>, Column[]> = {
  scores: [
    SUBJECT,
    SITE,
    ...COVARIATES,
    {
      name: 'timepoint',
      label: 'Follow-up timepoint',
      type: 'dropdown',
      choices: 'baseline | 1m | 3m | 6m | 12m | 24m',
    },
    ...WHEN('visit'),
    { name: 'in_window', label: 'Visit within its follow-up window', type: 'yesno' },
    {
      name: 'instrument',
      label: 'Instrument',
      type: 'dropdown',
      choices: 'ODI | NRS | VAS | EQ5D3L | PROMIS10 | RMDQ | MME',
    },
    { name: 'measure', label: 'Score measure (see the measures section of this dictionary)', type: 'text' },
    { name: 'value', label: 'Value of the measure (units: see the measure)', type: 'number' },
    { name: 'instrument_version', label: 'Instrument version', type: 'text' },
    { name: 'config_version', label: 'Scoring settings version (value sets, conversion factors)', type: 'text' },
  ],
  procedures: [
    SUBJECT,
    SITE,
    { name: 'procedure_number', label: 'Order of the procedure for the patient (1 = index)', type: 'integer' },
    ...WHEN('procedure'),
    { name: 'therapy', label: 'Therapy', type: 'dropdown', choices: 'PRP | BMC | MSC' },
    { name: 'product_class', label: 'Product class', type: 'text' },
    { name: 'targets', label: 'Targets (structure, level, side, approach)', type: 'text' },
    {
      name: 'image_guidance',
      label: 'Image guidance',
      type: 'dropdown',
      choices: 'fluoroscopy | ultrasound | CT | none',
    },
    { name: 'injectate_volume_ml', label: 'Injectate volume', type: 'number', units: 'mL' },
    { name: 'prp_platelet_fold', label: 'PRP platelets ÷ baseline platelets', type: 'number', units: '1' },
    { name: 'prp_leukocytes', label: 'PRP leukocytes relative to baseline', type: 'dropdown', choices: 'rich | poor' },
    { name: 'bmc_tnc_injected', label: 'BMC total nucleated cells injected', type: 'number', units: 'cells' },
    { name: 'bmc_cfu_f_injected', label: 'BMC CFU-F injected', type: 'number', units: 'colonies' },
    { name: 'operator', label: 'Operator (free text)', type: 'text', only: 'identified' },
    { name: 'product_config_version', label: 'Product characterisation settings version', type: 'text' },
  ],
  adverse_events: [
    SUBJECT,
    SITE,
    { name: 'procedure_number', label: 'Procedure the event is linked to (order; empty: none)', type: 'integer' },
    ...WHEN('onset'),
    { name: 'term', label: 'Event term (free text)', type: 'text', only: 'identified' },
    { name: 'grade', label: 'CTCAE grade', type: 'integer', min: 1, max: 5 },
    { name: 'ctcae_version', label: 'CTCAE version', type: 'text' },
    { name: 'serious', label: 'Serious (ICH E2A)', type: 'yesno' },
    { name: 'seriousness_criteria', label: 'Seriousness criteria (semicolon-separated)', type: 'text' },
    {
      name: 'attribution_procedure',
      label: 'Relatedness to the procedure',
      type: 'dropdown',
      choices: 'unrelated | unlikely | possible | probable | definite',
    },
    {
      name: 'attribution_product',
      label: 'Relatedness to the product',
      type: 'dropdown',
      choices: 'unrelated | unlikely | possible | probable | definite',
    },
    {
      name: 'outcome',
      label: 'Outcome',
      type: 'dropdown',
      choices: 'resolved | recovering | ongoing | resolvedWithSequelae | fatal | unknown',
    },
    { name: 'days_to_resolution', label: 'Days from onset to resolution', type: 'integer', units: 'd' },
  ],
  summary: [
    SITE,
    { name: 'therapy', label: 'Therapy of the index procedure', type: 'text' },
    { name: 'timepoint', label: 'Follow-up timepoint', type: 'text' },
    { name: 'instrument', label: 'Instrument', type: 'text' },
    { name: 'measure', label: 'Score measure', type: 'text' },
    {
      name: 'n',
      label: 'Patients with a value (empty: fewer than the small-cell threshold, suppressed)',
      type: 'integer',
    },
    { name: 'mean', label: 'Mean of the values (empty when n is suppressed)', type: 'number' },
    { name: 'suppressed', label: 'Cell suppressed (n below the small-cell threshold)', type: 'yesno' },
  ],
};

export interface Measure {
  instrument: string;
  measure: string;
  label: string;
  units: string;
  min: number | null;
  max: number | null;
  /** The result field of src/instruments holding the value. */
  field: string;
}

/** The score measures of each instrument (src/instruments results); ranges as docs/reference/instruments.md §1 (score ranges table), raw 4–20 as §4. */
export const MEASURES: Measure[] = [
  {
    instrument: 'ODI',
    measure: 'score',
    label: 'Oswestry Disability Index',
    units: '%',
    min: 0,
    max: 100,
    field: 'score',
  },
  {
    instrument: 'NRS',
    measure: 'score',
    label: 'Pain, 0–10 numeric rating',
    units: '{score}',
    min: 0,
    max: 10,
    field: 'score',
  },
  {
    instrument: 'VAS',
    measure: 'score',
    label: 'Pain, visual analogue scale',
    units: 'mm',
    min: 0,
    max: 100,
    field: 'score',
  },
  {
    instrument: 'EQ5D3L',
    measure: 'index_uk',
    label: 'EQ-5D-3L index, UK (Dolan 1997) value set',
    units: '1',
    min: -0.594,
    max: 1,
    field: 'index_uk',
  },
  {
    instrument: 'EQ5D3L',
    measure: 'index_us',
    label: 'EQ-5D-3L index, US (Shaw 2005) value set',
    units: '1',
    min: -0.109,
    max: 1,
    field: 'index_us',
  },
  { instrument: 'EQ5D3L', measure: 'vas', label: 'EQ VAS', units: '{score}', min: 0, max: 100, field: 'vas' },
  {
    instrument: 'PROMIS10',
    measure: 'gph_raw',
    label: 'PROMIS-10 Global Physical Health raw score',
    units: '{score}',
    min: 4,
    max: 20,
    field: 'gph_raw',
  },
  {
    instrument: 'PROMIS10',
    measure: 'gph_t',
    label: 'PROMIS-10 Global Physical Health T-score',
    units: '{T-score}',
    min: 16.2,
    max: 67.7,
    field: 'gph_t',
  },
  {
    instrument: 'PROMIS10',
    measure: 'gmh_raw',
    label: 'PROMIS-10 Global Mental Health raw score',
    units: '{score}',
    min: 4,
    max: 20,
    field: 'gmh_raw',
  },
  {
    instrument: 'PROMIS10',
    measure: 'gmh_t',
    label: 'PROMIS-10 Global Mental Health T-score',
    units: '{T-score}',
    min: 21.2,
    max: 67.6,
    field: 'gmh_t',
  },
  {
    instrument: 'RMDQ',
    measure: 'score',
    label: 'Roland-Morris Disability Questionnaire',
    units: '{score}',
    min: 0,
    max: 24,
    field: 'score',
  },
  {
    instrument: 'MME',
    measure: 'mme_per_day',
    label: 'Opioid use, morphine milligram equivalents per day (CDC 2022)',
    units: 'mg/d',
    min: 0,
    max: null,
    field: 'mme_per_day',
  },
];

const REDCAP_HEADER = [
  'Variable / Field Name',
  'Form Name',
  'Field Type',
  'Field Label',
  'Choices, Calculations, OR Slider Labels',
  'Text Validation Type OR Show Slider Number',
  'Text Validation Min',
  'Text Validation Max',
  'Units',
  'Instrument Version',
];

const visible = (run: Pick<ExportRun, 'deidentified'>) => (c: Column) =>
  c.only === undefined || (c.only === 'identified') !== run.deidentified;

/** The columns of a table in this export. */
export const columnsOf = (table: Exclude<CsvTable, 'dictionary'>, run: Pick<ExportRun, 'deidentified'>): Column[] =>
  COLUMNS[table].filter(visible(run));

const REDCAP_TYPE: Record<FieldType, [string, string]> = {
  text: ['text', ''],
  integer: ['text', 'integer'],
  number: ['text', 'number'],
  date_ymd: ['text', 'date_ymd'],
  yesno: ['yesno', ''],
  dropdown: ['dropdown', ''],
};
/** REDCap choices: "1, a | 2, b". */
const redcapChoices = (c: string | undefined) =>
  c
    ? c
        .split(' | ')
        .map((x, i) => `${i + 1}, ${x}`)
        .join(' | ')
    : '';

/** The data dictionary: every column of every table of this export, then every score measure. */
export function dictionaryLines(run: Pick<ExportRun, 'deidentified'>): string[] {
  const out = [csvLine(REDCAP_HEADER)];
  for (const table of [
    'scores',
    'procedures',
    'adverse_events',
    ...(run.deidentified ? ['summary' as const] : []),
  ] as const) {
    for (const c of columnsOf(table, run)) {
      const [type, validation] = REDCAP_TYPE[c.type];
      out.push(
        csvLine([
          c.name,
          table,
          type,
          c.label,
          redcapChoices(c.choices),
          validation,
          c.min ?? null,
          c.max ?? null,
          c.units ?? null,
          null,
        ]),
      );
    }
  }
  for (const m of MEASURES) {
    out.push(
      csvLine([
        `${m.instrument}.${m.measure}`,
        'measures',
        'text',
        m.label,
        '',
        'number',
        m.min,
        m.max,
        m.units,
        m.instrument === 'MME'
          ? 'CDC 2022 conversion factors (config/medications.json)'
          : ((INSTRUMENT_VERSIONS as Record<string, string>)[m.instrument] ?? null),
      ]),
    );
  }
  return out;
}

export const headerLine = (table: Exclude<CsvTable, 'dictionary'>, run: Pick<ExportRun, 'deidentified'>) =>
  csvLine(columnsOf(table, run).map((c) => c.name));

function covariates(run: ExportRun, p: ExportPatient): Record<string, Cell> {
  const idx = indexProcedure(p);
  return {
    subject: subjectId(run, p),
    site: p.site_code,
    sex: p.sex,
    birth_year: p.year_of_birth,
    birth_year_band: birthYearBand(p.year_of_birth, run.today, run.config.birthYearBandYears.value),
    pain_generator_group: p.pain_generator_group,
    therapy: idx?.therapy ?? null,
    product_class: idx ? productClass(idx) : null,
  };
}

const project = (cols: Column[], row: Record<string, Cell>) => csvLine(cols.map((c) => row[c.name] ?? null));

/** One value per scored measure (the result fields of src/instruments), plus MME per visit. */
export function scoreValues(
  p: ExportPatient,
): { visit: ExportPatient['visits'][number]; m: Measure; value: number; version: string; config: string }[] {
  const out: { visit: ExportPatient['visits'][number]; m: Measure; value: number; version: string; config: string }[] =
    [];
  const visits = new Map(p.visits.map((v) => [v.id, v]));
  for (const s of p.scores) {
    const visit = visits.get(s.visit_id);
    if (!visit) continue;
    for (const m of MEASURES) {
      if (m.instrument !== s.instrument) continue;
      const v = s.result[m.field];
      if (typeof v === 'number' && Number.isFinite(v))
        out.push({ visit, m, value: v, version: s.instrument_version, config: s.config_version });
    }
  }
  const mme = MEASURES.find((m) => m.instrument === 'MME')!;
  for (const v of p.visits)
    if (v.mme_per_day !== null)
      out.push({ visit: v, m: mme, value: v.mme_per_day, version: 'CDC 2022', config: v.mme_config_version ?? '' });
  return out.sort(
    (a, b) =>
      a.visit.visit_date.localeCompare(b.visit.visit_date) ||
      a.visit.id - b.visit.id ||
      MEASURES.indexOf(a.m) - MEASURES.indexOf(b.m),
  );
}

/** The scores table's rows of one patient (long format). */
export function scoreLines(run: ExportRun, p: ExportPatient): string[] {
  const cols = columnsOf('scores', run);
  const base = covariates(run, p);
  return scoreValues(p).map((x) =>
    project(cols, {
      ...base,
      timepoint: x.visit.timepoint,
      visit_date: x.visit.visit_date,
      days_since_index: daysSinceIndex(x.visit.visit_date, p.index_procedure_date),
      in_window: x.visit.in_window === null ? null : x.visit.in_window ? 1 : 0,
      instrument: x.m.instrument,
      measure: x.m.measure,
      value: x.value,
      instrument_version: x.version,
      config_version: x.config,
    }),
  );
}

const orderOf = (p: ExportPatient) => {
  const sorted = [...p.procedures].sort((a, b) => a.procedure_date.localeCompare(b.procedure_date) || a.id - b.id);
  return new Map(sorted.map((x, i) => [x.id, i + 1]));
};

export function procedureLines(run: ExportRun, p: ExportPatient): string[] {
  const cols = columnsOf('procedures', run);
  const order = orderOf(p);
  const base = covariates(run, p);
  return [...p.procedures]
    .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
    .map((x) => {
      const ch = x.characterization;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      return project(cols, {
        subject: base.subject!,
        site: base.site!,
        procedure_number: order.get(x.id)!,
        procedure_date: x.procedure_date,
        days_since_index: daysSinceIndex(x.procedure_date, p.index_procedure_date),
        therapy: x.therapy,
        product_class: productClass(x),
        targets: targetsText(x.targets),
        image_guidance: x.image_guidance,
        injectate_volume_ml: x.injectate_volume_ml,
        prp_platelet_fold: x.therapy === 'PRP' ? num(ch.fold) : null,
        prp_leukocytes: x.therapy === 'PRP' ? ((ch.leukocytes as { value?: string | null })?.value ?? null) : null,
        bmc_tnc_injected: x.therapy === 'BMC' ? num(ch.tnc_injected) : null,
        bmc_cfu_f_injected: x.therapy === 'BMC' ? num(ch.cfu_f_injected) : null,
        operator: x.operator,
        product_config_version: x.product_config_version,
      });
    });
}

export function adverseEventLines(run: ExportRun, p: ExportPatient): string[] {
  const cols = columnsOf('adverse_events', run);
  const order = orderOf(p);
  const base = covariates(run, p);
  return p.adverse_events.map((a) =>
    project(cols, {
      subject: base.subject!,
      site: base.site!,
      procedure_number: a.procedure_id === null ? null : (order.get(a.procedure_id) ?? null),
      onset_date: a.onset_date,
      days_since_index: daysSinceIndex(a.onset_date, p.index_procedure_date),
      term: a.term,
      grade: a.grade,
      ctcae_version: a.ctcae_version,
      serious: a.serious ? 1 : 0,
      seriousness_criteria: a.seriousness_criteria.join('; '),
      attribution_procedure: a.attribution_procedure,
      attribution_product: a.attribution_product,
      outcome: a.outcome,
      days_to_resolution: daysSinceIndex(a.resolution_date, a.onset_date),
    }),
  );
}

/**
 * Aggregates of the scores (n and mean per site × therapy × timepoint × measure), accumulated patient by
 * patient (memory: one entry per cell); cells with n below config smallCell are suppressed.
 */
export class SummaryAccumulator {
  private cells = new Map<string, { key: string[]; n: number; sum: number }>();
  add(p: ExportPatient): void {
    const therapy = indexProcedure(p)?.therapy ?? '(no procedure)';
    for (const x of scoreValues(p)) {
      const key = [p.site_code, therapy, x.visit.timepoint, x.m.instrument, x.m.measure];
      const k = key.join('\u0000');
      const c = this.cells.get(k) ?? { key, n: 0, sum: 0 };
      c.n++;
      c.sum += x.value;
      this.cells.set(k, c);
    }
  }
  lines(run: ExportRun): string[] {
    const cols = columnsOf('summary', run);
    return [...this.cells.values()]
      .sort((a, b) => a.key.join('\u0000').localeCompare(b.key.join('\u0000')))
      .map((c) => {
        const n = suppressed(c.n, run.config);
        const [site, therapy, timepoint, instrument, measure] = c.key;
        return project(cols, {
          site: site!,
          therapy: therapy!,
          timepoint: timepoint!,
          instrument: instrument!,
          measure: measure!,
          n,
          mean: n === null ? null : Math.round((c.sum / c.n) * 1e6) / 1e6,
          suppressed: n === null ? 1 : 0,
        });
      });
  }
}
