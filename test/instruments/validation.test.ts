// What a user is told for each invalid questionnaire, per the scoring rules of docs/reference/instruments.md
// (ODI §1, pain §2, EQ-5D-3L §3, PROMIS-10 §4, RMDQ/FRI §5) and docs/reference/safety.md (CTCAE v5.0 grades
// 1–5, ICH E2A seriousness criteria, attribution): the message names what is expected, the field names where.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from '../../src/instruments/config.ts';
import { parseEq5dState, scoreEq5d3l, VALUE_SET_UK, VALUE_SET_US } from '../../src/instruments/eq5d3l.ts';
import { attempt, isFieldError } from '../../src/instruments/input.ts';
import { parseOdiInput, scoreOdi } from '../../src/instruments/odi.ts';
import { scoreNrs, scoreVas } from '../../src/instruments/pain.ts';
import { gmhTScore, gphTScore, parsePromis10Input, scorePromis10 } from '../../src/instruments/promis10.ts';
import { scoreFri, scoreRmdq } from '../../src/instruments/rmdq.ts';
import { CTCAE_VERSION, classifyAdverseEvent, isCtcaeGrade } from '../../src/instruments/safety.ts';
import { normalizeInstrumentName, scoreInstrument } from '../../src/instruments/score.ts';

function rejection(fn: () => unknown): { error: string; field: string } {
  const r = attempt(fn);
  assert.ok(isFieldError(r), `expected a rejection, got ${JSON.stringify(r)}`);
  return r;
}

const VERSION = DEFAULT_INSTRUMENT_CONFIG.version;
const withConfig = (edit: (c: InstrumentConfig) => void): InstrumentConfig => {
  const c = structuredClone(DEFAULT_INSTRUMENT_CONFIG);
  edit(c);
  return c;
};

test('ODI: ten sections scored 0–5 (§1.1); the answers array is required and has ten entries', () => {
  assert.deepEqual(
    rejection(() => parseOdiInput({})),
    {
      error: 'missing: an array of 10 section scores 0–5 or null',
      field: 'answers',
    },
  );
  assert.deepEqual(
    rejection(() => scoreOdi([1, 2, 3, 4, 5, 0, 1, 2, 3])),
    {
      error: 'expected exactly 10 entries, got 9',
      field: 'answers',
    },
  );
  assert.deepEqual(
    rejection(() => parseOdiInput({ answers: [1, 2, 3, 4, 5, 0, 1, 2, 3, [6]] })),
    {
      error: '6 is outside 0–5',
      field: 'answers[9][0]',
    },
  );
});

test('ODI: a section with no statement marked is unanswered; one marked statement is that score (§1.2)', () => {
  const answers = [[], 1, 1, 1, 1, 1, 1, 1, 1, 1];
  // 9 answered sections totalling 9: 9 / 45 × 100 = 20 %.
  assert.deepEqual(parseOdiInput({ answers })[0], null);
  assert.equal(scoreOdi(parseOdiInput({ answers })).answered, 9);
  assert.equal(scoreOdi(parseOdiInput({ answers })).score, 20);
  // One marked statement is a single answer, even where several marked statements are rejected.
  const reject = withConfig((c) => {
    c.odi.multipleMarked.value = 'reject';
  });
  assert.deepEqual(parseOdiInput({ answers: [[4], 1, 1, 1, 1, 1, 1, 1, 1, 1] }, reject)[0], 4);
  assert.equal(
    rejection(() => parseOdiInput({ answers: [[4, 5], 1, 1, 1, 1, 1, 1, 1, 1, 1] }, reject)).field,
    'answers[0]',
  );
});

test('ODI and FRI: with no section answered there is no index, whatever the missing-sections setting', () => {
  // total / (5 × answered) has no value when nothing is answered (§1.2); likewise FRI raw / (4 × answered).
  const lax = withConfig((c) => {
    c.odi.maxMissingSections.value = 10;
    c.fri.maxMissingItems.value = 10;
  });
  assert.equal(rejection(() => scoreOdi(Array(10).fill(null), lax)).field, 'answers');
  assert.equal(rejection(() => scoreFri({ answers: Array(10).fill(null) }, lax)).field, 'answers');
});

test('RMDQ: 24 yes/no items (§5.1); the first unanswered item is named when too many are unanswered', () => {
  assert.deepEqual(
    rejection(() => scoreRmdq({})),
    { error: 'missing: an array of 24 booleans', field: 'items' },
  );
  const items = (nulls: number[]) => Array.from({ length: 24 }, (_, i) => (nulls.includes(i) ? null : true));
  const one = withConfig((c) => {
    c.rmdq.maxMissingItems.value = 1;
  });
  assert.deepEqual(
    rejection(() => scoreRmdq({ items: items([0, 5]) }, one)),
    {
      error: `2 item(s) unanswered; at most 1 allowed (scoring settings ${VERSION}; an UNVERIFIED cut-off)`,
      field: 'items[0]',
    },
  );
  assert.equal(rejection(() => scoreRmdq({ items: items([2, 7]) }, one)).field, 'items[2]');
  assert.deepEqual(scoreRmdq({ items: items([7]) }, one), { score: 23 });
});

