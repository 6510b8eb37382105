// Registry CSV export (pure, in memory): RFC 4180 lines, the header of each table, the REDCap-style data
// dictionary (identified and de-identified), the long-format score rows, the procedure and adverse-event
// rows and the de-identified aggregate table with small cells suppressed. Every expected line is written out
// by hand. Sources: RFC 4180 §2 (CRLF line ends; fields with a comma, a double quote, CR or LF enclosed in
// double quotes; a double quote inside doubled); the REDCap data dictionary column names ("Variable / Field
// Name", "Form Name", "Field Type", "Field Label", "Choices, Calculations, OR Slider Labels", "Text Validation
// Type OR Show Slider Number", "Text Validation Min", "Text Validation Max"; choices "1, a | 2, b"; text
// validations integer, number, date_ymd); score ranges docs/reference/instruments.md §0 (ODI 0–100 %, NRS
// 0–10, VAS 0–100 mm, RMDQ 0–24, EQ-5D-3L UK −0.594 to 1, US −0.109 to 1, EQ VAS 0–100, GPH T 16.2–67.7,
// GMH T 21.2–67.6) and §4 (PROMIS raw 4–20); CTCAE grades 1–5, attribution and outcome codes
// docs/reference/safety.md §2, §4 and the data table; follow-up timepoints docs/reference/registry.md;
// de-identification docs/reference/interoperability.md §5 (no dates, no free text, year of birth banded,
// ages ≥ 90 aggregated) and config/registry-export.json (smallCell 5, bands of 5 years).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  adverseEventLines,
  CSV_TABLES,
  columnsOf,
  csvLine,
  dictionaryLines,
  headerLine,
  procedureLines,
  SummaryAccumulator,
  scoreLines,
  scoreValues,
} from '../../src/registry/export-csv.ts';
import {
  DEFAULT_EXPORT_CONFIG,
  type ExportConfig,
  type ExportPatient,
  type ExportRun,
  type ExportScore,
  type ExportVisit,
} from '../../src/registry/export-deid.ts';

const config = (over: { smallCell?: number; birthYearBandYears?: number } = {}): ExportConfig => {
  const c: ExportConfig = structuredClone(DEFAULT_EXPORT_CONFIG);
  if (over.smallCell !== undefined) c.smallCell.value = over.smallCell;
  if (over.birthYearBandYears !== undefined) c.birthYearBandYears.value = over.birthYearBandYears;
  return c;
};
const run = (deidentified: boolean, cfg: ExportConfig = DEFAULT_EXPORT_CONFIG): ExportRun => ({
  deidentified,
  key: 'export-key-1',
  today: '2026-06-01',
  config: cfg,
});
const crlf = (lines: string[]) => lines.map((l) => `${l}\r\n`);
const PSEUDONYM = /^S-[0-9a-f]{16}$/;
/** A de-identified line split into its pseudonym (checked) and the rest of the line. */
const afterPseudonym = (line: string, pseudonym: string) => {
  const comma = line.indexOf(',');
  assert.equal(line.slice(0, comma), pseudonym);
  return line.slice(comma + 1);
};

const visit = (id: number, timepoint: string, visit_date: string, over: Partial<ExportVisit> = {}): ExportVisit => ({
  id,
  timepoint,
  visit_date,
  in_window: true,
  mme_per_day: null,
  mme_config_version: null,
  opioids: null,
  reintervention: null,
  ...over,
});
let scoreId = 100;
const score = (
  visit_id: number,
  instrument: string,
  instrument_version: string,
  result: Record<string, unknown>,
  config_version = 'c1',
): ExportScore => ({
  id: scoreId++,
  visit_id,
  instrument,
  instrument_version,
  config_version,
  value_set: null,
  input: {},
  result,
  score: 0,
});

/**
 * One patient: index PRP (id 15) on 2025-01-10, then BMC (12) and MSC (13) on the same later day, listed out
 * of order; three visits listed out of order; scores out of order, one on a visit not in the record and some
 * non-numeric or non-finite results; two adverse events.
 */
