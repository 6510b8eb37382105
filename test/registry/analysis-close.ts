// Deep equality with a tolerance on numbers (for intervals computed by R and typed in to 12 decimals).
import assert from 'node:assert/strict';

export function assertClose(actual: unknown, expected: unknown, tol = 1e-7, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= tol, `${path}: got ${actual}, want ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: want an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    for (const [i, e] of expected.entries()) assertClose(actual[i], e, tol, `${path}[${i}]`);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: want an object, got ${actual}`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected))
      assertClose(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        tol,
        `${path}.${k}`,
      );
    return;
  }
  assert.equal(actual, expected, path);
}
