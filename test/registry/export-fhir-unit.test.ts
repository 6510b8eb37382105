// The FHIR R4 export mapping (src/registry/export-fhir.ts) on in-memory patient records: every resource of a
// patient compared whole with one written out by hand from the FHIR R4 (4.0.1) resource pages, the LOINC
// codes of docs/reference/interoperability.md §4, the AdverseEvent and Consent codes of §2–3, the causality
// mapping of docs/reference/safety.md §4.2 and the registry's own CodeSystem codes (the ones the database
// export tests in test/registry/export.test.ts read); then the de-identified variant (interoperability.md
// §5), the Bundle's opening and entries (R4 Bundle: type, entry.fullUrl, entry.resource) and the streaming of
// the entries in UTF-8 chunks. Nothing here opens a database.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_EXPORT_CONFIG,
  dateShiftDays,
  type ExportConfig,
  type ExportPatient,
  type ExportRun,
  subjectId,
} from '../../src/registry/export-deid.ts';
import {
  BUNDLE_CLOSE,
  bundleEntry,
  bundleOpen,
  ENTRY_SEPARATOR,
  entryChunks,
  type FhirResource,
  patientResources,
} from '../../src/registry/export-fhir.ts';

// config/registry-export.json: fhirBase (the registry's canonical base, placeholder).
const BASE = 'http://regenspine.example.org/fhir';
// FHIR R4 terminology: observation-category, consentscope, adverse-event-* (interoperability.md §2–3,
// safety.md §4.2), UCUM and LOINC system URIs (https://hl7.org/fhir/R4/terminologies-systems.html).
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const SURVEY = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }];
const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
const AE_OUTCOME = 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome';
const AE_SERIOUSNESS = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';
const AE_CAUSALITY = 'http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess';
// interoperability.md §1 R4 gaps: the R5 cross-version extension Procedure.used (xver-r5.r4 0.1.0)
const PROCEDURE_USED = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Procedure.used';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const run = (deidentified: boolean, config: ExportConfig = DEFAULT_EXPORT_CONFIG, key = 'k1'): ExportRun => ({
  deidentified,
  key,
  today: '2026-06-01',
  config,
});

/** A patient's resources, parsed from the Bundle's JSON text; the text's type and id agree with the resource. */
function resourcesOf(r: ExportRun, p: ExportPatient): FhirResource[] {
  return patientResources(r, p).map((t) => {
    const res = JSON.parse(t.json) as FhirResource;
    assert.equal(t.resourceType, res.resourceType);
    assert.equal(t.id, res.id);
    return res;
  });
}

/** `iso` moved by `n` days, by calendar arithmetic in UTC. */
const plusDays = (iso: string, n: number): string =>
  new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)) + n))
    .toISOString()
    .slice(0, 10);

const PROMIS_ITEMS = {
  Global01: 3,
  Global02: 3,
  Global03: 3,
  Global04: 4,
  Global05: 4,
  Global06: 4,
  Global07: 3,
  Global08: 4,
  Global09: 3,
  Global10: 3,
};

