// Registry export as HL7 FHIR R4 (4.0.1) resources (pure), per docs/reference/interoperability.md §1–4:
// Patient (pseudonymous), Consent per consent, Procedure per procedure with its product as a
// BiologicallyDerivedProduct referenced through the R5 cross-version extension Procedure.used (R4's
// usedReference cannot point at one, §1 "R4 gaps"), a QuestionnaireResponse per PROM with an Observation
// (category survey, derivedFrom the response) for each score, a MedicationStatement per opioid with the
// visit's MME as an Observation, and an AdverseEvent per event with the injection Procedure as suspect
// entity. LOINC codes only where §4 gives them (NRS 72514-3; PROMIS-10 panel 85524-7, GPH 71972-4 / 71971-6,
// GMH 71970-8 / 71969-0); instruments without one (ODI, EQ-5D-3L, VAS, RMDQ) get codes of the registry's own
// CodeSystem, as §4 advises. The streamed Bundle is assembled by src/store/registry-export.ts.
import { INSTRUMENT_VERSIONS } from './clinical.ts';
import {
  birthYearBand,
  type ExportConfig,
  type ExportPatient,
  type ExportProcedure,
  type ExportRun,
  patientDates,
  patientUuids,
  productClass,
  subjectId,
  targetsText,
} from './export-deid.ts';

