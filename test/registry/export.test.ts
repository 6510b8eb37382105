// Registry exports (issue 13 §4): the pure de-identification, dictionary and FHIR mapping rules, then the
// exports of a real registry (PGlite) over the API and the CLI: every FHIR resource of an identified and a
// de-identified Bundle validates against the official FHIR R4 JSON Schema (vendor/fhir-r4), references
// resolve, LOINC codes are those of docs/reference/interoperability.md §4, de-identified exports carry no
// registry id, date or free text, honour research consent and suppress small cells, and every export is
// audited with who, what and how many records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COLUMNS, csvLine, dictionaryLines, MEASURES } from '../../src/registry/export-csv.ts';
import {
  birthYearBand,
  DEFAULT_EXPORT_CONFIG,
  dateShiftDays,
  daysSinceIndex,
  type ExportRun,
  subjectId,
  suppressed,
} from '../../src/registry/export-deid.ts';
import {
  bundleEntry,
  EXT_PROCEDURE_USED,
  entryChunks,
  type FhirResource,
  patientResources,
} from '../../src/registry/export-fhir.ts';
import { parseCsv } from '../../src/stats/csv.ts';
import { openDb } from '../../src/store/db.ts';
import * as R from '../../src/store/registry.ts';
import { fhirErrors } from '../helpers/fhir-validate.ts';
import { api, buildWorld, fullPatient, pgliteWorld, visitInput, type World } from './fixtures.ts';

/** The resources of one patient as the Bundle carries them: the JSON text parsed (its type and id agree). */
function resourcesOf(r: ExportRun, p: Parameters<typeof patientResources>[1]): FhirResource[] {
  return patientResources(r, p).map((t) => {
    const res = JSON.parse(t.json) as FhirResource;
    assert.equal(res.resourceType, t.resourceType);
    assert.equal(res.id, t.id);
    return res;
  });
}

const run = (deidentified: boolean, key = 'k1'): ExportRun => ({
  deidentified,
  key,
  today: '2026-06-01',
  config: DEFAULT_EXPORT_CONFIG,
});