const P: ExportPatient = {
  id: 3,
  registry_id: 'P-0123456789',
  site_code: 'S1',
  year_of_birth: 1968,
  sex: 'female',
  status: 'active',
  pain_generator_group: 'discogenic',
  index_procedure_date: '2025-01-10',
  consents: [{ id: 1, scope: 'research', form_version: 'v2', consent_date: '2025-01-02', withdrawn_date: null }],
  procedures: [
    {
      id: 13,
      procedure_date: '2025-07-01',
      operator: 'Dr C',
      therapy: 'MSC',
      product: { source: 'adipose' },
      characterization: { fold: 2, leukocytes: { value: 'rich' }, tnc_injected: 5, cfu_f_injected: 6 },
      targets: [],
      image_guidance: 'CT',
      injectate_volume_ml: 1,
      product_config_version: 'products-2',
    },
    {
      id: 15,
      procedure_date: '2025-01-10',
      operator: 'Dr A "Quoted"',
      therapy: 'PRP',
      product: {},
      characterization: {
        fold: 5.2,
        leukocytes: { value: 'poor' },
        dohan_ehrenfest: { value: 'P-PRP' },
        tnc_injected: 9,
        cfu_f_injected: 10,
      },
      targets: [{ structure: 'disc', level: 'L4-L5' }],
      image_guidance: 'fluoroscopy',
      injectate_volume_ml: 3,
      product_config_version: null,
    },
    {
      id: 12,
      procedure_date: '2025-07-01',
      operator: 'Dr B, Second',
      therapy: 'BMC',
      product: {},
      characterization: { tnc_injected: 250000000, cfu_f_injected: 1500, fold: 3, leukocytes: { value: 'rich' } },
      targets: [{ structure: 'facet', level: 'L5-S1', side: 'left', approach: null }],
      image_guidance: 'ultrasound',
      injectate_volume_ml: 2.5,
      product_config_version: 'products-1',
    },
  ],
  visits: [
    visit(22, '3m', '2025-04-10', { in_window: false }),
    visit(21, 'baseline', '2025-01-05', { mme_per_day: 0, mme_config_version: 'medications-1' }),
    visit(23, '6m', '2025-07-10', { in_window: null, mme_per_day: 22.5 }),
  ],
  scores: [
    score(22, 'ODI', 'ODI v2.1a', { score: 30 }),
    score(21, 'NRS', 'NRS-11', { score: 4 }),
    score(22, 'EQ5D3L', 'EQ-5D-3L', { index_uk: 0.516, index_us: null, vas: 60 }),
    score(99, 'NRS', 'NRS-11', { score: 7 }), // its visit is not in the record
    score(21, 'ODI', 'ODI v2.1a', { score: 40 }),
    score(23, 'PROMIS10', 'PROMIS Global Health v1.2', { gph_raw: 15, gph_t: Infinity, gmh_raw: '14', gmh_t: 48.3 }),
  ],
  adverse_events: [
    {
      id: 41,
      procedure_id: 12,
      term: 'Discitis, L4-L5',
      onset_date: '2025-07-15',
      grade: 3,
      ctcae_version: '5.0',
      serious: true,
      seriousness_criteria: ['hospitalisation', 'important medical event'],
      attribution_procedure: 'probable',
      attribution_product: 'possible',
      outcome: 'recovering',
      resolution_date: null,
    },
    {
      id: 42,
      procedure_id: null,
      term: 'Headache',
      onset_date: '2025-01-03',
      grade: 1,
      ctcae_version: '5.0',
      serious: false,
      seriousness_criteria: [],
      attribution_procedure: null,
      attribution_product: null,
      outcome: 'resolved',
      resolution_date: '2025-01-05',
    },
  ],
};

/** A second patient of another site with no procedure (no index date) and one baseline NRS. */
const Q: ExportPatient = {
  id: 4,
  registry_id: 'P-9876543210',
  site_code: 'S2',
  year_of_birth: 1930,
  sex: 'male',
  status: 'active',
  pain_generator_group: 'facet',
  index_procedure_date: null,
  consents: [],
  procedures: [],
  visits: [visit(31, 'baseline', '2025-03-01')],
  scores: [score(31, 'NRS', 'NRS-11', { score: 5 })],
  adverse_events: [],
};

describe('CSV lines as RFC 4180', () => {
  test('plain fields unquoted, comma-separated, CRLF-terminated', () => {
    assert.equal(csvLine(['a', 'b c', 'd;e', "f'g"]), "a,b c,d;e,f'g\r\n");
  });

  test('a field with a comma, a double quote, a CR or an LF is quoted; inner quotes doubled', () => {
    assert.equal(csvLine(['b,c']), '"b,c"\r\n');
    assert.equal(csvLine(['d"e']), '"d""e"\r\n');
    assert.equal(csvLine(['x\ry']), '"x\ry"\r\n');
    assert.equal(csvLine(['x\ny']), '"x\ny"\r\n');
    assert.equal(csvLine(['x\r\ny']), '"x\r\ny"\r\n');
    assert.equal(csvLine(['"a""b"']), '"""a""""b"""\r\n'); // every quote doubled, not only the first
    assert.equal(csvLine(['a', 'b,c', 'd"e', null, 1.5, true]), 'a,"b,c","d""e",,1.5,true\r\n');
  });

  test('null and empty text are empty fields; numbers as written; non-finite numbers empty', () => {
    assert.equal(csvLine([null]), '\r\n');
    assert.equal(csvLine([]), '\r\n');
    assert.equal(csvLine(['', null, '']), ',,\r\n');
    assert.equal(csvLine([0, -0.594, 250000000, 1e-7]), '0,-0.594,250000000,1e-7\r\n');
    assert.equal(csvLine([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]), ',,,1\r\n');
    assert.equal(csvLine([true, false]), 'true,false\r\n');
  });
});

