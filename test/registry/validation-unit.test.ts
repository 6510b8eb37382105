// Command schemas of the registry (src/registry/validation.ts), tested without a database: each required
// field, range and cross-field rule, with the exact field (a JSON path) and HTTP status of the refusal.
// Expected values come from the reference notes cited above each test (docs/reference/registry.md,
// products.md, safety.md, registry-settings.md), the PostgreSQL limits the schema comments name, or the
// vocabulary of issue 5 quoted there; never from running the code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/instruments/input.ts';
import {
  AdverseEventSchema,
  assertStorableText,
  ConsentSchema,
  CorrectConsentSchema,
  CorrectionSchema,
  DeleteSchema,
  EnrolPatientSchema,
  FollowUpReportQuerySchema,
  FollowUpSchema,
  findBadText,
  joinField,
  MscSchema,
  PatientSearchSchema,
  PatientStatusSchema,
  ProcedureSchema,
  PrpPreparationSchema,
  parseCommand,
  SiteSchema,
  TargetSchema,
  UpdatePatientSchema,
  WithdrawConsentSchema,
  withPrefix,
} from '../../src/registry/validation.ts';
import { refusal, rejection } from './command-error.ts';

/** "status field" of the refusal, or '(none)'. */

const NUL_MESSAGE = 'NUL characters are not allowed';

describe('field paths and storable text (security review L1: NUL and lone surrogates never reach PostgreSQL)', () => {
  test('a path joins keys with dots and indexes in brackets; the root is $', () => {
    assert.equal(joinField(['targets', 0, 'level']), 'targets[0].level');
    assert.equal(joinField(['proms', 'ODI', 'answers', 3]), 'proms.ODI.answers[3]');
    assert.equal(joinField([0, 'g']), '[0].g');
    assert.equal(joinField([]), '$');
  });

  test('the first element of a list is inspected, and a bare NUL string is named $', () => {
    assert.deepEqual(findBadText(['\u0000']), ['[0]', NUL_MESSAGE]);
    assert.deepEqual(findBadText('a\u0000'), ['$', NUL_MESSAGE]);
    assert.deepEqual(findBadText({ a: { b: ['ok', 'x\udbff'] } }), [
      'a.b[1]',
      'broken text: an unpaired UTF-16 surrogate',
    ]);
  });

  test('null, numbers and booleans are not text and pass', () => {
    assert.equal(findBadText(null), null);
    assert.equal(findBadText({ a: null, b: 3, c: true, d: [null, 1] }), null);
    assert.deepEqual(findBadText({ a: '\u0000', b: null }), ['a', NUL_MESSAGE]);
  });

  test('the walk stops after its node budget (one node per value visited)', () => {
    // ['\u0000']: node 1 is the list, node 2 the string.
    assert.equal(findBadText(['\u0000'], 1), null);
    assert.deepEqual(findBadText(['\u0000'], 2), ['[0]', NUL_MESSAGE]);
    assert.equal(findBadText('\u0000', 0), null);
    // [['a'], '\u0000']: list, inner list, 'a', then the NUL string: the 4th node.
    assert.deepEqual(findBadText([['a'], '\u0000'], 4), ['[1]', NUL_MESSAGE]);
    assert.equal(findBadText([['a'], '\u0000'], 3), null);
  });

  test('assertStorableText refuses with 400 naming the field, under the prefix given', () => {
    assert.equal(
      refusal(() => assertStorableText({ term: 'a\u0000' })),
      '400 term',
    );
    assert.equal(rejection(() => assertStorableText({ term: 'a\u0000' })).message, NUL_MESSAGE);
    assert.equal(
      refusal(() => assertStorableText({ device: 'a\u0000' }, 'prp')),
      '400 prp.device',
    );
    assert.equal(
      refusal(() => assertStorableText('a\u0000', 'prp')),
      '400 prp',
    );
    assert.equal(
      refusal(() => assertStorableText({ term: 'fine' }, 'prp')),
      '(none)',
    );
    assert.equal(
      refusal(() => parseCommand(DeleteSchema, { version: 1, reason: 'typo \u0000' })),
      '400 reason',
    );
  });
});

