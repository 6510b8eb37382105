// PROM wording (src/registry/prom-text.ts): the PROMIS Global Health v1.2 questions and answer labels,
// which are free to use (docs/reference/registry.md "PROM wording and licences", instruments.md §4), and the
// loader of the clinic's licensed ODI / EQ-5D-3L wording (REGENSPINE_PROM_TEXT: ODI ten sections of six
// statements, instruments.md §1.1; EQ-5D-3L five dimensions of three levels, §3). Question texts are those of
// the public HealthMeasures form "PROMIS Scale v1.2 - Global Health"; answer values from registry.md.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import {
  LicensedPromTextSchema,
  loadLicensedPromText,
  PROMIS10_FORM_ORDER,
  PROMIS10_QUESTIONS,
} from '../../src/registry/prom-text.ts';

// docs/reference/registry.md: "Global01–05 and 09 Excellent 5 … Poor 1"
const EXCELLENT = [
  [5, 'Excellent'],
  [4, 'Very good'],
  [3, 'Good'],
  [2, 'Fair'],
  [1, 'Poor'],
];

describe('PROMIS Global Health v1.2 questions (HealthMeasures public form)', () => {
  test('items 01–05 and 09 are rated Excellent 5 … Poor 1', () => {
    for (const item of ['Global01', 'Global02', 'Global03', 'Global04', 'Global05', 'Global09'] as const)
      assert.deepEqual(PROMIS10_QUESTIONS[item].options, EXCELLENT, item);
  });
  test('Global06: Completely 5, Mostly 4, Moderately 3, A little 2, Not at all 1', () => {
    assert.deepEqual(PROMIS10_QUESTIONS.Global06.options, [
      [5, 'Completely'],
      [4, 'Mostly'],
      [3, 'Moderately'],
      [2, 'A little'],
      [1, 'Not at all'],
    ]);
  });
  test('Global10r: Never 5, Rarely 4, Sometimes 3, Often 2, Always 1', () => {
    assert.deepEqual(PROMIS10_QUESTIONS.Global10.options, [
      [5, 'Never'],
      [4, 'Rarely'],
      [3, 'Sometimes'],
      [2, 'Often'],
      [1, 'Always'],
    ]);
  });
  test('Global08r: None 5, Mild 4, Moderate 3, Severe 2, Very severe 1', () => {
    assert.deepEqual(PROMIS10_QUESTIONS.Global08.options, [
      [5, 'None'],
      [4, 'Mild'],
      [3, 'Moderate'],
      [2, 'Severe'],
      [1, 'Very severe'],
    ]);
  });
  test('Global07r: pain 0–10, each value its own label', () => {
    assert.deepEqual(PROMIS10_QUESTIONS.Global07.options, [
      [0, '0'],
      [1, '1'],
      [2, '2'],
      [3, '3'],
      [4, '4'],
      [5, '5'],
      [6, '6'],
      [7, '7'],
      [8, '8'],
      [9, '9'],
      [10, '10'],
    ]);
  });
  test('the question texts of the form', () => {
    const text = Object.fromEntries(Object.entries(PROMIS10_QUESTIONS).map(([k, q]) => [k, q.text]));
    assert.deepEqual(
      { ...text, Global07: undefined },
      {
        Global01: 'In general, would you say your health is:',
        Global02: 'In general, would you say your quality of life is:',
        Global03: 'In general, how would you rate your physical health?',
        Global04: 'In general, how would you rate your mental health, including your mood and your ability to think?',
        Global05: 'In general, how would you rate your satisfaction with your social activities and relationships?',
        Global09:
          'In general, please rate how well you carry out your usual social activities and roles. (This includes activities at home, at work and in your community, and responsibilities as a parent, child, spouse, employee, friend, etc.)',
        Global06:
          'To what extent are you able to carry out your everyday physical activities such as walking, climbing stairs, carrying groceries, or moving a chair?',
        Global10:
          'In the past 7 days, how often have you been bothered by emotional problems such as feeling anxious, depressed or irritable?',
        Global08: 'In the past 7 days, how would you rate your fatigue on average?',
        Global07: undefined,
      },
    );
    // the pain item with its anchors (0 = no pain, 10 = worst imaginable)
    assert.match(PROMIS10_QUESTIONS.Global07.text, /^In the past 7 days, how would you rate your pain on average\?/);
    assert.match(PROMIS10_QUESTIONS.Global07.text, /0 = no pain/);
    assert.match(PROMIS10_QUESTIONS.Global07.text, /10 = worst pain imaginable/);
  });
  test('the printed order: 01–05, 09, 06, 10, 08, 07', () => {
    assert.deepEqual(PROMIS10_FORM_ORDER, [
      'Global01',
      'Global02',
      'Global03',
      'Global04',
      'Global05',
      'Global09',
      'Global06',
      'Global10',
      'Global08',
      'Global07',
    ]);
  });
});

