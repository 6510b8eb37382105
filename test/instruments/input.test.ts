// The shared validators of src/instruments/input.ts, against the contract its header states: every rejection
// is an InputError (HTTP 400) whose message says what was expected and what was given, and whose field is the
// JSON path of the offending value (`answers[3]`, `items.Global07`, `state`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/errors.ts';
import {
  attempt,
  expectArray,
  expectBoolean,
  expectEnum,
  expectInteger,
  expectNonNegative,
  expectNumber,
  expectObject,
  expectPositive,
  InputError,
  isFieldError,
  joinPath,
  optional,
  ROOT,
} from '../../src/instruments/input.ts';

/** The {error, field} a call raises (fails when it does not raise an InputError). */
function rejection(fn: () => unknown): { error: string; field: string } {
  const r = attempt(fn);
  assert.ok(isFieldError(r), `expected a rejection, got ${JSON.stringify(r)}`);
  return r;
}

test('InputError is an AppError with status 400 and serialises to {error, field}', () => {
  const e = new InputError('expected a number, got null', 'value');
  assert.ok(e instanceof AppError);
  assert.equal(e.status, 400);
  assert.equal(e.field, 'value');
  assert.deepEqual(e.toJSON(), { error: 'expected a number, got null', field: 'value' });
});

test('attempt: the value, or the {error, field} of an InputError; any other error is a bug and propagates', () => {
  assert.equal(
    attempt(() => 42),
    42,
  );
  assert.deepEqual(
    attempt(() => {
      throw new InputError('bad', 'x');
    }),
    { error: 'bad', field: 'x' },
  );
  assert.throws(
    () =>
      attempt(() => {
        throw new RangeError('a bug');
      }),
    (e: unknown) => e instanceof RangeError && e.message === 'a bug',
  );
});

test('isFieldError: only an object with a string error and a string field', () => {
  assert.equal(isFieldError({ error: 'e', field: 'f' }), true);
  assert.equal(isFieldError({ error: 'e', field: 'f', extra: 1 }), true);
  assert.equal(isFieldError(null), false);
  assert.equal(isFieldError(undefined), false);
  assert.equal(isFieldError('error'), false);
  assert.equal(isFieldError({ error: 'e' }), false);
  assert.equal(isFieldError({ field: 'f' }), false);
  assert.equal(isFieldError({ error: 1, field: 'f' }), false);
  assert.equal(isFieldError({ error: 'e', field: 2 }), false);
  // A score result is not an error.
  assert.equal(isFieldError({ score: 7 }), false);
});

test('joinPath: JSON paths from the root ($)', () => {
  assert.equal(joinPath(ROOT, 'drug'), 'drug');
  assert.equal(joinPath(ROOT, 0), '[0]');
  assert.equal(joinPath('answers', 3), 'answers[3]');
  assert.equal(joinPath('items', 'Global07'), 'items.Global07');
  assert.equal(joinPath('answers[3]', 1), 'answers[3][1]');
});

test('what was given is described in the message: null, nothing, array, object, string (cut at 40), number, boolean', () => {
  const got = (v: unknown) => rejection(() => expectNumber(v, 'value', 0, 10)).error;
  assert.equal(got(null), 'expected a number, got null');
  assert.equal(got(undefined), 'expected a number, got nothing');
  assert.equal(got([1]), 'expected a number, got an array');
  assert.equal(got({ v: 1 }), 'expected a number, got an object');
  assert.equal(got('7'), 'expected a number, got the string "7"');
  assert.equal(got(true), 'expected a number, got boolean true');
  const forty = 'x'.repeat(40);
  assert.equal(got(forty), `expected a number, got the string "${forty}"`);
  assert.equal(got(`${forty}yz`), `expected a number, got the string "${forty}…"`);
});

test('expectObject: a plain object whose keys are all allowed; an unknown key is named with the allowed ones', () => {
  assert.deepEqual(expectObject({ a: 1 }, ROOT, ['a', 'b']), { a: 1 });
  for (const v of [null, [], 'x', 3]) {
    assert.equal(rejection(() => expectObject(v, ROOT, ['a'])).field, ROOT);
  }
  assert.deepEqual(
    rejection(() => expectObject([], 'items', ['a'])),
    { error: 'expected an object, got an array', field: 'items' },
  );
  assert.deepEqual(
    rejection(() => expectObject({ a: 1, c: 2 }, ROOT, ['a', 'b'])),
    { error: 'unknown field "c" (expected "a", "b")', field: 'c' },
  );
  assert.deepEqual(
    rejection(() => expectObject({ x: 1 }, 'whole_blood', ['platelets'])),
    { error: 'unknown field "x" (expected "platelets")', field: 'whole_blood.x' },
  );
});

