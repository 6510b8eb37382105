// Registry exports, the shared de-identification core (pure, in memory): research-consent filtering of a
// page, keyed pseudonyms and resource UUIDs, per-patient date shifts, days since the index procedure, banded
// years of birth, small-cell suppression, product classes, the index procedure and the targets text.
// Expected values: HIPAA Safe Harbor as vendored in docs/reference/interoperability.md §5 (item 3: ages 90
// and over aggregated, dates as days since the index procedure; item 18: a re-identification code not derived
// from identifiers), docs/reference/registry.md §De-identification, RFC 9562 (UUID version 4 layout),
// config/registry-export.json (smallCell 5, bands of 5 years, shifts up to 180 days) and hand arithmetic.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  birthYearBand,
  DEFAULT_EXPORT_CONFIG,
  dateShiftDays,
  daysSinceIndex,
  type ExportConfig,
  type ExportPatient,
  type ExportProcedure,
  type ExportRun,
  exportablePatients,
  indexProcedure,
  patientDates,
  patientUuids,
  productClass,
  subjectId,
  suppressed,
  targetsText,
} from '../../src/registry/export-deid.ts';

const config = (over: Partial<Record<'smallCell' | 'maxDateShiftDays' | 'birthYearBandYears', number>> = {}) => {
  const c: ExportConfig = structuredClone(DEFAULT_EXPORT_CONFIG);
  if (over.smallCell !== undefined) c.smallCell.value = over.smallCell;
  if (over.maxDateShiftDays !== undefined) c.maxDateShiftDays.value = over.maxDateShiftDays;
  if (over.birthYearBandYears !== undefined) c.birthYearBandYears.value = over.birthYearBandYears;
  return c;
};
const run = (deidentified: boolean, key = 'export-key-1', cfg: ExportConfig = DEFAULT_EXPORT_CONFIG): ExportRun => ({
  deidentified,
  key,
  today: '2026-06-01',
  config: cfg,
});

/** Whole days from a to b (UTC calendar dates), by Date.UTC arithmetic. */
const dayDiff = (a: string, b: string) =>
  (Date.UTC(+b.slice(0, 4), +b.slice(5, 7) - 1, +b.slice(8, 10)) -
    Date.UTC(+a.slice(0, 4), +a.slice(5, 7) - 1, +a.slice(8, 10))) /
  86_400_000;

const patient = (id: number, over: Partial<ExportPatient> = {}): ExportPatient => ({
  id,
  registry_id: `P-00000000${id}`,
  site_code: 'S1',
  year_of_birth: 1970,
  sex: 'female',
  status: 'active',
  pain_generator_group: 'discogenic',
  index_procedure_date: null,
  consents: [],
  procedures: [],
  visits: [],
  scores: [],
  adverse_events: [],
  ...over,
});
const consent = (scope: string, consent_date: string, withdrawn_date: string | null = null) => ({
  id: 1,
  scope,
  form_version: 'v1',
  consent_date,
  withdrawn_date,
});
const procedure = (id: number, procedure_date: string, over: Partial<ExportProcedure> = {}): ExportProcedure => ({
  id,
  procedure_date,
  operator: 'Dr Someone',
  therapy: 'PRP',
  product: {},
  characterization: {},
  targets: [],
  image_guidance: 'fluoroscopy',
  injectate_volume_ml: 3,
  product_config_version: null,
  ...over,
});

describe('research export: which patients a page may carry', () => {
  // src/registry/consent.ts (security review M6): research consent given on or before today and not withdrawn
  // by today, no registry withdrawal; an identified export carries every patient of the page.
  const page = [
    patient(1, { consents: [consent('research', '2025-01-02')] }), // holds
    patient(2, { consents: [consent('registry', '2025-01-02')] }), // no research consent
    patient(3, { status: 'withdrawn', consents: [consent('research', '2025-01-02')] }), // withdrew from the registry
    patient(4, { consents: [consent('research', '2025-01-02', '2026-05-01')] }), // research consent withdrawn
    patient(5, { consents: [consent('research', '2026-06-01')] }), // given today: holds
    patient(6, { consents: [consent('research', '2026-06-02')] }), // dated tomorrow: not yet
  ];
  const text = JSON.stringify(page);

  test('de-identified: only patients whose research consent holds today', () => {
    assert.deepEqual(
      exportablePatients(run(true), text).map((p) => p.id),
      [1, 5],
    );
  });

  test('identified: every patient of the page, in page order, as read from the text', () => {
    assert.deepEqual(exportablePatients(run(false), text), page);
  });

  test('an empty page is an empty list either way', () => {
    assert.deepEqual(exportablePatients(run(true), '[]'), []);
    assert.deepEqual(exportablePatients(run(false), '[]'), []);
  });
});