/** One patient with every kind of record the FHIR export maps. */
const patient = (): ExportPatient => ({
  id: 3,
  registry_id: 'P-0123456789',
  site_code: 'S1',
  year_of_birth: 1968,
  sex: 'female',
  status: 'active',
  pain_generator_group: 'discogenic',
  index_procedure_date: '2025-01-10',
  consents: [
    { id: 1, scope: 'research', form_version: 'v2', consent_date: '2025-01-02', withdrawn_date: null },
    { id: 2, scope: 'care', form_version: 'v1', consent_date: '2025-01-03', withdrawn_date: '2025-03-01' },
  ],
  procedures: [
    {
      id: 11,
      procedure_date: '2025-01-10',
      operator: 'Dr Named Person',
      therapy: 'PRP',
      product: {},
      characterization: { fold: 5.12345, dohan_ehrenfest: { value: 'P-PRP', reason: null } },
      targets: [
        { structure: 'disc', level: 'L4-L5' },
        { structure: 'facet', level: 'L5-S1', side: 'left' },
      ],
      image_guidance: 'fluoroscopy',
      injectate_volume_ml: 3,
      product_config_version: 'products-1',
    },
    {
      id: 12,
      procedure_date: '2025-02-10',
      operator: 'Dr Named Person',
      therapy: 'BMC',
      product: {},
      characterization: { fold: 4 },
      targets: [{ structure: 'disc', level: 'L3-L4' }],
      image_guidance: 'CT',
      injectate_volume_ml: 2.5,
      product_config_version: null,
    },
    {
      id: 13,
      procedure_date: '2025-03-10',
      operator: 'Dr Named Person',
      therapy: 'MSC',
      product: { source: 'adipose' },
      characterization: {},
      targets: [{ structure: 'SIJ', side: 'right', approach: 'posterior' }],
      image_guidance: 'ultrasound',
      injectate_volume_ml: 1,
      product_config_version: null,
    },
  ],
  visits: [
    {
      id: 21,
      timepoint: '3m',
      visit_date: '2025-04-10',
      in_window: true,
      // CDC 2022: oxycodone 15 mg × 1.5 = 22.5, fentanyl patch 25 mcg/h × 2.4 = 60 → 82.5 MME/day
      mme_per_day: 82.5,
      mme_config_version: 'mme-2022.1',
      opioids: {
        entries: [
          { drug: 'oxycodone', daily_amount: 15, unit: 'mg' },
          { drug: 'fentanyl patch', daily_amount: 25, unit: 'mcg/h' },
        ],
      },
      reintervention: null,
    },
    {
      id: 22,
      timepoint: '6m',
      visit_date: '2025-07-10',
      in_window: true,
      mme_per_day: null,
      mme_config_version: null,
      opioids: null,
      reintervention: null,
    },
    {
      id: 23,
      timepoint: '9m',
      visit_date: '2025-10-10',
      in_window: false,
      // CDC 2022: tramadol 100 mg × 0.2 = 20 MME/day
      mme_per_day: 20,
      mme_config_version: null,
      opioids: { entries: [{ drug: 'tramadol', daily_amount: 100, unit: 'mg' }] },
      reintervention: null,
    },
  ],
  scores: [
    {
      id: 31,
      visit_id: 21,
      instrument: 'NRS',
      instrument_version: 'NRS-11',
      config_version: 'scoring-1',
      value_set: null,
      input: { value: 4 },
      result: { score: 4 },
      score: 4,
    },
    {
      id: 32,
      visit_id: 21,
      instrument: 'PROMIS10',
      instrument_version: 'PROMIS Global Health v1.2',
      config_version: 'scoring-1',
      value_set: null,
      input: { items: PROMIS_ITEMS },
      // docs/reference/instruments.md §4 worked example (PACIO QuestionnaireResponse 4805)
      result: { gph_raw: 15, gph_t: 47.7, gmh_raw: 14, gmh_t: 48.3 },
      score: 47.7,
    },
    {
      id: 33,
      visit_id: 21,
      instrument: 'ODI',
      instrument_version: 'ODI v2.1a',
      config_version: 'scoring-1',
      value_set: null,
      input: { answers: [1, null, 3] },
      result: { score: 40 },
      score: 40,
    },
    {
      id: 34,
      visit_id: 23,
      instrument: 'EQ5D3L',
      instrument_version: 'EQ-5D-3L',
      config_version: 'scoring-2',
      value_set: 'UK MVH 1997; US D1 2005',
      input: { state: '21232', vas: 60 },
      result: { index_uk: 0.5, index_us: 0.6, vas: 60 },
      score: 0.5,
    },
    {
      id: 35,
      visit_id: 23,
      instrument: 'VAS',
      instrument_version: 'VAS 0-100 mm',
      config_version: 'scoring-2',
      value_set: null,
      input: { value: 37.5 },
      result: { score: 37.5 },
      score: 37.5,
    },
    {
      id: 36,
      visit_id: 23,
      instrument: 'RMDQ',
      instrument_version: 'RMDQ 24-item',
      config_version: 'scoring-2',
      value_set: null,
      input: { items: [true, false, true] },
      result: { score: 2 },
      score: 2,
    },
    {
      // a score whose visit is not in the record: nothing to date it by, so not exported
      id: 37,
      visit_id: 99,
      instrument: 'NRS',
      instrument_version: 'NRS-11',
      config_version: 'scoring-1',
      value_set: null,
      input: { value: 2 },
      result: { score: 2 },
      score: 2,
    },
  ],
  adverse_events: [
    {
      id: 41,
      procedure_id: 11,
      term: 'Discitis',
      onset_date: '2025-01-25',
      grade: 3,
      ctcae_version: '5.0',
      serious: true,
      seriousness_criteria: ['hospitalisation'],
      attribution_procedure: 'probable',
      attribution_product: 'possible',
      outcome: 'recovering',
      resolution_date: null,
    },
    {
      id: 42,
      procedure_id: 12,
      term: 'Post-injection flare',
      onset_date: '2025-02-11',
      grade: 1,
      ctcae_version: '5.0',
      serious: false,
      seriousness_criteria: [],
      attribution_procedure: 'unrelated',
      attribution_product: 'definite',
      outcome: null,
      resolution_date: null,
    },
    {
      id: 43,
      procedure_id: null,
      term: 'Headache',
      onset_date: '2025-05-01',
      grade: 2,
      ctcae_version: '5.0',
      serious: false,
      seriousness_criteria: [],
      attribution_procedure: 'unlikely',
      attribution_product: null,
      outcome: 'resolved',
      resolution_date: '2025-05-03',
    },
    {
      id: 44,
      procedure_id: 11,
      term: 'Back pain',
      onset_date: '2025-01-12',
      grade: 1,
      ctcae_version: '4.03',
      serious: false,
      seriousness_criteria: [],
      attribution_procedure: 'unlikely',
      attribution_product: 'not-a-level',
      outcome: 'resolved',
      resolution_date: '2025-01-20',
    },
    {
      id: 45,
      procedure_id: 12,
      term: 'Dizziness',
      onset_date: '2025-02-10',
      grade: 1,
      ctcae_version: '5.0',
      serious: false,
      seriousness_criteria: [],
      attribution_procedure: null,
      attribution_product: null,
      outcome: 'unknown',
      resolution_date: null,
    },
  ],
});

/** The Bundle order: Patient, Consents, product + Procedure per procedure, per score its response and
 * Observations, per visit its MedicationStatements and MME Observation, then the adverse events. */
const ORDER = [
  'Patient',
  'Consent',
  'Consent',
  'BiologicallyDerivedProduct',
  'Procedure',
  'BiologicallyDerivedProduct',
  'Procedure',
  'BiologicallyDerivedProduct',
  'Procedure',
  'QuestionnaireResponse', // NRS
  'Observation',
  'QuestionnaireResponse', // PROMIS-10: GPH raw, GPH T, GMH raw, GMH T
  'Observation',
  'Observation',
  'Observation',
  'Observation',
  'QuestionnaireResponse', // ODI
  'Observation',
  'QuestionnaireResponse', // EQ-5D-3L: UK index, US index, EQ VAS
  'Observation',
  'Observation',
  'Observation',
  'QuestionnaireResponse', // VAS
  'Observation',
  'QuestionnaireResponse', // RMDQ
  'Observation',
  'MedicationStatement', // visit 21
  'MedicationStatement',
  'Observation',
  'MedicationStatement', // visit 23
  'Observation',
  'AdverseEvent',
  'AdverseEvent',
  'AdverseEvent',
  'AdverseEvent',
  'AdverseEvent',
];