describe('parseCommand: the {error, field} shape of every rejection', () => {
  test('an unknown key is named, with its name in the message', () => {
    const e = rejection(() => parseCommand(DeleteSchema, { version: 1, reason: 'typo', extra: 1 }));
    assert.equal(`${e.status} ${e.field}`, '400 extra');
    assert.match(e.message, /unknown field "extra"/);
    assert.deepEqual(e.toJSON(), { error: e.message, field: 'extra' });
  });
  test('an absent required field is "missing"; an out-of-range one is not', () => {
    const absent = rejection(() => parseCommand(DeleteSchema, { reason: 'typo' }));
    assert.equal(`${absent.status} ${absent.field}`, '400 version');
    assert.equal(absent.message, 'missing');
    // a value of the wrong type was given, so it is not "missing": zod's own message says what was expected
    const wrongType = rejection(() => parseCommand(DeleteSchema, { version: 'one', reason: 'typo' }));
    assert.equal(`${wrongType.status} ${wrongType.field}`, '400 version');
    assert.match(wrongType.message, /expected number, received string/);
    const big = rejection(() => parseCommand(DeleteSchema, { version: 0, reason: 'typo' }));
    assert.equal(big.field, 'version');
    assert.notEqual(big.message, 'missing');
  });
});

describe('withPrefix: errors of the pure scoring modules, placed where they sat in the command', () => {
  const fail = (field: string) => () => {
    throw new InputError('bad', field);
  };
  test('a field is joined to the prefix with a dot, an index directly, the root becomes the prefix', () => {
    assert.equal(
      refusal(() => withPrefix('bmc', fail('tnc_per_ml'))),
      '400 bmc.tnc_per_ml',
    );
    assert.equal(
      refusal(() => withPrefix('opioids', fail('[0].dose_mg'))),
      '400 opioids[0].dose_mg',
    );
    assert.equal(
      refusal(() => withPrefix('bmc', fail('$'))),
      '400 bmc',
    );
    assert.equal(
      refusal(() => withPrefix('$', fail('grade'))),
      '400 grade',
    );
    assert.equal(rejection(() => withPrefix('bmc', fail('x'))).message, 'bad');
  });
  test('the value is returned; other errors pass through unchanged', () => {
    assert.equal(
      withPrefix('bmc', () => 42),
      42,
    );
    const boom = new RangeError('boom');
    assert.throws(
      () =>
        withPrefix('$', () => {
          throw boom;
        }),
      (e) => e === boom,
    );
  });
});

describe('dates and versions (PostgreSQL limits named in the schema comments)', () => {
  const del =
    (version: unknown, reason: unknown = 'typo in the date') =>
    () =>
      parseCommand(DeleteSchema, { version, reason });
  const report = (today: string) => () => parseCommand(FollowUpReportQuerySchema, { today });
  test('calendar dates from 1900-01-01 to 2199-12-31 (year 0000 would be a database error)', () => {
    assert.equal(refusal(report('1900-01-01')), '(none)');
    assert.equal(refusal(report('2199-12-31')), '(none)');
    const early = rejection(report('1899-12-31'));
    assert.equal(`${early.status} ${early.field}`, '400 today');
    assert.match(early.message, /1900-01-01/);
    assert.match(early.message, /2199-12-31/);
    assert.equal(refusal(report('2200-01-01')), '400 today');
    assert.equal(refusal(report('0000-01-01')), '400 today');
    assert.equal(refusal(report('2025-02-29')), '400 today');
    assert.equal(refusal(report('2024-02-29')), '(none)');
  });
  test('a version is a positive PostgreSQL integer (at most 2^31 - 1)', () => {
    assert.equal(refusal(del(2_147_483_647)), '(none)');
    const over = rejection(del(2_147_483_648));
    assert.equal(`${over.status} ${over.field}`, '400 version');
    assert.match(over.message, /version/);
    assert.equal(refusal(del(0)), '400 version');
    assert.equal(refusal(del(1.5)), '400 version');
  });
  test('a change needs a reason of at least 3 characters after trimming, at most 500 (ICH E6 4.9.3)', () => {
    // docs/reference/registry.md "Audit expectations": any change is "explained" (ICH E6(R2) 4.9.3)
    const short = rejection(del(1, '  ab  '));
    assert.equal(`${short.status} ${short.field}`, '400 reason');
    assert.match(short.message, /ICH E6 4\.9\.3/);
    assert.equal(refusal(del(1, 'x'.repeat(501))), '400 reason');
    assert.deepEqual(parseCommand(DeleteSchema, { version: 3, reason: '  abc  ' }), { version: 3, reason: 'abc' });
    assert.deepEqual(parseCommand(DeleteSchema, { version: 3, reason: 'x'.repeat(500) }).reason.length, 500);
  });
});

