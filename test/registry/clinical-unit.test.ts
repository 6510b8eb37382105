// Preparation of registry commands (src/registry/clinical.ts), tested without a database: the eligibility
// checklist of config/registry.json, product characterisation (PRP, BMC, MSC), PROM scoring with the
// questionnaire versions, opioid MME and adverse-event classification. Expected values come from
// docs/reference/instruments.md, medications.md, products.md, safety.md and registry-settings.md (cited
// per test), with the arithmetic written out; never from running the code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  characterizeProduct,
  classifyEvent,
  evaluateEligibility,
  INSTRUMENT_VERSIONS,
  opioidMme,
  painGeneratorGroup,
  scoreProms,
} from '../../src/registry/clinical.ts';
import { AdverseEventSchema, ProcedureSchema, parseCommand } from '../../src/registry/validation.ts';
import { refusal, rejection } from './command-error.ts';

const near = (actual: unknown, expected: number, what: string) =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

// config/registry.json eligibility.items: one inclusion and six exclusions (issue 5, registry-settings.md).
const ELIGIBLE = {
  chronic_lbp: true,
  anemia: false,
  fever_infection: false,
  hematologic_disorder: false,
  malignancy: false,
  anticoagulation: false,
  pregnancy: false,
};

describe('a bad PRP preparation is refused under its place in the command', () => {
  test('a spin of −1 g is prp.preparation.spins[0].g, not spins[0].g', () => {
    // PrpPreparationSchema: g and minutes are positive numbers; the field names where the value sat
    assert.equal(
      refusal(() =>
        characterizeProduct({
          therapy: 'PRP',
          prp: { preparation: { spins: [{ g: -1, minutes: 10 }] } },
        } as unknown as Parameters<typeof characterizeProduct>[0]),
      ),
      '400 prp.preparation.spins[0].g',
    );
  });
});

describe('eligibility (docs/reference/registry-settings.md: checklist and minPainMonths = 3)', () => {
  test('an eligible patient: every item answered, the inclusion met, no exclusion, settings version kept', () => {
    assert.deepEqual(evaluateEligibility(ELIGIBLE, 30), {
      eligible: true,
      reasons: [],
      answers: ELIGIBLE,
      config_version: 'registry-2025.1',
    });
  });
  test('the inclusion not met is a reason, worded with its label', () => {
    const r = evaluateEligibility({ ...ELIGIBLE, chronic_lbp: false }, 30);
    assert.equal(r.eligible, false);
    // label of chronic_lbp in config/registry.json
    assert.deepEqual(r.reasons, [
      'inclusion not met: Chronic low back pain for at least the minimum duration this registry is set to (3 months by default)',
    ]);
  });
  test('pain for exactly 3 months is enough; 2 months is under the lower bound', () => {
    // registry-settings.md: "the registry's lower bound of 3 months (eligibility.minPainMonths)"
    assert.equal(evaluateEligibility(ELIGIBLE, 3).eligible, true);
    const r = evaluateEligibility(ELIGIBLE, 2);
    assert.equal(r.eligible, false);
    assert.equal(r.reasons.length, 1);
    assert.match(r.reasons[0]!, /pain duration under 3 months/);
  });
  test('an unknown item and an unanswered one are refused naming eligibility.<item>', () => {
    const unknown = rejection(() => evaluateEligibility({ ...ELIGIBLE, typo: false }, 30));
    assert.equal(`${unknown.status} ${unknown.field}`, '400 eligibility.typo');
    assert.match(unknown.message, /"typo"/);
    const { malignancy: _m, ...missing } = ELIGIBLE;
    const unanswered = rejection(() => evaluateEligibility(missing, 30));
    assert.equal(`${unanswered.status} ${unanswered.field}`, '400 eligibility.malignancy');
    assert.match(unanswered.message, /Active malignancy/);
  });
});

