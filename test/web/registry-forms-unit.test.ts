// The registry's HTML forms → JSON commands (src/web/registry/forms.ts), without a database: flat field names
// such as `targets[0].level` become nested commands, blanks mean "not given", numeric leaves become numbers,
// "true"/"false" become booleans, and the correction forms are filled back from stored records. Expected
// values are written out by hand from the form field names of src/web/registry/views.tsx and the command
// shapes of src/registry/validation.ts (docs/reference/registry.md).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandError, EnrolPatientSchema, parseCommand } from '../../src/registry/validation.ts';
import {
  commandToForm,
  formToCommand,
  procedureFormToCommand,
  visitFormToCommand,
  visitToForm,
} from '../../src/web/registry/forms.ts';

describe('formToCommand: field names → nested command', () => {
  test('every numeric field of the forms becomes a number', () => {
    // The numeric inputs of the enrolment, procedure, adverse-event and follow-up forms (views.tsx type="number"
    // and the id selects), each given as the text "7".
    const names = [
      'site_id',
      'year_of_birth',
      'bmi',
      'pain_duration_months',
      'platelets',
      'wbc',
      'neutrophils',
      'rbc',
      'rbc_pct',
      'whole_blood_ml',
      'prp_ml',
      'injected_ml',
      'g',
      'minutes',
      'tnc_per_ml',
      'cfu_f_per_ml',
      'cfu_f_assay_days',
      'cd34_per_ul',
      'viability_pct',
      'age_at_harvest',
      'aspiration_sites',
      'aspirate_volume_ml',
      'final_volume_ml',
      'injected_volume_ml',
      'passage',
      'days_in_culture',
      'dose_viable_cells',
      'injectate_volume_ml',
      'grade',
      'version',
      'procedure_id',
      'dose_mg',
      'doses_per_day',
      'dose_mcg_per_h',
    ];
    const form = Object.fromEntries(names.map((n) => [n, '7']));
    assert.deepEqual(formToCommand(form), Object.fromEntries(names.map((n) => [n, 7])));
  });

  test('a numeric leaf is recognised by its last name part, also inside objects and lists', () => {
    assert.deepEqual(
      formToCommand({
        'prp.baseline.platelets': '210000',
        'prp.preparation.spins[0].g': '300',
        'prp.preparation.spins[0].minutes': '5',
        'bmc.cd34_per_ul': '12.5',
      }),
      {
        prp: { baseline: { platelets: 210000 }, preparation: { spins: [{ g: 300, minutes: 5 }] } },
        bmc: { cd34_per_ul: 12.5 },
      },
    );
  });

  test('numbers: decimal and exponent notation accepted, anything else is NaN (refused by the schema)', () => {
    const n = (s: string) => formToCommand({ bmi: s }).bmi;
    assert.equal(n('24.5'), 24.5);
    assert.equal(n('-3'), -3);
    assert.equal(n(' 12 '), 12);
    assert.equal(n('1.5e3'), 1500);
    assert.equal(n('2E-1'), 0.2);
    assert.equal(n('1e+2'), 100);
    assert.equal(n('2.25'), 2.25);
    assert.equal(n('1e10'), 10000000000);
    // Not plain decimals: Number() would read some of these (0x10 = 16, '' = 0), the form must not.
    for (const bad of ['0x10', '1,5', '.5', '5.', '1e', 'a1', '1a', '12 kg', 'Infinity', '--1', '1.2.3']) {
      assert.ok(Number.isNaN(n(bad)), bad);
    }
  });

  test('a non-number in a numeric field is refused with that field named', () => {
    // NaN reaches the schema, which names the field (CommandError.field) instead of storing 0.
    try {
      parseCommand(EnrolPatientSchema, formToCommand({ year_of_birth: 'abc', site_id: '1' }));
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof CommandError);
      assert.equal(e.field, 'year_of_birth');
      assert.equal(e.status, 400);
    }
  });

  test('"true" and "false" become booleans, other text stays text (trimmed)', () => {
    assert.deepEqual(
      formToCommand({
        'eligibility.anemia': 'false',
        baseline_opioid_use: 'true',
        'msc.culture_expanded': ' true ',
        sex: '  female ',
        operator: 'TRUE',
      }),
      {
        eligibility: { anemia: false },
        baseline_opioid_use: true,
        msc: { culture_expanded: true },
        sex: 'female',
        operator: 'TRUE',
      },
    );
  });

  test('a text field named like a number stays text; a number field never becomes a boolean', () => {
    assert.deepEqual(formToCommand({ term: '42', version: 'true' }), { term: '42', version: Number.NaN });
  });

  test('fields starting with "_" are form controls and are left out', () => {
    assert.deepEqual(formToCommand({ _csrf: 'x', _version: '3', _reason: 'typo', sex: 'male' }), { sex: 'male' });
  });

  test('blank fields mean "not given": an all-blank form is an empty command', () => {
    assert.deepEqual(formToCommand({ bmi: '', sex: '   ', 'prp.baseline.platelets': '', 'targets[0].level': '' }), {});
    assert.deepEqual(formToCommand({}), {});
  });

  test('the multi-selects are always lists, even with one or no value ticked', () => {
    // views.tsx Checkboxes: pain_generators, prior_treatments, seriousness_criteria; adjuncts in the procedure.
    assert.deepEqual(
      formToCommand({
        pain_generators: 'disc',
        prior_treatments: ['surgery', 'other'],
        seriousness_criteria: 'hospitalisation',
        adjuncts: 'lidocaine',
      }),
      {
        pain_generators: ['disc'],
        prior_treatments: ['surgery', 'other'],
        seriousness_criteria: ['hospitalisation'],
        adjuncts: ['lidocaine'],
      },
    );
    // A multi-select sent blank is an empty list (the checklist was seen, nothing ticked), not "absent".
    assert.deepEqual(formToCommand({ prior_treatments: '', seriousness_criteria: [] }), {
      prior_treatments: [],
      seriousness_criteria: [],
    });
    // Blank entries of a list are dropped.
    assert.deepEqual(formToCommand({ prior_treatments: ['', 'surgery', ' '] }), { prior_treatments: ['surgery'] });
  });

  test('an indexed multi-select field is one element of the list, not a list in a list (issue 11)', () => {
    assert.deepEqual(formToCommand({ 'adjuncts[0]': 'lidocaine 1%' }), { adjuncts: ['lidocaine 1%'] });
    assert.deepEqual(formToCommand({ 'adjuncts[0]': ['a', 'b'] }), { adjuncts: ['a'] });
    assert.deepEqual(formToCommand({ 'adjuncts[0]': [] }), { adjuncts: [] });
    // Two-digit indexes too.
    assert.deepEqual(formToCommand({ 'adjuncts[10]': 'x' }), { adjuncts: ['x'] });
    // A multi-select inside a list row is still a list of its own.
    assert.deepEqual(formToCommand({ 'x[0].prior_treatments': 'surgery' }), { x: [{ prior_treatments: ['surgery'] }] });
  });

  test('a repeated plain field keeps all its values; a repeated number field converts each', () => {
    assert.deepEqual(formToCommand({ note: ['a', 'b'], grade: ['2', ''] }), { note: ['a', 'b'], grade: [2] });
  });

  test('list rows: blank rows are dropped and the rest close up in order', () => {
    assert.deepEqual(
      formToCommand({
        'targets[0].structure': '',
        'targets[0].level': '',
        'targets[1].structure': 'facet',
        'targets[2].structure': 'disc',
        'targets[2].level': 'L4-L5',
      }),
      { targets: [{ structure: 'facet' }, { structure: 'disc', level: 'L4-L5' }] },
    );
    // Only a later row given: the list starts with it.
    assert.deepEqual(formToCommand({ 'targets[2].side': 'left' }), { targets: [{ side: 'left' }] });
  });

  test('list indexes up to 99 are accepted; larger ones are ignored', () => {
    // forms.ts MAX_INDEX: the forms have a few rows, the schemas cap lists at 20.
    assert.deepEqual(formToCommand({ 'targets[99].level': 'L5-S1' }), { targets: [{ level: 'L5-S1' }] });
    assert.deepEqual(formToCommand({ 'targets[100].level': 'L5-S1', 'targets[0].level': 'L4-L5' }), {
      targets: [{ level: 'L4-L5' }],
    });
  });

  test('names that would reach Object.prototype are ignored', () => {
    for (const bad of ['__proto__.polluted', 'constructor.prototype.polluted', 'a.prototype.x', 'x.constructor']) {
      assert.deepEqual(formToCommand({ [bad]: 'yes', sex: 'male' }), { sex: 'male' }, bad);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a field that conflicts with an earlier plain value is ignored, not a crash', () => {
    assert.deepEqual(formToCommand({ sex: 'female', 'sex.detail': 'x' }), { sex: 'female' });
    assert.deepEqual(formToCommand({ 'a.b': 'x', 'a.b.c': 'y', 'a.d': 'z' }), { a: { b: 'x', d: 'z' } });
  });

  test('a name part with digits inside is a plain name, not a list index', () => {
    // Only `[n]` is an index (MAX_INDEX applies to it); `b1000c` is a key like any other.
    assert.deepEqual(formToCommand({ 'a.b1000c': 'v' }), { a: { b1000c: 'v' } });
  });

  test('an indexed numeric field is a number in its list', () => {
    // `g[0]`: the leaf name is `g` (spin force), numeric, whatever the index.
    assert.deepEqual(formToCommand({ 'g[0]': '300', 'g[1]': '150', 'g[12]': '5' }), { g: [300, 150, 5] });
  });

  test('a field name without any name part is ignored', () => {
    assert.deepEqual(formToCommand({ '.': 'x', '[]': 'y', sex: 'male' }), { sex: 'male' });
  });

  test('a name part followed by an index makes a list, else an object', () => {
    assert.deepEqual(formToCommand({ 'x[0][1]': 'v', 'y.0': 'w' }), { x: [['v']], y: { '0': 'w' } });
  });
});

