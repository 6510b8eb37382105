import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { attempt } from '../../src/instruments/input.ts';
import { DEFAULT_PRODUCT_CONFIG } from '../../src/products/config.ts';
import { characterizePrp, depaGrade, parsePrpInput } from '../../src/products/prp.ts';

const full = {
  baseline: { platelets: 200_000, wbc: 6_000, neutrophils: 3_600 },
  prp: { platelets: 1_000_000, wbc: 10_000, neutrophils: 6_000, rbc: 50_000, rbc_pct: 0.5 },
  activation: 'none',
  form: 'liquid',
  volumes: { whole_blood_ml: 60, prp_ml: 6, injected_ml: 5 },
};

test('a fully measured leukocyte-rich PRP: fold, PAW, Mishra, Dohan Ehrenfest, PLRA, DEPA (docs/reference/products.md §1)', () => {
  const r = characterizePrp(parsePrpInput(full));
  assert.equal(r.fold, 5);
  assert.equal(r.meets_min_fold, true);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.leukocytes, { value: 'leukocyte-rich', reason: null });
  assert.deepEqual(r.paw, { value: 'P3Aα', reason: null });
  assert.deepEqual(r.mishra, { value: '1A', reason: null });
  assert.deepEqual(r.dohan_ehrenfest, { value: 'L-PRP', reason: null });
  assert.equal(r.plra.neutrophil_sign.value, '+'); // 60% of WBC
  assert.equal(r.plra.red_cells.value, '-');
  assert.equal(r.plra.activated, false);
  assert.equal(r.depa.dose_billions.value, 5); // 1e6/µL × 5 mL × 1000
  assert.equal(r.depa.dose_grade.value, 'B'); // A needs > 5 billion
  assert.equal(r.depa.recovery_pct.value, 50);
  assert.equal(r.depa.recovery_grade.value, 'C');
  assert.ok(Math.abs(r.depa.purity_pct.value! - (1e6 / 1.06e6) * 100) < 1e-9);
  assert.equal(r.depa.purity_grade.value, 'A');
});

test('ACP-type leukocyte-poor product reads P2Bβ (example of PMC5302100 in §1.3); activated P-PRF', () => {
  const r = characterizePrp(
    parsePrpInput({
      baseline: { platelets: 250_000, wbc: 7_000, neutrophils: 4_000 },
      prp: { platelets: 500_000, wbc: 500, neutrophils: 20 },
      activation: 'none',
      form: 'liquid',
    }),
  );
  assert.equal(r.paw.value, 'P2Bβ');
  assert.equal(r.mishra.value, '3B');
  assert.equal(r.dohan_ehrenfest.value, 'P-PRP');
  const prf = characterizePrp(
    parsePrpInput({
      ...full,
      activation: 'calcium-chloride',
      form: 'solid',
      prp: { ...full.prp, platelets: 1_300_000 },
    }),
  );
  assert.equal(prf.paw.value, 'P4xAα');
  assert.equal(prf.mishra.value, '2A');
  assert.equal(prf.dohan_ehrenfest.value, 'L-PRF');
});

test('PAW P-levels at the boundaries: ≤ baseline, ≤750,000, ≤1,250,000, above', () => {
  const p = (prp: number, base = 200_000) =>
    characterizePrp(parsePrpInput({ baseline: { platelets: base }, prp: { platelets: prp } })).paw.reason!.slice(0, 2);
  assert.deepEqual(
    [p(200_000), p(200_001), p(750_000), p(750_001), p(1_250_000), p(1_250_001)],
    ['P1', 'P2', 'P2', 'P3', 'P3', 'P4'],
  );
});

test('below the configured minimum fold (2.5×, UNVERIFIED) → a warning, not silence', () => {
  const r = characterizePrp(parsePrpInput({ baseline: { platelets: 250_000 }, prp: { platelets: 500_000 } }));
  assert.equal(r.fold, 2);
  assert.equal(r.meets_min_fold, false);
  assert.match(r.warnings.join(), /below the configured PRP threshold 2.5× .*UNVERIFIED/);
  const cfg = structuredClone(DEFAULT_PRODUCT_CONFIG);
  cfg.prp.minFold.value = 1.5;
  assert.equal(
    characterizePrp(parsePrpInput({ baseline: { platelets: 250_000 }, prp: { platelets: 500_000 } }), cfg)
      .meets_min_fold,
    true,
  );
});

