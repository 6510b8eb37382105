// MME input rules and the cautions a user must see, from docs/reference/medications.md (CDC 2022 guideline):
// §1 daily amount = mg per dose × doses per day, except transdermal fentanyl (patch rate in mcg/hr);
// §2 footnotes † / § (tapentadol, tramadol: µ-agonist activity only) and §2.1 cautions 4 (methadone) and 5
// (transdermal fentanyl); §3 buprenorphine excluded and flagged; §4 2016 factors absent for tapentadol and
// tramadol; §6 OUD treatment never mixed with pain MME, the factor-set version stored with every value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MedicationConfig } from '../../src/instruments/config.ts';
import { attempt, isFieldError } from '../../src/instruments/input.ts';
import { mmePerDay, normalizeOpioid, totalMmePerDay } from '../../src/instruments/mme.ts';

function rejection(fn: () => unknown): { error: string; field: string } {
  const r = attempt(fn);
  assert.ok(isFieldError(r), `expected a rejection, got ${JSON.stringify(r)}`);
  return r;
}

test('names: case, spaces and punctuation ignored; the patch under its usual names (§2 "Fentanyl, transdermal")', () => {
  for (const name of [
    'fentanyl',
    'Fentanyl patch',
    'transdermal fentanyl',
    'fentanyl-transdermal',
    'Fentanyl, transdermal',
  ]) {
    assert.equal(normalizeOpioid(name), 'fentanyl-transdermal', name);
  }
  assert.equal(normalizeOpioid(' OxyCodone '), 'oxycodone');
  assert.equal(normalizeOpioid('Hydro-morphone'), 'hydromorphone');
  assert.equal(rejection(() => normalizeOpioid('fentanyl lozenge')).field, 'drug');
});

test('the ingredient must be a name', () => {
  assert.deepEqual(
    rejection(() => mmePerDay({ dose_mg: 10, doses_per_day: 2 } as never)),
    { error: 'expected the opioid ingredient name', field: 'drug' },
  );
  assert.equal(rejection(() => mmePerDay({ drug: 5, dose_mg: 10, doses_per_day: 2 } as never)).field, 'drug');
});

test('factor set and indication: only the two CDC versions (§4, §6) and pain / OUD (§6)', () => {
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'morphine', dose_mg: 10, doses_per_day: 1, factor_set: 'CDC-2019' as never })),
    { error: 'expected one of "CDC-2022", "CDC-2016", got the string "CDC-2019"', field: 'factor_set' },
  );
  assert.equal(
    mmePerDay({ drug: 'morphine', dose_mg: 10, doses_per_day: 1, factor_set: 'CDC-2016' }).factor_set,
    'CDC-2016',
  );
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'morphine', dose_mg: 10, doses_per_day: 1, indication: 'cancer' as never })),
    { error: 'expected one of "pain", "oud", got the string "cancer"', field: 'indication' },
  );
  const pain = mmePerDay({ drug: 'morphine', dose_mg: 10, doses_per_day: 1, indication: 'pain' });
  assert.equal(pain.included, true);
  assert.equal(pain.mme_per_day, 10);
});

test('oral opioids: mg per dose × doses per day (§1); both required and positive, mcg/h refused', () => {
  const m = mmePerDay({ drug: 'morphine', dose_mg: 15, doses_per_day: 2 });
  assert.equal(m.daily_amount, 30);
  assert.equal(m.unit, 'mg/day');
  assert.equal(m.factor, 1);
  assert.deepEqual(m.flags, []);
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'morphine', doses_per_day: 2 })),
    {
      error: 'missing: strength per dose in mg',
      field: 'dose_mg',
    },
  );
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'morphine', dose_mg: 15 })),
    {
      error: 'missing: doses per day',
      field: 'doses_per_day',
    },
  );
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'morphine', dose_mg: 15, doses_per_day: 0 })),
    {
      error: 'expected a positive number, got 0',
      field: 'doses_per_day',
    },
  );
  const mcg = rejection(() => mmePerDay({ drug: 'morphine', dose_mcg_per_h: 25 }));
  assert.equal(mcg.field, 'dose_mcg_per_h');
  // The user is told which drug takes mcg/h and which field to use instead.
  assert.match(mcg.error, /transdermal fentanyl/);
  assert.match(mcg.error, /morphine/);
  assert.match(mcg.error, /dose_mg/);
});

test('transdermal fentanyl: the patch rate in mcg/hr is the daily amount (§1); mg and doses per day refused', () => {
  const p = mmePerDay({ drug: 'Fentanyl patch', dose_mcg_per_h: 50 });
  assert.equal(p.daily_amount, 50);
  assert.equal(p.unit, 'mcg/h');
  assert.equal(p.mme_per_day, 120); // 50 × 2.4
  const mg = rejection(() => mmePerDay({ drug: 'fentanyl', dose_mg: 25 }));
  assert.equal(mg.field, 'dose_mg');
  assert.match(mg.error, /mcg\/h/);
  assert.match(mg.error, /dose_mcg_per_h/);
  const perDay = rejection(() => mmePerDay({ drug: 'fentanyl', dose_mcg_per_h: 25, doses_per_day: 1 }));
  assert.equal(perDay.field, 'doses_per_day');
  assert.match(perDay.error, /patch/);
  const none = rejection(() => mmePerDay({ drug: 'fentanyl' }));
  assert.equal(none.field, 'dose_mcg_per_h');
  assert.match(none.error, /^missing: .*mcg\/h/);
  assert.deepEqual(
    rejection(() => mmePerDay({ drug: 'fentanyl', dose_mcg_per_h: 0 })),
    {
      error: 'expected a positive number, got 0',
      field: 'dose_mcg_per_h',
    },
  );
});