describe('tables and headers', () => {
  test('the CSV export has the scores, procedures, adverse events, summary and dictionary tables', () => {
    assert.deepEqual(CSV_TABLES, ['scores', 'procedures', 'adverse_events', 'summary', 'dictionary']);
  });

  test('identified headers carry dates, year of birth and free text', () => {
    assert.equal(
      headerLine('scores', run(false)),
      'subject,site,sex,birth_year,pain_generator_group,therapy,product_class,timepoint,visit_date,days_since_index,in_window,instrument,measure,value,instrument_version,config_version\r\n',
    );
    assert.equal(
      headerLine('procedures', run(false)),
      'subject,site,procedure_number,procedure_date,days_since_index,therapy,product_class,targets,image_guidance,injectate_volume_ml,prp_platelet_fold,prp_leukocytes,bmc_tnc_injected,bmc_cfu_f_injected,operator,product_config_version\r\n',
    );
    assert.equal(
      headerLine('adverse_events', run(false)),
      'subject,site,procedure_number,onset_date,days_since_index,term,grade,ctcae_version,serious,seriousness_criteria,attribution_procedure,attribution_product,outcome,days_to_resolution\r\n',
    );
  });

  test('de-identified headers: no dates, no year of birth, no free text; a banded year instead', () => {
    // docs/reference/interoperability.md §5 items 1 and 3
    assert.equal(
      headerLine('scores', run(true)),
      'subject,site,sex,birth_year_band,pain_generator_group,therapy,product_class,timepoint,days_since_index,in_window,instrument,measure,value,instrument_version,config_version\r\n',
    );
    assert.equal(
      headerLine('procedures', run(true)),
      'subject,site,procedure_number,days_since_index,therapy,product_class,targets,image_guidance,injectate_volume_ml,prp_platelet_fold,prp_leukocytes,bmc_tnc_injected,bmc_cfu_f_injected,product_config_version\r\n',
    );
    assert.equal(
      headerLine('adverse_events', run(true)),
      'subject,site,procedure_number,days_since_index,grade,ctcae_version,serious,seriousness_criteria,attribution_procedure,attribution_product,outcome,days_to_resolution\r\n',
    );
  });

  test('the summary table has the same columns either way', () => {
    const expected = 'site,therapy,timepoint,instrument,measure,n,mean,suppressed\r\n';
    assert.equal(headerLine('summary', run(true)), expected);
    assert.equal(headerLine('summary', run(false)), expected);
    assert.deepEqual(
      columnsOf('summary', run(true)).map((c) => c.name),
      ['site', 'therapy', 'timepoint', 'instrument', 'measure', 'n', 'mean', 'suppressed'],
    );
  });
});

// The data dictionary: REDCap columns (a subset, plus units and instrument version), one row per column of
// every table of the export and one per score measure.
const HEADER =
  'Variable / Field Name,Form Name,Field Type,Field Label,"Choices, Calculations, OR Slider Labels",Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Units,Instrument Version';
const SUBJECT_LABEL = 'Patient: registry id (identified) or a pseudonym keyed for this export only (de-identified)';
const THERAPIES = '"1, PRP | 2, BMC | 3, MSC"';
const ATTRIBUTION = '"1, unrelated | 2, unlikely | 3, possible | 4, probable | 5, definite"'; // safety.md §4
const MEASURE_ROWS = [
  'ODI.score,measures,text,Oswestry Disability Index,,number,0,100,%,ODI v2.1a',
  'NRS.score,measures,text,"Pain, 0–10 numeric rating",,number,0,10,{score},NRS-11',
  'VAS.score,measures,text,"Pain, visual analogue scale",,number,0,100,mm,VAS 0-100 mm',
  'EQ5D3L.index_uk,measures,text,"EQ-5D-3L index, UK (Dolan 1997) value set",,number,-0.594,1,1,EQ-5D-3L',
  'EQ5D3L.index_us,measures,text,"EQ-5D-3L index, US (Shaw 2005) value set",,number,-0.109,1,1,EQ-5D-3L',
  'EQ5D3L.vas,measures,text,EQ VAS,,number,0,100,{score},EQ-5D-3L',
  'PROMIS10.gph_raw,measures,text,PROMIS-10 Global Physical Health raw score,,number,4,20,{score},PROMIS Global Health v1.2',
  'PROMIS10.gph_t,measures,text,PROMIS-10 Global Physical Health T-score,,number,16.2,67.7,{T-score},PROMIS Global Health v1.2',
  'PROMIS10.gmh_raw,measures,text,PROMIS-10 Global Mental Health raw score,,number,4,20,{score},PROMIS Global Health v1.2',
  'PROMIS10.gmh_t,measures,text,PROMIS-10 Global Mental Health T-score,,number,21.2,67.6,{T-score},PROMIS Global Health v1.2',
  'RMDQ.score,measures,text,Roland-Morris Disability Questionnaire,,number,0,24,{score},RMDQ 24-item',
  // docs/reference/medications.md §2: CDC 2022 factors; no upper bound for a dose
  'MME.mme_per_day,measures,text,"Opioid use, morphine milligram equivalents per day (CDC 2022)",,number,0,,mg/d,CDC 2022 conversion factors (config/medications.json)',
];