// A patient as enrolled: the fields of issue 5 (demographics, pain duration, generators, eligibility checklist).
const enrol = (over: Record<string, unknown> = {}) => ({
  site_id: 1,
  year_of_birth: 1968,
  sex: 'female',
  bmi: 26.1,
  smoking: 'former',
  pain_duration_months: 30,
  prior_treatments: ['physical-therapy'],
  pain_generators: ['disc'],
  baseline_opioid_use: false,
  eligibility: { chronic_lbp: true, anemia: false },
  ...over,
});
const enrolRefusal = (over: Record<string, unknown>) => refusal(() => parseCommand(EnrolPatientSchema, enrol(over)));

describe('enrolment and patient updates', () => {
  const thisYear = new Date().getUTCFullYear();
  test('a complete enrolment is accepted as given', () => {
    assert.deepEqual(parseCommand(EnrolPatientSchema, enrol()), enrol());
  });
  test('prior treatments default to none', () => {
    const { prior_treatments: _p, ...rest } = enrol();
    assert.deepEqual(parseCommand(EnrolPatientSchema, rest).prior_treatments, []);
  });
  test('year of birth from 1900 to the current year', () => {
    assert.equal(enrolRefusal({ year_of_birth: 1900 }), '(none)');
    assert.equal(enrolRefusal({ year_of_birth: thisYear }), '(none)');
    assert.equal(enrolRefusal({ year_of_birth: 1899 }), '400 year_of_birth');
    assert.equal(enrolRefusal({ year_of_birth: thisYear + 1 }), '400 year_of_birth');
  });
  test('BMI within the database envelope 5–250 kg/m² (migration 006), or not recorded', () => {
    assert.equal(enrolRefusal({ bmi: 5 }), '(none)');
    assert.equal(enrolRefusal({ bmi: 250 }), '(none)');
    assert.equal(enrolRefusal({ bmi: null }), '(none)');
    assert.equal(enrolRefusal({ bmi: 4.9 }), '400 bmi');
    assert.equal(enrolRefusal({ bmi: 250.1 }), '400 bmi');
  });
  test('pain duration 0–1200 whole months', () => {
    assert.equal(enrolRefusal({ pain_duration_months: 0 }), '(none)');
    assert.equal(enrolRefusal({ pain_duration_months: 1200 }), '(none)');
    assert.equal(enrolRefusal({ pain_duration_months: -1 }), '400 pain_duration_months');
    assert.equal(enrolRefusal({ pain_duration_months: 1201 }), '400 pain_duration_months');
  });
  test('prior treatments: each of the seven kinds at most once in number', () => {
    const all = [
      'physical-therapy',
      'medication',
      'epidural-steroid',
      'facet-injection',
      'radiofrequency-ablation',
      'surgery',
      'other',
    ];
    assert.equal(enrolRefusal({ prior_treatments: all }), '(none)');
    assert.equal(enrolRefusal({ prior_treatments: [...all, 'other'] }), '400 prior_treatments');
    assert.equal(enrolRefusal({ prior_treatments: ['acupuncture'] }), '400 prior_treatments[0]');
  });
  test('pain generators: one to three of disc, facet, sacroiliac (issue 5 vocabulary)', () => {
    const none = rejection(() => parseCommand(EnrolPatientSchema, enrol({ pain_generators: [] })));
    assert.equal(`${none.status} ${none.field}`, '400 pain_generators');
    assert.match(none.message, /at least one pain generator/);
    assert.equal(enrolRefusal({ pain_generators: ['disc', 'facet'] }), '(none)');
    assert.equal(enrolRefusal({ pain_generators: ['disc', 'facet', 'sacroiliac'] }), '(none)');
    assert.equal(enrolRefusal({ pain_generators: ['disc', 'facet', 'sacroiliac', 'disc'] }), '400 pain_generators');
  });
  test('an update names what changes, with the version read and a reason', () => {
    const u = { version: 2, reason: 'typo in the year', year_of_birth: 1969, prior_treatments: ['surgery'] };
    assert.deepEqual(parseCommand(UpdatePatientSchema, u), u);
    // no default for the list: an update that does not mention it leaves it alone
    assert.deepEqual(parseCommand(UpdatePatientSchema, { version: 2, reason: 'new BMI', bmi: 30 }), {
      version: 2,
      reason: 'new BMI',
      bmi: 30,
    });
    const eight = ['physical-therapy', 'medication', 'epidural-steroid', 'facet-injection'];
    assert.equal(
      refusal(() =>
        parseCommand(UpdatePatientSchema, { version: 2, reason: 'more', prior_treatments: [...eight, ...eight] }),
      ),
      '400 prior_treatments',
    );
    assert.equal(
      refusal(() =>
        parseCommand(UpdatePatientSchema, {
          version: 2,
          reason: 'more',
          prior_treatments: ['physical-therapy', 'medication'],
        }),
      ),
      '(none)',
    );
  });
});

