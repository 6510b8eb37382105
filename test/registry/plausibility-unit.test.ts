// Data-entry plausibility, pure: boundaries of the ranges in config/registry.json plausibility (BMI 10–100
// kg/m², MME/day at most 5000, one dose at most 2000 mg, at most 48 doses a day, device strings at most 120
// characters; README "Plausibility": "dates within the patient's life (not before the birth year, not in the
// future, not after death), MME/day finite and at most 5,000, BMI 10–100, device strings ≤ 120 characters")
// and the product-number envelope of 1e12 (src/registry/plausibility.ts MAX_PRODUCT_NUMBER, "far above any
// real count"). Each refusal names its field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MmeTotal } from '../../src/instruments/mme.ts';
import {
  checkBmi,
  checkDateInLife,
  checkOpioids,
  checkProductText,
  MAX_PRODUCT_NUMBER,
} from '../../src/registry/plausibility.ts';
import { CommandError } from '../../src/registry/validation.ts';

/** The field, status and message of the CommandError `fn` throws, or null when it passes. */
const refused = (fn: () => void): { field: string; status: number; message: string } | null => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return { field: e.field, status: e.status, message: e.message };
    throw e;
  }
  return null;
};
const total = (n: number) => ({ total_mme_per_day: n }) as MmeTotal;

describe('BMI 10–100 kg/m², both ends included', () => {
  test('the ends pass, just outside is refused naming bmi with the range', () => {
    for (const ok of [10, 27.4, 100, null, undefined])
      assert.equal(
        refused(() => checkBmi(ok)),
        null,
        String(ok),
      );
    for (const bad of [9.99, 100.01, Number.NaN]) {
      const r = refused(() => checkBmi(bad));
      assert.equal(r?.field, 'bmi', String(bad));
      assert.equal(r?.status, 400);
      assert.match(r!.message, /between 10 and 100 kg\/m²/);
    }
  });
});

describe("dates within the patient's life", () => {
  const life = { year_of_birth: 1970 };
  test('from 1 January of the birth year; the refusal says the year (422, the field named)', () => {
    assert.equal(
      refused(() => checkDateInLife('1970-01-01', 'visit_date', life, '2025-06-01')),
      null,
    );
    const r = refused(() => checkDateInLife('1969-12-31', 'visit_date', life, '2025-06-01'));
    assert.equal(r?.field, 'visit_date');
    assert.equal(r?.status, 422);
    assert.match(r!.message, /born \(1970\)/);
  });

  test('a birth year under 1000 is compared as a four-digit year', () => {
    assert.equal(
      refused(() => checkDateInLife('0999-06-01', 'd', { year_of_birth: 999 }, '2025-06-01')),
      null,
    );
    assert.equal(refused(() => checkDateInLife('0998-12-31', 'd', { year_of_birth: 999 }, '2025-06-01'))?.field, 'd');
  });

  test('up to one day after today (sites ahead of UTC), not two; the refusal says today', () => {
    assert.equal(
      refused(() => checkDateInLife('2025-06-02', 'onset_date', life, '2025-06-01')),
      null,
    );
    const r = refused(() => checkDateInLife('2025-06-03', 'onset_date', life, '2025-06-01'));
    assert.equal(r?.field, 'onset_date');
    assert.equal(r?.status, 422);
    assert.match(r!.message, /future \(today is 2025-06-01\)/);
  });

  test('up to and including the day of death; the refusal says the date', () => {
    const died = { ...life, died: '2025-05-01' };
    assert.equal(
      refused(() => checkDateInLife('2025-04-01', 'visit_date', died, '2025-06-01')),
      null,
    );
    assert.equal(
      refused(() => checkDateInLife('2025-05-01', 'visit_date', died, '2025-06-01')),
      null,
    );
    const r = refused(() => checkDateInLife('2025-05-02', 'visit_date', died, '2025-06-01'));
    assert.equal(r?.field, 'visit_date');
    assert.equal(r?.status, 422);
    assert.match(r!.message, /death \(2025-05-01\)/);
    assert.equal(
      refused(() => checkDateInLife('2025-05-02', 'visit_date', { ...life, died: null }, '2025-06-01')),
      null,
    );
  });
});

