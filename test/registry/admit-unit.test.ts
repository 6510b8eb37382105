// Admission rules (src/registry/admit.ts), tested without a database: eligibility and a registry consent
// holding on the procedure day (issue 5: "Refuse a procedure without both", docs/reference/registry-settings.md),
// dates within the patient's life and not in the future, withdrawal, the index procedure, and the follow-up
// schedule of config/registry.json (docs/reference/registry.md "Follow-up schedule and status"). Each
// boundary is tested on the day itself and one day either side.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  admitFollowUp,
  admitProcedure,
  isIndexProcedure,
  lifeOf,
  type PatientFacts,
  prepareFollowUp,
} from '../../src/registry/admit.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../src/registry/config.ts';
import { refusal, rejection } from './command-error.ts';

const patient = (over: Partial<PatientFacts> = {}): PatientFacts => ({
  eligible: true,
  year_of_birth: 1968,
  status: 'active',
  status_date: null,
  index_procedure_date: null,
  ...over,
});
const registry = (consent_date: string, withdrawn_date: string | null = null) => ({
  scope: 'registry',
  consent_date,
  withdrawn_date,
});
const care = { scope: 'care', consent_date: '2025-01-02', withdrawn_date: null };
const TODAY = '2025-03-01';

const prp = (procedure_date: unknown = '2025-01-10', over: Record<string, unknown> = {}) => ({
  procedure_date,
  operator: 'operator-1',
  therapy: 'PRP',
  prp: {
    baseline: { platelets: 200000, wbc: 6000, neutrophils: 3500 },
    prp: { platelets: 1000000, wbc: 1000, neutrophils: 200, rbc_pct: 0.5 },
    activation: 'none',
    form: 'liquid',
    volumes: { whole_blood_ml: 60, prp_ml: 6, injected_ml: 3 },
  },
  targets: [{ structure: 'disc', level: 'L4-L5' }],
  image_guidance: 'fluoroscopy',
  injectate_volume_ml: 3,
  ...over,
});
const undated = () => {
  const { procedure_date: _d, ...rest } = prp();
  return rest;
};
const bmc = (device: string) => ({
  ...prp('2025-01-10'),
  therapy: 'BMC',
  prp: null,
  bmc: { tnc_per_ml: 121e6, injected_volume_ml: 2, final_volume_ml: 6, device },
});
const admit = (p: PatientFacts, consents: object[], input: unknown, today = TODAY) =>
  refusal(() => admitProcedure(p, consents as never, input, today));

describe("the patient's life span for date checks", () => {
  test('the date of death is the status date of a deceased patient only', () => {
    assert.deepEqual(lifeOf({ year_of_birth: 1950, status: 'deceased', status_date: '2025-04-01' }), {
      year_of_birth: 1950,
      died: '2025-04-01',
    });
    assert.deepEqual(lifeOf({ year_of_birth: 1950, status: 'withdrawn', status_date: '2025-04-01' }), {
      year_of_birth: 1950,
      died: null,
    });
  });
});