describe("procedureFormToCommand: only the chosen therapy's product block", () => {
  test('the blocks of the other therapies are dropped, whatever the case of the therapy', () => {
    const form = {
      therapy: 'prp',
      'prp.volumes.prp_ml': '4',
      'bmc.tnc_per_ml': '5',
      'msc.passage': '2',
      'targets[0].structure': 'disc',
    };
    assert.deepEqual(procedureFormToCommand(form), {
      therapy: 'prp',
      prp: { volumes: { prp_ml: 4 } },
      targets: [{ structure: 'disc' }],
    });
    assert.deepEqual(procedureFormToCommand({ ...form, therapy: 'BMC' }), {
      therapy: 'BMC',
      bmc: { tnc_per_ml: 5 },
      targets: [{ structure: 'disc' }],
    });
    assert.deepEqual(procedureFormToCommand({ ...form, therapy: 'MSC' }), {
      therapy: 'MSC',
      msc: { passage: 2 },
      targets: [{ structure: 'disc' }],
    });
  });

  test('no therapy chosen: no product block; no target rows: an empty target list', () => {
    assert.deepEqual(procedureFormToCommand({ 'prp.volumes.prp_ml': '4', 'bmc.tnc_per_ml': '5', operator: 'Dr A' }), {
      operator: 'Dr A',
      targets: [],
    });
  });
});