test('not derivable → null with the reason', () => {
  const r = characterizePrp(parsePrpInput({ baseline: { platelets: 200_000 }, prp: { platelets: 900_000 } }));
  assert.equal(r.leukocytes.value, null);
  assert.match(r.leukocytes.reason!, /WBC/);
  assert.equal(r.paw.value, null);
  assert.match(r.paw.reason!, /^P3 derivable; .*activation, WBC/);
  assert.equal(r.mishra.value, null);
  assert.match(r.mishra.reason!, /sub-type B derivable/);
  assert.equal(r.dohan_ehrenfest.value, null);
  assert.equal(r.depa.dose_grade.value, null);
  assert.match(r.depa.dose_grade.reason!, /injected/);
  const noForm = characterizePrp(parsePrpInput({ ...full, form: undefined }));
  assert.match(noForm.dohan_ehrenfest.reason!, /physical form/);
  const onePct = characterizePrp(parsePrpInput({ ...full, prp: { ...full.prp, rbc_pct: 1 } }));
  assert.equal(onePct.red_cells.value, null);
});

test('units check: baseline outside 150,000–350,000/µL (Marx 2001) warns', () => {
  const r = characterizePrp(parsePrpInput({ baseline: { platelets: 220 }, prp: { platelets: 1100 } }));
  assert.match(r.warnings.join(), /check the unit is per µL/);
});

test('invalid input names the field', () => {
  const bad: [unknown, string][] = [
    [{ prp: { platelets: 1 } }, 'baseline'],
    [{ baseline: { platelets: 0 }, prp: { platelets: 1 } }, 'baseline.platelets'],
    [{ baseline: { platelets: 1 }, prp: { platelets: 1, wbc: -1 } }, 'prp.wbc'],
    [{ baseline: { platelets: 1 }, prp: { platelets: 1, wbc: 10, neutrophils: 20 } }, 'prp.neutrophils'],
    [{ baseline: { platelets: 1 }, prp: { platelets: 1 }, activation: 'light' }, 'activation'],
    [{ baseline: { platelets: 1 }, prp: { platelets: 1 }, volumes: { injected_ml: 0 } }, 'volumes.injected_ml'],
    [{ baseline: { platelets: 1, hct: 40 }, prp: { platelets: 1 } }, 'baseline.hct'],
  ];
  for (const [input, field] of bad) {
    assert.equal((attempt(() => parsePrpInput(input)) as { field: string }).field, field, JSON.stringify(input));
  }
});

test('DEPA grades: A strictly above the verified boundary, B–D from config', () => {
  const b = DEFAULT_PRODUCT_CONFIG.depa.doseBillions.value;
  assert.deepEqual(
    [5.01, 5, 3, 2.99, 1, 0.5].map((x) => depaGrade(x, b)),
    ['A', 'B', 'B', 'C', 'C', 'D'],
  );
});

test('property: fold = PRP/baseline and the PAW level never decreases as PRP platelets rise', () => {
  const level = (prp: number, base: number) =>
    Number(characterizePrp(parsePrpInput({ baseline: { platelets: base }, prp: { platelets: prp } })).paw.reason![1]);
  fc.assert(
    fc.property(
      fc.integer({ min: 100_000, max: 400_000 }),
      fc.integer({ min: 1, max: 3_000_000 }),
      fc.nat(1_000_000),
      (base, prp, d) => {
        const r = characterizePrp(parsePrpInput({ baseline: { platelets: base }, prp: { platelets: prp } }));
        assert.equal(r.fold, prp / base);
        assert.equal(r.meets_min_fold, r.warnings.some((w) => w.includes('below the configured')) === false);
        assert.ok(level(prp + d, base) >= level(prp, base));
      },
    ),
  );
});