describe('export rules (pure)', () => {
  test('year of birth: 5-year bands; ages 90 and over aggregated (Safe Harbor item 3)', () => {
    assert.equal(birthYearBand(1968, '2026-06-01', 5), '1965-1969');
    assert.equal(birthYearBand(1970, '2026-06-01', 5), '1970-1974');
    assert.equal(birthYearBand(1936, '2026-06-01', 5), '90 or older'); // 90 this year
    assert.equal(birthYearBand(1920, '2026-06-01', 5), '90 or older');
    // the band never reaches into the birth years of people aged 90 or over
    assert.equal(birthYearBand(1937, '2026-06-01', 5), '1937-1939');
  });

  test('pseudonyms are re-keyed per export and not derived from the registry id', () => {
    const p = { id: 7, registry_id: 'P-ABCDEFGHJK' };
    const a = subjectId(run(true, 'k1'), p);
    assert.match(a, /^S-[0-9a-f]{16}$/);
    assert.equal(subjectId(run(true, 'k1'), p), a);
    assert.notEqual(subjectId(run(true, 'k2'), p), a);
    assert.notEqual(subjectId(run(true, 'k1'), { ...p, id: 8 }), a);
    assert.equal(subjectId(run(false), p), 'P-ABCDEFGHJK');
  });

  test('date shift: one non-zero offset per patient within the configured bound, re-keyed per export', () => {
    const max = DEFAULT_EXPORT_CONFIG.maxDateShiftDays.value;
    const shifts = new Set<number>();
    for (let id = 1; id <= 200; id++) {
      const s = dateShiftDays(run(true), id);
      assert.ok(s !== 0 && Math.abs(s) <= max, String(s));
      shifts.add(s);
    }
    assert.ok(shifts.size > 50, 'offsets differ between patients');
    assert.ok([...shifts].some((s) => s < 0) && [...shifts].some((s) => s > 0));
    const moved = [1, 2, 3, 4, 5].filter(
      (id) => dateShiftDays(run(true, 'a'), id) !== dateShiftDays(run(true, 'b'), id),
    );
    assert.ok(moved.length >= 4);
  });

  test('days since the index procedure; small cells below the threshold suppressed', () => {
    assert.equal(daysSinceIndex('2025-02-10', '2025-01-10'), 31);
    assert.equal(daysSinceIndex('2025-01-05', '2025-01-10'), -5);
    assert.equal(daysSinceIndex('2025-01-05', null), null);
    assert.equal(DEFAULT_EXPORT_CONFIG.smallCell.value, 5); // issue 13: n < 5 suppressed by default
    assert.equal(suppressed(4, DEFAULT_EXPORT_CONFIG), null);
    assert.equal(suppressed(5, DEFAULT_EXPORT_CONFIG), 5);
  });

  test('CSV quoting as RFC 4180', () => {
    assert.equal(csvLine(['a', 'b,c', 'd"e', null, 1.5, true]), 'a,"b,c","d""e",,1.5,true\r\n');
    assert.deepEqual(parseCsv(csvLine(['x\ny', 'z'])), [['x\ny', 'z']]);
  });

  test('dictionary: REDCap columns, every field of every table, every measure with units and version', () => {
    const rows = parseCsv(dictionaryLines({ deidentified: false }).join(''));
    assert.deepEqual(rows[0]!.slice(0, 5), [
      'Variable / Field Name',
      'Form Name',
      'Field Type',
      'Field Label',
      'Choices, Calculations, OR Slider Labels',
    ]);
    const fields = rows.slice(1).map((r) => `${r[1]}:${r[0]}`);
    for (const t of ['scores', 'procedures', 'adverse_events'] as const)
      for (const c of COLUMNS[t].filter((c) => c.only !== 'deidentified'))
        assert.ok(fields.includes(`${t}:${c.name}`), `${t}:${c.name}`);
    for (const m of MEASURES) {
      const r = rows.find((x) => x[0] === `${m.instrument}.${m.measure}` && x[1] === 'measures');
      assert.ok(r, m.measure);
      assert.ok(r[8], `${m.instrument}.${m.measure} has units`);
      assert.ok(r[9], `${m.instrument}.${m.measure} has an instrument version`);
    }
    const odi = rows.find((x) => x[0] === 'ODI.score')!;
    assert.deepEqual([odi[6], odi[7], odi[8], odi[9]], ['0', '100', '%', 'ODI v2.1a']);
    const sex = rows.find((x) => x[0] === 'sex')!;
    assert.equal(sex[4], '1, female | 2, male | 3, other | 4, unknown');
    // de-identified: no dates, no year of birth, no free text; a banded year and the aggregates instead
    const deid = parseCsv(dictionaryLines({ deidentified: true }).join('')).map((r) => r[0]);
    for (const gone of ['visit_date', 'procedure_date', 'onset_date', 'birth_year', 'term', 'operator'])
      assert.ok(!deid.includes(gone), gone);
    for (const kept of ['birth_year_band', 'days_since_index', 'suppressed']) assert.ok(deid.includes(kept), kept);
  });

  const patient = {
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
        id: 11,
        procedure_date: '2025-01-10',
        operator: 'Dr Named Person',
        therapy: 'PRP' as const,
        product: {},
        characterization: { fold: 5, dohan_ehrenfest: { value: 'P-PRP', reason: null } },
        targets: [{ structure: 'disc', level: 'L4-L5' }],
        image_guidance: 'fluoroscopy',
        injectate_volume_ml: 3,
        product_config_version: 'products-1',
      },
    ],
    visits: [
      {
        id: 21,
        timepoint: '3m',
        visit_date: '2025-04-10',
        in_window: true,
        mme_per_day: 22.5,
        mme_config_version: 'm1',
        opioids: { entries: [{ drug: 'oxycodone', daily_amount: 15, unit: 'mg' }] },
        reintervention: null,
      },
    ],
    scores: [
      {
        id: 31,
        visit_id: 21,
        instrument: 'NRS',
        instrument_version: 'NRS-11',
        config_version: 'c',
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
        config_version: 'c',
        value_set: null,
        input: { items: { Global01: 3 } },
        result: { gph_raw: 15, gph_t: 47.7, gmh_raw: 14, gmh_t: 48.3 },
        score: 47.7,
      },
      {
        id: 33,
        visit_id: 21,
        instrument: 'ODI',
        instrument_version: 'ODI v2.1a',
        config_version: 'c',
        value_set: null,
        input: { answers: [1, 2] },
        result: { score: 30 },
        score: 30,
      },
      {
        id: 34,
        visit_id: 21,
        instrument: 'EQ5D3L',
        instrument_version: 'EQ-5D-3L',
        config_version: 'c',
        value_set: 'UK; US',
        input: { state: '21222', vas: 60 },
        result: { index_uk: 0.5, index_us: 0.6, vas: 60 },
        score: 0.5,
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
    ],
  };

  test('FHIR mapping: LOINC codes where docs/reference/interoperability.md §4 gives them, registry codes elsewhere', () => {
    const rs = resourcesOf(run(false), patient);
    const obs = rs.filter((r) => r.resourceType === 'Observation');
    const codes = (r: FhirResource) => (r.code as { coding: { system: string; code: string }[] }).coding;
    const loinc = (code: string) =>
      obs.find((o) => codes(o).some((c) => c.system === 'http://loinc.org' && c.code === code));
    const scoreOf = (code: string) => (loinc(code)!.valueQuantity as { value: number }).value;
    assert.equal(scoreOf('72514-3'), 4); // NRS
    assert.equal(scoreOf('71972-4'), 15); // GPH raw
    assert.equal(scoreOf('71971-6'), 47.7); // GPH T
    assert.equal(scoreOf('71970-8'), 14); // GMH raw
    assert.equal(scoreOf('71969-0'), 48.3); // GMH T
    assert.equal(loinc('71967-4'), undefined, 'the PROMIS-29 anxiety code the reference warns about');
    // no LOINC code exists for ODI or EQ-5D-3L (§4): the registry's own code system
    for (const code of ['odi-score', 'eq5d3l-index-uk', 'eq5d3l-index-us', 'eq5d-vas']) {
      const o = obs.find((x) => codes(x).some((c) => c.code === code))!;
      assert.ok(o, code);
      assert.ok(codes(o).every((c) => c.system !== 'http://loinc.org'));
    }
    for (const o of obs.filter((x) => codes(x)[0]!.code !== 'mme-per-day')) {
      assert.deepEqual(o.category, [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] },
      ]);
      assert.match((o.derivedFrom as { reference: string }[])[0]!.reference, /^urn:uuid:/);
    }
    const qr = rs.find(
      (r) => r.resourceType === 'QuestionnaireResponse' && (r.item as { linkId: string }[])[0]?.linkId === 'Global01',
    )!;
    assert.equal((qr.item as { definition: string }[])[0]!.definition, 'http://loinc.org/61577-3');
    // the product through the R5 cross-version extension; the procedure as the adverse event's suspect
    const proc = rs.find((r) => r.resourceType === 'Procedure')!;
    const used = (proc.extension as { url: string; valueReference: { reference: string } }[])[0]!;
    assert.equal(used.url, EXT_PROCEDURE_USED);
    const bdp = rs.find((r) => r.resourceType === 'BiologicallyDerivedProduct')!;
    assert.equal(used.valueReference.reference, `urn:uuid:${bdp.id}`);
    assert.equal(bdp.productCategory, 'fluid');
    const ae = rs.find((r) => r.resourceType === 'AdverseEvent')!;
    const suspect = (
      ae.suspectEntity as {
        instance: { reference: string };
        causality: { assessment: { coding?: { code: string }[] } }[];
      }[]
    )[0]!;
    assert.equal(suspect.instance.reference, `urn:uuid:${proc.id}`);
    // docs/reference/safety.md §4.2: probable → Probably-Likely, possible → Possible
    assert.deepEqual(
      suspect.causality.map((c) => c.assessment.coding?.[0]?.code),
      ['Probably-Likely', 'Possible'],
    );
    assert.deepEqual(ae.outcome, {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome', code: 'recovering' }],
    });
    assert.equal((ae.severity as { coding: { code: string }[] }).coding[0]!.code, '3', 'the CTCAE grade is kept');
    const consent = rs.find((r) => r.resourceType === 'Consent')!;
    assert.equal((consent.scope as { coding: { code: string }[] }).coding[0]!.code, 'research');
    const ms = rs.find((r) => r.resourceType === 'MedicationStatement')!;
    assert.equal((ms.medicationCodeableConcept as { text: string }).text, 'oxycodone');
  });

  test('FHIR de-identified: pseudonym, banded birth year, shifted dates, no free text', () => {
    const r = run(true);
    const rs = resourcesOf(r, patient);
    const text = JSON.stringify(rs);
    for (const secret of ['P-0123456789', 'Discitis', 'Dr Named Person', '2025-01-10', '2025-04-10', '"1968'])
      assert.ok(!text.includes(secret), secret);
    const p = rs[0]!;
    assert.equal(p.birthDate, undefined);
    assert.equal((p.extension as { valueString: string }[])[0]!.valueString, '1965-1969');
    const shift = dateShiftDays(r, patient.id);
    const proc = rs.find((x) => x.resourceType === 'Procedure')!;
    assert.equal(daysSinceIndex(String(proc.performedDateTime), '2025-01-10'), shift);
    const obs = rs.find((x) => x.resourceType === 'Observation')!;
    // intervals within the patient are kept
    assert.equal(daysSinceIndex(String(obs.effectiveDateTime), String(proc.performedDateTime)), 90);
  });

  test('Bundle entries as UTF-8 chunks: about 256 KB each, the bytes of the entries joined, non-ASCII text whole', () => {
    // 600 patients (≈ 250 entries of ≈ 1 KB per 64 patients here) with a drug name and an event term outside
    // ASCII (2- and 3-byte UTF-8, and a 4-byte one), so that chunk boundaries fall among multi-byte text.
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...patient,
      id: 1000 + i,
      visits: patient.visits.map((v) => ({
        ...v,
        opioids: { entries: [{ drug: `oxycodone ${'µ€𝛃'.repeat(1 + (i % 7))}`, daily_amount: 15, unit: 'mg' }] },
      })),
      adverse_events: patient.adverse_events.map((a) => ({ ...a, term: `Discitis — ${'é'.repeat(i % 50)}` })),
    }));
    const counts: Record<string, number> = {};
    const chunks = [...entryChunks(run(false), many, counts)];
    const expected = many
      .flatMap((p) => patientResources(run(false), p))
      .map(bundleEntry)
      .join(',\n');
    assert.ok(chunks.length > 2, `${chunks.length} chunks`);
    for (const c of chunks.slice(0, -1)) assert.ok(c.length > 200_000 && c.length <= 256 * 1024, String(c.length));
    assert.equal(Buffer.concat(chunks).toString('utf8'), expected);
    assert.equal(Buffer.concat(chunks).length, Buffer.byteLength(expected));
    assert.equal(counts.patients, 600);
    assert.equal(counts.AdverseEvent, 600);
    assert.equal(
      counts.resources,
      Object.entries(counts)
        .filter(([k]) => k !== 'patients' && k !== 'resources')
        .reduce((n, [, v]) => n + v, 0),
    );
  });

  test('every resource of the mapping validates against the FHIR R4 schema (and a broken one does not)', () => {
    for (const deid of [false, true])
      for (const res of resourcesOf(run(deid), patient)) assert.deepEqual(fhirErrors(res), [], res.resourceType);
    assert.ok(fhirErrors({ resourceType: 'Patient', gender: 'f' } as never).length > 0);
    assert.ok(
      fhirErrors({ resourceType: 'AdverseEvent', subject: { reference: 'x' } }).length > 0,
      'actuality required',
    );
    const ae = { resourceType: 'AdverseEvent', actuality: 'actual', subject: { reference: 'x' } };
    assert.deepEqual(fhirErrors(ae), []);
    assert.ok(fhirErrors({ ...ae, severity: { coding: 'x' } }).length > 0, 'coding is a list of Codings');
    assert.ok(fhirErrors({ ...ae, actuality: 'maybe' }).length > 0, 'not in the value set');
    assert.ok(fhirErrors({ ...ae, grade: 3 }).length > 0, 'no such element');
    assert.ok(fhirErrors({ ...ae, date: '2025-13-01' }).length > 0, 'not a date');
  });
});