describe('visitFormToCommand: the follow-up form → proms inputs', () => {
  const base = { timepoint: '3m', visit_date: '2025-04-10' };

  test('an all-blank visit form administers nothing and records no opioids', () => {
    assert.deepEqual(visitFormToCommand(base), {
      timepoint: '3m',
      visit_date: '2025-04-10',
      proms: {},
      opioids: [],
    });
    assert.deepEqual(visitFormToCommand({}), { timepoint: '', visit_date: '', proms: {}, opioids: [] });
  });

  test('ODI: ten sections in order, unanswered sections null (not 0)', () => {
    const cmd = visitFormToCommand({ ...base, 'odi.0': '2', 'odi.9': '5', 'odi.4': ' 0 ', 'odi.10': '3' });
    assert.deepEqual(cmd.proms, { ODI: { answers: [2, null, null, null, 0, null, null, null, null, 5] } });
  });

  test('ODI: a non-number answer is NaN for the scorer to refuse', () => {
    const cmd = visitFormToCommand({ ...base, 'odi.3': 'x' }) as { proms: { ODI: { answers: unknown[] } } };
    assert.ok(Number.isNaN(cmd.proms.ODI.answers[3]));
  });

  test('NRS and VAS values as numbers', () => {
    assert.deepEqual(visitFormToCommand({ ...base, nrs: '0', vas: '35.5' }).proms, {
      NRS: { value: 0 },
      VAS: { value: 35.5 },
    });
    assert.deepEqual(visitFormToCommand({ ...base, vas: '12' }).proms, { VAS: { value: 12 } });
  });

  test('EQ-5D-3L: the five levels in MO SC UA PD AD order, missing ones as "?", VAS only when given', () => {
    assert.deepEqual(
      visitFormToCommand({
        ...base,
        'eq5d.MO': '1',
        'eq5d.SC': '2',
        'eq5d.UA': '3',
        'eq5d.PD': '2',
        'eq5d.AD': '1',
        'eq5d.vas': '70',
      }).proms,
      { EQ5D3L: { state: '12321', vas: 70 } },
    );
    assert.deepEqual(visitFormToCommand({ ...base, 'eq5d.PD': '3' }).proms, { EQ5D3L: { state: '???3?' } });
    // The VAS alone still administers the instrument.
    assert.deepEqual(visitFormToCommand({ ...base, 'eq5d.vas': '0' }).proms, {
      EQ5D3L: { state: '?????', vas: 0 },
    });
  });

  test('PROMIS-10: the answered items only, keyed Global01 … Global10', () => {
    assert.deepEqual(
      visitFormToCommand({ ...base, 'promis.Global01': '4', 'promis.Global10': '2', 'promis.Global05': '' }).proms,
      { PROMIS10: { items: { Global01: 4, Global10: 2 } } },
    );
  });

  test('RMDQ: only when ticked administered; then 24 statements, ticked = true', () => {
    // docs/reference/instruments.md §5.1: an unticked statement means "does not apply to me".
    assert.deepEqual(visitFormToCommand({ ...base, 'rmdq.3': 'true' }).proms, {});
    const items = Array.from({ length: 24 }, (_, i) => i === 0 || i === 23);
    assert.deepEqual(
      visitFormToCommand({ ...base, 'rmdq.administered': 'true', 'rmdq.0': 'true', 'rmdq.23': ['true'] }).proms,
      { RMDQ: { items } },
    );
    assert.deepEqual(visitFormToCommand({ ...base, 'rmdq.administered': 'false', 'rmdq.0': 'true' }).proms, {});
  });

  test('opioids: up to three rows with a drug, their doses as numbers, blank doses left out', () => {
    const cmd = visitFormToCommand({
      ...base,
      'opioids[0].drug': 'oxycodone',
      'opioids[0].dose_mg': '10',
      'opioids[0].doses_per_day': '2',
      'opioids[1].drug': '',
      'opioids[1].dose_mg': '99',
      'opioids[2].drug': 'fentanyl-transdermal',
      'opioids[2].dose_mcg_per_h': '25',
      'opioids[2].dose_mg': '',
      'opioids[3].drug': 'morphine',
    });
    assert.deepEqual(cmd.opioids, [
      { drug: 'oxycodone', dose_mg: 10, doses_per_day: 2 },
      { drug: 'fentanyl-transdermal', dose_mcg_per_h: 25 },
    ]);
    assert.equal(cmd.no_opioids, undefined);
  });

  test('the "No opioids at this visit" box is no_opioids: true; unticked it says nothing', () => {
    assert.equal(visitFormToCommand({ ...base, no_opioids: 'true' }).no_opioids, true);
    assert.equal('no_opioids' in visitFormToCommand({ ...base, no_opioids: 'false' }), false);
  });

  test('re-intervention: only when it occurred; a blank date or description is null', () => {
    assert.deepEqual(
      visitFormToCommand({
        ...base,
        'reintervention.occurred': 'true',
        'reintervention.date': '2025-03-01',
        'reintervention.description': ' fusion L4-L5 ',
      }).reintervention,
      { occurred: true, date: '2025-03-01', description: 'fusion L4-L5' },
    );
    assert.deepEqual(visitFormToCommand({ ...base, 'reintervention.occurred': 'true' }).reintervention, {
      occurred: true,
      date: null,
      description: null,
    });
    assert.equal(
      'reintervention' in
        visitFormToCommand({ ...base, 'reintervention.occurred': 'false', 'reintervention.date': 'x' }),
      false,
    );
  });

  test('imaging note kept trimmed when given, left out when blank', () => {
    assert.equal(visitFormToCommand({ ...base, imaging_note: ' MRI: Modic 1 ' }).imaging_note, 'MRI: Modic 1');
    assert.equal('imaging_note' in visitFormToCommand({ ...base, imaging_note: '  ' }), false);
  });

  test('a repeated field counts its first value', () => {
    assert.deepEqual(visitFormToCommand({ timepoint: ['1m', '3m'], visit_date: [], nrs: ['5', '6'] }), {
      timepoint: '1m',
      visit_date: '',
      proms: { NRS: { value: 5 } },
      opioids: [],
    });
  });
});