describe('pain generator group (issue 5 vocabulary: disc / facet / sacroiliac / multiple)', () => {
  test('one generator is itself, more than one is "multiple", none is unknown', () => {
    assert.equal(painGeneratorGroup(['facet']), 'facet');
    assert.equal(painGeneratorGroup(['disc', 'facet', 'sacroiliac']), 'multiple');
    assert.equal(painGeneratorGroup([]), 'unknown');
  });
});

const procedure = (over: Record<string, unknown>) =>
  parseCommand(ProcedureSchema, {
    procedure_date: '2025-01-10',
    operator: 'operator-1',
    targets: [{ structure: 'disc', level: 'L4-L5' }],
    image_guidance: 'fluoroscopy',
    injectate_volume_ml: 2,
    ...over,
  });

// docs/reference/products.md §2: BMC record fields; Pettine 2015 means 121 × 10⁶ TNC/mL and 2,713 CFU-F/mL.
const BMC = {
  tnc_per_ml: 121e6,
  cfu_f_per_ml: 2713,
  cfu_f_assay_days: 14,
  cd34_per_ul: 50,
  cd34_gating: 'ISHAGE',
  viability_pct: 95,
  age_at_harvest: 52,
  aspiration_sites: 3,
  aspirate_volume_ml: 60,
  final_volume_ml: 6,
  injected_volume_ml: 2,
};

describe('BMC characterisation (docs/reference/products.md §2)', () => {
  test('cells injected = per-mL count × injected volume; CFU-F above the Pettine 2015 2,000/mL subgroup', () => {
    const r = characterizeProduct(procedure({ therapy: 'BMC', bmc: { ...BMC, device: 'kit-b' } }));
    assert.deepEqual(r, {
      product: { ...BMC, device: 'kit-b' },
      characterization: {
        tnc_injected: 242e6, // 121e6 × 2 mL
        cfu_f_injected: 5426, // 2713 × 2 mL
        cfu_f_above_pettine_2015: true, // 2713 > 2000
      },
      warnings: [],
      config_version: null,
    });
  });
  test('no device recorded is null; a device that is not a name is refused as bmc.device', () => {
    const r = characterizeProduct(procedure({ therapy: 'BMC', bmc: BMC }));
    assert.equal(r.product.device, null);
    assert.equal(
      characterizeProduct(procedure({ therapy: 'BMC', bmc: { ...BMC, device: null } })).product.device,
      null,
    );
    const e = rejection(() => characterizeProduct(procedure({ therapy: 'BMC', bmc: { ...BMC, device: 5 } })));
    assert.equal(`${e.status} ${e.field}`, '400 bmc.device');
    assert.match(e.message, /device/);
  });
  test('a bad BMC number is named under bmc.', () => {
    assert.equal(
      refusal(() => characterizeProduct(procedure({ therapy: 'BMC', bmc: { ...BMC, tnc_per_ml: -1 } }))),
      '400 bmc.tnc_per_ml',
    );
  });
});

// docs/reference/products.md §3: ISCT 2006 — ≥95 % CD105/CD73/CD90, ≤2 % of each negative marker,
// plastic adherence, trilineage differentiation.
const ISCT_PASS = {
  plastic_adherent: true,
  cd105_pct: 98,
  cd73_pct: 99,
  cd90_pct: 97,
  cd45_pct: 1,
  cd34_pct: 0.5,
  cd14_pct: 1,
  cd79a_pct: 0.3,
  hla_dr_pct: 2,
  osteogenic: true,
  adipogenic: true,
  chondrogenic: true,
};
const mscProcedure = (msc: Record<string, unknown>) =>
  procedure({
    therapy: 'MSC',
    msc: { source: 'bone-marrow', origin: 'autologous', culture_expanded: false, ...msc },
  });