describe('subject ids (Safe Harbor item 18: a code not derived from identifiers, key not disclosed)', () => {
  const p = { id: 7, registry_id: 'P-ABCDEFGHJK' };

  test('identified: the registry id itself', () => {
    assert.equal(subjectId(run(false), p), 'P-ABCDEFGHJK');
  });

  test('de-identified: "S-" and 16 hex digits, stable within one export', () => {
    const a = subjectId(run(true), p);
    assert.match(a, /^S-[0-9a-f]{16}$/);
    assert.equal(subjectId(run(true), { ...p }), a);
    assert.ok(!a.includes('ABCDEFGHJK'));
  });

  test('de-identified: another patient or another export key gives another pseudonym', () => {
    const ids = new Set<string>();
    for (let id = 1; id <= 50; id++) ids.add(subjectId(run(true), { id, registry_id: 'P-SAME' }));
    assert.equal(ids.size, 50, 'one pseudonym per patient');
    assert.notEqual(subjectId(run(true, 'export-key-2'), p), subjectId(run(true, 'export-key-1'), p));
    // the registry id does not enter the pseudonym: same database id, other registry id → same pseudonym
    assert.equal(subjectId(run(true), { id: 7, registry_id: 'P-OTHER' }), subjectId(run(true), p));
  });
});

describe('FHIR resource ids: RFC 9562 version-4 layout, one keyed hash per patient plus a counter', () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test('the same (kind, id) always gets the same UUID; each new resource counts up in the last 32 bits', () => {
    const uuid = patientUuids(run(true), 3);
    const a = uuid('Patient', 3);
    const b = uuid('Procedure', 11);
    const c = uuid('Observation', 11); // same id, other kind: another resource
    const d = uuid('Observation', '11'); // a string id is another key than the number
    assert.equal(uuid('Procedure', 11), b);
    assert.equal(uuid('Patient', 3), a);
    for (const u of [a, b, c, d]) assert.match(u, UUID_V4);
    assert.deepEqual(
      [a, b, c, d].map((u) => u.slice(-8)),
      ['00000000', '00000001', '00000002', '00000003'],
    );
    // the first 96 bits are the patient's and shared by its resources
    assert.deepEqual(new Set([a, b, c, d].map((u) => u.slice(0, 28))).size, 1);
    assert.equal(uuid('Observation', 11), c);
    assert.equal(uuid('Procedure', 12).slice(-8), '00000004');
  });

  test('version nibble 4 and variant bits 10 for every patient; patients and export keys differ', () => {
    const heads = new Set<string>();
    for (let id = 1; id <= 64; id++) {
      const u = patientUuids(run(true), id)('Patient', id);
      assert.match(u, UUID_V4, u);
      heads.add(u.slice(0, 28));
    }
    assert.equal(heads.size, 64);
    assert.notEqual(patientUuids(run(true, 'other-key'), 1)('Patient', 1), patientUuids(run(true), 1)('Patient', 1));
  });
});

