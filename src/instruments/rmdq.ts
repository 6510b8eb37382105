// Roland-Morris Disability Questionnaire (24 items) and Functional Rating Index. Source:
// docs/reference/instruments.md §5 (Roland & Morris, Spine 1983; Roland & Fairbank, Spine 2000;
// Feise RJ, Menke JM. Spine 2001;26(1):78–87).
import { DEFAULT_INSTRUMENT_CONFIG, type InstrumentConfig } from './config.ts';
import { expectArray, expectBoolean, expectInteger, expectObject, InputError, joinPath, ROOT } from './input.ts';

/** 24 statements, tick = 1 (§5.1). */
export const RMDQ_ITEMS = 24;
/** FRI: 10 items scored 0–4, score = raw / 40 × 100 (§5.2). */
export const FRI_ITEMS = 10;
export const FRI_ITEM_MAX = 4;

/**
 * RMDQ total = number of ticked statements, 0–24. An unanswered item (null) cannot be told apart from
 * "does not apply" on paper, so by default any null refuses the score (config rmdq.maxMissingItems, UNVERIFIED).
 * When the config allows missing items they count as not ticked (the paper convention, §5.1).
 */
export function scoreRmdq(input: unknown, config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG): { score: number } {
  const obj = expectObject(input, ROOT, ['items']);
  if (!('items' in obj)) throw new InputError('missing: an array of 24 booleans', 'items');
  const items = expectArray(obj.items, 'items', RMDQ_ITEMS);
  let score = 0;
  let missing = 0;
  let firstMissing = -1;
  items.forEach((v, i) => {
    if (v === null) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
    } else if (expectBoolean(v, joinPath('items', i))) score++;
  });
  const max = config.rmdq.maxMissingItems.value;
  if (missing > max) {
    throw new InputError(
      `${missing} item(s) unanswered; at most ${max} allowed (scoring settings ${config.version}; an UNVERIFIED cut-off)`,
      joinPath('items', firstMissing),
    );
  }
  return { score };
}

/**
 * FRI % = raw / (4 × answered) × 100: with one missing item this equals adding the mean of the others (§5.2).
 * More than config fri.maxMissingItems (default 1, UNVERIFIED) missing → not scored.
 */
export function scoreFri(
  input: unknown,
  config: InstrumentConfig = DEFAULT_INSTRUMENT_CONFIG,
): { score: number; answered: number } {
  const obj = expectObject(input, ROOT, ['answers']);
  if (!('answers' in obj)) throw new InputError('missing: an array of 10 item scores 0–4 or null', 'answers');
  const answers = expectArray(obj.answers, 'answers', FRI_ITEMS).map((a, i) =>
    a === null ? null : expectInteger(a, joinPath('answers', i), 0, FRI_ITEM_MAX),
  );
  const given = answers.filter((a): a is number => a !== null);
  const max = config.fri.maxMissingItems.value;
  if (given.length === 0 || FRI_ITEMS - given.length > max) {
    throw new InputError(
      `${FRI_ITEMS - given.length} item(s) unanswered; at most ${max} allowed (scoring settings ${config.version}; an UNVERIFIED cut-off)`,
      'answers',
    );
  }
  const raw = given.reduce((s, a) => s + a, 0);
  return { score: (raw / (FRI_ITEM_MAX * given.length)) * 100, answered: given.length };
}