describe('MSC characterisation (docs/reference/products.md §3)', () => {
  test('a product meeting the ISCT criteria, with passing release tests: no warning', () => {
    const r = characterizeProduct(
      mscProcedure({
        culture_expanded: true,
        passage: 3,
        ind_number: 'IND 012345',
        release_tests: { sterility: 'pass', endotoxin: 'pass', mycoplasma: 'pass', isct: ISCT_PASS },
      }),
    );
    assert.deepEqual(r.warnings, []);
    assert.equal(r.config_version, null);
    assert.equal((r.characterization.isct as { meets: boolean }).meets, true);
    assert.deepEqual(Object.keys(r.characterization), ['isct']);
    assert.equal((r.product as { passage: number }).passage, 3);
    assert.equal((r.product as { ind_number: string }).ind_number, 'IND 012345');
  });
  test('culture-expanded without IND number or trial registration is flagged (required in the US)', () => {
    const w = characterizeProduct(mscProcedure({ culture_expanded: true, passage: 2 })).warnings;
    assert.equal(w.length, 1);
    assert.match(w[0]!, /culture-expanded MSC without IND number or trial registration/);
    assert.deepEqual(
      characterizeProduct(mscProcedure({ culture_expanded: true, passage: 2, trial_registration: 'NCT01' })).warnings,
      [],
    );
    assert.deepEqual(
      characterizeProduct(mscProcedure({ culture_expanded: true, passage: 2, ind_number: 'IND 1' })).warnings,
      [],
    );
    // minimally manipulated: no IND requirement
    assert.deepEqual(characterizeProduct(mscProcedure({})).warnings, []);
  });
  test('no ISCT results: none characterised', () => {
    assert.deepEqual(characterizeProduct(mscProcedure({})).characterization, { isct: null });
    assert.deepEqual(characterizeProduct(mscProcedure({ release_tests: { sterility: 'pass' } })).characterization, {
      isct: null,
    });
  });
  test('CD105 at 90 % (under 95 %) fails ISCT and is flagged; untested criteria are not a failure', () => {
    const fail = characterizeProduct(mscProcedure({ release_tests: { isct: { ...ISCT_PASS, cd105_pct: 90 } } }));
    assert.equal((fail.characterization.isct as { meets: boolean }).meets, false);
    assert.equal(fail.warnings.length, 1);
    assert.match(fail.warnings[0]!, /ISCT 2006 minimal criteria/);
    const open = characterizeProduct(mscProcedure({ release_tests: { isct: { plastic_adherent: true } } }));
    assert.equal((open.characterization.isct as { meets: boolean | null }).meets, null);
    assert.deepEqual(open.warnings, []);
  });
  test('each failed release test is flagged by name', () => {
    const w = characterizeProduct(
      mscProcedure({ release_tests: { sterility: 'fail', endotoxin: 'pass', mycoplasma: 'fail' } }),
    ).warnings;
    assert.equal(w.length, 2);
    assert.match(w[0]!, /release test failed: sterility/);
    assert.match(w[1]!, /release test failed: mycoplasma/);
    const e = characterizeProduct(mscProcedure({ release_tests: { endotoxin: 'fail' } })).warnings;
    assert.equal(e.length, 1);
    assert.match(e[0]!, /endotoxin/);
    assert.deepEqual(characterizeProduct(mscProcedure({ release_tests: { sterility: 'not-done' } })).warnings, []);
  });
  test('a bad ISCT marker is named under msc.release_tests.isct.', () => {
    assert.equal(
      refusal(() => characterizeProduct(mscProcedure({ release_tests: { isct: { ...ISCT_PASS, cd105_pct: 150 } } }))),
      '400 msc.release_tests.isct.cd105_pct',
    );
  });
});

