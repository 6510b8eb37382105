// Regression tests for defects found in review: prototype pollution and huge indices through form field
// names, a partial adverse-event update that silently cleared the seriousness criteria, parallel login
// guesses that all passed the throttle check, and impossible dates that reached the database (500).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lowerScryptCostForTests } from '../../src/registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import * as R from '../../src/store/registry.ts';
import { CLI_ACTOR, createUser, login } from '../../src/store/registry-accounts.ts';
import { formToCommand } from '../../src/web/registry/forms.ts';
import { api, fullPatient, pgliteWorld } from './fixtures.ts';

// Each sign-in here verifies a password, and scrypt's cost is not what these tests test (that is
// test/registry/scrypt-cost.test.ts): hash at N = 2^12, as src/registry/auth.ts lowerScryptCostForTests allows.
lowerScryptCostForTests(2 ** 12);

describe('forms → commands: hostile field names', () => {
  test('field names cannot reach Object.prototype', () => {
    const cmd = formToCommand({
      'constructor.prototype.polluted_a': 'yes',
      'x.__proto__.polluted_b': 'yes',
      'targets[0].constructor.prototype.polluted_c': 'yes',
      term: 'ok',
    });
    const probe = {} as Record<string, unknown>;
    try {
      assert.equal(probe.polluted_a, undefined);
      assert.equal(probe.polluted_b, undefined);
      assert.equal(probe.polluted_c, undefined);
      assert.deepEqual(cmd, { term: 'ok' });
    } finally {
      for (const k of ['polluted_a', 'polluted_b', 'polluted_c'])
        delete (Object.prototype as Record<string, unknown>)[k];
    }
  });

  test('a huge list index is ignored instead of building a sparse array of billions of slots', () => {
    // Bounded by the index cap (MAX_INDEX), not by time: the huge index is dropped, the list stays short.
    const cmd = formToCommand({ 'targets[300000000].level': 'L4-L5', 'targets[0].level': 'L5-S1' });
    assert.deepEqual(cmd, { targets: [{ level: 'L5-S1' }] });
    assert.equal((cmd.targets as unknown[]).length, 1);
  });
});

describe('registry store (PGlite): review regressions', () => {
  const ctx = pgliteWorld();

  test('an adverse-event update that does not mention seriousness keeps the event serious', async () => {
    const t = await fullPatient(ctx.w, 'A');
    const v = (await ctx.db.query<{ version: number }>('SELECT version FROM adverse_event WHERE id = $1', [t.aeId]))
      .rows[0]!.version;
    const r = await api(ctx.w, ctx.w.tokens.A.clinician, 'PATCH', `/api/registry/adverse-events/${t.aeId}`, {
      version: v,
      reason: 'outcome known',
      outcome: 'recovering',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.serious, true);
    assert.deepEqual(r.json.seriousness_criteria, ['hospitalisation']);
    const open = await R.unacknowledgedSeriousEvents(ctx.db, ctx.w.actors.A.clinician, ctx.w.sites.A);
    assert.ok(
      open.some((e) => Number(e.id) === t.aeId),
      'still on the unacknowledged list',
    );
  });

  test('impossible dates and report parameters are a 400 naming the field, not a 500', async () => {
    const t = await fullPatient(ctx.w, 'A');
    const c = await api(ctx.w, ctx.w.tokens.A.clinician, 'POST', `/api/registry/patients/${t.patient.id}/consents`, {
      scope: 'care',
      form_version: 'v2',
      consent_date: '0000-01-01',
      obtained_by: 'x',
    });
    assert.equal(c.status, 400, c.text);
    assert.equal(c.json.field, 'consent_date');
    for (const q of ['today=2025-02-30', 'today=2025-06-01&limit=-1', 'today=2025-06-01&limit=2.5']) {
      const r = await api(
        ctx.w,
        ctx.w.tokens.A.clinician,
        'GET',
        `/api/registry/sites/${ctx.w.sites.A}/follow-ups?${q}`,
      );
      assert.equal(r.status, 400, `${q}: ${r.text}`);
    }
  });

  test('parallel wrong passwords cannot outrun the login throttle', async () => {
    await createUser(ctx.db, CLI_ACTOR, {
      email: 'parallel@a.example.org',
      role: 'coordinator',
      siteIds: [ctx.w.sites.A],
      password: 'correct horse battery',
    });
    const free = DEFAULT_REGISTRY_CONFIG.auth.loginFreeFailures.value;
    const results = await Promise.all(
      Array.from({ length: free + 6 }, (_, i) => login(ctx.db, 'parallel@a.example.org', `wrong-guess-${i}`)),
    );
    const checked = results.filter((r) => !r.ok && r.reason === 'invalid').length;
    assert.ok(checked <= free, `${checked} passwords were checked, at most ${free} may be`);
    assert.equal(results.filter((r) => !r.ok && r.reason === 'throttled').length, results.length - checked);
  });
});

test('a form field that conflicts with an earlier one is ignored, not a crash', () => {
  // As hono's parseBody gives a form: field name → value(s).
  const cmd = formToCommand({ sex: 'female', 'sex.detail': 'x', 'targets[0]': 'disc', 'targets[0].level': 'L4-L5' });
  assert.equal(cmd.sex, 'female');
  assert.deepEqual(cmd.targets, ['disc']);
});