/**
 * The resources of `patient()` written out by hand, given the resource ids in Bundle order (references must
 * name them), the export's date mapping, and the de-identified differences (Patient, event term).
 */
function expected(ids: string[], d: (iso: string) => string, deid: { subject: string } | null): unknown[] {
  const [P, C1, C2, B11, PR11, B12, PR12, B13, PR13, Q31, O31, Q32, O32a, O32b, O32c, O32d, Q33, O33, Q34] = ids;
  const [O34a, O34b, O34c, Q35, O35, Q36, O36, MS21a, MS21b, MME21, MS23, MME23] = ids.slice(19);
  const [AE41, AE42, AE43, AE44, AE45] = ids.slice(31);
  const ref = (id: string | undefined) => ({ reference: `urn:uuid:${id}` });
  const subject = ref(P);
  const prom = `${BASE}/CodeSystem/prom`;
  const qr = (id: string | undefined, questionnaire: string, date: string, item: unknown[]) => ({
    resourceType: 'QuestionnaireResponse',
    id,
    questionnaire: `${BASE}/${questionnaire}`,
    status: 'completed',
    subject,
    authored: d(date),
    item,
  });
  const int = (linkId: string, v: number, more: Record<string, unknown> = {}) => ({
    linkId,
    answer: [{ valueInteger: v }],
    ...more,
  });
  const obs = (
    id: string | undefined,
    coding: { system: string; code: string; display: string },
    version: string,
    date: string,
    value: number,
    unit: string,
    method: string,
    from: string | undefined,
    panel = false,
  ) => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    category: SURVEY,
    code: { coding: [coding], text: `${version}: ${coding.display}` },
    subject,
    effectiveDateTime: d(date),
    valueQuantity: { value, unit, system: UCUM, code: unit },
    method: { text: method },
    derivedFrom: [ref(from)],
    ...(panel
      ? {
          // interoperability.md §4: PROMIS Global Health v1.2 panel
          extension: [
            {
              url: `${BASE}/StructureDefinition/panel`,
              valueCoding: { system: LOINC, code: '85524-7', display: 'PROMIS short form - global - version 1.2' },
            },
          ],
        }
      : {}),
  });
  const promis = (id: string | undefined, code: string, display: string, value: number, unit: string) =>
    obs(
      id,
      { system: LOINC, code, display },
      'PROMIS Global Health v1.2',
      '2025-04-10',
      value,
      unit,
      'PROMIS Global Health v1.2; scoring settings scoring-1',
      Q32,
      true,
    );
  const eq5d = (id: string | undefined, code: string, display: string, value: number, unit: string) =>
    obs(
      id,
      { system: prom, code, display },
      'EQ-5D-3L',
      '2025-10-10',
      value,
      unit,
      'EQ-5D-3L; scoring settings scoring-2; value sets UK MVH 1997; US D1 2005',
      Q34,
    );
  const product = (id: string | undefined, category: string, code: string, text: string) => ({
    resourceType: 'BiologicallyDerivedProduct',
    id,
    productCategory: category,
    productCode: { coding: [{ system: `${BASE}/CodeSystem/product-class`, code }], text },
    status: 'unavailable',
    quantity: 1,
  });
  const procedure = (
    id: string | undefined,
    bdp: string | undefined,
    therapy: string,
    date: string,
    sites: string[],
    note: string,
  ) => ({
    resourceType: 'Procedure',
    id,
    extension: [{ url: PROCEDURE_USED, valueReference: ref(bdp) }],
    status: 'completed',
    code: {
      coding: [{ system: `${BASE}/CodeSystem/procedure`, code: `${therapy.toLowerCase()}-injection` }],
      text: `${therapy} injection`,
    },
    subject,
    performedDateTime: d(date),
    // FHIR JSON arrays are never empty: no targets, no bodySite
    ...(sites.length > 0 ? { bodySite: sites.map((text) => ({ text })) } : {}),
    note: [{ text: note }],
  });
  const ms = (id: string | undefined, drug: string, date: string, dosage: unknown) => ({
    resourceType: 'MedicationStatement',
    id,
    status: 'active',
    medicationCodeableConcept: { text: drug },
    subject,
    effectiveDateTime: d(date),
    dosage: [dosage],
  });
  const mg = (n: number) => ({
    text: `${n} mg per day`,
    doseAndRate: [{ doseQuantity: { value: n, unit: 'mg/d', system: UCUM, code: 'mg/d' } }],
  });
  const mme = (id: string | undefined, date: string, value: number, settings: string, from: string[]) => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: {
      coding: [{ system: prom, code: 'mme-per-day', display: 'Opioid use, morphine milligram equivalents per day' }],
    },
    subject,
    effectiveDateTime: d(date),
    valueQuantity: { value, unit: 'mg/d', system: UCUM, code: 'mg/d' },
    method: { text: `CDC 2022 conversion factors, settings ${settings}` },
    ...(from.length > 0 ? { derivedFrom: from.map(ref) } : {}),
  });
  const ae = (
    id: string | undefined,
    term: string,
    date: string,
    serious: boolean,
    [version, grade]: [string, number],
    more: object,
  ) => ({
    resourceType: 'AdverseEvent',
    id,
    actuality: 'actual',
    event: { text: deid ? 'adverse event (term withheld in de-identified exports)' : term },
    subject,
    date: d(date),
    seriousness: { coding: [{ system: AE_SERIOUSNESS, code: serious ? 'serious' : 'non-serious' }] },
    severity: {
      // §2: the CTCAE grade kept as its own coding, never collapsed into mild | moderate | severe
      coding: [
        { system: `${BASE}/CodeSystem/ctcae-grade`, code: String(grade), display: `CTCAE v${version} grade ${grade}` },
      ],
    },
    ...more,
  });
  const assess = (code: string, text: string) => ({
    assessment: { coding: [{ system: AE_CAUSALITY, code }], text },
  });
  return [
    {
      resourceType: 'Patient',
      id: P,
      identifier: deid
        ? [{ system: `${BASE}/pseudonym`, value: deid.subject }]
        : [{ system: `${BASE}/registry-id`, value: 'P-0123456789' }],
      gender: 'female',
      // interoperability.md §5 item 3; config birthYearBandYears 5: 1968 → 1965-1969
      ...(deid
        ? { extension: [{ url: `${BASE}/StructureDefinition/birth-year-band`, valueString: '1965-1969' }] }
        : { birthDate: '1968' }),
    },
    {
      resourceType: 'Consent',
      id: C1,
      status: 'active',
      scope: { coding: [{ system: CONSENT_SCOPE, code: 'research' }] },
      category: [{ coding: [{ system: `${BASE}/CodeSystem/consent-scope`, code: 'research' }] }],
      patient: subject,
      dateTime: d('2025-01-02'),
      policyRule: { text: 'registry consent form v2' },
      provision: { type: 'permit', period: { start: d('2025-01-02') } },
    },
    {
      resourceType: 'Consent',
      id: C2,
      status: 'inactive', // withdrawn
      scope: { coding: [{ system: CONSENT_SCOPE, code: 'treatment' }] }, // §3: consent to a specific treatment
      category: [{ coding: [{ system: `${BASE}/CodeSystem/consent-scope`, code: 'care' }] }],
      patient: subject,
      dateTime: d('2025-01-03'),
      policyRule: { text: 'registry consent form v1' },
      provision: { type: 'permit', period: { start: d('2025-01-03'), end: d('2025-03-01') } },
    },
    {
      ...product(B11, 'fluid', 'PRP', 'PRP P-PRP'),
      // 5.12345 to three decimals = 5.123
      extension: [{ url: `${BASE}/StructureDefinition/prp-platelet-fold`, valueDecimal: 5.123 }],
    },
    procedure(
      PR11,
      B11,
      'PRP',
      '2025-01-10',
      ['disc L4-L5', 'facet L5-S1 left'],
      'image guidance: fluoroscopy; injectate 3 mL',
    ),
    product(B12, 'cells', 'BMC', 'BMC'),
    procedure(PR12, B12, 'BMC', '2025-02-10', ['disc L3-L4'], 'image guidance: CT; injectate 2.5 mL'),
    product(B13, 'cells', 'MSC', 'MSC adipose'),
    procedure(PR13, B13, 'MSC', '2025-03-10', ['SIJ right posterior'], 'image guidance: ultrasound; injectate 1 mL'),
    qr(Q31, 'Questionnaire/nrs-11', '2025-04-10', [int('nrs', 4)]),
    obs(
      O31,
      { system: LOINC, code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' },
      'NRS-11',
      '2025-04-10',
      4,
      '{score}',
      'NRS-11; scoring settings scoring-1',
      Q31,
    ),
    qr(
      Q32,
      'Questionnaire/promis-global-10-v1.2',
      '2025-04-10',
      // interoperability.md §4: Global01 … Global10 = 61577-3 … 61586-4
      [
        ['Global01', '61577-3'],
        ['Global02', '61578-1'],
        ['Global03', '61579-9'],
        ['Global04', '61580-7'],
        ['Global05', '61581-5'],
        ['Global06', '61582-3'],
        ['Global07', '61583-1'],
        ['Global08', '61584-9'],
        ['Global09', '61585-6'],
        ['Global10', '61586-4'],
      ].map(([k, code]) =>
        int(k!, PROMIS_ITEMS[k as keyof typeof PROMIS_ITEMS], { definition: `http://loinc.org/${code}` }),
      ),
    ),
    promis(O32a, '71972-4', 'PROMIS-10 Global Physical Health (GPH) score', 15, '{score}'),
    promis(O32b, '71971-6', 'PROMIS-10 Global Physical Health (GPH) score T-score', 47.7, '{T-score}'),
    promis(O32c, '71970-8', 'PROMIS-10 Global Mental Health (GMH) score', 14, '{score}'),
    promis(O32d, '71969-0', 'PROMIS-10 Global Mental Health (GMH) score T-score', 48.3, '{T-score}'),
    // ODI: the unanswered second item is left out; items numbered from 1
    qr(Q33, 'Questionnaire/odi-2.1a', '2025-04-10', [int('odi-1', 1), int('odi-3', 3)]),
    obs(
      O33,
      { system: prom, code: 'odi-score', display: 'Oswestry Disability Index score' },
      'ODI v2.1a',
      '2025-04-10',
      40,
      '%',
      'ODI v2.1a; scoring settings scoring-1',
      Q33,
    ),
    // instruments.md §3: the five digits in the order MO, SC, UA, PD, AD; "21232"
    qr(Q34, 'Questionnaire/eq-5d-3l', '2025-10-10', [
      int('eq5d-MO', 2),
      int('eq5d-SC', 1),
      int('eq5d-UA', 2),
      int('eq5d-PD', 3),
      int('eq5d-AD', 2),
      int('eq5d-vas', 60),
    ]),
    eq5d(O34a, 'eq5d3l-index-uk', 'EQ-5D-3L index, UK value set', 0.5, '1'),
    eq5d(O34b, 'eq5d3l-index-us', 'EQ-5D-3L index, US value set', 0.6, '1'),
    eq5d(O34c, 'eq5d-vas', 'EQ VAS', 60, '{score}'),
    qr(Q35, 'Questionnaire/vas-100', '2025-10-10', [{ linkId: 'vas', answer: [{ valueDecimal: 37.5 }] }]),
    obs(
      O35,
      { system: prom, code: 'pain-vas', display: 'Pain, visual analogue scale (mm)' },
      'VAS 0-100 mm',
      '2025-10-10',
      37.5,
      'mm',
      'VAS 0-100 mm; scoring settings scoring-2',
      Q35,
    ),
    qr(Q36, 'Questionnaire/rmdq-24', '2025-10-10', [
      { linkId: 'rmdq-1', answer: [{ valueBoolean: true }] },
      { linkId: 'rmdq-2', answer: [{ valueBoolean: false }] },
      { linkId: 'rmdq-3', answer: [{ valueBoolean: true }] },
    ]),
    obs(
      O36,
      { system: prom, code: 'rmdq-score', display: 'Roland-Morris Disability Questionnaire score' },
      'RMDQ 24-item',
      '2025-10-10',
      2,
      '{score}',
      'RMDQ 24-item; scoring settings scoring-2',
      Q36,
    ),
    ms(MS21a, 'oxycodone', '2025-04-10', mg(15)),
    // a patch: a rate in UCUM micrograms per hour (ug/h)
    ms(MS21b, 'fentanyl patch', '2025-04-10', {
      text: '25 mcg/h',
      doseAndRate: [{ rateQuantity: { value: 25, unit: 'mcg/h', system: UCUM, code: 'ug/h' } }],
    }),
    mme(MME21, '2025-04-10', 82.5, 'mme-2022.1', [MS21a!, MS21b!]),
    ms(MS23, 'tramadol', '2025-10-10', mg(100)),
    mme(MME23, '2025-10-10', 20, 'unknown', [MS23!]),
    // safety.md §4.2: probable → Probably-Likely, possible → Possible
    ae(AE41, 'Discitis', '2025-01-25', true, ['5.0', 3], {
      outcome: { coding: [{ system: AE_OUTCOME, code: 'recovering' }] },
      suspectEntity: [
        {
          instance: ref(PR11),
          causality: [assess('Probably-Likely', 'procedure: probable'), assess('Possible', 'product: possible')],
        },
      ],
    }),
    // unrelated has no WHO-UMC code: text only; definite → Certain; no outcome recorded → none
    ae(AE42, 'Post-injection flare', '2025-02-11', false, ['5.0', 1], {
      suspectEntity: [
        {
          instance: ref(PR12),
          causality: [{ assessment: { text: 'procedure: unrelated' } }, assess('Certain', 'product: definite')],
        },
      ],
    }),
    // no procedure: no suspect entity (its attribution has nothing to attach to)
    ae(AE43, 'Headache', '2025-05-01', false, ['5.0', 2], {
      outcome: { coding: [{ system: AE_OUTCOME, code: 'resolved' }] },
    }),
    // unlikely → Unlikely; a value outside the five-level scale is not exported
    ae(AE44, 'Back pain', '2025-01-12', false, ['4.03', 1], {
      outcome: { coding: [{ system: AE_OUTCOME, code: 'resolved' }] },
      suspectEntity: [{ instance: ref(PR11), causality: [assess('Unlikely', 'procedure: unlikely')] }],
    }),
    // no attribution at all: the suspect procedure without a causality
    ae(AE45, 'Dizziness', '2025-02-10', false, ['5.0', 1], {
      outcome: { coding: [{ system: AE_OUTCOME, code: 'unknown' }] },
      suspectEntity: [{ instance: ref(PR12) }],
    }),
  ];
}

