// Pure registry logic: schedule arithmetic and statuses, access policy, eligibility, validation field
// names, product characterisation wiring, and the form → command mapping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  characterizeProduct,
  evaluateEligibility,
  painGeneratorGroup,
  scoreProms,
} from '../../src/registry/clinical.ts';
import { DEFAULT_REGISTRY_CONFIG, parseRegistryConfig } from '../../src/registry/config.ts';
import { can, canAtSite, PERMISSIONS, ROLES } from '../../src/registry/policy.ts';
import { addMonths, inWindow, schedule, visitStatus } from '../../src/registry/schedule.ts';
import { CommandError, FollowUpSchema, ProcedureSchema, parseCommand } from '../../src/registry/validation.ts';
import { formToCommand, visitFormToCommand } from '../../src/web/registry/forms.ts';
import { ELIGIBLE, prpProcedure } from './fixtures.ts';

const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e.field;
    throw e;
  }
  return '(no error)';
};

describe('follow-up schedule', () => {
  test('calendar months clamp to the end of the month, like PostgreSQL', () => {
    assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2025-08-31', 3), '2025-11-30');
    assert.equal(addMonths('2025-11-15', 24), '2027-11-15');
  });

  test('baseline, 1, 3, 6, 12, 24 months with configured windows', () => {
    const s = schedule('2025-01-10');
    assert.deepEqual(
      s.map((v) => v.timepoint),
      ['baseline', '1m', '3m', '6m', '12m', '24m'],
    );
    assert.deepEqual(s[1], {
      timepoint: '1m',
      target: '2025-02-10',
      windowOpen: '2025-02-03',
      windowClose: '2025-02-24',
    });
    assert.deepEqual(s[0], {
      timepoint: 'baseline',
      target: '2025-01-10',
      windowOpen: '2024-12-11',
      windowClose: '2025-01-10',
    });
    assert.equal(inWindow(s[1]!, '2025-02-24'), true);
    assert.equal(inWindow(s[1]!, '2025-02-25'), false);
  });

  test('status: upcoming → due → overdue → missed, completed wins', () => {
    const v = schedule('2025-01-10')[2]!; // 3 m: target 2025-04-10, window 03-27 … 05-08
    assert.equal(visitStatus(v, false, '2025-03-26'), 'upcoming');
    assert.equal(visitStatus(v, false, '2025-03-27'), 'due');
    assert.equal(visitStatus(v, false, '2025-04-10'), 'due');
    assert.equal(visitStatus(v, false, '2025-04-11'), 'overdue');
    assert.equal(visitStatus(v, false, '2025-05-08'), 'overdue');
    assert.equal(visitStatus(v, false, '2025-05-09'), 'missed');
    assert.equal(visitStatus(v, true, '2026-01-01'), 'completed');
  });

  test('property: windows are ordered and every day has exactly one status', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        fc.integer({ min: -400, max: 1200 }),
        (d, offset) => {
          const index = d.toISOString().slice(0, 10);
          for (const v of schedule(index)) {
            assert.ok(v.windowOpen <= v.target && v.target <= v.windowClose);
            const day = new Date(d.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
            assert.ok(['upcoming', 'due', 'overdue', 'missed'].includes(visitStatus(v, false, day)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('config validation refuses duplicate timepoints', () => {
    const bad = structuredClone(DEFAULT_REGISTRY_CONFIG) as { followup: { timepoints: { value: unknown[] } } };
    bad.followup.timepoints.value.push(bad.followup.timepoints.value[0]);
    assert.throws(() => parseRegistryConfig(bad), /duplicate timepoint/);
  });
});

describe('access policy', () => {
  test('analysts read de-identified data only; admins do not enter clinical data; coordinators cannot acknowledge', () => {
    assert.deepEqual(
      PERMISSIONS.filter((p) => can({ role: 'analyst' }, p)),
      ['deidentified:read'],
    );
    assert.equal(can({ role: 'admin' }, 'records:write'), false);
    assert.equal(can({ role: 'coordinator' }, 'ae:acknowledge'), false);
    assert.equal(can({ role: 'clinician' }, 'ae:acknowledge'), true);
    for (const role of ROLES) assert.equal(canAtSite({ role, siteIds: [1] }, 'records:read', 2), false);
  });
});

describe('eligibility and validation', () => {
  test('every checklist item must be answered; an exclusion makes the patient ineligible', () => {
    assert.equal(evaluateEligibility(ELIGIBLE, 12).eligible, true);
    const r = evaluateEligibility({ ...ELIGIBLE, anemia: true }, 12);
    // the label as config/registry.json words it ("Anaemia"), not the id "anemia"
    assert.deepEqual(r.reasons, ['exclusion present: Anaemia']);
    assert.equal(evaluateEligibility(ELIGIBLE, 2).eligible, false);
    const { malignancy: _m, ...missing } = ELIGIBLE;
    assert.equal(
      fieldOf(() => evaluateEligibility(missing, 12)),
      'eligibility.malignancy',
    );
    assert.equal(
      fieldOf(() => evaluateEligibility({ ...ELIGIBLE, typo: true }, 12)),
      'eligibility.typo',
    );
  });

  test('pain generator group', () => {
    assert.equal(painGeneratorGroup(['disc']), 'disc');
    assert.equal(painGeneratorGroup(['disc', 'facet']), 'multiple');
  });

  test('errors name the field as a JSON path', () => {
    const p = prpProcedure();
    assert.equal(
      fieldOf(() => parseCommand(ProcedureSchema, { ...p, targets: [{ structure: 'disc' }] })),
      'targets[0].level',
    );
    assert.equal(
      fieldOf(() => parseCommand(ProcedureSchema, { ...p, targets: [{ structure: 'epidural', level: 'L5-S1' }] })),
      'targets[0].approach',
    );
    assert.equal(
      fieldOf(() => parseCommand(ProcedureSchema, { ...p, prp: undefined })),
      'prp',
    );
    assert.equal(
      fieldOf(() => parseCommand(ProcedureSchema, { ...p, extra: 1 })),
      'extra',
    );
    assert.equal(
      fieldOf(() => parseCommand(ProcedureSchema, { ...p, procedure_date: '2025-02-30' })),
      'procedure_date',
    );
    const bad = parseCommand(ProcedureSchema, { ...p, prp: { ...p.prp, prp: { platelets: -5 } } });
    assert.equal(
      fieldOf(() => characterizeProduct(bad)),
      'prp.prp.platelets',
    );
    assert.equal(
      fieldOf(() => scoreProms({ EQ5D3L: { state: '41111' } })),
      'proms.EQ5D3L.state',
    );
    assert.equal(
      fieldOf(() =>
        parseCommand(FollowUpSchema, { timepoint: '2m', visit_date: '2025-01-01', proms: { NRS: { value: 1 } } }),
      ),
      'timepoint',
    );
  });

  test('PRP characterisation comes from src/products, with the fold warning', () => {
    const p = parseCommand(ProcedureSchema, prpProcedure());
    const r = characterizeProduct(p);
    assert.equal(r.characterization.fold, 5);
    assert.deepEqual(r.warnings, []);
    assert.equal((r.characterization.paw as { value: string }).value, 'P3Bβ');
    assert.deepEqual((r.product.preparation as { spins: unknown[] }).spins, [{ g: 300, minutes: 5 }]);
  });
});

describe('forms → commands', () => {
  test('nested names, numbers, booleans and multi-selects', () => {
    const cmd = formToCommand({
      _csrf: 'x',
      site_id: '3',
      pain_generators: 'disc',
      prior_treatments: ['surgery', 'other'],
      'eligibility.anemia': 'false',
      'targets[0].structure': 'facet',
      'targets[0].level': 'L4-L5',
      'targets[1].structure': '',
      bmi: '',
      'prp.baseline.platelets': '210000',
    });
    assert.deepEqual(cmd, {
      site_id: 3,
      pain_generators: ['disc'],
      prior_treatments: ['surgery', 'other'],
      eligibility: { anemia: false },
      targets: [{ structure: 'facet', level: 'L4-L5' }],
      prp: { baseline: { platelets: 210000 } },
    });
  });

  test('visit form: blank instruments are not administered; RMDQ only when ticked administered', () => {
    const cmd = visitFormToCommand({
      timepoint: '1m',
      visit_date: '2025-02-10',
      nrs: '4',
      'odi.0': '2',
      'rmdq.3': 'true',
    });
    assert.deepEqual(cmd.proms, {
      ODI: { answers: [2, null, null, null, null, null, null, null, null, null] },
      NRS: { value: 4 },
    });
    const withRmdq = visitFormToCommand({
      timepoint: '1m',
      visit_date: '2025-02-10',
      'rmdq.administered': 'true',
      'rmdq.3': 'true',
    });
    assert.equal((withRmdq.proms as { RMDQ: { items: boolean[] } }).RMDQ.items.filter(Boolean).length, 1);
  });
});