describe('data dictionary', () => {
  test('identified: the REDCap header, every column of scores, procedures and adverse events, every measure', () => {
    assert.deepEqual(
      dictionaryLines({ deidentified: false }),
      crlf([
        HEADER,
        `subject,scores,text,${SUBJECT_LABEL},,,,,,`,
        'site,scores,text,Site code,,,,,,',
        'sex,scores,dropdown,Sex,"1, female | 2, male | 3, other | 4, unknown",,,,,',
        'birth_year,scores,text,Year of birth,,integer,,,,',
        'pain_generator_group,scores,text,Pain generator group,,,,,,',
        `therapy,scores,dropdown,Therapy of the index procedure,${THERAPIES},,,,,`,
        'product_class,scores,text,"Product class of the index procedure (PRP by Dohan Ehrenfest class, MSC by source)",,,,,,',
        // docs/reference/registry.md: baseline, 1, 3, 6, 12, 24 months
        'timepoint,scores,dropdown,Follow-up timepoint,"1, baseline | 2, 1m | 3, 3m | 4, 6m | 5, 12m | 6, 24m",,,,,',
        'visit_date,scores,text,Date of the visit,,date_ymd,,,,',
        'days_since_index,scores,text,Days from the index procedure to the visit (negative: before it),,integer,,,d,',
        'in_window,scores,yesno,Visit within its follow-up window,,,,,,',
        'instrument,scores,dropdown,Instrument,"1, ODI | 2, NRS | 3, VAS | 4, EQ5D3L | 5, PROMIS10 | 6, RMDQ | 7, MME",,,,,',
        'measure,scores,text,Score measure (see the measures section of this dictionary),,,,,,',
        'value,scores,text,Value of the measure (units: see the measure),,number,,,,',
        'instrument_version,scores,text,Instrument version,,,,,,',
        'config_version,scores,text,"Scoring settings version (value sets, conversion factors)",,,,,,',
        `subject,procedures,text,${SUBJECT_LABEL},,,,,,`,
        'site,procedures,text,Site code,,,,,,',
        'procedure_number,procedures,text,Order of the procedure for the patient (1 = index),,integer,,,,',
        'procedure_date,procedures,text,Date of the procedure,,date_ymd,,,,',
        'days_since_index,procedures,text,Days from the index procedure to the procedure (negative: before it),,integer,,,d,',
        `therapy,procedures,dropdown,Therapy,${THERAPIES},,,,,`,
        'product_class,procedures,text,Product class,,,,,,',
        'targets,procedures,text,"Targets (structure, level, side, approach)",,,,,,',
        // docs/reference/products.md: image guidance fluoroscopy, ultrasound, CT, none
        'image_guidance,procedures,dropdown,Image guidance,"1, fluoroscopy | 2, ultrasound | 3, CT | 4, none",,,,,',
        'injectate_volume_ml,procedures,text,Injectate volume,,number,,,mL,',
        'prp_platelet_fold,procedures,text,PRP platelets ÷ baseline platelets,,number,,,1,',
        'prp_leukocytes,procedures,dropdown,PRP leukocytes relative to baseline,"1, rich | 2, poor",,,,,',
        'bmc_tnc_injected,procedures,text,BMC total nucleated cells injected,,number,,,cells,',
        'bmc_cfu_f_injected,procedures,text,BMC CFU-F injected,,number,,,colonies,',
        'operator,procedures,text,Operator (free text),,,,,,',
        'product_config_version,procedures,text,Product characterisation settings version,,,,,,',
        `subject,adverse_events,text,${SUBJECT_LABEL},,,,,,`,
        'site,adverse_events,text,Site code,,,,,,',
        'procedure_number,adverse_events,text,Procedure the event is linked to (order; empty: none),,integer,,,,',
        'onset_date,adverse_events,text,Date of the onset,,date_ymd,,,,',
        'days_since_index,adverse_events,text,Days from the index procedure to the onset (negative: before it),,integer,,,d,',
        'term,adverse_events,text,Event term (free text),,,,,,',
        'grade,adverse_events,text,CTCAE grade,,integer,1,5,,', // safety.md §2: grade is an integer 1–5
        'ctcae_version,adverse_events,text,CTCAE version,,,,,,',
        'serious,adverse_events,yesno,Serious (ICH E2A),,,,,,',
        'seriousness_criteria,adverse_events,text,Seriousness criteria (semicolon-separated),,,,,,',
        `attribution_procedure,adverse_events,dropdown,Relatedness to the procedure,${ATTRIBUTION},,,,,`,
        `attribution_product,adverse_events,dropdown,Relatedness to the product,${ATTRIBUTION},,,,,`,
        // safety.md data table: the six codes of FHIR R4 adverse-event-outcome
        'outcome,adverse_events,dropdown,Outcome,"1, resolved | 2, recovering | 3, ongoing | 4, resolvedWithSequelae | 5, fatal | 6, unknown",,,,,',
        'days_to_resolution,adverse_events,text,Days from onset to resolution,,integer,,,d,',
        ...MEASURE_ROWS,
      ]),
    );
  });

  test('de-identified: no date, year of birth or free text column; the banded year and the summary table', () => {
    assert.deepEqual(
      dictionaryLines({ deidentified: true }),
      crlf([
        HEADER,
        `subject,scores,text,${SUBJECT_LABEL},,,,,,`,
        'site,scores,text,Site code,,,,,,',
        'sex,scores,dropdown,Sex,"1, female | 2, male | 3, other | 4, unknown",,,,,',
        'birth_year_band,scores,text,"Year of birth, banded (ages 90 and over: ""90 or older"")",,,,,,',
        'pain_generator_group,scores,text,Pain generator group,,,,,,',
        `therapy,scores,dropdown,Therapy of the index procedure,${THERAPIES},,,,,`,
        'product_class,scores,text,"Product class of the index procedure (PRP by Dohan Ehrenfest class, MSC by source)",,,,,,',
        'timepoint,scores,dropdown,Follow-up timepoint,"1, baseline | 2, 1m | 3, 3m | 4, 6m | 5, 12m | 6, 24m",,,,,',
        'days_since_index,scores,text,Days from the index procedure to the visit (negative: before it),,integer,,,d,',
        'in_window,scores,yesno,Visit within its follow-up window,,,,,,',
        'instrument,scores,dropdown,Instrument,"1, ODI | 2, NRS | 3, VAS | 4, EQ5D3L | 5, PROMIS10 | 6, RMDQ | 7, MME",,,,,',
        'measure,scores,text,Score measure (see the measures section of this dictionary),,,,,,',
        'value,scores,text,Value of the measure (units: see the measure),,number,,,,',
        'instrument_version,scores,text,Instrument version,,,,,,',
        'config_version,scores,text,"Scoring settings version (value sets, conversion factors)",,,,,,',
        `subject,procedures,text,${SUBJECT_LABEL},,,,,,`,
        'site,procedures,text,Site code,,,,,,',
        'procedure_number,procedures,text,Order of the procedure for the patient (1 = index),,integer,,,,',
        'days_since_index,procedures,text,Days from the index procedure to the procedure (negative: before it),,integer,,,d,',
        `therapy,procedures,dropdown,Therapy,${THERAPIES},,,,,`,
        'product_class,procedures,text,Product class,,,,,,',
        'targets,procedures,text,"Targets (structure, level, side, approach)",,,,,,',
        'image_guidance,procedures,dropdown,Image guidance,"1, fluoroscopy | 2, ultrasound | 3, CT | 4, none",,,,,',
        'injectate_volume_ml,procedures,text,Injectate volume,,number,,,mL,',
        'prp_platelet_fold,procedures,text,PRP platelets ÷ baseline platelets,,number,,,1,',
        'prp_leukocytes,procedures,dropdown,PRP leukocytes relative to baseline,"1, rich | 2, poor",,,,,',
        'bmc_tnc_injected,procedures,text,BMC total nucleated cells injected,,number,,,cells,',
        'bmc_cfu_f_injected,procedures,text,BMC CFU-F injected,,number,,,colonies,',
        'product_config_version,procedures,text,Product characterisation settings version,,,,,,',
        `subject,adverse_events,text,${SUBJECT_LABEL},,,,,,`,
        'site,adverse_events,text,Site code,,,,,,',
        'procedure_number,adverse_events,text,Procedure the event is linked to (order; empty: none),,integer,,,,',
        'days_since_index,adverse_events,text,Days from the index procedure to the onset (negative: before it),,integer,,,d,',
        'grade,adverse_events,text,CTCAE grade,,integer,1,5,,',
        'ctcae_version,adverse_events,text,CTCAE version,,,,,,',
        'serious,adverse_events,yesno,Serious (ICH E2A),,,,,,',
        'seriousness_criteria,adverse_events,text,Seriousness criteria (semicolon-separated),,,,,,',
        `attribution_procedure,adverse_events,dropdown,Relatedness to the procedure,${ATTRIBUTION},,,,,`,
        `attribution_product,adverse_events,dropdown,Relatedness to the product,${ATTRIBUTION},,,,,`,
        'outcome,adverse_events,dropdown,Outcome,"1, resolved | 2, recovering | 3, ongoing | 4, resolvedWithSequelae | 5, fatal | 6, unknown",,,,,',
        'days_to_resolution,adverse_events,text,Days from onset to resolution,,integer,,,d,',
        'site,summary,text,Site code,,,,,,',
        'therapy,summary,text,Therapy of the index procedure,,,,,,',
        'timepoint,summary,text,Follow-up timepoint,,,,,,',
        'instrument,summary,text,Instrument,,,,,,',
        'measure,summary,text,Score measure,,,,,,',
        'n,summary,text,"Patients with a value (empty: fewer than the small-cell threshold, suppressed)",,integer,,,,',
        'mean,summary,text,Mean of the values (empty when n is suppressed),,number,,,,',
        'suppressed,summary,yesno,Cell suppressed (n below the small-cell threshold),,,,,,',
        ...MEASURE_ROWS,
      ]),
    );
  });
});