test('cautions of the CDC table: methadone (§2.1 item 4), patch (item 5), tapentadol/tramadol (†/§); none otherwise', () => {
  const warnings = (drug: string) =>
    drug === 'fentanyl'
      ? mmePerDay({ drug, dose_mcg_per_h: 25 }).warnings
      : mmePerDay({ drug, dose_mg: 10, doses_per_day: 1 }).warnings;
  for (const drug of ['codeine', 'hydrocodone', 'hydromorphone', 'morphine', 'oxycodone', 'oxymorphone']) {
    assert.deepEqual(warnings(drug), [], drug);
  }
  const methadone = warnings('methadone');
  assert.equal(methadone.length, 1);
  assert.match(methadone[0]!, /^methadone: .*half-life.*caution/);
  const patch = warnings('fentanyl');
  assert.equal(patch.length, 1);
  assert.match(patch[0]!, /^transdermal fentanyl: .*mcg\/h.*absorbed differently.*caution/);
  for (const drug of ['tapentadol', 'tramadol']) {
    const w = warnings(drug);
    assert.equal(w.length, 1, drug);
    assert.match(w[0]!, new RegExp(`^${drug}: .*µ-opioid activity only.*understates`));
  }
  // The 2016 factor set gives the same cautions (methadone here at its 2016 tier, §4).
  const m2016 = mmePerDay({ drug: 'methadone', dose_mg: 10, doses_per_day: 1, factor_set: 'CDC-2016' });
  assert.equal(m2016.factor, 4);
  assert.equal(m2016.warnings.length, 1);
  assert.match(m2016.warnings[0]!, /^methadone: /);
});

test('OUD treatment and buprenorphine: recorded, excluded, and the reason is stated (§3, §6)', () => {
  const oud = mmePerDay({ drug: 'methadone', dose_mg: 60, doses_per_day: 1, indication: 'oud' });
  assert.equal(oud.factor, null);
  assert.equal(oud.mme_per_day, null);
  assert.equal(oud.daily_amount, 60);
  assert.equal(oud.warnings.length, 1);
  assert.match(oud.warnings[0]!, /opioid use disorder.*excluded from pain MME/);
  const bup = mmePerDay({ drug: 'buprenorphine', dose_mg: 8, doses_per_day: 1 });
  assert.equal(bup.warnings.length, 1);
  assert.match(bup.warnings[0]!, /^buprenorphine has no CDC 2022 MME factor.*excluded from total MME/);
});

test('CDC 2016: tapentadol and tramadol have no factor in the reference (§4), so the user is sent to CDC-2022', () => {
  for (const drug of ['tapentadol', 'tramadol']) {
    const r = rejection(() => mmePerDay({ drug, dose_mg: 50, doses_per_day: 1, factor_set: 'CDC-2016' }));
    assert.equal(r.field, 'factor_set');
    assert.match(r.error, new RegExp(`^${drug} has no CDC-2016 factor`));
    assert.match(r.error, /use factor_set CDC-2022/);
  }
});

test('total: the entry at fault is named by its position; one factor set per total', () => {
  const morphine = { drug: 'morphine', dose_mg: 15, doses_per_day: 2 };
  assert.deepEqual(
    rejection(() => totalMmePerDay([morphine, { drug: 'oxycodone', dose_mg: 10 }])),
    { error: 'missing: doses per day', field: '[1].doses_per_day' },
  );
  assert.deepEqual(
    rejection(() => totalMmePerDay(['morphine 30 mg' as never])),
    { error: 'expected an object, got the string "morphine 30 mg"', field: '[0]' },
  );
  assert.equal(rejection(() => totalMmePerDay([{ ...morphine, dose: 5 } as never])).field, '[0].dose');
  const mixed = rejection(() => totalMmePerDay([morphine, morphine, { ...morphine, factor_set: 'CDC-2016' }]));
  assert.equal(mixed.field, '[2].factor_set');
  assert.match(mixed.error, /entry 2 .*CDC-2016.*entry 0 .*CDC-2022/);
  assert.equal(
    totalMmePerDay([
      { ...morphine, factor_set: 'CDC-2016' },
      { ...morphine, factor_set: 'CDC-2016' },
    ]).total_mme_per_day,
    60,
  );
});

test('total: excluded entries are counted as excluded, not as zero MME (§3)', () => {
  const t = totalMmePerDay([
    { drug: 'morphine', dose_mg: 15, doses_per_day: 2 }, // 30
    { drug: 'buprenorphine', dose_mg: 8, doses_per_day: 2 }, // excluded
    { drug: 'oxycodone', dose_mg: 10, doses_per_day: 2 }, // 20 × 1.5 = 30
  ]);
  assert.equal(t.total_mme_per_day, 60);
  assert.equal(t.excluded, 1);
  assert.equal(t.band, '50-<90');
  assert.deepEqual(
    t.entries.map((e) => e.included),
    [true, false, true],
  );
  const empty = totalMmePerDay([]);
  assert.equal(empty.total_mme_per_day, 0);
  assert.equal(empty.band, '0');
  assert.equal(empty.excluded, 0);
});

test('total: a broken configuration is a bug and propagates, it is not reported as the user’s entry', () => {
  assert.throws(
    () => totalMmePerDay([{ drug: 'morphine', dose_mg: 15, doses_per_day: 2 }], {} as MedicationConfig),
    TypeError,
  );
});