describe('consent (docs/reference/registry.md §Consent scopes; issue 5: version, date, who obtained it)', () => {
  const consent = { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'coordinator-1' };
  test('the scope defaults to registry participation; text fields are trimmed', () => {
    assert.deepEqual(parseCommand(ConsentSchema, { ...consent, form_version: '  v2 ' }), {
      ...consent,
      scope: 'registry',
    });
    assert.deepEqual(parseCommand(ConsentSchema, { ...consent, scope: 'research' }), {
      ...consent,
      scope: 'research',
    });
    assert.equal(
      refusal(() => parseCommand(ConsentSchema, { ...consent, scope: 'treatment' })),
      '400 scope',
    );
  });
  test('form version and who obtained it are required text (blank after trimming is missing), bounded', () => {
    assert.equal(
      refusal(() => parseCommand(ConsentSchema, { ...consent, obtained_by: '   ' })),
      '400 obtained_by',
    );
    assert.equal(
      refusal(() => parseCommand(ConsentSchema, { ...consent, obtained_by: 'x'.repeat(121) })),
      '400 obtained_by',
    );
    assert.equal(
      refusal(() => parseCommand(ConsentSchema, { ...consent, obtained_by: 'x'.repeat(120) })),
      '(none)',
    );
    assert.equal(
      refusal(() => parseCommand(ConsentSchema, { ...consent, form_version: 'x'.repeat(51) })),
      '400 form_version',
    );
  });
  test('a correction names the fields it replaces', () => {
    const c = { version: 1, reason: 'wrong date', consent_date: '2025-01-03' };
    assert.deepEqual(parseCommand(CorrectConsentSchema, c), c);
    assert.equal(
      refusal(() => parseCommand(CorrectConsentSchema, { ...c, consent_date: '2025-13-01' })),
      '400 consent_date',
    );
  });
  test('a withdrawal has its date and the stated reason (3–500 characters after trimming)', () => {
    const w = { version: 1, withdrawn_date: '2025-03-01', reason: ' not given ' };
    assert.deepEqual(parseCommand(WithdrawConsentSchema, w), { ...w, reason: 'not given' });
    const short = rejection(() => parseCommand(WithdrawConsentSchema, { ...w, reason: ' no ' }));
    assert.equal(`${short.status} ${short.field}`, '400 reason');
    assert.match(short.message, /withdrawal/);
    assert.equal(
      refusal(() => parseCommand(WithdrawConsentSchema, { ...w, reason: 'x'.repeat(501) })),
      '400 reason',
    );
    assert.equal(
      refusal(() => parseCommand(WithdrawConsentSchema, { ...w, reason: 'x'.repeat(500) })),
      '(none)',
    );
  });
});

describe('patient status', () => {
  const status = (s: Record<string, unknown>) => () =>
    parseCommand(PatientStatusSchema, { version: 1, reason: 'phone call', ...s });
  test('withdrawn, lost to follow-up and deceased need the date; active has none', () => {
    const w = rejection(status({ status: 'withdrawn' }));
    assert.equal(`${w.status} ${w.field}`, '400 status_date');
    assert.equal(w.message, 'the date the patient became withdrawn');
    const lost = rejection(status({ status: 'lost_to_follow_up', status_date: null }));
    assert.equal(lost.field, 'status_date');
    assert.equal(lost.message, 'the date the patient became lost to follow up');
    assert.equal(refusal(status({ status: 'deceased', status_date: '2025-05-01' })), '(none)');
    const active = rejection(status({ status: 'active', status_date: '2025-05-01' }));
    assert.equal(`${active.status} ${active.field}`, '400 status_date');
    assert.match(active.message, /active/);
    assert.deepEqual(parseCommand(PatientStatusSchema, { version: 1, reason: 'back again', status: 'active' }), {
      version: 1,
      reason: 'back again',
      status: 'active',
    });
  });
});

describe('patient search', () => {
  test('defaults to 50 rows; 1–200 rows; a query of at most 40 characters, trimmed', () => {
    assert.deepEqual(parseCommand(PatientSearchSchema, {}), { limit: 50 });
    assert.deepEqual(parseCommand(PatientSearchSchema, { q: ' RS-00 ', status: 'active', site_id: 2, before: 9 }), {
      q: 'RS-00',
      status: 'active',
      site_id: 2,
      before: 9,
      limit: 50,
    });
    const search = (s: Record<string, unknown>) => refusal(() => parseCommand(PatientSearchSchema, s));
    assert.equal(search({ limit: 1 }), '(none)');
    assert.equal(search({ limit: 200 }), '(none)');
    assert.equal(search({ limit: 0 }), '400 limit');
    assert.equal(search({ limit: 201 }), '400 limit');
    assert.equal(search({ q: 'x'.repeat(40) }), '(none)');
    assert.equal(search({ q: 'x'.repeat(41) }), '400 q');
    assert.equal(search({ q: ` ${'x'.repeat(40)} ` }), '(none)');
    assert.equal(search({ site_id: 2_147_483_647 }), '(none)');
    assert.equal(search({ site_id: 2_147_483_648 }), '400 site_id');
  });
});