describe('score values (one per scored measure, plus MME per visit)', () => {
  test('every result field of every instrument, in dictionary order within a visit', () => {
    const p: ExportPatient = {
      ...Q,
      visits: [visit(1, 'baseline', '2025-01-05', { mme_per_day: 7.5, mme_config_version: 'medications-1' })],
      scores: [
        score(1, 'RMDQ', 'RMDQ 24-item', { score: 12 }),
        score(1, 'PROMIS10', 'PROMIS Global Health v1.2', { gph_raw: 13, gph_t: 42.3, gmh_raw: 14, gmh_t: 45.8 }),
        score(1, 'EQ5D3L', 'EQ-5D-3L', { index_uk: 0.62, index_us: 0.71, vas: 55 }),
        score(1, 'VAS', 'VAS 0-100 mm', { score: 63 }),
        score(1, 'NRS', 'NRS-11', { score: 6 }),
        score(1, 'ODI', 'ODI v2.1a', { score: 44 }),
        score(1, 'FRI', 'FRI', { score: 50 }), // not an exported instrument
      ],
    };
    assert.deepEqual(
      scoreValues(p).map((x) => [`${x.m.instrument}.${x.m.measure}`, x.value, x.version, x.config, x.visit.id]),
      [
        ['ODI.score', 44, 'ODI v2.1a', 'c1', 1],
        ['NRS.score', 6, 'NRS-11', 'c1', 1],
        ['VAS.score', 63, 'VAS 0-100 mm', 'c1', 1],
        ['EQ5D3L.index_uk', 0.62, 'EQ-5D-3L', 'c1', 1],
        ['EQ5D3L.index_us', 0.71, 'EQ-5D-3L', 'c1', 1],
        ['EQ5D3L.vas', 55, 'EQ-5D-3L', 'c1', 1],
        ['PROMIS10.gph_raw', 13, 'PROMIS Global Health v1.2', 'c1', 1],
        ['PROMIS10.gph_t', 42.3, 'PROMIS Global Health v1.2', 'c1', 1],
        ['PROMIS10.gmh_raw', 14, 'PROMIS Global Health v1.2', 'c1', 1],
        ['PROMIS10.gmh_t', 45.8, 'PROMIS Global Health v1.2', 'c1', 1],
        ['RMDQ.score', 12, 'RMDQ 24-item', 'c1', 1],
        ['MME.mme_per_day', 7.5, 'CDC 2022', 'medications-1', 1],
      ],
    );
  });

  test('visits by date, then by visit id on the same date', () => {
    const p: ExportPatient = {
      ...Q,
      visits: [visit(9, '3m', '2025-04-10'), visit(7, '1m', '2025-04-10'), visit(8, 'baseline', '2025-01-05')],
      scores: [
        score(9, 'NRS', 'NRS-11', { score: 3 }),
        score(7, 'NRS', 'NRS-11', { score: 2 }),
        score(8, 'NRS', 'NRS-11', { score: 1 }),
      ],
    };
    assert.deepEqual(
      scoreValues(p).map((x) => [x.visit.id, x.value]),
      [
        [8, 1],
        [7, 2],
        [9, 3],
      ],
    );
  });

  test('no scores and no MME: nothing', () => {
    assert.deepEqual(scoreValues({ ...Q, scores: [] }), []);
  });
});