describe('FHIR R4 resources of one patient (pure)', () => {
  test('identified export: every resource whole, in Bundle order, references naming the resource ids', () => {
    const rs = resourcesOf(run(false), patient());
    assert.deepEqual(
      rs.map((r) => r.resourceType),
      ORDER,
    );
    const ids = rs.map((r) => r.id);
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, ids.length, 'ids are distinct');
    assert.deepEqual(
      rs,
      expected(ids, (iso) => iso, null),
    );
  });

  test('de-identified export: pseudonym, banded birth year, event terms withheld, every date shifted alike', () => {
    const r = run(true);
    const p = patient();
    const rs = resourcesOf(r, p);
    assert.deepEqual(
      rs.map((x) => x.resourceType),
      ORDER,
    );
    const shift = dateShiftDays(r, p.id); // export-deid.ts: one offset per patient, never 0
    assert.notEqual(shift, 0);
    const pseudonym = subjectId(r, p);
    assert.match(pseudonym, /^S-[0-9a-f]{16}$/);
    assert.deepEqual(
      rs,
      expected(
        rs.map((x) => x.id),
        (iso) => plusDays(iso, shift),
        { subject: pseudonym },
      ),
    );
    // interoperability.md §5: no registry id, no recorded date, no event term, no year of birth
    const text = JSON.stringify(rs);
    for (const secret of ['P-0123456789', 'Discitis', 'Headache', '"1968"']) assert.ok(!text.includes(secret), secret);
  });

  test('canonical URLs of the registry: the configured base without its trailing slashes', () => {
    const config: ExportConfig = {
      ...DEFAULT_EXPORT_CONFIG,
      fhirBase: { ...DEFAULT_EXPORT_CONFIG.fhirBase, value: 'http://other.example/fhir//' },
    };
    const p = patient();
    const rs = resourcesOf(run(false, config), { ...p, scores: p.scores.slice(0, 2) });
    assert.deepEqual(rs[0]!.identifier, [{ system: 'http://other.example/fhir/registry-id', value: 'P-0123456789' }]);
    const nrs = rs.find((x) => x.resourceType === 'Observation')!;
    assert.deepEqual(nrs.code, {
      coding: [
        { system: LOINC, code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' },
      ],
      text: 'NRS-11: Pain severity - 0-10 verbal numeric rating [Score] - Reported',
    });
    const gph = rs.filter((x) => x.resourceType === 'Observation')[1]!;
    assert.deepEqual(gph.extension, [
      {
        url: 'http://other.example/fhir/StructureDefinition/panel',
        valueCoding: { system: LOINC, code: '85524-7', display: 'PROMIS short form - global - version 1.2' },
      },
    ]);
    const qr = rs.find((x) => x.resourceType === 'QuestionnaireResponse')!;
    assert.equal(qr.questionnaire, 'http://other.example/fhir/Questionnaire/nrs-11');
  });

  test('registry codes under the configured base; the same instrument twice gives the same coding', () => {
    const config: ExportConfig = {
      ...DEFAULT_EXPORT_CONFIG,
      fhirBase: { ...DEFAULT_EXPORT_CONFIG.fhirBase, value: 'https://reg.example/fhir/' },
    };
    const p = patient();
    const odi = p.scores[2]!;
    const rs = resourcesOf(run(false, config), {
      ...p,
      scores: [odi, { ...odi, id: 38, visit_id: 23, result: { score: 12 } }],
    });
    const codes = rs
      .filter((x) => x.resourceType === 'Observation' && x.category)
      .map((x) => [x.code, x.valueQuantity]);
    const coding = {
      coding: [
        {
          system: 'https://reg.example/fhir/CodeSystem/prom',
          code: 'odi-score',
          display: 'Oswestry Disability Index score',
        },
      ],
      text: 'ODI v2.1a: Oswestry Disability Index score',
    };
    assert.deepEqual(codes, [
      [coding, { value: 40, unit: '%', system: UCUM, code: '%' }],
      [coding, { value: 12, unit: '%', system: UCUM, code: '%' }],
    ]);
  });

  test('PRP without a platelet fold or Dohan Ehrenfest class: no fold extension, class not derivable', () => {
    const p = patient();
    const prp = { ...p.procedures[0]!, characterization: { fold: '5' } };
    const rs = resourcesOf(run(false), {
      ...p,
      consents: [],
      procedures: [prp],
      visits: [],
      scores: [],
      adverse_events: [],
    });
    assert.deepEqual(rs[1], {
      resourceType: 'BiologicallyDerivedProduct',
      id: rs[1]!.id,
      productCategory: 'fluid', // R4 product-category: a blood component is a fluid
      productCode: {
        coding: [{ system: `${BASE}/CodeSystem/product-class`, code: 'PRP' }],
        text: 'PRP (class not derivable)',
      },
      status: 'unavailable',
      quantity: 1,
    });
  });

  test('no targets and no opioid entries: no bodySite, no derivedFrom (a FHIR JSON array is never empty)', () => {
    // https://hl7.org/fhir/R4/json.html: arrays are never empty; an element with no values is left out
    const p = patient();
    const rs = resourcesOf(run(false), {
      ...p,
      consents: [],
      procedures: [{ ...p.procedures[0]!, targets: [] }],
      visits: [{ ...p.visits[0]!, mme_per_day: 0, opioids: { entries: [] } }],
      scores: [],
      adverse_events: [],
    });
    const procedure = rs.find((r) => r.resourceType === 'Procedure')!;
    assert.equal('bodySite' in procedure, false);
    const mme = rs.find((r) => r.resourceType === 'Observation')!;
    assert.deepEqual(mme.valueQuantity, { value: 0, unit: 'mg/d', system: 'http://unitsofmeasure.org', code: 'mg/d' });
    assert.equal('derivedFrom' in mme, false);
    assert.equal(rs.filter((r) => r.resourceType === 'MedicationStatement').length, 0);
  });

  test('a patient with no records: the Patient alone', () => {
    const p = patient();
    const rs = patientResources(run(false), {
      ...p,
      consents: [],
      procedures: [],
      visits: [],
      scores: [],
      adverse_events: [],
    });
    assert.equal(rs.length, 1);
    assert.deepEqual(
      { resourceType: rs[0]!.resourceType, resource: JSON.parse(rs[0]!.json) },
      {
        resourceType: 'Patient',
        resource: {
          resourceType: 'Patient',
          id: rs[0]!.id,
          identifier: [{ system: `${BASE}/registry-id`, value: 'P-0123456789' }],
          gender: 'female',
          birthDate: '1968',
        },
      },
    );
  });
});

