// The registry settings file (config/registry.json) read as a document, and what the validator must accept and
// refuse. Expected values: the file itself and the README ("A session ends after 15 minutes without a
// request and … 12 hours after sign-in"; "5 free, then 2 s, 4 s … up to 15 min"; "20 times within 15
// minutes"; tokens "default 90 days, at most 366"; exports "at most once at a time per token and four at a
// time per server"; "MME/day finite and at most 5,000, BMI 10–100, device strings ≤ 120 characters").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import registryJson from '../../config/registry.json' with { type: 'json' };
import { DEFAULT_REGISTRY_CONFIG, parseRegistryConfig, RegistryConfigSchema } from '../../src/registry/config.ts';

type Json = typeof registryJson;
const edited = (edit: (c: Json) => void): Json => {
  const c = structuredClone(registryJson);
  edit(c);
  return c;
};
const issues = (json: unknown) => {
  const r = RegistryConfigSchema.safeParse(json);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
};
const accepted = (json: unknown) => RegistryConfigSchema.safeParse(json).success;

describe('the shipped settings (config/registry.json, as the README describes them)', () => {
  test('sessions, sign-in throttle, tokens, exports and plausibility ranges', () => {
    const c = DEFAULT_REGISTRY_CONFIG;
    assert.equal(c.auth.sessionHours.value, 12);
    assert.equal(c.auth.sessionIdleMinutes.value, 15);
    assert.equal(c.auth.loginFreeFailures.value, 5);
    assert.equal(c.auth.loginMaxDelaySeconds.value, 900);
    assert.equal(c.auth.loginAddressMaxFailures.value, 20);
    assert.equal(c.auth.loginAddressWindowMinutes.value, 15);
    assert.equal(c.tokens.defaultDays.value, 90);
    assert.equal(c.tokens.maxDays.value, 366);
    assert.deepEqual(c.tokens.defaultScopes.value, ['read']);
    assert.equal(c.export.perTokenConcurrent.value, 1);
    assert.equal(c.export.serverConcurrent.value, 4);
    assert.deepEqual(c.plausibility.bmi.value, { min: 10, max: 100 });
    assert.equal(c.plausibility.maxMmePerDay.value, 5000);
    assert.equal(c.plausibility.deviceMaxChars.value, 120);
    assert.deepEqual(
      c.followup.timepoints.value.map((t) => t.key),
      ['baseline', '1m', '3m', '6m', '12m', '24m'],
    );
    assert.deepEqual(issues(registryJson), []);
  });
});

describe('settings validation: a bad edit fails loudly, naming the setting', () => {
  test('eligibility ids are lower-case snake_case identifiers', () => {
    const withId = (id: string) =>
      edited((c) => {
        c.eligibility.items.value[1]!.id = id;
      });
    assert.equal(accepted(withId('anaemia_2')), true);
    for (const id of ['Anaemia', 'anaemia-2', '2anaemia', '_anaemia', 'anaemia ', ''])
      assert.equal(accepted(withId(id)), false, JSON.stringify(id));
  });

  test('a duplicate eligibility item is refused with its path', () => {
    const dup = edited((c) => {
      c.eligibility.items.value[2]!.id = c.eligibility.items.value[1]!.id;
    });
    assert.deepEqual(issues(dup), [{ path: ['eligibility'], message: 'duplicate eligibility item' }]);
    assert.throws(() => parseRegistryConfig(dup), /duplicate eligibility item/);
  });

  test('a duplicate timepoint is refused with its path', () => {
    const dup = edited((c) => {
      c.followup.timepoints.value[2]!.key = '1m';
    });
    assert.deepEqual(issues(dup), [{ path: ['followup'], message: 'duplicate timepoint' }]);
  });

  test('token scopes: any of read, write, export, at least one', () => {
    const withScopes = (s: string[]) =>
      edited((c) => {
        c.tokens.defaultScopes.value = s;
      });
    assert.equal(accepted(withScopes(['read', 'write', 'export'])), true);
    assert.equal(accepted(withScopes(['write'])), true);
    assert.equal(accepted(withScopes(['export'])), true);
    assert.equal(accepted(withScopes([])), false);
    assert.equal(accepted(withScopes(['admin'])), false);
  });

  test('a token default lifetime may equal the maximum, not exceed it', () => {
    const days = (d: number, max: number) =>
      edited((c) => {
        c.tokens.defaultDays.value = d;
        c.tokens.maxDays.value = max;
      });
    assert.deepEqual(issues(days(366, 366)), []);
    assert.deepEqual(issues(days(367, 366)), [
      { path: ['tokens', 'defaultDays'], message: 'defaultDays above maxDays' },
    ]);
  });

  test('the BMI range needs its minimum below its maximum', () => {
    const bmi = (min: number, max: number) =>
      edited((c) => {
        c.plausibility.bmi.value = { min, max };
      });
    assert.deepEqual(issues(bmi(40, 41)), []);
    for (const [min, max] of [
      [40, 40],
      [41, 40],
    ] as const)
      assert.deepEqual(issues(bmi(min, max)), [{ path: ['plausibility', 'bmi'], message: 'min must be below max' }]);
  });

  test('export concurrency per token may be raised; device names at most 120 characters, at least 1', () => {
    const exp = (n: number) =>
      edited((c) => {
        c.export.perTokenConcurrent.value = n;
      });
    assert.equal(accepted(exp(2)), true);
    assert.equal(accepted(exp(0)), false);
    const dev = (n: number) =>
      edited((c) => {
        c.plausibility.deviceMaxChars.value = n;
      });
    assert.equal(accepted(dev(60)), true);
    assert.equal(accepted(dev(1)), true);
    assert.equal(accepted(dev(121)), false);
    assert.equal(accepted(dev(0)), false);
  });
});