describe('date shifts of a de-identified FHIR export: ±1 … maxDateShiftDays, never 0', () => {
  test('with maxDateShiftDays 2 every shift is −2, −1, 1 or 2, and all four occur', () => {
    const r = run(true, 'export-key-1', config({ maxDateShiftDays: 2 }));
    const seen = new Set<number>();
    for (let id = 1; id <= 200; id++) seen.add(dateShiftDays(r, id));
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [-2, -1, 1, 2],
    );
  });

  test('with maxDateShiftDays 1 every shift is ±1, both signs occurring', () => {
    const r = run(true, 'export-key-1', config({ maxDateShiftDays: 1 }));
    const seen = new Set<number>();
    for (let id = 1; id <= 100; id++) seen.add(dateShiftDays(r, id));
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [-1, 1],
    );
  });

  test('default bound 180 days: non-zero, within the bound, varied between patients, stable per patient', () => {
    const max = DEFAULT_EXPORT_CONFIG.maxDateShiftDays.value;
    assert.equal(max, 180); // config/registry-export.json
    const shifts = new Set<number>();
    for (let id = 1; id <= 200; id++) {
      const s = dateShiftDays(run(true), id);
      assert.ok(Number.isInteger(s) && s !== 0 && Math.abs(s) <= max, String(s));
      assert.equal(dateShiftDays(run(true), id), s);
      shifts.add(s);
    }
    assert.ok(shifts.size > 60, `offsets differ between patients (${shifts.size})`);
    const rekeyed = [1, 2, 3, 4, 5, 6].filter(
      (id) => dateShiftDays(run(true, 'a'), id) !== dateShiftDays(run(true, 'b'), id),
    );
    assert.ok(rekeyed.length >= 5);
  });

  test('identified FHIR dates are as stored', () => {
    const f = patientDates(run(false), 3);
    assert.equal(f('2025-01-10'), '2025-01-10');
    assert.equal(f('2024-02-29'), '2024-02-29');
  });

  test('de-identified FHIR dates: every date of a patient moved by the same non-zero offset', () => {
    for (const id of [1, 2, 3, 4, 5]) {
      const r = run(true);
      const f = patientDates(r, id);
      const shift = dateShiftDays(r, id);
      for (const d of ['2025-01-10', '2024-12-31', '2024-02-28', '2025-07-01']) {
        const moved = f(d);
        assert.match(moved, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(dayDiff(d, moved), shift, `${id} ${d} → ${moved}`);
      }
    }
  });
});

describe('days since the index procedure (Safe Harbor item 3: follow-up as days, no dates)', () => {
  test('after, before and on the index day; across a leap day and a year end', () => {
    assert.equal(daysSinceIndex('2025-02-10', '2025-01-10'), 31); // January has 31 days
    assert.equal(daysSinceIndex('2025-01-05', '2025-01-10'), -5);
    assert.equal(daysSinceIndex('2025-01-10', '2025-01-10'), 0);
    assert.equal(daysSinceIndex('2024-03-01', '2024-02-28'), 2); // 2024-02-29 exists
    assert.equal(daysSinceIndex('2026-01-01', '2025-12-31'), 1);
    assert.equal(daysSinceIndex('2025-07-10', '2025-01-10'), 181); // 31+28+31+30+31+30
  });

  test('no index procedure or no date: null', () => {
    assert.equal(daysSinceIndex('2025-01-05', null), null);
    assert.equal(daysSinceIndex(null, '2025-01-10'), null);
    assert.equal(daysSinceIndex(null, null), null);
    assert.equal(daysSinceIndex('', '2025-01-10'), null);
  });
});

describe('year of birth banded; ages 90 and over aggregated (Safe Harbor item 3)', () => {
  test('5-year bands aligned on multiples of 5', () => {
    assert.equal(birthYearBand(1968, '2026-06-01', 5), '1965-1969'); // floor(1968/5)*5 = 1965
    assert.equal(birthYearBand(1965, '2026-06-01', 5), '1965-1969');
    assert.equal(birthYearBand(1970, '2026-06-01', 5), '1970-1974');
    assert.equal(birthYearBand(2001, '2026-06-01', 5), '2000-2004');
  });

  test('90 this year is "90 or older"; 89 is not', () => {
    assert.equal(birthYearBand(1936, '2026-06-01', 5), '90 or older'); // 2026 − 1936 = 90
    assert.equal(birthYearBand(1936, '2026-01-01', 5), '90 or older'); // by calendar year
    assert.equal(birthYearBand(1920, '2026-06-01', 5), '90 or older');
    assert.equal(birthYearBand(1937, '2026-06-01', 5), '1937-1939'); // 89: band 1935-1939 cut at 2026 − 89
  });

  test('a band cut down to one year is that year; 1-year bands are the year', () => {
    assert.equal(birthYearBand(1939, '2028-06-01', 5), '1939'); // band 1935-1939 cut at 2028 − 89 = 1939
    assert.equal(birthYearBand(1970, '2026-06-01', 1), '1970');
    assert.equal(birthYearBand(1937, '2026-06-01', 1), '1937');
  });

  test('other band widths: 10 and 3 years', () => {
    assert.equal(birthYearBand(1968, '2026-06-01', 10), '1960-1969');
    assert.equal(birthYearBand(1939, '2026-06-01', 3), '1938-1940'); // floor(1939/3)*3 = 1938; 1938 ≥ 1937
    assert.equal(birthYearBand(1937, '2026-06-01', 3), '1937'); // band 1935-1937 cut at 2026 − 89 = 1937
  });
});

