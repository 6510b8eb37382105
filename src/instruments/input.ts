// Input validation shared by the scoring modules: every rejection names the offending field as a JSON path
// (`answers[3]`, `items.Global07`, `state`), so the CLI and the HTTP route can return `{error, field}` as is.

import { AppError } from '../errors.ts';

/** What the CLI prints and the HTTP route returns for input that cannot be scored. */
export interface FieldError {
  error: string;
  field: string;
}

/** Thrown by the parsers and scorers; caught at the boundary (scoreInstrument) and turned into a FieldError. */
export class InputError extends AppError {
  declare readonly field: string;
  constructor(message: string, field: string) {
    super(message, { field, status: 400 });
  }
  override toJSON(): FieldError {
    return { error: this.message, field: this.field };
  }
}

export function isFieldError(x: unknown): x is FieldError {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as FieldError).error === 'string' &&
    typeof (x as FieldError).field === 'string'
  );
}

/** Runs a throwing scorer and returns its value or the FieldError it raised (other errors propagate). */
export function attempt<T>(fn: () => T): T | FieldError {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) return e.toJSON();
    throw e;
  }
}

/** The root of the input, in error fields. */
export const ROOT = '$';

export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent === ROOT ? '' : parent}[${key}]`;
  return parent === ROOT ? key : `${parent}.${key}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** A plain object whose keys are all in `allowed` (unknown keys are rejected: they are usually typos). */
export function expectObject(v: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InputError(`expected an object, got ${describe(v)}`, path);
  }
  const obj = v as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new InputError(
        `unknown field "${k}" (expected ${allowed.map((a) => `"${a}"`).join(', ')})`,
        joinPath(path, k),
      );
    }
  }
  return obj;
}

export function expectArray(v: unknown, path: string, length: number): unknown[] {
  if (!Array.isArray(v)) throw new InputError(`expected an array, got ${describe(v)}`, path);
  if (v.length !== length) {
    throw new InputError(`expected exactly ${length} entries, got ${v.length}`, path);
  }
  return v;
}

export function expectNumber(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a number, got ${describe(v)}`, path);
  if (v < min || v > max) throw new InputError(`${v} is outside ${min}–${max}`, path);
  return v;
}

export function expectInteger(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new InputError(`expected an integer ${min}–${max}, got ${describe(v)}`, path);
  }
  if (v < min || v > max) throw new InputError(`${v} is outside ${min}–${max}`, path);
  return v;
}

export function expectPositive(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a number, got ${describe(v)}`, path);
  if (v <= 0) throw new InputError(`expected a positive number, got ${v}`, path);
  return v;
}

export function expectNonNegative(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`expected a number, got ${describe(v)}`, path);
  if (v < 0) throw new InputError(`expected a number ≥ 0, got ${v}`, path);
  return v;
}

export function expectBoolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(`expected true or false, got ${describe(v)}`, path);
  return v;
}

export function expectEnum<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new InputError(`expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`, path);
  }
  return v as T;
}

/** `undefined` and `null` both mean "not given" for optional fields. */
export function optional<T>(v: unknown, parse: (v: unknown) => T): T | null {
  return v === undefined || v === null ? null : parse(v);
}