/** Every resource of a Bundle text: schema-valid, unique fullUrls, every urn:uuid reference resolved. */
function checkBundle(text: string): Record<string, number> {
  const b = JSON.parse(text) as {
    resourceType: string;
    type: string;
    entry: { fullUrl: string; resource: FhirResource }[];
  };
  assert.equal(b.resourceType, 'Bundle');
  assert.equal(b.type, 'collection');
  const { entry, ...head } = b;
  assert.deepEqual(fhirErrors({ ...head, entry: [] } as Record<string, unknown>), []);
  const urls = new Set(entry.map((e) => e.fullUrl));
  assert.equal(urls.size, entry.length);
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  for (const e of entry) {
    errors.push(...fhirErrors(e.resource));
    assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`);
    counts[e.resource.resourceType] = (counts[e.resource.resourceType] ?? 0) + 1;
    for (const m of JSON.stringify(e.resource).matchAll(/"reference":"(urn:uuid:[^"]+)"/g))
      assert.ok(urls.has(m[1]!), `unresolved ${m[1]} in ${e.resource.resourceType}`);
  }
  assert.deepEqual(errors, []);
  return counts;
}

describe('exports of a registry', () => {
  const world = pgliteWorld();
  const consented: { id: number; registry_id: string }[] = [];
  let unconsented: { id: number; registry_id: string };
  before(async () => {
    const w = world.w;
    for (let i = 0; i < 2; i++) {
      const { patient } = await fullPatient(w, 'A', { visit: true, research: true });
      await R.submitFollowUp(w.db, w.actors.A.clinician, patient.id, visitInput('3m', '2025-04-12'));
      consented.push(patient);
    }
    unconsented = (await fullPatient(w, 'A', { visit: true })).patient;
  });

  const get = (w: World, token: string, q: string) => api(w, token, 'GET', `/api/registry/export?${q}`);

  test('FHIR, identified (admin): every resource valid, all patients of the site, audited with counts', async () => {
    const w = world.w;
    const r = await get(w, w.tokens.A.admin, 'format=fhir');
    assert.equal(r.status, 200, r.text);
    const counts = checkBundle(r.text);
    assert.equal(counts.Patient, 3);
    for (const t of [
      'Consent',
      'Procedure',
      'BiologicallyDerivedProduct',
      'QuestionnaireResponse',
      'Observation',
      'MedicationStatement',
      'AdverseEvent',
    ])
      assert.ok((counts[t] ?? 0) > 0, t);
    assert.ok(r.text.includes(unconsented.registry_id));
    const ev = await w.db.query<{
      user_id: number;
      detail: { phase: string; export: string; records?: Record<string, number> };
    }>(
      "SELECT user_id, detail FROM security_event WHERE kind = 'export' AND detail ->> 'export' = 'registry/fhir' ORDER BY id",
    );
    assert.deepEqual(
      ev.rows.map((e) => e.detail.phase),
      ['started', 'finished'],
    );
    assert.equal(Number(ev.rows[0]!.user_id), w.actors.A.admin.userId);
    assert.equal(ev.rows[1]!.detail.records!.patients, 3);
    assert.equal(ev.rows[1]!.detail.records!.Patient, 3);
  });

  test('FHIR, de-identified (analyst): valid, research consent only, no registry id or term', async () => {
    const w = world.w;
    const r = await get(w, w.tokens.A.analyst, 'format=fhir&deidentified=true');
    assert.equal(r.status, 200, r.text);
    const counts = checkBundle(r.text);
    assert.equal(counts.Patient, 2, 'the patient without research consent is left out');
    for (const p of [...consented, unconsented]) assert.ok(!r.text.includes(p.registry_id));
    assert.ok(!r.text.includes('Discitis') && !r.text.includes('operator-1'));
  });

  test('who may export: admins and analysts; analysts de-identified only', async () => {
    const w = world.w;
    assert.equal((await get(w, w.tokens.A.analyst, 'format=fhir')).status, 403);
    assert.equal((await get(w, w.tokens.A.coordinator, 'format=fhir&deidentified=true')).status, 403);
    assert.equal((await get(w, w.tokens.A.clinician, 'format=csv&deidentified=true')).status, 403);
    assert.equal((await get(w, w.tokens.A.admin, 'format=xml')).status, 400);
    assert.equal((await get(w, w.tokens.A.admin, `format=fhir&site_id=${w.sites.B}`)).status, 403);
    assert.equal((await w.app.request('/api/registry/export?format=fhir')).status, 401);
  });

  test('CSV long format (de-identified): covariates on every row, days not dates, values as stored', async () => {
    const w = world.w;
    const r = await get(w, w.tokens.A.analyst, 'format=csv&table=scores&deidentified=true');
    assert.equal(r.status, 200, r.text);
    const rows = parseCsv(r.text);
    const head = rows[0]!;
    for (const c of [
      'subject',
      'birth_year_band',
      'therapy',
      'product_class',
      'timepoint',
      'days_since_index',
      'instrument',
      'measure',
      'value',
    ])
      assert.ok(head.includes(c), c);
    for (const c of ['visit_date', 'birth_year']) assert.ok(!head.includes(c), c);
    const at = (row: string[], c: string) => row[head.indexOf(c)]!;
    const body = rows.slice(1);
    assert.equal(new Set(body.map((x) => at(x, 'subject'))).size, 2);
    const stored = await w.db.query<{ score: number }>(
      "SELECT score FROM prom_score ps JOIN followup_visit v ON v.id = ps.visit_id WHERE ps.patient_id = $1 AND ps.instrument = 'ODI' AND v.timepoint = '3m'",
      [consented[0]!.id],
    );
    const odi3m = body.filter((x) => at(x, 'instrument') === 'ODI' && at(x, 'timepoint') === '3m');
    assert.equal(odi3m.length, 2);
    assert.ok(odi3m.some((x) => Number(at(x, 'value')) === stored.rows[0]!.score));
    // 2025-04-12 is 92 days after the index procedure of 2025-01-10
    assert.ok(odi3m.every((x) => at(x, 'days_since_index') === '92'));
    assert.ok(body.every((x) => at(x, 'therapy') === 'PRP' && /^\d{4}-\d{4}$|^\d{4}$/.test(at(x, 'birth_year_band'))));
    const mme = body.filter((x) => at(x, 'instrument') === 'MME');
    assert.ok(mme.length > 0 && mme.every((x) => at(x, 'measure') === 'mme_per_day'));
  });

  test('summary: cells under the small-cell threshold are suppressed, cells at it are shown', async () => {
    const w = world.w;
    const few = parseCsv((await get(w, w.tokens.A.analyst, 'format=csv&table=summary&deidentified=true')).text);
    const h = few[0]!;
    assert.ok(few.length > 1);
    for (const row of few.slice(1)) {
      assert.equal(row[h.indexOf('n')], '');
      assert.equal(row[h.indexOf('mean')], '');
      assert.equal(row[h.indexOf('suppressed')], '1');
    }
    for (let i = 0; i < 5; i++) await fullPatient(w, 'B', { visit: true, research: true });
    const five = parseCsv((await get(w, w.tokens.B.analyst, 'format=csv&table=summary&deidentified=true')).text);
    const nrs = five.find((x) => x[h.indexOf('timepoint')] === 'baseline' && x[h.indexOf('instrument')] === 'NRS')!;
    assert.equal(nrs[h.indexOf('n')], '5');
    assert.equal(Number(nrs[h.indexOf('mean')]), 6); // every baseline NRS was 6 (test/registry/fixtures.ts visitInput)
    assert.equal((await get(w, w.tokens.A.admin, 'format=csv&table=summary')).status, 400, 'identified: no summary');
  });
});

describe('regenspine export registry (CLI)', () => {
  const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
  let dir: string;
  let registryIds: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rs-export-'));
    const db = await openDb({ dataDir: join(dir, 'data') });
    try {
      const w = await buildWorld(db);
      registryIds = [(await fullPatient(w, 'A', { visit: true, research: true })).patient.registry_id];
    } finally {
      await db.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, REGENSPINE_DATA_DIR: join(dir, 'data'), REGENSPINE_OPERATOR: 'export.tester' },
    });

  test('csv --deidentified writes the tables of one export (pseudonyms join); fhir validates; the evidence export is unchanged', () => {
    const out = join(dir, 'csv');
    const r = cli(['export', 'registry', '--format', 'csv', '--deidentified', '--site', 'SITE-A', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const scores = parseCsv(readFileSync(join(out, 'scores.csv'), 'utf8'));
    const procs = parseCsv(readFileSync(join(out, 'procedures.csv'), 'utf8'));
    const aes = parseCsv(readFileSync(join(out, 'adverse_events.csv'), 'utf8'));
    const dict = parseCsv(readFileSync(join(out, 'dictionary.csv'), 'utf8'));
    assert.ok(scores.length > 1 && procs.length === 2 && aes.length === 2 && dict.length > 10);
    assert.equal(scores[1]![0], procs[1]![0], 'one key for the whole export');
    assert.equal(procs[1]![0], aes[1]![0]);
    assert.match(readFileSync(join(out, 'summary.csv'), 'utf8'), /^site,therapy,timepoint/);
    for (const f of ['scores', 'procedures', 'adverse_events'])
      assert.ok(!readFileSync(join(out, `${f}.csv`), 'utf8').includes(registryIds[0]!));

    const f = cli(['export', 'registry', '--format', 'fhir']);
    assert.equal(f.status, 0, f.stderr);
    assert.equal(checkBundle(f.stdout).Patient, 1);
    assert.ok(f.stdout.includes(registryIds[0]!));

    assert.equal(cli(['export', 'registry', '--format', 'csv']).status, 1, 'csv needs --out');
    const e = cli(['export', '--format', 'json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).schema, 'regenspine.evidence/2');
  });
});