describe('questionnaire answers and score values that cannot be exported', () => {
  const visit = patient().visits[0]!;
  const base = { ...patient(), consents: [], procedures: [], adverse_events: [], visits: [visit] };
  const score = (instrument: string, input: Record<string, unknown>, result: Record<string, unknown>) => ({
    id: 50,
    visit_id: 21,
    instrument,
    instrument_version: `${instrument} v`,
    config_version: 'c',
    value_set: null,
    input,
    result,
    score: 0,
  });
  const only = (s: ReturnType<typeof score>) =>
    resourcesOf(run(false), { ...base, visits: [{ ...visit, opioids: null, mme_per_day: null }], scores: [s] });

  test('non-finite and non-numeric answers are left out of the response; decimals as valueDecimal', () => {
    const rs = only(score('ODI', { answers: [Number.POSITIVE_INFINITY, '2', 0, 2.5] }, { score: 10 }));
    assert.deepEqual(rs[1]!.item, [
      { linkId: 'odi-3', answer: [{ valueInteger: 0 }] },
      { linkId: 'odi-4', answer: [{ valueDecimal: 2.5 }] },
    ]);
  });

  test('EQ-5D-3L: a digit outside 1–3 or a missing dimension gives no answer for it (instruments.md §3)', () => {
    const rs = only(score('EQ5D3L', { state: '2x03', vas: 55 }, { index_uk: null, index_us: null, vas: 55 }));
    assert.deepEqual(rs[1]!.item, [
      { linkId: 'eq5d-MO', answer: [{ valueInteger: 2 }] },
      { linkId: 'eq5d-PD', answer: [{ valueInteger: 3 }] },
      { linkId: 'eq5d-vas', answer: [{ valueInteger: 55 }] },
    ]);
    // no index without a complete state: only the EQ VAS Observation
    const obs = rs.filter((x) => x.resourceType === 'Observation');
    assert.deepEqual(
      obs.map((o) => (o.code as { coding: { code: string }[] }).coding[0]!.code),
      ['eq5d-vas'],
    );
  });

  test('PROMIS-10: an item without a LOINC code in §4 points at LOINC itself, keeps its own linkId', () => {
    const rs = only(score('PROMIS10', { items: { Global10r: 3, Global07: 6 } }, { gph_raw: 12 }));
    assert.deepEqual(rs[1]!.item, [
      { linkId: 'Global10r', answer: [{ valueInteger: 3 }], definition: 'http://loinc.org' },
      { linkId: 'Global07', answer: [{ valueInteger: 6 }], definition: 'http://loinc.org/61583-1' },
    ]);
    assert.equal(rs.length, 3, 'one Observation: only the GPH raw score was computed');
  });

  test('a score value that is not a finite number gives no Observation', () => {
    const rs = only(
      score('PROMIS10', { items: { Global01: 1 } }, { gph_raw: Number.POSITIVE_INFINITY, gph_t: '40', gmh_raw: 9 }),
    );
    assert.deepEqual(
      rs.map((x) => x.resourceType),
      ['Patient', 'QuestionnaireResponse', 'Observation'],
    );
    assert.deepEqual(rs[2]!.valueQuantity, { value: 9, unit: '{score}', system: UCUM, code: '{score}' });
  });

  test('an instrument the export has no codes for: its response only, under a questionnaire named after it', () => {
    const rs = only(score('FRI', { value: 3 }, { score: 3 }));
    assert.deepEqual(
      rs.map((x) => x.resourceType),
      ['Patient', 'QuestionnaireResponse'],
    );
    assert.equal(rs[1]!.questionnaire, `${BASE}/Questionnaire/fri`);
  });

  test('a response whose stored input holds no answers carries no item', () => {
    for (const instrument of ['ODI', 'RMDQ', 'PROMIS10', 'EQ5D3L', 'NRS']) {
      const rs = only(score(instrument, {}, {}));
      assert.deepEqual(
        rs.map((x) => x.resourceType),
        ['Patient', 'QuestionnaireResponse'],
      );
      // FHIR R4 JSON (https://hl7.org/fhir/R4/json.html): an array is never empty, so no answers means no item
      assert.equal('item' in rs[1]!, false, instrument);
    }
  });

  test('NRS and VAS answers under their own linkIds', () => {
    const nrs = only(score('NRS', { value: 7 }, { score: 7 }));
    assert.deepEqual(nrs[1]!.item, [{ linkId: 'nrs', answer: [{ valueInteger: 7 }] }]);
    const vas = only(score('VAS', { value: 62 }, { score: 62 }));
    assert.deepEqual(vas[1]!.item, [{ linkId: 'vas', answer: [{ valueInteger: 62 }] }]);
  });
});

