// The refusal a registry rule throws, for the tests of the rules: one home for the helpers the unit files use.
import assert from 'node:assert/strict';
import { CommandError } from '../../src/registry/validation.ts';

/** "status field" of the CommandError `fn` throws, or "(none)" when it throws nothing; anything else is rethrown. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return `${e.status} ${e.field}`;
    throw e;
  }
  return '(none)';
}

/** The CommandError `fn` throws (fails the test if it throws nothing or something else). */
export function rejection(fn: () => unknown): CommandError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  assert.fail('expected a CommandError');
}