describe('small cells suppressed (config smallCell, n below it → null)', () => {
  test('default threshold 5: 4 suppressed, 5 and 6 shown, 0 suppressed', () => {
    assert.equal(DEFAULT_EXPORT_CONFIG.smallCell.value, 5); // config/registry-export.json, issue 13
    assert.equal(suppressed(4, DEFAULT_EXPORT_CONFIG), null);
    assert.equal(suppressed(0, DEFAULT_EXPORT_CONFIG), null);
    assert.equal(suppressed(5, DEFAULT_EXPORT_CONFIG), 5);
    assert.equal(suppressed(6, DEFAULT_EXPORT_CONFIG), 6);
  });

  test('threshold 1: only an empty cell is suppressed', () => {
    assert.equal(suppressed(0, config({ smallCell: 1 })), null);
    assert.equal(suppressed(1, config({ smallCell: 1 })), 1);
  });
});

describe('product class: PRP by Dohan Ehrenfest family, MSC by source, BMC', () => {
  // docs/reference/products.md §1.5 (P-PRP, L-PRP)
  test('PRP with a derived family', () => {
    assert.equal(
      productClass({ therapy: 'PRP', product: {}, characterization: { dohan_ehrenfest: { value: 'P-PRP' } } }),
      'PRP P-PRP',
    );
    assert.equal(
      productClass({ therapy: 'PRP', product: {}, characterization: { dohan_ehrenfest: { value: 'L-PRP' } } }),
      'PRP L-PRP',
    );
  });

  test('PRP whose family cannot be derived', () => {
    const none = 'PRP (class not derivable)';
    assert.equal(productClass({ therapy: 'PRP', product: {}, characterization: {} }), none);
    assert.equal(
      productClass({ therapy: 'PRP', product: {}, characterization: { dohan_ehrenfest: { value: null } } }),
      none,
    );
  });

  test('MSC by tissue source, or plain MSC without a source text', () => {
    assert.equal(productClass({ therapy: 'MSC', product: { source: 'adipose' }, characterization: {} }), 'MSC adipose');
    assert.equal(productClass({ therapy: 'MSC', product: {}, characterization: {} }), 'MSC');
    assert.equal(productClass({ therapy: 'MSC', product: { source: 3 }, characterization: {} }), 'MSC');
  });

  test('BMC is BMC whatever its characterisation', () => {
    assert.equal(
      productClass({
        therapy: 'BMC',
        product: { source: 'iliac crest' },
        characterization: { dohan_ehrenfest: { value: 'L-PRP' } },
      }),
      'BMC',
    );
  });
});

describe('index procedure: the earliest, ties by id', () => {
  test('the earliest date wins even with a higher id and listed later', () => {
    const p = patient(1, {
      procedures: [
        procedure(2, '2025-07-01'),
        procedure(3, '2025-07-01'),
        procedure(9, '2025-01-10', { therapy: 'BMC' }),
      ],
    });
    assert.equal(indexProcedure(p)?.id, 9);
    // the record's list is not reordered
    assert.deepEqual(
      p.procedures.map((x) => x.id),
      [2, 3, 9],
    );
  });

  test('same day: the lower id', () => {
    const p = patient(1, {
      procedures: [procedure(8, '2025-01-10'), procedure(5, '2025-01-10'), procedure(6, '2025-01-10')],
    });
    assert.equal(indexProcedure(p)?.id, 5);
  });

  test('no procedure: null', () => {
    assert.equal(indexProcedure(patient(1)), null);
  });
});

describe('targets as one text', () => {
  test('"disc L4-L5; facet L5-S1 left": structure, level, side, approach; empty parts left out', () => {
    // docs example in src/registry/export-deid.ts
    assert.equal(
      targetsText([
        { structure: 'disc', level: 'L4-L5' },
        { structure: 'facet', level: 'L5-S1', side: 'left', approach: null },
      ]),
      'disc L4-L5; facet L5-S1 left',
    );
    assert.equal(
      targetsText([{ structure: 'epidural', level: 'L5-S1', side: 'right', approach: 'transforaminal' }]),
      'epidural L5-S1 right transforaminal',
    );
    assert.equal(targetsText([{ structure: 'SIJ', level: null, side: 'left' }]), 'SIJ left');
    assert.equal(targetsText([]), '');
  });
});