test('FRI: 10 items scored 0–4 (§5.2); one missing is compensated, two are not', () => {
  assert.deepEqual(
    rejection(() => scoreFri({})),
    {
      error: 'missing: an array of 10 item scores 0–4 or null',
      field: 'answers',
    },
  );
  assert.deepEqual(
    rejection(() => scoreFri({ answers: [1, 1, 1, 1, 1, 1, 1, 1, 1] })),
    {
      error: 'expected exactly 10 entries, got 9',
      field: 'answers',
    },
  );
  assert.deepEqual(
    rejection(() => scoreFri({ answers: [1, 1, 1, 5, 1, 1, 1, 1, 1, 1] })),
    {
      error: '5 is outside 0–4',
      field: 'answers[3]',
    },
  );
  assert.deepEqual(
    rejection(() => scoreFri({ answers: [1, 1, 1, 1, 1, 1, 1, 1, null, null] })),
    {
      error: `2 item(s) unanswered; at most 1 allowed (scoring settings ${VERSION}; an UNVERIFIED cut-off)`,
      field: 'answers',
    },
  );
});

test('pain: a missing value is named with what is expected (NRS integer 0–10, VAS 0–100 mm, §2)', () => {
  assert.deepEqual(
    rejection(() => scoreNrs({})),
    {
      error: 'missing: the pain score, an integer 0–10',
      field: 'value',
    },
  );
  assert.deepEqual(
    rejection(() => scoreVas({})),
    {
      error: 'missing: the pain score in mm, a number 0–100',
      field: 'value',
    },
  );
  assert.deepEqual(
    rejection(() => scoreVas({ value: -0.5 })),
    { error: '-0.5 is outside 0–100', field: 'value' },
  );
});