describe("commandToForm: a stored record → the correction form's field names", () => {
  test('nested objects, lists of rows and multi-selects', () => {
    assert.deepEqual(
      commandToForm({
        therapy: 'PRP',
        injectate_volume_ml: 4.5,
        culture_expanded: false,
        operator: null,
        ind_number: undefined,
        targets: [{ structure: 'disc', level: 'L4-L5' }, { structure: 'facet' }],
        prp: { preparation: { spins: [{ g: 300, minutes: 5 }] } },
        adjuncts: ['lidocaine'],
        prior_treatments: [],
      }),
      {
        therapy: 'PRP',
        injectate_volume_ml: '4.5',
        culture_expanded: 'false',
        'targets[0].structure': 'disc',
        'targets[0].level': 'L4-L5',
        'targets[1].structure': 'facet',
        'prp.preparation.spins[0].g': '300',
        'prp.preparation.spins[0].minutes': '5',
        adjuncts: ['lidocaine'],
        prior_treatments: [],
      },
    );
  });

  test('a list of plain values that is no multi-select becomes indexed fields', () => {
    assert.deepEqual(commandToForm({ reasons: ['a', 'b'], x: { pain_generators: ['disc', 'facet'] } }), {
      'reasons[0]': 'a',
      'reasons[1]': 'b',
      'x.pain_generators': ['disc', 'facet'],
    });
  });

  test('a multi-select inside a list row keeps its name', () => {
    assert.deepEqual(commandToForm({ x: [{ adjuncts: ['a', 'b'] }] }), { 'x[0].adjuncts': ['a', 'b'] });
  });

  test('a multi-select holding objects is walked as rows', () => {
    assert.deepEqual(commandToForm({ adjuncts: [{ name: 'a' }, 'b'] }), {
      'adjuncts[0].name': 'a',
      'adjuncts[1]': 'b',
    });
  });

  test('a prefix names the fields under it', () => {
    assert.deepEqual(commandToForm({ platelets: 210000, wbc: null }, 'prp.baseline'), {
      'prp.baseline.platelets': '210000',
    });
    assert.deepEqual(commandToForm(7, 'grade'), { grade: '7' });
    assert.deepEqual(commandToForm(null), {});
  });

  test('round trip: a procedure form → command → form gives the same fields', () => {
    const form = {
      therapy: 'PRP',
      operator: 'Dr A',
      'targets[0].structure': 'disc',
      'targets[0].level': 'L4-L5',
      'prp.volumes.prp_ml': '4',
      'prp.baseline.platelets': '210000',
      adjuncts: ['lidocaine'],
    };
    assert.deepEqual(commandToForm(procedureFormToCommand(form)), form);
  });
});