describe('injection targets (lumbar segments L1-L2 … L5-S1; facet and SI joints are sided; epidural has an approach)', () => {
  const target = (t: Record<string, unknown>) => () => parseCommand(TargetSchema, t);
  test('disc, facet and epidural targets need a level; the sacroiliac joint has none', () => {
    const disc = rejection(target({ structure: 'disc' }));
    assert.equal(`${disc.status} ${disc.field}`, '400 level');
    assert.match(disc.message, /disc target needs a level/);
    assert.equal(refusal(target({ structure: 'disc', level: 'L5-S1' })), '(none)');
    const si = rejection(target({ structure: 'sacroiliac', level: 'L5-S1', side: 'left' }));
    assert.equal(`${si.status} ${si.field}`, '400 level');
    assert.match(si.message, /sacroiliac/);
    assert.equal(refusal(target({ structure: 'sacroiliac', side: 'left' })), '(none)');
  });
  test('a sacroiliac or facet target needs left, right or bilateral (not midline)', () => {
    assert.equal(refusal(target({ structure: 'sacroiliac' })), '400 side');
    const siMid = rejection(target({ structure: 'sacroiliac', side: 'midline' }));
    assert.equal(`${siMid.status} ${siMid.field}`, '400 side');
    assert.match(siMid.message, /sacroiliac target needs left, right or bilateral/);
    assert.equal(refusal(target({ structure: 'sacroiliac', side: 'bilateral' })), '(none)');
    assert.equal(refusal(target({ structure: 'facet', level: 'L4-L5' })), '400 side');
    const facetMid = rejection(target({ structure: 'facet', level: 'L4-L5', side: 'midline' }));
    assert.equal(`${facetMid.status} ${facetMid.field}`, '400 side');
    assert.match(facetMid.message, /facet target needs left, right or bilateral/);
    assert.equal(refusal(target({ structure: 'facet', level: 'L4-L5', side: 'right' })), '(none)');
    // a disc target may be midline
    assert.equal(refusal(target({ structure: 'disc', level: 'L4-L5', side: 'midline' })), '(none)');
  });
  test('the approach (interlaminar, transforaminal, caudal) is for epidural targets only', () => {
    const ep = rejection(target({ structure: 'epidural', level: 'L5-S1' }));
    assert.equal(`${ep.status} ${ep.field}`, '400 approach');
    assert.match(ep.message, /epidural target needs the approach/);
    assert.equal(refusal(target({ structure: 'epidural', level: 'L5-S1', approach: 'caudal' })), '(none)');
    const disc = rejection(target({ structure: 'disc', level: 'L4-L5', approach: 'transforaminal' }));
    assert.equal(`${disc.status} ${disc.field}`, '400 approach');
    assert.match(disc.message, /epidural targets only/);
  });
});

// docs/reference/products.md §3 "MSC product field" table: source tissue, autologous/allogeneic,
// culture-expanded (passage number, days in culture), ISCT results, cell dose and viability, IND/trial.
const msc = (over: Record<string, unknown> = {}) => ({
  source: 'bone-marrow',
  origin: 'autologous',
  culture_expanded: true,
  passage: 3,
  days_in_culture: 21,
  dose_viable_cells: 1e7,
  viability_pct: 92,
  release_tests: { sterility: 'pass', endotoxin: 'fail', mycoplasma: 'not-done' },
  ind_number: 'IND 012345',
  trial_registration: 'NCT00000000',
  ...over,
});
const mscRefusal = (over: Record<string, unknown>) => refusal(() => parseCommand(MscSchema, msc(over)));

