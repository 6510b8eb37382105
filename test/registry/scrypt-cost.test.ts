// Password hashes use OWASP's scrypt minimum (N = 2^17, r = 8, p = 1) unless a test file lowers N for itself
// (src/registry/auth.ts lowerScryptCostForTests); the lowering is bounded and hashes keep verifying.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, lowerScryptCostForTests, verifyPassword } from '../../src/registry/auth.ts';

test('new hashes use N = 2^17 unless lowered; a lowered hash records its N and verifies', async () => {
  assert.match(await hashPassword('correct horse battery'), /^scrypt\$131072\$8\$1\$/);
  for (const bad of [2 ** 9, 3000, 2 ** 18]) assert.throws(() => lowerScryptCostForTests(bad), /power of 2/);
  lowerScryptCostForTests(2 ** 12);
  const low = await hashPassword('correct horse battery');
  assert.match(low, /^scrypt\$4096\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery', low), true);
  assert.equal(await verifyPassword('wrong horse battery', low), false);
});