describe('opioid entries: a dose at most 2000 mg, at most 48 doses a day, total at most 5000 MME/day', () => {
  test('the bounds themselves pass; missing numbers are not checked here', () => {
    assert.equal(
      refused(() => checkOpioids([{ drug: 'morphine', dose_mg: 2000, doses_per_day: 48 }], total(5000))),
      null,
    );
    assert.equal(
      refused(() => checkOpioids([{ drug: 'morphine', dose_mg: 10 }], null)),
      null,
    );
    assert.equal(
      refused(() => checkOpioids([{ drug: 'morphine' }], null)),
      null,
    );
    assert.equal(
      refused(() => checkOpioids([], null)),
      null,
    );
  });

  test('over a bound: refused naming the entry and the field, with the bound', () => {
    const entries = [
      { drug: 'morphine', dose_mg: 10, doses_per_day: 2 },
      { drug: 'oxycodone', dose_mg: 2000.5, doses_per_day: 2 },
    ];
    assert.deepEqual(
      refused(() => checkOpioids(entries, null)),
      {
        field: 'opioids[1].dose_mg',
        status: 400,
        message: 'at most 2000',
      },
    );
    assert.deepEqual(
      refused(() => checkOpioids([{ drug: 'morphine', dose_mg: 10, doses_per_day: 49 }], null)),
      {
        field: 'opioids[0].doses_per_day',
        status: 400,
        message: 'at most 48',
      },
    );
    assert.equal(refused(() => checkOpioids([{ dose_mg: Number.NaN }], null))?.field, 'opioids[0].dose_mg');
  });

  test('a total over 5000 MME/day or not finite is refused naming opioids, with the bound', () => {
    for (const n of [5000.01, Number.POSITIVE_INFINITY, Number.NaN]) {
      const r = refused(() => checkOpioids([], total(n)));
      assert.equal(r?.field, 'opioids', String(n));
      assert.match(r!.message, /over 5000 MME\/day/);
    }
  });
});

describe('product records: text at most 120 characters, numbers below 1e12', () => {
  test('120 characters pass, 121 are refused naming the path', () => {
    assert.equal(
      refused(() => checkProductText('prp', { device: 'x'.repeat(120) })),
      null,
    );
    assert.deepEqual(
      refused(() => checkProductText('bmc', { preparation: { kit: 'x'.repeat(121) } })),
      {
        field: 'bmc.preparation.kit',
        status: 400,
        message: 'at most 120 characters',
      },
    );
  });

  test('lists are walked element by element, the index in the path; a long list is not a long string', () => {
    assert.equal(
      refused(() => checkProductText('msc', { steps: [{ device: 'ok' }, { device: 'y'.repeat(121) }] }))?.field,
      'msc.steps[1].device',
    );
    assert.equal(refused(() => checkProductText('msc', { tags: ['a', 'b', 'x'.repeat(121)] }))?.field, 'msc.tags[2]');
    assert.equal(
      refused(() => checkProductText('prp', { spins: Array<number>(121).fill(300) })),
      null,
    );
  });

  test('a number of 1e12 or more in size, or not a number, is refused; just under passes', () => {
    assert.equal(MAX_PRODUCT_NUMBER, 1e12);
    assert.equal(
      refused(() => checkProductText('prp', { prp: { platelets: 999_999_999_999 } })),
      null,
    );
    assert.equal(
      refused(() => checkProductText('prp', { prp: { platelets: -999_999_999_999 } })),
      null,
    );
    for (const bad of [1e12, -1e12, Number.NaN]) {
      const r = refused(() => checkProductText('prp', { prp: { platelets: bad } }));
      assert.equal(r?.field, 'prp.prp.platelets', String(bad));
      assert.match(r!.message, /not a plausible value/);
    }
  });
});