describe('the Bundle (FHIR R4 Bundle, type collection)', () => {
  test('the opening of an identified Bundle, closed with no entries, is an empty collection', () => {
    const open = bundleOpen(run(false), 'b-1', '2026-06-01T10:00:00Z');
    assert.ok(open.endsWith(',"entry":[\n'));
    assert.deepEqual(JSON.parse(`${open}${BUNDLE_CLOSE}`), {
      resourceType: 'Bundle',
      id: 'b-1',
      meta: {
        tag: [
          { system: `${BASE}/CodeSystem/export`, code: 'identified', display: 'registry ids and dates as recorded' },
        ],
      },
      type: 'collection',
      timestamp: '2026-06-01T10:00:00Z',
      entry: [],
    });
  });

  test('a de-identified Bundle is tagged as date-shifted, and says it is not Safe Harbor', () => {
    const b = JSON.parse(`${bundleOpen(run(true), 'b-2', '2026-06-01T10:00:00Z')}${BUNDLE_CLOSE}`);
    assert.equal(b.type, 'collection');
    const tag = b.meta.tag[0];
    assert.equal(tag.system, `${BASE}/CodeSystem/export`);
    assert.equal(tag.code, 'deidentified-date-shifted');
    // interoperability.md §5: shifted dates are not Safe Harbor (dates other than the year must be removed)
    assert.match(tag.display, /not HIPAA Safe Harbor/);
  });

  test('entries: fullUrl urn:uuid of the resource id, the resource itself; separated, then closed', () => {
    const p = patient();
    const rs = patientResources(run(false), { ...p, procedures: [], visits: [], scores: [], adverse_events: [] });
    const text = `${bundleOpen(run(false), 'b-3', '2026-06-01T10:00:00Z')}${rs.map(bundleEntry).join(ENTRY_SEPARATOR)}${BUNDLE_CLOSE}`;
    assert.equal(ENTRY_SEPARATOR, ',\n');
    assert.ok(text.endsWith('}\n]}\n'));
    const b = JSON.parse(text);
    assert.deepEqual(
      b.entry.map((e: { fullUrl: string; resource: FhirResource }) => [e.fullUrl, e.resource.resourceType]),
      rs.map((r) => [`urn:uuid:${r.id}`, r.resourceType]),
    );
    assert.deepEqual(b.entry[0].resource, JSON.parse(rs[0]!.json));
    assert.equal(
      bundleEntry({ resourceType: 'Patient', id: 'x', json: '{"a":1}' }),
      '{"fullUrl":"urn:uuid:x","resource":{"a":1}}',
    );
  });
});