describe('admitting a procedure: eligibility and registry consent first', () => {
  test('an ineligible patient is refused before anything else (422 eligibility), even without consent', () => {
    const e = rejection(() => admitProcedure(patient({ eligible: false }), [], prp(), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 eligibility');
    assert.match(e.message, /not eligible/);
  });
  test('consent the day before or on the day holds; the day after does not', () => {
    assert.equal(admit(patient(), [registry('2025-01-09')], prp('2025-01-10')), '(none)');
    assert.equal(admit(patient(), [registry('2025-01-10')], prp('2025-01-10')), '(none)');
    assert.equal(admit(patient(), [registry('2025-01-11')], prp('2025-01-10')), '422 consent');
  });
  test('a consent withdrawn on the procedure day no longer holds; withdrawn the day after, it did', () => {
    assert.equal(admit(patient(), [registry('2025-01-02', '2025-01-10')], prp('2025-01-10')), '422 consent');
    assert.equal(admit(patient(), [registry('2025-01-02', '2025-01-11')], prp('2025-01-10')), '(none)');
  });
  test('without a usable procedure date, consent is judged on today only when no registry consent exists', () => {
    // no registry consent at all: the consent rule comes first (issue 11)
    assert.equal(admit(patient(), [], undated()), '422 consent');
    assert.equal(admit(patient(), [care], undated()), '422 consent');
    // a registry consent exists (withdrawn before today): the missing date is what to fix
    assert.equal(admit(patient(), [care, registry('2025-01-02', '2025-02-01')], undated()), '400 procedure_date');
    assert.equal(admit(patient(), [registry('2025-01-02', '2025-02-01')], undated()), '400 procedure_date');
    assert.equal(admit(patient(), [registry('2025-01-02')], null), '400 $');
  });
  test('only a whole yyyy-mm-dd string is taken as the procedure date for the consent check', () => {
    const c = [registry('2025-01-02')];
    // each would be "before the consent" if compared as text; all are refused as dates instead
    assert.equal(admit(patient(), c, prp('2025-01-01x')), '400 procedure_date');
    assert.equal(admit(patient(), c, prp('02025-01-01')), '400 procedure_date');
    assert.equal(admit(patient(), c, prp(['2025-01-01'])), '400 procedure_date');
    assert.equal(admit(patient(), c, prp('10/01/2025')), '400 procedure_date');
  });
});

describe('admitting a procedure: dates and withdrawal', () => {
  const c = [registry('1960-01-01')];
  test('not before 1 January of the birth year; not after today plus one day of grace', () => {
    assert.equal(admit(patient(), c, prp('1968-01-01')), '(none)');
    assert.equal(admit(patient(), c, prp('1967-12-31')), '422 procedure_date');
    assert.equal(admit(patient(), c, prp('2025-03-02')), '(none)');
    assert.equal(admit(patient(), c, prp('2025-03-03')), '422 procedure_date');
  });
  test('not after the death of a deceased patient; on the day of death it is', () => {
    assert.equal(
      admit(patient({ status: 'deceased', status_date: '2025-01-09' }), c, prp('2025-01-10')),
      '422 procedure_date',
    );
    assert.equal(admit(patient({ status: 'deceased', status_date: '2025-01-10' }), c, prp('2025-01-10')), '(none)');
  });
  test('withdrawn the day before or on the day: refused (422 status); withdrawn the day after: admitted', () => {
    const w = (d: string | null) => patient({ status: 'withdrawn', status_date: d });
    const e = rejection(() => admitProcedure(w('2025-01-09'), c as never, prp('2025-01-10'), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 status');
    assert.match(e.message, /2025-01-09/);
    assert.equal(admit(w('2025-01-10'), c, prp('2025-01-10')), '422 status');
    assert.equal(admit(w('2025-01-11'), c, prp('2025-01-10')), '(none)');
    assert.equal(admit(w(null), c, prp('2025-01-10')), '(none)');
  });
  test('a status date of another status (lost to follow-up) does not block a procedure', () => {
    assert.equal(
      admit(patient({ status: 'lost_to_follow_up', status_date: '2025-01-05' }), c, prp('2025-01-10')),
      '(none)',
    );
  });
  test('product text over the device limit (120 characters, config/registry.json) is refused naming the field', () => {
    assert.equal(admit(patient(), c, bmc('x'.repeat(121))), '400 bmc.device');
    assert.equal(admit(patient(), c, bmc('x'.repeat(120))), '(none)');
  });
  test('the admitted procedure carries the validated command and the product record', () => {
    const a = admitProcedure(patient(), c, bmc('kit-b'), TODAY);
    assert.equal(a.p.therapy, 'BMC');
    assert.deepEqual(a.p.targets, [{ structure: 'disc', level: 'L4-L5' }]);
    assert.equal(a.product.product.device, 'kit-b');
    assert.equal(a.product.characterization.tnc_injected, 242e6); // 121e6 TNC/mL × 2 mL
  });
});

describe('the index procedure', () => {
  test('the first procedure, or one earlier than the current index, becomes the index', () => {
    assert.equal(isIndexProcedure(null, '2030-01-01'), true);
    assert.equal(isIndexProcedure('2025-01-10', '2025-01-09'), true);
    assert.equal(isIndexProcedure('2025-01-10', '2025-01-10'), false);
    assert.equal(isIndexProcedure('2025-01-10', '2025-01-11'), false);
  });
});

const visit = (timepoint: string, visit_date: string, over: Record<string, unknown> = {}) => ({
  timepoint,
  visit_date,
  proms: { NRS: { value: 4 } },
  ...over,
});

describe('preparing a follow-up (validation and scoring before any patient is read)', () => {
  test('the timepoint settings of config/registry.json: 1 month, window 7 days before to 14 after', () => {
    const f = prepareFollowUp(visit('1m', '2025-02-10'));
    assert.deepEqual(f.tp, { key: '1m', months: 1, windowBeforeDays: 7, windowAfterDays: 14 });
    assert.deepEqual(
      f.proms.map((s) => [s.instrument, s.score]),
      [['NRS', 4]],
    );
    assert.equal(f.v.visit_date, '2025-02-10');
  });
  test('"no opioids" is 0 MME/day; no entries without it is unknown', () => {
    assert.equal(prepareFollowUp(visit('1m', '2025-02-10')).mme, null);
    assert.equal(prepareFollowUp(visit('1m', '2025-02-10', { no_opioids: false })).mme, null);
    const none = prepareFollowUp(visit('1m', '2025-02-10', { no_opioids: true })).mme;
    assert.equal(none?.total_mme_per_day, 0);
    assert.equal(none?.band, '0');
  });
  test('opioid entries are totalled (medications.md: oxycodone 5 mg × 3 a day × 1.5 = 22.5 MME/day)', () => {
    const f = prepareFollowUp(
      visit('1m', '2025-02-10', { opioids: [{ drug: 'oxycodone', dose_mg: 5, doses_per_day: 3 }] }),
    );
    assert.equal(f.mme?.total_mme_per_day, 22.5);
  });
  test('an implausible dose is refused naming the entry (maxDoseMg 2000, config/registry.json)', () => {
    assert.equal(
      refusal(() =>
        prepareFollowUp(
          visit('1m', '2025-02-10', { opioids: [{ drug: 'morphine', dose_mg: 2001, doses_per_day: 1 }] }),
        ),
      ),
      '400 opioids[0].dose_mg',
    );
  });
  test('a timepoint the configured schedule does not hold is refused naming the timepoint', () => {
    const cfg = structuredClone(DEFAULT_REGISTRY_CONFIG) as RegistryConfig;
    cfg.followup.timepoints.value = cfg.followup.timepoints.value.filter((t) => t.key !== '24m');
    const e = rejection(() => prepareFollowUp(visit('24m', '2027-01-10'), cfg));
    assert.equal(`${e.status} ${e.field}`, '400 timepoint');
    assert.match(e.message, /24m/);
    assert.equal(prepareFollowUp(visit('12m', '2026-01-10'), cfg).tp.months, 12);
  });
});

describe('admitting a follow-up visit', () => {
  const indexed = (over: Partial<PatientFacts> = {}) => patient({ index_procedure_date: '2025-01-10', ...over });
  const follow = (p: PatientFacts, input: unknown, today = TODAY) =>
    refusal(() => admitFollowUp(prepareFollowUp(input), p, today));
  test('a visit is dated within the life: not in the future, not before the birth year', () => {
    assert.equal(follow(indexed(), visit('1m', '2025-03-02')), '(none)');
    assert.equal(follow(indexed(), visit('1m', '2025-03-03')), '422 visit_date');
    assert.equal(follow(patient(), visit('baseline', '1967-12-31')), '422 visit_date');
  });
  test('withdrawn the day before or on the visit day: refused (422 status); the day after: admitted', () => {
    const w = (d: string | null) => indexed({ status: 'withdrawn', status_date: d });
    const e = rejection(() => admitFollowUp(prepareFollowUp(visit('1m', '2025-02-10')), w('2025-02-09'), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 status');
    assert.match(e.message, /2025-02-09/);
    assert.equal(follow(w('2025-02-10'), visit('1m', '2025-02-10')), '422 status');
    assert.equal(follow(w('2025-02-11'), visit('1m', '2025-02-10')), '(none)');
    assert.equal(follow(w(null), visit('1m', '2025-02-10')), '(none)');
    assert.equal(
      follow(indexed({ status: 'lost_to_follow_up', status_date: '2025-02-01' }), visit('1m', '2025-02-10')),
      '(none)',
    );
  });
  test('before any procedure only the baseline visit can be entered', () => {
    const e = rejection(() => admitFollowUp(prepareFollowUp(visit('3m', '2025-02-10')), patient(), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 timepoint');
    assert.match(e.message, /baseline/);
    const a = admitFollowUp(prepareFollowUp(visit('baseline', '2025-01-05')), patient(), TODAY);
    assert.equal(a.sched, null);
    assert.equal(a.tp.key, 'baseline');
  });
  test('the baseline visit may precede the index procedure (its window is the 30 days up to it)', () => {
    const a = admitFollowUp(prepareFollowUp(visit('baseline', '2025-01-05')), indexed(), TODAY);
    assert.deepEqual(a.sched, {
      timepoint: 'baseline',
      target: '2025-01-10',
      windowOpen: '2024-12-11', // 30 days before
      windowClose: '2025-01-10',
    });
  });
  test('a later visit on the index day is admitted; the day before is refused naming the visit date', () => {
    assert.equal(follow(indexed(), visit('1m', '2025-01-10')), '(none)');
    const e = rejection(() => admitFollowUp(prepareFollowUp(visit('1m', '2025-01-09')), indexed(), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 visit_date');
    assert.match(e.message, /1m/);
    assert.match(e.message, /2025-01-10/);
  });
  test('the visit window from the index date: 1 month = 2025-02-10, 7 days before to 14 after', () => {
    const a = admitFollowUp(prepareFollowUp(visit('1m', '2025-02-10')), indexed(), TODAY);
    assert.deepEqual(a.sched, {
      timepoint: '1m',
      target: '2025-02-10',
      windowOpen: '2025-02-03',
      windowClose: '2025-02-24',
    });
    assert.equal(a.v.timepoint, '1m');
    assert.equal(a.mme, null);
  });
  test('a re-intervention lies on or after the index procedure and on or before the visit', () => {
    const ri = (date: string) =>
      visit('3m', '2025-04-10', { reintervention: { occurred: true, date, description: 'repeat injection' } });
    const later = '2025-06-01';
    assert.equal(follow(indexed(), ri('2025-01-10'), later), '(none)');
    assert.equal(follow(indexed(), ri('2025-04-10'), later), '(none)');
    assert.equal(follow(indexed(), ri('2025-02-15'), later), '(none)');
    const before = rejection(() => admitFollowUp(prepareFollowUp(ri('2025-01-09')), indexed(), later));
    assert.equal(`${before.status} ${before.field}`, '422 reintervention.date');
    assert.match(before.message, /2025-01-10/);
    const after = rejection(() => admitFollowUp(prepareFollowUp(ri('2025-04-11')), indexed(), later));
    assert.equal(`${after.status} ${after.field}`, '422 reintervention.date');
    assert.match(after.message, /after this visit/);
  });
  test('a re-intervention date is within the life too (before the birth year: refused)', () => {
    const v = visit('baseline', '2025-01-05', { reintervention: { occurred: true, date: '1967-06-01' } });
    const e = rejection(() => admitFollowUp(prepareFollowUp(v), patient(), TODAY));
    assert.equal(`${e.status} ${e.field}`, '422 reintervention.date');
    assert.match(e.message, /1968/);
    const ok = visit('baseline', '2025-01-05', { reintervention: { occurred: true, date: '2024-12-01' } });
    assert.equal(follow(patient(), ok), '(none)');
  });
});