describe('PROM scoring (docs/reference/instruments.md)', () => {
  const ALL = {
    // §1.2 worked example: 16 points over 9 answered sections
    ODI: { answers: [2, 1, 3, 2, 2, 1, 2, null, 1, 2] },
    NRS: { value: 6 },
    VAS: { value: 42.5 },
    // §3.5 step-by-step example
    EQ5D3L: { state: '21232', vas: 60 },
    // §4.4 HL7 PACIO worked example
    PROMIS10: {
      items: {
        Global02: 3,
        Global03: 3,
        Global04: 4,
        Global05: 4,
        Global06: 4,
        Global07: 3,
        Global08: 4,
        Global10: 3,
      },
    },
    // §5.1: count of ticked items
    RMDQ: { items: Array.from({ length: 24 }, (_, i) => i < 5) },
  };
  test('each instrument once, with its questionnaire version and the scoring settings version', () => {
    const out = scoreProms(ALL);
    assert.deepEqual(out.map((s) => s.instrument).sort(), ['EQ5D3L', 'NRS', 'ODI', 'PROMIS10', 'RMDQ', 'VAS']);
    const version = Object.fromEntries(out.map((s) => [s.instrument, s.instrument_version]));
    // §1 "ODI v2.1a", §2 NRS-11 and VAS 0–100 mm, §3 EQ-5D-3L, §4 PROMIS Global Health v1.2, §5.1 RMDQ 24-item
    assert.deepEqual(version, {
      ODI: 'ODI v2.1a',
      NRS: 'NRS-11',
      VAS: 'VAS 0-100 mm',
      EQ5D3L: 'EQ-5D-3L',
      PROMIS10: 'PROMIS Global Health v1.2',
      RMDQ: 'RMDQ 24-item',
    });
    assert.deepEqual(INSTRUMENT_VERSIONS, version);
    for (const s of out) {
      assert.equal(s.config_version, 'instruments-2025.1', s.instrument); // config/instruments.json version
      assert.deepEqual(s.input, ALL[s.instrument], s.instrument);
    }
  });
  test('the principal score: ODI %, NRS, VAS mm, EQ-5D UK index, PROMIS GPH T, RMDQ count', () => {
    const by = Object.fromEntries(scoreProms(ALL).map((s) => [s.instrument, s]));
    near(by.ODI!.score, (16 / 45) * 100, 'ODI'); // 35.56 %
    assert.equal(by.ODI!.result.answered, 9);
    assert.equal(by.NRS!.score, 6);
    assert.equal(by.VAS!.score, 42.5);
    // UK: 1 − (0.081 + 0.562 + 0.269) = 0.088; US 0.3969679
    near(by.EQ5D3L!.score, 0.088, 'EQ-5D UK');
    near(by.EQ5D3L!.result.index_us, 0.3969679, 'EQ-5D US');
    assert.equal(by.EQ5D3L!.result.vas, 60);
    // GPH raw 3 + 4 + 4 (pain 3 → 4) + 4 = 15 → T 47.7; GMH raw 3 + 4 + 4 + 3 = 14 → T 48.3
    assert.equal(by.PROMIS10!.score, 47.7);
    assert.equal(by.PROMIS10!.result.gph_raw, 15);
    assert.equal(by.PROMIS10!.result.gmh_t, 48.3);
    assert.equal(by.RMDQ!.score, 5);
  });
  test('the EQ-5D index names both value sets; other instruments have none', () => {
    // instruments.md §3.5 implementation notes: store the value-set identifier with every index
    const by = Object.fromEntries(scoreProms(ALL).map((s) => [s.instrument, s.value_set]));
    assert.deepEqual(by, {
      ODI: null,
      NRS: null,
      VAS: null,
      EQ5D3L: 'EQ-5D-3L UK TTO Dolan 1997; EQ-5D-3L US TTO Shaw 2005 D1',
      PROMIS10: null,
      RMDQ: null,
    });
  });
  test('nothing given: nothing scored', () => {
    assert.deepEqual(scoreProms({}), []);
  });
  test('a bad answer is named under proms.<instrument>', () => {
    // ODI sections score 0–5 (§1.1), NRS is 0–10 (§2)
    const odi = [2, 1, 3, 9, 2, 1, 2, 0, 1, 2];
    assert.equal(
      refusal(() => scoreProms({ ODI: { answers: odi } })),
      '400 proms.ODI.answers[3]',
    );
    assert.equal(
      refusal(() => scoreProms({ NRS: { value: 11 } })),
      '400 proms.NRS.value',
    );
    assert.equal(
      refusal(() => scoreProms({ NRS: 6 })),
      '400 proms.NRS',
    );
  });
});