test('PROMIS-10: each summary needs its four items (§4.3, no prorating), named in the error', () => {
  const all3 = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Global${String(i + 1).padStart(2, '0')}`, 3]));
  for (const item of ['Global03', 'Global06', 'Global07', 'Global08']) {
    const { [item]: _, ...rest } = all3;
    assert.deepEqual(
      rejection(() => scorePromis10(rest)),
      {
        error: `${item} is missing: the GPH raw-score table needs all four items (no prorating)`,
        field: `items.${item}`,
      },
    );
  }
  for (const item of ['Global02', 'Global04', 'Global05', 'Global10']) {
    const { [item]: _, ...rest } = all3;
    assert.deepEqual(
      rejection(() => scorePromis10(rest)),
      {
        error: `${item} is missing: the GMH raw-score table needs all four items (no prorating)`,
        field: `items.${item}`,
      },
    );
  }
  // Global01 and Global09r belong to neither summary (§4.1).
  const { Global01: _1, Global09: _9, ...eight } = all3;
  assert.equal(scorePromis10(eight).gph_raw, 13);
});

test('PROMIS-10 input: items is an object of Global01…Global10 (r suffix allowed); null = unanswered', () => {
  for (const items of [[], null, 5, 'Global01=3']) {
    assert.deepEqual(
      rejection(() => parsePromis10Input({ items })),
      {
        error: 'expected an object such as {"Global01": 3, …, "Global10": 3}',
        field: 'items',
      },
    );
  }
  for (const key of ['Global01x', 'xGlobal01', 'Global11', 'Global1']) {
    const r = rejection(() => parsePromis10Input({ items: { [key]: 3 } }));
    assert.equal(r.field, `items.${key}`);
    assert.match(r.error, new RegExp(`^unknown item "${key}"`));
  }
  assert.deepEqual(parsePromis10Input({ items: { Global01: null, Global02: 3 } }), { Global02: 3 });
  // The same answer under both names is one answer; different answers are a conflict.
  assert.deepEqual(parsePromis10Input({ items: { Global10: 3, Global10r: 3 } }), { Global10: 3 });
  assert.deepEqual(
    rejection(() => parsePromis10Input({ items: { Global10: 3, Global10r: 4 } })),
    {
      error: 'Global10 given twice with different values',
      field: 'items.Global10r',
    },
  );
});

test('PROMIS-10 tables: raw scores 4–20 only (§4.4)', () => {
  for (const raw of [3, 21, 4.5]) {
    assert.throws(() => gphTScore(raw), { name: 'RangeError', message: `GPH raw score ${raw} outside 4–20` });
    assert.throws(() => gmhTScore(raw), { name: 'RangeError', message: `GMH raw score ${raw} outside 4–20` });
  }
  assert.deepEqual(gmhTScore(5), { t: 25.1, se: 4.1 });
});

test('EQ-5D-3L: the value-set identifiers of §3.5, stored with every index', () => {
  assert.equal(VALUE_SET_UK, 'EQ-5D-3L UK TTO Dolan 1997');
  assert.equal(VALUE_SET_US, 'EQ-5D-3L US TTO Shaw 2005 D1');
});

test('EQ-5D-3L states: exactly five digits (§3.1), as a string (spaces trimmed) or an integer', () => {
  assert.deepEqual(parseEq5dState(' 21232 '), [2, 1, 2, 3, 2]);
  assert.deepEqual(parseEq5dState(21232), [2, 1, 2, 3, 2]);
  assert.equal(scoreEq5d3l({ state: ' 21232 ' }).index_uk, 0.088);
  for (const v of [21232.5, true, [2, 1, 2, 3, 2]]) {
    assert.deepEqual(
      rejection(() => parseEq5dState(v)),
      {
        error: 'expected a 5-digit EQ-5D-3L health state such as "21232"',
        field: 'state',
      },
    );
  }
  for (const code of ['212321', 'x21232', '21232x']) {
    assert.deepEqual(
      rejection(() => parseEq5dState(code)),
      {
        error: `"${code}" is not a 5-digit health state (MO, SC, UA, PD, AD; each 1–3)`,
        field: 'state',
      },
    );
  }
  // The EQ VAS is optional (§3.2): null means not given.
  assert.equal(scoreEq5d3l({ state: '11111', vas: null }).vas, null);
  assert.equal(scoreEq5d3l({ state: '11111', vas: 0 }).vas, 0);
});

test('AE: CTCAE v5.0 grades 1–5 (safety.md §2)', () => {
  assert.equal(CTCAE_VERSION, '5.0');
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((g) => isCtcaeGrade(g)),
    [false, true, true, true, true, true, false],
  );
  assert.deepEqual(
    rejection(() => classifyAdverseEvent({})),
    { error: 'missing: CTCAE grade 1–5', field: 'grade' },
  );
  assert.deepEqual(
    rejection(() => classifyAdverseEvent({ grade: 6 })),
    { error: '6 is outside 1–5', field: 'grade' },
  );
});

test('AE: seriousness is a list of ICH E2A criteria; outcome a FHIR code; "fatal" needs "death"', () => {
  assert.deepEqual(
    rejection(() => classifyAdverseEvent({ grade: 2, seriousness_criteria: 'hospitalisation' })),
    {
      error: 'expected an array of ICH E2A criteria',
      field: 'seriousness_criteria',
    },
  );
  assert.deepEqual(
    rejection(() => classifyAdverseEvent({ grade: 2, outcome: 'dead' })),
    {
      error:
        'expected one of "resolved", "recovering", "ongoing", "resolvedWithSequelae", "fatal", "unknown", got the string "dead"',
      field: 'outcome',
    },
  );
  assert.deepEqual(
    rejection(() => classifyAdverseEvent({ grade: 4, outcome: 'fatal' })),
    {
      error: 'outcome "fatal" requires the seriousness criterion "death"',
      field: 'seriousness_criteria',
    },
  );
  const r = rejection(() => classifyAdverseEvent({ grade: 2, attribution_procedure: 'likely' }));
  assert.equal(r.field, 'attribution_procedure');
  assert.match(r.error, /"unrelated", "unlikely", "possible", "probable", "definite"/);
  const none = classifyAdverseEvent({ grade: 1, attribution_procedure: null });
  assert.equal(none.attribution_procedure, null);
  assert.equal(none.related_procedure, null);
  assert.equal(none.outcome, null);
  assert.equal(classifyAdverseEvent({ grade: 1, attribution_procedure: 'unrelated' }).related_procedure, false);
});

test('score: instrument aliases, and the unknown-instrument message lists the valid names', () => {
  assert.equal(normalizeInstrumentName('EQ-5D'), 'EQ5D3L');
  assert.equal(normalizeInstrumentName('PROMIS Global-10'), 'PROMIS10');
  assert.equal(normalizeInstrumentName('Global-10'), 'PROMIS10');
  assert.equal(normalizeInstrumentName('NRS-11'), 'NRS');
  assert.deepEqual(scoreInstrument('SF36', {}), {
    error: 'unknown instrument "SF36" (expected ODI, EQ5D3L, PROMIS10, NRS, VAS, RMDQ, FRI or EQ-5D-3L)',
    field: 'instrument',
  });
});

test('PROMIS-10 items built in code: an undefined answer is unanswered, like null', () => {
  assert.deepEqual(parsePromis10Input({ items: { Global01: undefined, Global02: 3 } }), { Global02: 3 });
});