describe('product records (docs/reference/products.md)', () => {
  test('PRP preparation: device, anticoagulant, up to five spins, light activation; spins default to none', () => {
    assert.deepEqual(parseCommand(PrpPreparationSchema, {}), { spins: [] });
    const prep = {
      device: ' kit-x ',
      anticoagulant: 'ACD-A',
      spins: [
        { g: 300, minutes: 5 },
        { g: 700, minutes: 10 },
      ],
      light_activation: false,
    };
    assert.deepEqual(parseCommand(PrpPreparationSchema, prep), { ...prep, device: 'kit-x' });
    assert.equal(
      refusal(() => parseCommand(PrpPreparationSchema, { device: 'x'.repeat(121) })),
      '400 device',
    );
    assert.equal(
      refusal(() => parseCommand(PrpPreparationSchema, { device: 'x'.repeat(120) })),
      '(none)',
    );
    const spin = { g: 300, minutes: 5 };
    assert.equal(
      refusal(() => parseCommand(PrpPreparationSchema, { spins: [spin, spin, spin, spin, spin, spin] })),
      '400 spins',
    );
    assert.equal(
      refusal(() => parseCommand(PrpPreparationSchema, { spins: [{ g: 0, minutes: 5 }] })),
      '400 spins[0].g',
    );
  });
  test('an MSC record with every field of the products.md §3 table is accepted as given', () => {
    assert.deepEqual(parseCommand(MscSchema, msc()), msc());
    assert.equal(mscRefusal({ origin: 'allogeneic', source: 'umbilical-cord' }), '(none)');
    assert.equal(mscRefusal({ origin: 'xenogeneic' }), '400 origin');
    assert.equal(mscRefusal({ release_tests: { sterility: 'fail', endotoxin: 'pass' } }), '(none)');
    assert.equal(mscRefusal({ release_tests: { sterility: 'positive' } }), '400 release_tests.sterility');
  });
  test('release tests not given are "not-done"', () => {
    assert.deepEqual(parseCommand(MscSchema, msc({ release_tests: {} })).release_tests, {
      sterility: 'not-done',
      endotoxin: 'not-done',
      mycoplasma: 'not-done',
    });
  });
  test('passage 0–100, days in culture 0–3650, viability 0–100 %', () => {
    assert.equal(mscRefusal({ passage: 0 }), '(none)');
    assert.equal(mscRefusal({ passage: 100 }), '(none)');
    assert.equal(mscRefusal({ passage: -1 }), '400 passage');
    assert.equal(mscRefusal({ passage: 101 }), '400 passage');
    assert.equal(mscRefusal({ days_in_culture: 0 }), '(none)');
    assert.equal(mscRefusal({ days_in_culture: 3650 }), '(none)');
    assert.equal(mscRefusal({ days_in_culture: -1 }), '400 days_in_culture');
    assert.equal(mscRefusal({ days_in_culture: 3651 }), '400 days_in_culture');
    assert.equal(mscRefusal({ viability_pct: 0 }), '(none)');
    assert.equal(mscRefusal({ viability_pct: 100 }), '(none)');
    assert.equal(mscRefusal({ viability_pct: -0.1 }), '400 viability_pct');
    assert.equal(mscRefusal({ viability_pct: 100.1 }), '400 viability_pct');
  });
  test('a culture-expanded product needs its passage number; a minimally manipulated one does not', () => {
    const { passage: _p, ...noPassage } = msc();
    const e = rejection(() => parseCommand(MscSchema, noPassage));
    assert.equal(`${e.status} ${e.field}`, '400 passage');
    assert.match(e.message, /passage number/);
    assert.equal(mscRefusal({ passage: null }), '400 passage');
    assert.equal(
      refusal(() => parseCommand(MscSchema, { ...noPassage, culture_expanded: false })),
      '(none)',
    );
  });
});

// A PRP procedure as recorded (docs/reference/products.md §1.2 capture fields; image guidance options).
const procedure = (over: Record<string, unknown> = {}) => ({
  procedure_date: '2025-01-10',
  operator: 'operator-1',
  therapy: 'PRP',
  prp: { baseline: { platelets: 200000 }, prp: { platelets: 1000000 } },
  targets: [{ structure: 'disc', level: 'L4-L5' }],
  image_guidance: 'fluoroscopy',
  injectate_volume_ml: 3,
  ...over,
});
const procRefusal = (over: Record<string, unknown>) => refusal(() => parseCommand(ProcedureSchema, procedure(over)));