describe('scores table (long format)', () => {
  // days since the index 2025-01-10: 2025-01-05 → −5; 2025-04-10 → 31+28+31 = 90; 2025-07-10 → 90+30+31+30 = 181.
  // Skipped: the NRS on a visit not in the record, EQ-5D-3L index_us null, PROMIS gph_t infinite, gmh_raw text.
  test('identified: one row per visit × measure, with dates, year of birth and the index procedure', () => {
    const base = 'P-0123456789,S1,female,1968,discogenic,PRP,PRP P-PRP';
    assert.deepEqual(
      scoreLines(run(false), P),
      crlf([
        `${base},baseline,2025-01-05,-5,1,ODI,score,40,ODI v2.1a,c1`,
        `${base},baseline,2025-01-05,-5,1,NRS,score,4,NRS-11,c1`,
        `${base},baseline,2025-01-05,-5,1,MME,mme_per_day,0,CDC 2022,medications-1`,
        `${base},3m,2025-04-10,90,0,ODI,score,30,ODI v2.1a,c1`,
        `${base},3m,2025-04-10,90,0,EQ5D3L,index_uk,0.516,EQ-5D-3L,c1`,
        `${base},3m,2025-04-10,90,0,EQ5D3L,vas,60,EQ-5D-3L,c1`,
        `${base},6m,2025-07-10,181,,PROMIS10,gph_raw,15,PROMIS Global Health v1.2,c1`,
        `${base},6m,2025-07-10,181,,PROMIS10,gmh_t,48.3,PROMIS Global Health v1.2,c1`,
        `${base},6m,2025-07-10,181,,MME,mme_per_day,22.5,CDC 2022,`,
      ]),
    );
  });

  test('de-identified: pseudonym, year of birth banded, no visit date', () => {
    const lines = scoreLines(run(true), P);
    const pseudonym = lines[0]!.slice(0, lines[0]!.indexOf(','));
    assert.match(pseudonym, PSEUDONYM);
    const base = 'S1,female,1965-1969,discogenic,PRP,PRP P-PRP'; // 1968 in the 5-year band 1965-1969
    assert.deepEqual(
      lines.map((l) => afterPseudonym(l, pseudonym)),
      crlf([
        `${base},baseline,-5,1,ODI,score,40,ODI v2.1a,c1`,
        `${base},baseline,-5,1,NRS,score,4,NRS-11,c1`,
        `${base},baseline,-5,1,MME,mme_per_day,0,CDC 2022,medications-1`,
        `${base},3m,90,0,ODI,score,30,ODI v2.1a,c1`,
        `${base},3m,90,0,EQ5D3L,index_uk,0.516,EQ-5D-3L,c1`,
        `${base},3m,90,0,EQ5D3L,vas,60,EQ-5D-3L,c1`,
        `${base},6m,181,,PROMIS10,gph_raw,15,PROMIS Global Health v1.2,c1`,
        `${base},6m,181,,PROMIS10,gmh_t,48.3,PROMIS Global Health v1.2,c1`,
        `${base},6m,181,,MME,mme_per_day,22.5,CDC 2022,`,
      ]),
    );
  });

  test('de-identified: the band width comes from the settings; aged 90 or over is "90 or older"', () => {
    const [line] = scoreLines(run(true, config({ birthYearBandYears: 10 })), {
      ...P,
      scores: [],
      visits: [P.visits[1]!],
    });
    assert.equal(
      line!.slice(line!.indexOf(',') + 1),
      'S1,female,1960-1969,discogenic,PRP,PRP P-PRP,baseline,-5,1,MME,mme_per_day,0,CDC 2022,medications-1\r\n',
    );
    // Q born 1930: 2026 − 1930 = 96
    const [old] = scoreLines(run(true), Q);
    assert.equal(
      old!.slice(old!.indexOf(',') + 1),
      'S2,male,90 or older,facet,,,baseline,,1,NRS,score,5,NRS-11,c1\r\n',
    );
  });

  test('a patient without a procedure: no therapy, no product class, no days since index', () => {
    assert.deepEqual(
      scoreLines(run(false), Q),
      crlf(['P-9876543210,S2,male,1930,facet,,,baseline,2025-03-01,,1,NRS,score,5,NRS-11,c1']),
    );
  });
});