// A clinic's licensed wording: placeholders, not the real (licensed) statements.
const odi = () => ({
  version: 'ODI v2.1a',
  sections: Array.from({ length: 10 }, (_, s) => ({
    title: `Section ${s + 1}`,
    statements: Array.from({ length: 6 }, (_, i) => `statement ${s + 1}.${i}`),
  })),
});
const eq5d = () => ({
  version: 'EQ-5D-3L (UK English)',
  dimensions: {
    MO: ['mo 1', 'mo 2', 'mo 3'],
    SC: ['sc 1', 'sc 2', 'sc 3'],
    UA: ['ua 1', 'ua 2', 'ua 3'],
    PD: ['pd 1', 'pd 2', 'pd 3'],
    AD: ['ad 1', 'ad 2', 'ad 3'],
  },
  vas: 'Mark the scale',
});

/** Writes `content` (JSON-encoded unless a string) to a temporary file removed after the test. */
const file = (t: TestContext, content: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-text-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'prom-text.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
/** The loader's error message for `content`. */
const loadError = (t: TestContext, content: unknown): { path: string; message: string } => {
  const path = file(t, content);
  try {
    loadLicensedPromText(path);
  } catch (e) {
    return { path, message: (e as Error).message };
  }
  assert.fail('expected the file to be refused');
};

describe("the clinic's licensed wording file (REGENSPINE_PROM_TEXT)", () => {
  test('a complete file is read as given; the texts are trimmed', (t) => {
    const content = {
      $comment: 'licensed to the clinic',
      licence: 'Mapi Research Trust licence 1234',
      ODI: odi(),
      EQ5D3L: eq5d(),
    };
    assert.deepEqual(loadLicensedPromText(file(t, content)), content);
    const padded = { licence: '  EuroQol licence 99  ', EQ5D3L: { ...eq5d(), version: ' 3L ' } };
    assert.deepEqual(loadLicensedPromText(file(t, padded)), {
      licence: 'EuroQol licence 99',
      EQ5D3L: { ...eq5d(), version: '3L' },
    });
  });
  test('the licence alone is a valid file: each instrument is optional', (t) => {
    assert.deepEqual(loadLicensedPromText(file(t, { licence: 'L' })), { licence: 'L' });
  });
  test('the ODI has ten sections of six statements each', (t) => {
    const nine = { ...odi(), sections: odi().sections.slice(1) };
    const e = loadError(t, { licence: 'L', ODI: nine });
    assert.ok(e.message.startsWith(`REGENSPINE_PROM_TEXT ${e.path}: ODI.sections: `), e.message);
    const five = odi();
    five.sections[2]!.statements.pop();
    assert.match(loadError(t, { licence: 'L', ODI: five }).message, /: ODI\.sections\.2\.statements: /);
    const blank = odi();
    blank.sections[0]!.title = '   ';
    assert.match(loadError(t, { licence: 'L', ODI: blank }).message, /: ODI\.sections\.0\.title: /);
    const long = odi();
    long.sections[0]!.statements[5] = 'x'.repeat(501);
    assert.match(loadError(t, { licence: 'L', ODI: long }).message, /: ODI\.sections\.0\.statements\.5: /);
    const extra = { ...odi(), sections: odi().sections.map((s) => ({ ...s, note: 'x' })) };
    assert.match(loadError(t, { licence: 'L', ODI: extra }).message, /: ODI\.sections\.0: /);
  });
  test('each EQ-5D-3L dimension has three statements; no other dimension', (t) => {
    const two = eq5d();
    two.dimensions.PD.pop();
    assert.match(loadError(t, { licence: 'L', EQ5D3L: two }).message, /: EQ5D3L\.dimensions\.PD: /);
    const six = { ...eq5d(), dimensions: { ...eq5d().dimensions, XX: ['a', 'b', 'c'] } };
    assert.match(loadError(t, { licence: 'L', EQ5D3L: six }).message, /: EQ5D3L\.dimensions: /);
    assert.match(loadError(t, { licence: 'L', EQ5D3L: { ...eq5d(), vas: ' ' } }).message, /: EQ5D3L\.vas: /);
  });
  test('the licence is required; problems of the whole file are named $', (t) => {
    assert.match(loadError(t, { ODI: odi() }).message, /: licence: /);
    const top = loadError(t, { licence: 'L', SF36: {} });
    assert.ok(top.message.startsWith(`REGENSPINE_PROM_TEXT ${top.path}: $: `), top.message);
    const notObject = loadError(t, 42);
    assert.ok(notObject.message.startsWith(`REGENSPINE_PROM_TEXT ${notObject.path}: $: `), notObject.message);
  });
  test('a file that is not JSON, or missing, is refused naming the file', (t) => {
    const e = loadError(t, '{"licence": ');
    assert.ok(e.message.startsWith(`REGENSPINE_PROM_TEXT: cannot read ${e.path} as JSON (`), e.message);
    const missing = join(tmpdir(), 'prom-text-unit-does-not-exist', 'x.json');
    assert.throws(() => loadLicensedPromText(missing), {
      message: new RegExp(`^REGENSPINE_PROM_TEXT: cannot read ${missing.replaceAll('.', '\\.')} as JSON`),
    });
  });
  test('the schema accepts the same shape without a file', () => {
    assert.equal(LicensedPromTextSchema.safeParse({ licence: 'L', ODI: odi() }).success, true);
    assert.equal(LicensedPromTextSchema.safeParse({ licence: '' }).success, false);
  });
});