describe('procedures', () => {
  test('a procedure is accepted as given, with no adjuncts by default', () => {
    assert.deepEqual(parseCommand(ProcedureSchema, procedure()), { ...procedure(), adjuncts: [] });
  });
  test('one to ten targets', () => {
    const none = rejection(() => parseCommand(ProcedureSchema, procedure({ targets: [] })));
    assert.equal(`${none.status} ${none.field}`, '400 targets');
    assert.match(none.message, /at least one target/);
    const two = [
      { structure: 'disc', level: 'L4-L5' },
      { structure: 'disc', level: 'L5-S1' },
    ];
    assert.equal(procRefusal({ targets: two }), '(none)');
    const eleven = Array.from({ length: 11 }, () => ({ structure: 'disc', level: 'L4-L5' }));
    assert.equal(procRefusal({ targets: eleven }), '400 targets');
    assert.equal(procRefusal({ targets: eleven.slice(1) }), '(none)');
  });
  test('the injectate is at least 0.01 mL (security review L2 data-entry floor) and at most 1000 mL', () => {
    const tiny = rejection(() => parseCommand(ProcedureSchema, procedure({ injectate_volume_ml: 0.009 })));
    assert.equal(`${tiny.status} ${tiny.field}`, '400 injectate_volume_ml');
    assert.match(tiny.message, /0\.01 mL/);
    assert.equal(procRefusal({ injectate_volume_ml: 0.01 }), '(none)');
    assert.equal(procRefusal({ injectate_volume_ml: 1000 }), '(none)');
    assert.equal(procRefusal({ injectate_volume_ml: 1000.5 }), '400 injectate_volume_ml');
  });
  test('up to ten adjuncts, each non-blank text', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `adjunct ${i}`);
    assert.deepEqual(parseCommand(ProcedureSchema, procedure({ adjuncts: ten })).adjuncts, ten);
    assert.equal(procRefusal({ adjuncts: [...ten, 'one more'] }), '400 adjuncts');
    assert.equal(procRefusal({ adjuncts: ['  '] }), '400 adjuncts[0]');
  });
  test('the operator is required text of at most 120 characters', () => {
    assert.equal(procRefusal({ operator: ' ' }), '400 operator');
    assert.equal(procRefusal({ operator: 'x'.repeat(121) }), '400 operator');
    assert.deepEqual(parseCommand(ProcedureSchema, procedure({ operator: ' Dr A ' })).operator, 'Dr A');
  });
  test('the product record of the therapy is required, and no other product', () => {
    const missing = rejection(() => parseCommand(ProcedureSchema, procedure({ prp: null })));
    assert.equal(`${missing.status} ${missing.field}`, '400 prp');
    assert.match(missing.message, /PRP procedure needs its product record/);
    const bmc = rejection(() => parseCommand(ProcedureSchema, procedure({ bmc: { tnc_per_ml: 1 } })));
    assert.equal(`${bmc.status} ${bmc.field}`, '400 bmc');
    assert.match(bmc.message, /not a BMC procedure/);
    assert.equal(procRefusal({ msc: msc() }), '400 msc');
    assert.equal(procRefusal({ therapy: 'BMC', prp: null, bmc: { tnc_per_ml: 1 } }), '(none)');
    assert.equal(procRefusal({ therapy: 'BMC' }), '400 bmc');
  });
});

describe('follow-up visits (issue 5 §5: PROMs at baseline and 1/3/6/12/24 months, opioid use)', () => {
  const visit = (over: Record<string, unknown>) => ({ timepoint: '1m', visit_date: '2025-02-10', ...over });
  const visitRefusal = (over: Record<string, unknown>) => refusal(() => parseCommand(FollowUpSchema, visit(over)));
  test('a visit with nothing recorded is refused, naming the PROMs', () => {
    const e = rejection(() => parseCommand(FollowUpSchema, visit({})));
    assert.equal(`${e.status} ${e.field}`, '400 proms');
    assert.match(e.message, /at least one PROM/);
  });
  test('any one finding is enough: a PROM, an opioid entry, "no opioids", a re-intervention or an imaging note', () => {
    assert.deepEqual(parseCommand(FollowUpSchema, visit({ proms: { NRS: { value: 4 } } })), {
      ...visit({ proms: { NRS: { value: 4 } } }),
      opioids: [],
    });
    assert.deepEqual(parseCommand(FollowUpSchema, visit({ no_opioids: true })), {
      ...visit({ no_opioids: true }),
      proms: {},
      opioids: [],
    });
    assert.equal(visitRefusal({ opioids: [{ drug: 'morphine', dose_mg: 10, doses_per_day: 2 }] }), '(none)');
    assert.equal(visitRefusal({ reintervention: { occurred: false } }), '(none)');
    assert.equal(visitRefusal({ imaging_note: 'MRI: no change' }), '(none)');
    assert.equal(visitRefusal({ no_opioids: false }), '400 proms');
    assert.equal(visitRefusal({ imaging_note: '' }), '400 proms');
  });
  test('"no opioids" together with opioid entries is contradictory', () => {
    const e = rejection(() =>
      parseCommand(
        FollowUpSchema,
        visit({ no_opioids: true, opioids: [{ drug: 'morphine', dose_mg: 10, doses_per_day: 2 }] }),
      ),
    );
    assert.equal(`${e.status} ${e.field}`, '400 no_opioids');
    assert.match(e.message, /no opioids/);
    assert.equal(visitRefusal({ no_opioids: false, opioids: [{ drug: 'morphine' }] }), '(none)');
  });
  test('a re-intervention that occurred needs its date', () => {
    const e = rejection(() => parseCommand(FollowUpSchema, visit({ reintervention: { occurred: true } })));
    assert.equal(`${e.status} ${e.field}`, '400 reintervention.date');
    assert.match(e.message, /date of the re-intervention/);
    assert.equal(visitRefusal({ reintervention: { occurred: true, date: '2025-02-01' } }), '(none)');
  });
  test('at most 20 opioid entries; instruments by their names only', () => {
    const entry = { drug: 'morphine', dose_mg: 10, doses_per_day: 1 };
    assert.equal(visitRefusal({ opioids: Array.from({ length: 20 }, () => entry) }), '(none)');
    assert.equal(visitRefusal({ opioids: Array.from({ length: 21 }, () => entry) }), '400 opioids');
    assert.equal(visitRefusal({ proms: { SF36: {} } }), '400 proms.SF36');
  });
});