describe('procedures table', () => {
  // Order: 15 (2025-01-10) = 1, then on 2025-07-01 12 before 13 (lower id). 2025-07-01 − 2025-01-10 =
  // 181 − 9 = 172 days. PRP-only columns empty for BMC/MSC, BMC-only columns empty for PRP/MSC.
  test('identified: in order of the procedures, numbered from the index, with date and operator', () => {
    assert.deepEqual(
      procedureLines(run(false), P),
      crlf([
        'P-0123456789,S1,1,2025-01-10,0,PRP,PRP P-PRP,disc L4-L5,fluoroscopy,3,5.2,poor,,,"Dr A ""Quoted""",',
        'P-0123456789,S1,2,2025-07-01,172,BMC,BMC,facet L5-S1 left,ultrasound,2.5,,,250000000,1500,"Dr B, Second",products-1',
        'P-0123456789,S1,3,2025-07-01,172,MSC,MSC adipose,,CT,1,,,,,Dr C,products-2',
      ]),
    );
  });

  test('de-identified: no procedure date, no operator', () => {
    const lines = procedureLines(run(true), P);
    const pseudonym = scoreLines(run(true), P)[0]!.split(',')[0]!;
    assert.match(pseudonym, PSEUDONYM);
    assert.deepEqual(
      lines.map((l) => afterPseudonym(l, pseudonym)),
      crlf([
        'S1,1,0,PRP,PRP P-PRP,disc L4-L5,fluoroscopy,3,5.2,poor,,,',
        'S1,2,172,BMC,BMC,facet L5-S1 left,ultrasound,2.5,,,250000000,1500,products-1',
        'S1,3,172,MSC,MSC adipose,,CT,1,,,,,products-2',
      ]),
    );
  });

  test('characterisation values that are not finite numbers, or absent, are empty', () => {
    const p: ExportPatient = {
      ...Q,
      index_procedure_date: '2025-03-01',
      procedures: [
        {
          ...P.procedures[1]!,
          id: 1,
          procedure_date: '2025-03-01',
          characterization: { fold: '5.2' },
          targets: [],
          operator: 'X',
        },
        {
          ...P.procedures[2]!,
          id: 2,
          procedure_date: '2025-03-02',
          characterization: { tnc_injected: Number.NaN, cfu_f_injected: '1500' },
          targets: [],
          operator: 'Y',
        },
      ],
    };
    assert.deepEqual(
      procedureLines(run(false), p),
      crlf([
        'P-9876543210,S2,1,2025-03-01,0,PRP,PRP (class not derivable),,fluoroscopy,3,,,,,X,',
        'P-9876543210,S2,2,2025-03-02,1,BMC,BMC,,ultrasound,2.5,,,,,Y,products-1',
      ]),
    );
  });

  test('no procedures: no rows', () => {
    assert.deepEqual(procedureLines(run(false), Q), []);
  });
});