/** A FHIR resource as JSON parses it. */
export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;
/** One exported resource as the Bundle carries it: its type, its id and its JSON text. */
export interface FhirText {
  resourceType: string;
  id: string;
  json: string;
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** docs/reference/interoperability.md §3 (verified from the R4 value set page). */
const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
/** §2: verified outcome codes. */
const AE_OUTCOME = 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome';
/** §2: seriousness codes serious | non-serious (marked UNVERIFIED in the reference: "as recalled"). */
const AE_SERIOUSNESS = 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness';
/** docs/reference/safety.md §4.2: the cross-version causality code system. */
const AE_CAUSALITY = 'http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess';
/** §1 R4 gaps: HL7 "Extensions for Using Data Elements from FHIR R5 in FHIR R4", 0.1.0. */
export const EXT_PROCEDURE_USED = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Procedure.used';

/** The registry's own canonical URLs (config/registry-export.json fhirBase). */
const own = (run: ExportRun, path: string) => `${run.config.fhirBase.value.replace(/\/+$/, '')}/${path}`;

interface ScoreCode {
  field: string;
  code: { system: 'loinc' | 'registry'; code: string; display: string };
  unit: string;
  ucum: string;
}

/** The score Observations of each instrument: the result field, its code and unit. */
export const SCORE_CODES: Record<string, ScoreCode[]> = {
  ODI: [
    {
      field: 'score',
      code: { system: 'registry', code: 'odi-score', display: 'Oswestry Disability Index score' },
      unit: '%',
      ucum: '%',
    },
  ],
  NRS: [
    {
      field: 'score',
      code: {
        system: 'loinc',
        code: '72514-3',
        display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
      },
      unit: '{score}',
      ucum: '{score}',
    },
  ],
  VAS: [
    {
      field: 'score',
      code: { system: 'registry', code: 'pain-vas', display: 'Pain, visual analogue scale (mm)' },
      unit: 'mm',
      ucum: 'mm',
    },
  ],
  EQ5D3L: [
    {
      field: 'index_uk',
      code: { system: 'registry', code: 'eq5d3l-index-uk', display: 'EQ-5D-3L index, UK value set' },
      unit: '1',
      ucum: '1',
    },
    {
      field: 'index_us',
      code: { system: 'registry', code: 'eq5d3l-index-us', display: 'EQ-5D-3L index, US value set' },
      unit: '1',
      ucum: '1',
    },
    {
      field: 'vas',
      code: { system: 'registry', code: 'eq5d-vas', display: 'EQ VAS' },
      unit: '{score}',
      ucum: '{score}',
    },
  ],
  PROMIS10: [
    {
      field: 'gph_raw',
      code: { system: 'loinc', code: '71972-4', display: 'PROMIS-10 Global Physical Health (GPH) score' },
      unit: '{score}',
      ucum: '{score}',
    },
    {
      field: 'gph_t',
      code: { system: 'loinc', code: '71971-6', display: 'PROMIS-10 Global Physical Health (GPH) score T-score' },
      unit: '{T-score}',
      ucum: '{T-score}',
    },
    {
      field: 'gmh_raw',
      code: { system: 'loinc', code: '71970-8', display: 'PROMIS-10 Global Mental Health (GMH) score' },
      unit: '{score}',
      ucum: '{score}',
    },
    {
      field: 'gmh_t',
      code: { system: 'loinc', code: '71969-0', display: 'PROMIS-10 Global Mental Health (GMH) score T-score' },
      unit: '{T-score}',
      ucum: '{T-score}',
    },
  ],
  RMDQ: [
    {
      field: 'score',
      code: { system: 'registry', code: 'rmdq-score', display: 'Roland-Morris Disability Questionnaire score' },
      unit: '{score}',
      ucum: '{score}',
    },
  ],
};

/** §4: the PROMIS Global Health v1.2 panel; the others have none, so the registry names its questionnaire. */
const PROMIS10_PANEL = { code: '85524-7', display: 'PROMIS short form - global - version 1.2' };
/** §4: the PROMIS item codes Global01 … Global10. */
const PROMIS10_ITEM_LOINC: Record<string, string> = {
  Global01: '61577-3',
  Global02: '61578-1',
  Global03: '61579-9',
  Global04: '61580-7',
  Global05: '61581-5',
  Global06: '61582-3',
  Global07: '61583-1',
  Global08: '61584-9',
  Global09: '61585-6',
  Global10: '61586-4',
};

// The score QuestionnaireResponses and Observations are most of an export's resources (78 of the 96 per
// patient in bench:registry:export): they are written as JSON text from pre-serialised constant parts instead of
// being built as objects for JSON.stringify, which took most of the export's time (a CPU profile of the
// bench: object building, JSON.stringify and the garbage collector). Every text is JSON that
// test/registry/export.test.ts parses and validates against the FHIR R4 schema, resource by resource, so the
// guarantee is kept by the tests, not by validating at export time. `q` escapes every string that comes from
// the database; ids are UUIDs and codes are the constants above.
const q = (s: string): string => JSON.stringify(s);

/** Per export settings and score field: the Observation's code, its valueQuantity after the value, its panel. */
const scoreTextCache = new WeakMap<ExportConfig, Map<ScoreCode, { code: string; unit: string; panel: string }>>();
function scoreText(run: ExportRun, instrument: string, sc: ScoreCode) {
  let byCode = scoreTextCache.get(run.config);
  if (!byCode) {
    byCode = new Map();
    scoreTextCache.set(run.config, byCode);
  }
  let t = byCode.get(sc);
  if (!t) {
    const coding = {
      system: sc.code.system === 'loinc' ? LOINC : own(run, 'CodeSystem/prom'),
      code: sc.code.code,
      display: sc.code.display,
    };
    const version = INSTRUMENT_VERSIONS[instrument as keyof typeof INSTRUMENT_VERSIONS] ?? instrument;
    t = {
      code: JSON.stringify({ coding: [coding], text: `${version}: ${sc.code.display}` }),
      unit: `,"unit":${q(sc.unit)},"system":${q(UCUM)},"code":${q(sc.ucum)}}`,
      panel:
        instrument === 'PROMIS10'
          ? `,"extension":${JSON.stringify([{ url: own(run, 'StructureDefinition/panel'), valueCoding: { system: LOINC, ...PROMIS10_PANEL } }])}`
          : '',
    };
    byCode.set(sc, t);
  }
  return t;
}
const SURVEY_CATEGORY = JSON.stringify([{ coding: [{ system: OBS_CATEGORY, code: 'survey' }] }]);

/** One item (linkId given as JSON) with a numeric answer (valueInteger or valueDecimal); none if missing. */
const numberItem = (linkId: string, v: unknown, more = ''): string =>
  typeof v === 'number' && Number.isFinite(v)
    ? `{"linkId":${linkId},"answer":[{"${Number.isInteger(v) ? 'valueInteger' : 'valueDecimal'}":${v}}]${more}}`
    : '';
/** The PROMIS-10 items' linkId and definition members, as JSON, for the item names §4 codes. */
const PROMIS10_ITEM_TEXT = new Map(
  Object.entries(PROMIS10_ITEM_LOINC).map(([k, code]) => [k, [q(k), `,"definition":${q(`${LOINC}/${code}`)}`]]),
);

/** The QuestionnaireResponse items (JSON text) of one PROM's stored input, as the patient or staff gave them. */
function responseItems(instrument: string, input: Record<string, unknown>): string {
  const items: string[] = [];
  const push = (t: string) => {
    if (t) items.push(t);
  };
  switch (instrument) {
    case 'ODI':
      for (const [i, a] of ((input.answers as (number | null)[]) ?? []).entries())
        push(numberItem(`"odi-${i + 1}"`, a));
      break;
    case 'NRS':
    case 'VAS':
      push(numberItem(instrument === 'NRS' ? '"nrs"' : '"vas"', input.value));
      break;
    case 'EQ5D3L': {
      const state = String(input.state ?? '');
      for (const [i, d] of ['MO', 'SC', 'UA', 'PD', 'AD'].entries())
        push(numberItem(`"eq5d-${d}"`, /[123]/.test(state[i] ?? '') ? Number(state[i]) : null));
      push(numberItem('"eq5d-vas"', input.vas));
      break;
    }
    case 'PROMIS10':
      for (const [k, v] of Object.entries((input.items ?? {}) as Record<string, unknown>)) {
        const [linkId, definition] = PROMIS10_ITEM_TEXT.get(k) ?? [q(k), `,"definition":${q(LOINC)}`];
        push(numberItem(linkId!, v, definition));
      }
      break;
    case 'RMDQ':
      for (const [i, b] of ((input.items as boolean[]) ?? []).entries())
        items.push(`{"linkId":"rmdq-${i + 1}","answer":[{"valueBoolean":${JSON.stringify(b) ?? 'null'}}]}`);
      break;
  }
  return `[${items.join(',')}]`;
}

const QUESTIONNAIRE: Record<string, string> = {
  ODI: 'Questionnaire/odi-2.1a',
  NRS: 'Questionnaire/nrs-11',
  VAS: 'Questionnaire/vas-100',
  EQ5D3L: 'Questionnaire/eq-5d-3l',
  PROMIS10: 'Questionnaire/promis-global-10-v1.2',
  RMDQ: 'Questionnaire/rmdq-24',
};

/** R4 AdverseEvent causality assessment from the five-level scale (docs/reference/safety.md §4.2). */
const CAUSALITY: Record<string, string | null> = {
  definite: 'Certain',
  probable: 'Probably-Likely',
  possible: 'Possible',
  unlikely: 'Unlikely',
  unrelated: null,
};

/** BiologicallyDerivedProduct.productCategory (R4 value set organ | tissue | fluid | cells | biologicalAgent). */
const PRODUCT_CATEGORY: Record<ExportProcedure['therapy'], string> = {
  PRP: 'fluid', // a blood component (plasma with platelets)
  BMC: 'cells',
  MSC: 'cells',
};

/** All resources of one patient, in the order of the Bundle. */
export function patientResources(run: ExportRun, p: ExportPatient): FhirText[] {
  const d = patientDates(run, p.id);
  const uuid = patientUuids(run, p.id);
  /** A resource's id: the UUID its fullUrl names, so references and ids agree. */
  const rid = (_run: ExportRun, kind: string, id: number | string) => uuid(kind, id);
  const ref = (_run: ExportRun, kind: string, id: number | string) => ({ reference: `urn:uuid:${uuid(kind, id)}` });
  const subject = ref(run, 'Patient', p.id);
  const subjectText = JSON.stringify(subject);
  const out: FhirText[] = [];
  const push = (r: FhirResource) => out.push({ resourceType: r.resourceType, id: r.id, json: JSON.stringify(r) });
  const patient: FhirResource = {
    resourceType: 'Patient',
    id: rid(run, 'Patient', p.id),
    identifier: [{ system: own(run, run.deidentified ? 'pseudonym' : 'registry-id'), value: subjectId(run, p) }],
    gender: p.sex,
  };
  if (run.deidentified)
    patient.extension = [
      {
        url: own(run, 'StructureDefinition/birth-year-band'),
        valueString: birthYearBand(p.year_of_birth, run.today, run.config.birthYearBandYears.value),
      },
    ];
  else patient.birthDate = String(p.year_of_birth);
  push(patient);

  for (const c of p.consents) {
    push({
      resourceType: 'Consent',
      id: rid(run, 'Consent', c.id),
      status: c.withdrawn_date ? 'inactive' : 'active',
      scope: {
        coding: [{ system: CONSENT_SCOPE, code: c.scope === 'care' ? 'treatment' : 'research' }],
      },
      category: [{ coding: [{ system: own(run, 'CodeSystem/consent-scope'), code: c.scope }] }],
      patient: subject,
      dateTime: d(c.consent_date),
      policyRule: { text: `registry consent form ${c.form_version}` },
      provision: {
        type: 'permit',
        period: { start: d(c.consent_date), ...(c.withdrawn_date ? { end: d(c.withdrawn_date) } : {}) },
      },
    });
  }

  for (const pr of p.procedures) {
    const product: FhirResource = {
      resourceType: 'BiologicallyDerivedProduct',
      id: rid(run, 'BiologicallyDerivedProduct', pr.id),
      productCategory: PRODUCT_CATEGORY[pr.therapy],
      productCode: {
        coding: [{ system: own(run, 'CodeSystem/product-class'), code: pr.therapy }],
        text: productClass(pr),
      },
      status: 'unavailable', // injected
      quantity: 1,
    };
    const fold = pr.characterization.fold;
    if (pr.therapy === 'PRP' && typeof fold === 'number')
      product.extension = [
        { url: own(run, 'StructureDefinition/prp-platelet-fold'), valueDecimal: Math.round(fold * 1000) / 1000 },
      ];
    push(product);
    push({
      resourceType: 'Procedure',
      id: rid(run, 'Procedure', pr.id),
      extension: [{ url: EXT_PROCEDURE_USED, valueReference: ref(run, 'BiologicallyDerivedProduct', pr.id) }],
      status: 'completed',
      code: {
        coding: [{ system: own(run, 'CodeSystem/procedure'), code: `${pr.therapy.toLowerCase()}-injection` }],
        text: `${pr.therapy} injection`,
      },
      subject,
      performedDateTime: d(pr.procedure_date),
      // FHIR R4 JSON (https://hl7.org/fhir/R4/json.html): an array is never empty; no targets, no bodySite
      ...(pr.targets.length > 0 ? { bodySite: pr.targets.map((t) => ({ text: targetsText([t]) })) } : {}),
      note: [{ text: `image guidance: ${pr.image_guidance}; injectate ${pr.injectate_volume_ml} mL` }],
    });
  }

  const visits = new Map(p.visits.map((v) => [v.id, v]));
  for (const s of p.scores) {
    const v = visits.get(s.visit_id);
    if (!v) continue;
    const qrId = rid(run, 'QuestionnaireResponse', s.id);
    const authored = q(d(v.visit_date));
    const questionnaire = own(run, QUESTIONNAIRE[s.instrument] ?? `Questionnaire/${s.instrument.toLowerCase()}`);
    // no usable answers: no "item" (a FHIR JSON array is never empty)
    const items = responseItems(s.instrument, s.input);
    out.push({
      resourceType: 'QuestionnaireResponse',
      id: qrId,
      json: `{"resourceType":"QuestionnaireResponse","id":"${qrId}","questionnaire":${q(questionnaire)},"status":"completed","subject":${subjectText},"authored":${authored}${items === '[]' ? '' : `,"item":${items}`}}`,
    });
    const method = q(
      `${s.instrument_version}; scoring settings ${s.config_version}${s.value_set ? `; value sets ${s.value_set}` : ''}`,
    );
    for (const sc of SCORE_CODES[s.instrument] ?? []) {
      const value = s.result[sc.field];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const id = rid(run, 'Observation', `${s.id}:${sc.field}`);
      const t = scoreText(run, s.instrument, sc);
      out.push({
        resourceType: 'Observation',
        id,
        json: `{"resourceType":"Observation","id":"${id}","status":"final","category":${SURVEY_CATEGORY},"code":${t.code},"subject":${subjectText},"effectiveDateTime":${authored},"valueQuantity":{"value":${value}${t.unit},"method":{"text":${method}},"derivedFrom":[{"reference":"urn:uuid:${qrId}"}]${t.panel}}`,
      });
    }
  }

  for (const v of p.visits) {
    const entries = v.opioids?.entries ?? [];
    entries.forEach((e, i) => {
      push({
        resourceType: 'MedicationStatement',
        id: rid(run, 'MedicationStatement', `${v.id}:${i}`),
        status: 'active',
        medicationCodeableConcept: { text: e.drug },
        subject,
        effectiveDateTime: d(v.visit_date),
        dosage: [
          {
            text: `${e.daily_amount} ${e.unit === 'mcg/h' ? 'mcg/h' : 'mg per day'}`,
            doseAndRate: [
              e.unit === 'mcg/h'
                ? { rateQuantity: { value: e.daily_amount, unit: 'mcg/h', system: UCUM, code: 'ug/h' } }
                : { doseQuantity: { value: e.daily_amount, unit: 'mg/d', system: UCUM, code: 'mg/d' } },
            ],
          },
        ],
      });
    });
    if (v.mme_per_day !== null)
      push({
        resourceType: 'Observation',
        id: rid(run, 'Observation', `mme:${v.id}`),
        status: 'final',
        code: {
          coding: [
            {
              system: own(run, 'CodeSystem/prom'),
              code: 'mme-per-day',
              display: 'Opioid use, morphine milligram equivalents per day',
            },
          ],
        },
        subject,
        effectiveDateTime: d(v.visit_date),
        valueQuantity: { value: v.mme_per_day, unit: 'mg/d', system: UCUM, code: 'mg/d' },
        method: { text: `CDC 2022 conversion factors, settings ${v.mme_config_version ?? 'unknown'}` },
        // no opioid entries (an MME of 0): no derivedFrom, since a FHIR JSON array is never empty
        ...(entries.length > 0
          ? { derivedFrom: entries.map((_, i) => ref(run, 'MedicationStatement', `${v.id}:${i}`)) }
          : {}),
      });
  }

  for (const a of p.adverse_events) {
    const causality = [
      ['procedure', a.attribution_procedure],
      ['product', a.attribution_product],
    ]
      .filter(([, x]) => x && CAUSALITY[x] !== undefined)
      .map(([what, x]) => ({
        ...(CAUSALITY[x!]
          ? { assessment: { coding: [{ system: AE_CAUSALITY, code: CAUSALITY[x!] }], text: `${what}: ${x}` } }
          : { assessment: { text: `${what}: ${x}` } }),
      }));
    push({
      resourceType: 'AdverseEvent',
      id: rid(run, 'AdverseEvent', a.id),
      actuality: 'actual',
      event: { text: run.deidentified ? 'adverse event (term withheld in de-identified exports)' : a.term },
      subject,
      date: d(a.onset_date),
      seriousness: { coding: [{ system: AE_SERIOUSNESS, code: a.serious ? 'serious' : 'non-serious' }] },
      // CTCAE grade kept as its own coding: never collapsed into mild/moderate/severe (§2).
      severity: {
        coding: [
          {
            system: own(run, 'CodeSystem/ctcae-grade'),
            code: String(a.grade),
            display: `CTCAE v${a.ctcae_version} grade ${a.grade}`,
          },
        ],
      },
      ...(a.outcome ? { outcome: { coding: [{ system: AE_OUTCOME, code: a.outcome }] } } : {}),
      ...(a.procedure_id !== null
        ? {
            suspectEntity: [
              { instance: ref(run, 'Procedure', a.procedure_id), ...(causality.length ? { causality } : {}) },
            ],
          }
        : {}),
    });
  }
  return out;
}

/** The Bundle's opening, up to the entries (streamed: entries follow, then BUNDLE_CLOSE). */
export function bundleOpen(run: ExportRun, exportId: string, timestamp: string): string {
  const head = {
    resourceType: 'Bundle',
    id: exportId,
    meta: {
      tag: [
        {
          system: own(run, 'CodeSystem/export'),
          code: run.deidentified ? 'deidentified-date-shifted' : 'identified',
          display: run.deidentified
            ? 'pseudonymous, free text dropped, birth year banded, dates shifted per patient (not HIPAA Safe Harbor: dates are shifted, not removed)'
            : 'registry ids and dates as recorded',
        },
      ],
    },
    type: 'collection',
    timestamp,
  };
  const json = JSON.stringify(head);
  return `${json.slice(0, -1)},"entry":[\n`;
}
export const BUNDLE_CLOSE = '\n]}\n';

/** One Bundle entry. */
export const bundleEntry = (r: FhirText): string => `{"fullUrl":"urn:uuid:${r.id}","resource":${r.json}}`;

/** Between two entries of the Bundle. */
export const ENTRY_SEPARATOR = ',\n';

/**
 * The Bundle is written in UTF-8 chunks of about this many bytes: each resource is serialised as soon as it
 * is built and encoded straight into the chunk (TextEncoder.encodeInto), so neither a page's resource objects
 * nor a page-sized string stay alive (bench:registry:export measures RSS), and no chunk-sized string is
 * joined only to be encoded: on the bench's resources encoding each entry into the chunk took ≈ 23 % less
 * CPU than joining 256 KB strings and encoding them (best of 4 runs each, 5,000 patients, shared machine).
 */
const CHUNK_BYTES = 256 * 1024;
const utf8 = new TextEncoder();

/**
 * The Bundle entries of some patients as UTF-8 chunks of about CHUNK_BYTES, entries separated by
 * ENTRY_SEPARATOR (none before the first); counts patients and resources (per type) into `counts`. The one
 * assembly of the entries, on the export's thread or on a worker (src/store/registry-export-worker.ts). Each
 * chunk has its own ArrayBuffer (a worker transfers it).
 */
export function* entryChunks(
  run: ExportRun,
  patients: readonly ExportPatient[],
  counts: Record<string, number>,
): Generator<Uint8Array> {
  let buf = new Uint8Array(CHUNK_BYTES);
  let pos = 0;
  let first = true;
  for (const p of patients) {
    counts.patients = (counts.patients ?? 0) + 1;
    for (const r of patientResources(run, p)) {
      counts.resources = (counts.resources ?? 0) + 1;
      counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
      const entry = first ? bundleEntry(r) : `${ENTRY_SEPARATOR}${bundleEntry(r)}`;
      first = false;
      // UTF-8 takes at most 3 bytes per UTF-16 code unit: the entry always fits in what is left.
      if (buf.length - pos < entry.length * 3) {
        if (pos > 0) yield buf.subarray(0, pos);
        buf = new Uint8Array(Math.max(CHUNK_BYTES, entry.length * 3));
        pos = 0;
      }
      pos += utf8.encodeInto(entry, buf.subarray(pos)).written;
    }
  }
  if (pos > 0) yield buf.subarray(0, pos);
}