test('expectArray: an array of exactly the given length', () => {
  assert.deepEqual(expectArray([1, 2], 'answers', 2), [1, 2]);
  assert.deepEqual(
    rejection(() => expectArray({}, 'answers', 2)),
    { error: 'expected an array, got an object', field: 'answers' },
  );
  assert.deepEqual(
    rejection(() => expectArray([1], 'answers', 2)),
    { error: 'expected exactly 2 entries, got 1', field: 'answers' },
  );
});

test('expectNumber: a finite number within [min, max], both ends included', () => {
  assert.equal(expectNumber(0, 'vas', 0, 100), 0);
  assert.equal(expectNumber(100, 'vas', 0, 100), 100);
  assert.deepEqual(
    rejection(() => expectNumber(-0.5, 'vas', 0, 100)),
    {
      error: '-0.5 is outside 0–100',
      field: 'vas',
    },
  );
  assert.deepEqual(
    rejection(() => expectNumber(100.5, 'vas', 0, 100)),
    {
      error: '100.5 is outside 0–100',
      field: 'vas',
    },
  );
  assert.deepEqual(
    rejection(() => expectNumber(Number.NaN, 'vas', 0, 100)),
    {
      error: 'expected a number, got number NaN',
      field: 'vas',
    },
  );
  assert.deepEqual(
    rejection(() => expectNumber(Number.POSITIVE_INFINITY, 'vas', 0, 100)),
    {
      error: 'expected a number, got number Infinity',
      field: 'vas',
    },
  );
});

test('expectInteger: an integer within [min, max]', () => {
  assert.equal(expectInteger(5, 'a', 0, 5), 5);
  assert.deepEqual(
    rejection(() => expectInteger(2.5, 'a', 0, 5)),
    {
      error: 'expected an integer 0–5, got number 2.5',
      field: 'a',
    },
  );
  assert.deepEqual(
    rejection(() => expectInteger('2', 'a', 0, 5)),
    {
      error: 'expected an integer 0–5, got the string "2"',
      field: 'a',
    },
  );
  assert.deepEqual(
    rejection(() => expectInteger(6, 'a', 0, 5)),
    { error: '6 is outside 0–5', field: 'a' },
  );
  assert.deepEqual(
    rejection(() => expectInteger(-1, 'a', 0, 5)),
    { error: '-1 is outside 0–5', field: 'a' },
  );
});

test('expectPositive: a finite number > 0', () => {
  assert.equal(expectPositive(0.5, 'dose_mg'), 0.5);
  assert.deepEqual(
    rejection(() => expectPositive(0, 'dose_mg')),
    {
      error: 'expected a positive number, got 0',
      field: 'dose_mg',
    },
  );
  assert.deepEqual(
    rejection(() => expectPositive(Number.NaN, 'dose_mg')),
    {
      error: 'expected a number, got number NaN',
      field: 'dose_mg',
    },
  );
  assert.deepEqual(
    rejection(() => expectPositive('5', 'dose_mg')),
    {
      error: 'expected a number, got the string "5"',
      field: 'dose_mg',
    },
  );
});

test('expectNonNegative: a finite number ≥ 0 (0 accepted)', () => {
  assert.equal(expectNonNegative(0, 'wbc'), 0);
  assert.deepEqual(
    rejection(() => expectNonNegative(-1, 'wbc')),
    {
      error: 'expected a number ≥ 0, got -1',
      field: 'wbc',
    },
  );
  assert.deepEqual(
    rejection(() => expectNonNegative(Number.NaN, 'wbc')),
    {
      error: 'expected a number, got number NaN',
      field: 'wbc',
    },
  );
  assert.deepEqual(
    rejection(() => expectNonNegative(null, 'wbc')),
    {
      error: 'expected a number, got null',
      field: 'wbc',
    },
  );
});

test('expectBoolean and expectEnum name what is allowed', () => {
  assert.equal(expectBoolean(false, 'items[0]'), false);
  assert.deepEqual(
    rejection(() => expectBoolean(1, 'items[0]')),
    {
      error: 'expected true or false, got number 1',
      field: 'items[0]',
    },
  );
  assert.equal(expectEnum('all', 'combine', ['any', 'all']), 'all');
  assert.deepEqual(
    rejection(() => expectEnum('both', 'combine', ['any', 'all'])),
    {
      error: 'expected one of "any", "all", got the string "both"',
      field: 'combine',
    },
  );
  assert.deepEqual(
    rejection(() => expectEnum(1, 'combine', ['any', 'all'])),
    {
      error: 'expected one of "any", "all", got number 1',
      field: 'combine',
    },
  );
});

test('optional: undefined and null both mean "not given"; anything else is parsed', () => {
  const parse = (v: unknown) => expectNumber(v, 'vas', 0, 100);
  assert.equal(optional(undefined, parse), null);
  assert.equal(optional(null, parse), null);
  assert.equal(optional(0, parse), 0);
  assert.equal(rejection(() => optional(101, parse)).field, 'vas');
});