describe('adverse events table', () => {
  // 2025-07-15 − 2025-01-10 = 181 + 5 = 186; 2025-01-03 − 2025-01-10 = −7; resolved 2025-01-05 − 2025-01-03 = 2.
  test('identified: procedure number of the linked procedure, dates, term, criteria joined by "; "', () => {
    assert.deepEqual(
      adverseEventLines(run(false), P),
      crlf([
        'P-0123456789,S1,2,2025-07-15,186,"Discitis, L4-L5",3,5.0,1,hospitalisation; important medical event,probable,possible,recovering,',
        'P-0123456789,S1,,2025-01-03,-7,Headache,1,5.0,0,,,,resolved,2',
      ]),
    );
  });

  test('de-identified: no onset date, no term', () => {
    const pseudonym = scoreLines(run(true), P)[0]!.split(',')[0]!;
    assert.deepEqual(
      adverseEventLines(run(true), P).map((l) => afterPseudonym(l, pseudonym)),
      crlf([
        'S1,2,186,3,5.0,1,hospitalisation; important medical event,probable,possible,recovering,',
        'S1,,-7,1,5.0,0,,,,resolved,2',
      ]),
    );
  });

  test('no adverse events: no rows', () => {
    assert.deepEqual(adverseEventLines(run(false), Q), []);
  });
});

describe('summary table: n and mean per site × therapy × timepoint × measure, small cells suppressed', () => {
  const nrsPatient = (
    id: number,
    site: string,
    visits: [string, string, number][],
    withProcedure = true,
  ): ExportPatient => ({
    ...Q,
    id,
    site_code: site,
    procedures: withProcedure ? [P.procedures[1]!] : [],
    index_procedure_date: withProcedure ? '2025-01-10' : null,
    visits: visits.map(([tp, date], i) => visit(id * 10 + i, tp, date)),
    scores: visits.map(([, , value], i) => score(id * 10 + i, 'NRS', 'NRS-11', { score: value })),
  });

  test('smallCell 3: n = 3 shown with its mean to 6 decimals, n = 2 and n = 1 suppressed', () => {
    const acc = new SummaryAccumulator();
    acc.add({
      ...nrsPatient(1, 'S1', [
        ['baseline', '2025-01-05', 1],
        ['3m', '2025-04-10', 2],
      ]),
      scores: [
        score(10, 'NRS', 'NRS-11', { score: 1 }),
        score(11, 'NRS', 'NRS-11', { score: 2 }),
        score(11, 'ODI', 'ODI v2.1a', { score: 20 }),
      ],
    });
    acc.add(
      nrsPatient(2, 'S1', [
        ['baseline', '2025-01-06', 1],
        ['3m', '2025-04-11', 4],
      ]),
    );
    acc.add(nrsPatient(3, 'S1', [['baseline', '2025-01-07', 2]]));
    acc.add(nrsPatient(4, 'S2', [['baseline', '2025-01-08', 5]], false));
    // S1 PRP baseline NRS: 1 + 1 + 2 = 4 over 3 = 1.333333; S1 PRP 3m NRS: n 2 (< 3); 3m ODI: n 1; S2: n 1.
    // Cells sorted by site, therapy, timepoint, instrument, measure ("3m" before "baseline").
    assert.deepEqual(
      acc.lines(run(true, config({ smallCell: 3 }))),
      crlf([
        'S1,PRP,3m,NRS,score,,,1',
        'S1,PRP,3m,ODI,score,,,1',
        'S1,PRP,baseline,NRS,score,3,1.333333,0',
        'S2,(no procedure),baseline,NRS,score,,,1',
      ]),
    );
  });

  test('default smallCell 5: five patients shown, with the mean; MME counted per visit', () => {
    const acc = new SummaryAccumulator();
    for (const [id, v] of [
      [1, 2],
      [2, 4],
      [3, 4],
      [4, 5],
      [5, 7],
    ] as const)
      acc.add({
        ...nrsPatient(id, 'S1', [['baseline', '2025-01-05', v]]),
        visits: [visit(id * 10, 'baseline', '2025-01-05', { mme_per_day: id === 1 ? 30 : null })],
      });
    // NRS: (2 + 4 + 4 + 5 + 7) / 5 = 22 / 5 = 4.4; MME: one patient → suppressed.
    assert.deepEqual(
      acc.lines(run(true)),
      crlf(['S1,PRP,baseline,MME,mme_per_day,,,1', 'S1,PRP,baseline,NRS,score,5,4.4,0']),
    );
  });

  test('nothing added: no rows', () => {
    assert.deepEqual(new SummaryAccumulator().lines(run(true)), []);
  });
});

describe('spreadsheet formula injection (OWASP, CSV Injection)', () => {
  test('a text cell starting with = + - @ tab or CR gets a leading apostrophe; numbers are left alone', () => {
    // https://owasp.org/www-community/attacks/CSV_Injection: such a cell is run as a formula; a leading ' makes
    // the spreadsheet read it as text. Quoting per RFC 4180 still applies after the apostrophe.
    assert.equal(
      csvLine(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'a=b', -0.594, 12]),
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),'\tx,"'\rx",a=b,-0.594,12\r\n`,
    );
  });
});