describe('Bundle entries streamed as UTF-8 chunks of about 256 KiB', () => {
  /** A patient with one MedicationStatement whose drug name is `drug` (and the Patient). */
  const withDrug = (id: number, drug: string): ExportPatient => ({
    ...patient(),
    id,
    consents: [],
    procedures: [],
    scores: [],
    adverse_events: [],
    visits: [
      {
        ...patient().visits[0]!,
        mme_per_day: null,
        opioids: { entries: [{ drug, daily_amount: 10, unit: 'mg' }] },
      },
    ],
  });
  /** The entries of the chunks, joined and parsed as one JSON array. */
  const entriesOf = (chunks: Uint8Array[]) =>
    JSON.parse(`[${Buffer.concat(chunks).toString('utf8')}]`) as { fullUrl: string; resource: FhirResource }[];
  const drugs = (es: { resource: FhirResource }[]) =>
    es
      .filter((e) => e.resource.resourceType === 'MedicationStatement')
      .map((e) => (e.resource.medicationCodeableConcept as { text: string }).text);

  test('no patients: no chunk, counts untouched', () => {
    const counts: Record<string, number> = {};
    assert.deepEqual([...entryChunks(run(false), [], counts)], []);
    assert.deepEqual(counts, {});
  });

  test('a few small patients: one chunk, entries separated by ",\\n", counts per type', () => {
    const counts: Record<string, number> = { patients: 10 };
    const chunks = [...entryChunks(run(false), [withDrug(1, 'morphine'), withDrug(2, 'codeine')], counts)];
    assert.equal(chunks.length, 1);
    const text = Buffer.from(chunks[0]!).toString('utf8');
    assert.ok(text.startsWith('{"fullUrl":"urn:uuid:'), 'no separator before the first entry');
    assert.equal(text.split('},\n{"fullUrl"').length, 4, 'four entries, three separators');
    const es = entriesOf(chunks);
    assert.deepEqual(
      es.map((e) => e.resource.resourceType),
      ['Patient', 'MedicationStatement', 'Patient', 'MedicationStatement'],
    );
    for (const e of es) assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`);
    assert.deepEqual(drugs(es), ['morphine', 'codeine']);
    // counts add to what the caller passed in
    assert.deepEqual(counts, { patients: 12, resources: 4, Patient: 2, MedicationStatement: 2 });
  });

  test('many entries with multi-byte text: chunks at most 256 KiB and over 200 KB, bytes whole', () => {
    // 60 patients with a drug name of 200 + 50 i repeats of 'aµ€𝛃' (5 UTF-16 units, 1 + 2 + 3 + 4 = 10 bytes):
    // 10 × Σ(200 + 50 i) = 10 × (12,000 + 50 × 1,770) ≈ 1 MB, so chunk boundaries fall among multi-byte text;
    // the largest entry (3,150 repeats ≈ 15,750 units) needs at most ≈ 47 K of room, so every full chunk
    // holds more than 262,144 − 47,250 ≈ 215,000 bytes.
    const names = Array.from({ length: 60 }, (_, i) => `d${i} ${'aµ€𝛃'.repeat(200 + 50 * i)}`);
    const counts: Record<string, number> = {};
    const chunks = [
      ...entryChunks(
        run(false),
        names.map((n, i) => withDrug(100 + i, n)),
        counts,
      ),
    ];
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    for (const c of chunks) assert.ok(c.length <= 256 * 1024, String(c.length));
    for (const c of chunks.slice(0, -1)) assert.ok(c.length > 200_000, String(c.length));
    assert.deepEqual(drugs(entriesOf(chunks)), names);
    assert.deepEqual(counts, { patients: 60, resources: 120, Patient: 60, MedicationStatement: 60 });
  });

  test('an entry larger than a chunk gets a chunk of its own, none empty', () => {
    // 100,000 × '€' (3 bytes each in UTF-8) = 300,000 bytes: more than 256 KiB = 262,144
    const big = '€'.repeat(100_000);
    const chunks = [...entryChunks(run(false), [withDrug(1, big), withDrug(2, 'codeine')], {})];
    for (const c of chunks) assert.ok(c.length > 0);
    assert.ok(chunks.some((c) => c.length > 300_000));
    assert.ok(chunks[0]!.length < 1000, 'the chunk before the big entry holds the first Patient only');
    assert.deepEqual(drugs(entriesOf(chunks)), [big, 'codeine']);
  });

  test('the big entry first: no empty chunk before it', () => {
    // every stream starts with a Patient: its identifier is made the big text
    const big = '€'.repeat(100_000);
    const chunks = [...entryChunks(run(false), [{ ...withDrug(1, 'x'), registry_id: big, visits: [] }], {})];
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0]!.length > 300_000);
    const es = entriesOf(chunks);
    assert.deepEqual(es[0]!.resource.identifier, [{ system: `${BASE}/registry-id`, value: big }]);
  });
});