describe('visitToForm: a stored visit and its scores → the follow-up form', () => {
  test('an empty visit: timepoint and date only', () => {
    assert.deepEqual(visitToForm({}, []), { timepoint: '', visit_date: '' });
    assert.deepEqual(visitToForm({ timepoint: '1m', visit_date: '2025-02-10', opioids: null }, []), {
      timepoint: '1m',
      visit_date: '2025-02-10',
    });
  });

  test('each instrument back to its fields', () => {
    const f = visitToForm({ timepoint: '6m', visit_date: '2025-07-10' }, [
      { instrument: 'ODI', input: { answers: [2, null, 0, undefined, 5, null, null, null, null, 1] } },
      { instrument: 'NRS', input: { value: 4 } },
      { instrument: 'VAS', input: { value: 35.5 } },
      { instrument: 'EQ5D3L', input: { state: '1?3x2', vas: 70 } },
      { instrument: 'PROMIS10', input: { items: { Global01: 4, Global10: 2 } } },
      { instrument: 'RMDQ', input: { items: [true, false, true] } },
      { instrument: 'UNKNOWN', input: { value: 9 } },
    ]);
    assert.deepEqual(f, {
      timepoint: '6m',
      visit_date: '2025-07-10',
      'odi.0': '2',
      'odi.2': '0',
      'odi.4': '5',
      'odi.9': '1',
      nrs: '4',
      vas: '35.5',
      'eq5d.MO': '1',
      'eq5d.UA': '3',
      'eq5d.AD': '2',
      'eq5d.vas': '70',
      'promis.Global01': '4',
      'promis.Global10': '2',
      'rmdq.administered': 'true',
      'rmdq.0': 'true',
      'rmdq.2': 'true',
    });
  });

  test('scores stored without inputs give empty fields, not a crash', () => {
    const f = visitToForm({ timepoint: '1m', visit_date: '2025-02-10' }, [
      { instrument: 'ODI' },
      { instrument: 'NRS', input: {} },
      { instrument: 'VAS' },
      { instrument: 'EQ5D3L', input: {} },
      { instrument: 'PROMIS10', input: {} },
      { instrument: 'RMDQ', input: {} },
    ]);
    assert.deepEqual(f, { timepoint: '1m', visit_date: '2025-02-10', nrs: '', vas: '', 'rmdq.administered': 'true' });
  });

  test('opioids as one dose a day of the stored daily amount; a patch in mcg/h; at most three', () => {
    const f = visitToForm(
      {
        timepoint: '1m',
        visit_date: '2025-02-10',
        opioids: {
          total_mme_per_day: 120,
          entries: [
            { drug: 'oxycodone', daily_amount: 20, unit: 'mg' },
            { drug: 'fentanyl-transdermal', daily_amount: 25, unit: 'mcg/h' },
            { drug: 'morphine', daily_amount: 30, unit: 'mg' },
            { drug: 'tramadol', daily_amount: 100, unit: 'mg' },
          ],
        },
      },
      [],
    );
    assert.deepEqual(f, {
      timepoint: '1m',
      visit_date: '2025-02-10',
      'opioids[0].drug': 'oxycodone',
      'opioids[0].dose_mg': '20',
      'opioids[0].doses_per_day': '1',
      'opioids[1].drug': 'fentanyl-transdermal',
      'opioids[1].dose_mcg_per_h': '25',
      'opioids[2].drug': 'morphine',
      'opioids[2].dose_mg': '30',
      'opioids[2].doses_per_day': '1',
    });
  });

  test('"no opioids" (total 0, no entries) ticks the box; an unknown total does not', () => {
    assert.equal(visitToForm({ opioids: { total_mme_per_day: 0, entries: [] } }, []).no_opioids, 'true');
    assert.equal(visitToForm({ opioids: { total_mme_per_day: 0 } }, []).no_opioids, 'true');
    assert.equal(visitToForm({ opioids: { entries: [] } }, []).no_opioids, undefined);
    assert.equal(visitToForm({ opioids: { total_mme_per_day: 5, entries: [] } }, []).no_opioids, undefined);
    const some = visitToForm(
      { opioids: { total_mme_per_day: 0, entries: [{ drug: 'codeine', daily_amount: 0, unit: 'mg' }] } },
      [],
    );
    assert.equal(some.no_opioids, undefined);
  });

  test('re-intervention and imaging note back to their fields', () => {
    assert.deepEqual(
      visitToForm(
        {
          reintervention: { occurred: true, date: '2025-03-01', description: 'fusion' },
          imaging_note: 'MRI',
        },
        [],
      ),
      {
        timepoint: '',
        visit_date: '',
        'reintervention.occurred': 'true',
        'reintervention.date': '2025-03-01',
        'reintervention.description': 'fusion',
        imaging_note: 'MRI',
      },
    );
    assert.deepEqual(visitToForm({ reintervention: { occurred: true, date: null, description: null } }, []), {
      timepoint: '',
      visit_date: '',
      'reintervention.occurred': 'true',
    });
    assert.deepEqual(visitToForm({ reintervention: { occurred: false, date: '2025-03-01' }, imaging_note: '' }, []), {
      timepoint: '',
      visit_date: '',
    });
  });

  test('round trip: a visit form → command keeps what the stored visit gave back', () => {
    const f = visitToForm({ timepoint: '1m', visit_date: '2025-02-10' }, [
      { instrument: 'NRS', input: { value: 4 } },
      { instrument: 'EQ5D3L', input: { state: '11221', vas: 80 } },
    ]);
    assert.deepEqual(visitFormToCommand(f), {
      timepoint: '1m',
      visit_date: '2025-02-10',
      proms: { NRS: { value: 4 }, EQ5D3L: { state: '11221', vas: 80 } },
      opioids: [],
    });
  });
});
