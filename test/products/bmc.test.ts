import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attempt } from '../../src/instruments/input.ts';
import { characterizeBmc, checkIsct } from '../../src/products/bmc.ts';

test('BMC descriptors: per-injection totals, Pettine 2015 CFU-F subgroup, capture warnings', () => {
  const r = characterizeBmc({
    tnc_per_ml: 121e6, // mean TNC/mL of the Pettine 2015 intradiscal series
    cfu_f_per_ml: 2713, // mean CFU-F/mL, Pettine 2015
    cfu_f_assay_days: 14,
    cd34_per_ul: 50,
    final_volume_ml: 3,
    injected_volume_ml: 2,
  });
  assert.equal(r.tnc_injected, 242e6);
  assert.equal(r.cfu_f_injected, 5426);
  assert.equal(r.cfu_f_above_pettine_2015, true);
  assert.deepEqual(r.warnings, ['CD34+ count given without the gating protocol (cd34_gating)']);
  const empty = characterizeBmc({});
  assert.equal(empty.cfu_f_above_pettine_2015, null);
  assert.match(empty.warnings.join(), /TNC/);
});

test('BMC validation names the field', () => {
  const bad: [unknown, string][] = [
    [{ tnc_per_ml: -1 }, 'tnc_per_ml'],
    [{ viability_pct: 101 }, 'viability_pct'],
    [{ aspiration_sites: 0 }, 'aspiration_sites'],
    [{ cfu_f_assay_days: 13.5 }, 'cfu_f_assay_days'],
    [{ final_volume_ml: 2, injected_volume_ml: 3 }, 'injected_volume_ml'],
    [{ cd34: 5 }, 'cd34'],
  ];
  for (const [input, field] of bad) {
    assert.equal((attempt(() => characterizeBmc(input)) as { field: string }).field, field, JSON.stringify(input));
  }
});

const passing = {
  plastic_adherent: true,
  cd105_pct: 98,
  cd73_pct: 99,
  cd90_pct: 95,
  cd45_pct: 1,
  cd34_pct: 0.5,
  cd11b_pct: 2,
  cd19_pct: 0.2,
  hla_dr_pct: 1,
  osteogenic: true,
  adipogenic: true,
  chondrogenic: true,
};

test('ISCT 2006: ≥95% positive, ≤2% negative (either marker of an "or" pair), adherence, trilineage', () => {
  assert.equal(checkIsct(passing).meets, true);
  assert.equal(checkIsct({ ...passing, cd90_pct: 94.9 }).meets, false);
  assert.equal(checkIsct({ ...passing, hla_dr_pct: 2.1 }).meets, false);
  assert.equal(checkIsct({ ...passing, cd14_pct: 5 }).meets, false); // a tested alternative that fails
  const { cd19_pct: _, ...noB } = passing;
  assert.equal(checkIsct(noB).meets, null); // CD79α/CD19 group untested
  assert.equal(checkIsct({ ...passing, chondrogenic: false }).meets, false);
  assert.equal((attempt(() => checkIsct({ cd73_pct: 120 })) as { field: string }).field, 'cd73_pct');
});
