import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MEDICATION_CONFIG } from '../../src/instruments/config.ts';
import { attempt } from '../../src/instruments/input.ts';
import { CDC_2022_FACTORS, mmeBand, mmePerDay, totalMmePerDay } from '../../src/instruments/mme.ts';

test('worked examples (docs/reference/medications.md §2.2)', () => {
  assert.equal(mmePerDay({ drug: 'hydrocodone', dose_mg: 5, doses_per_day: 4 }).mme_per_day, 20);
  assert.equal(mmePerDay({ drug: 'Oxycodone', dose_mg: 10, doses_per_day: 2 }).mme_per_day, 30);
  const patch = mmePerDay({ drug: 'fentanyl', dose_mcg_per_h: 25 });
  assert.equal(patch.mme_per_day, 60);
  assert.equal(patch.unit, 'mcg/h');
  assert.equal(patch.drug, 'fentanyl-transdermal');
  assert.equal(mmePerDay({ drug: 'tramadol', dose_mg: 50, doses_per_day: 4 }).mme_per_day, 40);
});

test('CDC 2022 factors (§2 table)', () => {
  assert.deepEqual(CDC_2022_FACTORS, {
    codeine: 0.15,
    'fentanyl-transdermal': 2.4,
    hydrocodone: 1,
    hydromorphone: 5,
    methadone: 4.7,
    morphine: 1,
    oxycodone: 1.5,
    oxymorphone: 3,
    tapentadol: 0.4,
    tramadol: 0.2,
  });
  assert.equal(mmePerDay({ drug: 'codeine', dose_mg: 30, doses_per_day: 4 }).mme_per_day, 18);
  assert.equal(mmePerDay({ drug: 'methadone', dose_mg: 10, doses_per_day: 3 }).mme_per_day, 141);
  assert.match(mmePerDay({ drug: 'methadone', dose_mg: 10, doses_per_day: 3 }).warnings.join(), /caution/);
});

test('unknown drug and unit mistakes are clear errors', () => {
  assert.deepEqual(
    attempt(() => mmePerDay({ drug: 'pethidine', dose_mg: 50, doses_per_day: 4 })),
    {
      error:
        'unknown opioid "pethidine": no CDC 2022 conversion factor (known: codeine, fentanyl-transdermal, hydrocodone, hydromorphone, methadone, morphine, oxycodone, oxymorphone, tapentadol, tramadol, buprenorphine); record it unconverted',
      field: 'drug',
    },
  );
  assert.equal((attempt(() => mmePerDay({ drug: 'fentanyl', dose_mg: 25 })) as { field: string }).field, 'dose_mg');
  assert.equal(
    (attempt(() => mmePerDay({ drug: 'morphine', dose_mcg_per_h: 25 })) as { field: string }).field,
    'dose_mcg_per_h',
  );
  assert.equal(
    (attempt(() => mmePerDay({ drug: 'morphine', dose_mg: 10 })) as { field: string }).field,
    'doses_per_day',
  );
  assert.equal(
    (attempt(() => mmePerDay({ drug: 'morphine', dose_mg: -10, doses_per_day: 1 })) as { field: string }).field,
    'dose_mg',
  );
});

test('buprenorphine: excluded and flagged by default; analyst factor for sensitivity analyses (config)', () => {
  const b = mmePerDay({ drug: 'buprenorphine', dose_mg: 8, doses_per_day: 2 });
  assert.equal(b.included, false);
  assert.equal(b.mme_per_day, null);
  assert.deepEqual(b.flags, ['buprenorphine']);
  const total = totalMmePerDay([
    { drug: 'buprenorphine', dose_mg: 8, doses_per_day: 2 },
    { drug: 'morphine', dose_mg: 15, doses_per_day: 2 },
  ]);
  assert.equal(total.total_mme_per_day, 30);
  assert.equal(total.excluded, 1);
  const cfg = structuredClone(DEFAULT_MEDICATION_CONFIG);
  cfg.buprenorphine.factor.value = 10; // illustrative analyst choice, not a reference value
  const s = mmePerDay({ drug: 'buprenorphine', dose_mg: 1, doses_per_day: 1 }, cfg);
  assert.equal(s.included, true);
  assert.equal(s.mme_per_day, 10);
  assert.match(s.warnings.join(), /UNVERIFIED/);
});

test('opioid-use-disorder treatment is never counted as pain MME', () => {
  const m = mmePerDay({ drug: 'methadone', dose_mg: 60, doses_per_day: 1, indication: 'oud' });
  assert.equal(m.included, false);
  assert.deepEqual(m.flags, ['opioid-use-disorder-treatment']);
});

test('CDC-2016 factor set for historical data (§4): hydromorphone 4, methadone tiers, no tramadol factor', () => {
  const h = (mg: number) => mmePerDay({ drug: 'methadone', dose_mg: mg, doses_per_day: 1, factor_set: 'CDC-2016' });
  assert.equal(
    mmePerDay({ drug: 'hydromorphone', dose_mg: 2, doses_per_day: 3, factor_set: 'CDC-2016' }).mme_per_day,
    24,
  );
  assert.deepEqual(
    [10, 20, 21, 40, 41, 60, 61].map((d) => h(d).factor),
    [4, 4, 8, 8, 10, 10, 12],
  );
  assert.equal(
    (
      attempt(() => mmePerDay({ drug: 'tramadol', dose_mg: 50, doses_per_day: 1, factor_set: 'CDC-2016' })) as {
        field: string;
      }
    ).field,
    'factor_set',
  );
});

test('bands 0, >0–<50, 50–<90, ≥90 (configurable)', () => {
  assert.deepEqual(
    [0, 10, 49.9, 50, 89.9, 90, 200].map((x) => mmeBand(x)),
    ['0', '>0-<50', '>0-<50', '50-<90', '50-<90', '>=90', '>=90'],
  );
});

test('property: MME is linear in dose and doses per day, and non-negative', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('codeine', 'hydrocodone', 'hydromorphone', 'methadone', 'morphine', 'oxycodone', 'tapentadol'),
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 6 }),
      (drug, dose, n) => {
        const one = mmePerDay({ drug, dose_mg: dose, doses_per_day: 1 }).mme_per_day!;
        const many = mmePerDay({ drug, dose_mg: dose, doses_per_day: n }).mme_per_day!;
        assert.ok(one > 0);
        assert.ok(Math.abs(many - n * one) < 1e-9);
      },
    ),
  );
});