describe('opioid MME (docs/reference/medications.md)', () => {
  test('no entries: unknown (null), unless the visit says "no opioids" (0 MME/day, band 0)', () => {
    assert.equal(opioidMme([]), null);
    assert.equal(opioidMme([], undefined, false), null);
    assert.deepEqual(opioidMme([], undefined, true), {
      total_mme_per_day: 0,
      band: '0', // §5 bands 0, >0–<50, 50–<90, ≥90
      entries: [],
      excluded: 0,
      config_version: 'medications-2025.1',
    });
  });
  test('the total is the sum over entries (§2.2 worked examples: oxycodone 10 mg twice daily 30, hydrocodone 5 mg four times 20)', () => {
    const t = opioidMme([
      { drug: 'oxycodone', dose_mg: 10, doses_per_day: 2 },
      { drug: 'hydrocodone', dose_mg: 5, doses_per_day: 4 },
    ])!;
    assert.equal(t.total_mme_per_day, 50); // 30 + 20
    assert.equal(t.band, '50-<90');
    assert.equal(t.entries.length, 2);
    assert.equal(
      opioidMme([{ drug: 'oxycodone', dose_mg: 10, doses_per_day: 2 }], undefined, true)!.total_mme_per_day,
      30,
    );
  });
  test('a bad entry is named under opioids[i]', () => {
    assert.equal(
      refusal(() =>
        opioidMme([
          { drug: 'morphine', dose_mg: 10, doses_per_day: 2 },
          { drug: 'aspirin', dose_mg: 1 },
        ]),
      ),
      '400 opioids[1].drug',
    );
  });
});

describe('adverse-event classification (docs/reference/safety.md)', () => {
  const ae = (over: Record<string, unknown>) =>
    parseCommand(AdverseEventSchema, { term: 'Discitis', onset_date: '2025-01-25', grade: 3, ...over });
  test('seriousness, both attributions and their grouping, outcome, CTCAE v5.0', () => {
    // §4: possible/probable/definite = related; unrelated/unlikely = not related
    assert.deepEqual(
      classifyEvent(
        ae({
          seriousness_criteria: ['hospitalisation'],
          attribution_procedure: 'probable',
          attribution_product: 'unlikely',
          outcome: 'recovering',
        }),
      ),
      {
        grade: 3,
        seriousness_criteria: ['hospitalisation'],
        serious: true,
        attribution_procedure: 'probable',
        attribution_product: 'unlikely',
        related_procedure: true,
        related_product: false,
        outcome: 'recovering',
        ctcae_version: '5.0',
      },
    );
  });
  test('attribution and outcome not given are null', () => {
    const c = classifyEvent(ae({}));
    assert.equal(c.attribution_procedure, null);
    assert.equal(c.related_product, null);
    assert.equal(c.outcome, null);
    assert.equal(c.serious, false);
  });
  test('grade 5 needs the seriousness criterion "death" (safety.md §2), named at the top level', () => {
    assert.equal(
      refusal(() => classifyEvent(ae({ grade: 5 }))),
      '400 seriousness_criteria',
    );
    assert.equal(
      refusal(() => classifyEvent(ae({ grade: 5, seriousness_criteria: ['death'], outcome: 'fatal' }))),
      '(none)',
    );
  });
  test('resolution on the day of onset is fine; the day before is refused', () => {
    assert.equal(
      refusal(() => classifyEvent(ae({ resolution_date: '2025-01-25' }))),
      '(none)',
    );
    const e = rejection(() => classifyEvent(ae({ resolution_date: '2025-01-24' })));
    assert.equal(`${e.status} ${e.field}`, '400 resolution_date');
    assert.match(e.message, /before the onset/);
  });
});