describe('adverse events (docs/reference/safety.md: CTCAE grade 1–5, ICH E2A seriousness, attribution)', () => {
  const ae = { term: 'Post-injection pain flare', onset_date: '2025-01-12', grade: 2 };
  test('seriousness criteria default to none and the action to "none"', () => {
    assert.deepEqual(parseCommand(AdverseEventSchema, ae), { ...ae, seriousness_criteria: [], action: 'none' });
  });
  test('grade 1–5', () => {
    assert.equal(
      refusal(() => parseCommand(AdverseEventSchema, { ...ae, grade: 0 })),
      '400 grade',
    );
    assert.equal(
      refusal(() => parseCommand(AdverseEventSchema, { ...ae, grade: 6 })),
      '400 grade',
    );
    assert.equal(
      refusal(() => parseCommand(AdverseEventSchema, { ...ae, grade: 5, seriousness_criteria: ['death'] })),
      '(none)',
    );
  });
});

describe('reports, deletions, sites and corrections', () => {
  test('the follow-up report: 100 rows per list by default, 1–1000', () => {
    assert.deepEqual(parseCommand(FollowUpReportQuerySchema, { today: '2025-03-01' }), {
      today: '2025-03-01',
      limit: 100,
    });
    const q = (limit: number) => refusal(() => parseCommand(FollowUpReportQuerySchema, { today: '2025-03-01', limit }));
    assert.equal(q(1), '(none)');
    assert.equal(q(1000), '(none)');
    assert.equal(q(0), '400 limit');
    assert.equal(q(1001), '400 limit');
  });
  test('a deletion and a correction carry the version read and the reason', () => {
    assert.deepEqual(parseCommand(DeleteSchema, { version: 4, reason: 'entered twice' }), {
      version: 4,
      reason: 'entered twice',
    });
    const c = { version: 2, reason: 'wrong level', record: { procedure_date: '2025-01-10' } };
    assert.deepEqual(parseCommand(CorrectionSchema, c), c);
    assert.equal(
      refusal(() => parseCommand(CorrectionSchema, { version: 2, reason: 'wrong level' })),
      '400 record',
    );
  });
  test('a site code: an upper-case letter or digit, then up to 19 upper-case letters, digits or hyphens', () => {
    const site = (code: string) => () => parseCommand(SiteSchema, { code, name: 'Site A' });
    assert.deepEqual(site('SITE-A')(), { code: 'SITE-A', name: 'Site A' });
    assert.equal(refusal(site('A')), '(none)');
    assert.equal(refusal(site('9')), '(none)');
    assert.equal(refusal(site(`A${'B'.repeat(19)}`)), '(none)');
    assert.equal(refusal(site(`A${'B'.repeat(20)}`)), '400 code');
    const lower = rejection(site('site-a'));
    assert.equal(`${lower.status} ${lower.field}`, '400 code');
    assert.match(lower.message, /upper-case letters, digits, hyphen/);
    assert.equal(refusal(site('-A')), '400 code');
    assert.equal(refusal(site('xA')), '400 code');
    assert.equal(refusal(site('A b')), '400 code');
    assert.equal(refusal(site('AB!')), '400 code');
    assert.equal(
      refusal(() => parseCommand(SiteSchema, { code: 'SITE-B', name: ' ' })),
      '400 name',
    );
  });
});
