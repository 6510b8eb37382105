// Unit tests of the pure registry rules added for issue 11: the sign-in throttle decision, consent rules,
// plausibility, storable text, token scopes, form mapping (the adjunct field), and the PROMIS wording.
// Expected values come from the security review's findings and the published instrument (instruments.md §4,
// vendored in docs/reference/registry.md), not from the code under test.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PROMIS10_ITEMS } from '../../src/instruments/promis10.ts';
import { loginDecision, pairThrottleKey } from '../../src/registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import { consentHolds, mayExportForResearch, procedureConsentProblem } from '../../src/registry/consent.ts';
import { checkBmi, checkDateInLife, checkOpioids, checkProductText } from '../../src/registry/plausibility.ts';
import { can, viaOf } from '../../src/registry/policy.ts';
import { loadLicensedPromText, PROMIS10_FORM_ORDER, PROMIS10_QUESTIONS } from '../../src/registry/prom-text.ts';
import { findBadText, parseCommand, UpdatePatientSchema } from '../../src/registry/validation.ts';
import {
  formToCommand,
  procedureFormToCommand,
  visitFormToCommand,
  visitToForm,
} from '../../src/web/registry/forms.ts';

const cfg = { free: 5, maxDelay: 900, addressMax: 20, addressWindowSeconds: 900 };
const none = { failures: 0, sinceLast: 1e9, pending: 0 };

describe('sign-in throttle decision (security review M4, L3)', () => {
  test('a client that has failed free times waits a doubling delay; another client is not affected', () => {
    assert.deepEqual(loginDecision({ failures: 5, sinceLast: 0, pending: 0 }, none, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 2,
    });
    assert.deepEqual(loginDecision({ failures: 8, sinceLast: 1, pending: 0 }, none, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 15,
    });
    assert.deepEqual(loginDecision({ failures: 40, sinceLast: 0, pending: 0 }, none, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 900,
    });
    // The pair key names the client: the same account from another client is a different counter.
    assert.notEqual(pairThrottleKey('a@x.org', 'IP 1.2.3.4'), pairThrottleKey('a@x.org', 'IP 5.6.7.8'));
    assert.deepEqual(loginDecision(none, none, cfg), { kind: 'check' });
  });
  test('attempts in flight make others wait, never refuse', () => {
    assert.deepEqual(loginDecision({ failures: 0, sinceLast: 1e9, pending: 5 }, none, cfg), { kind: 'wait' });
    assert.deepEqual(loginDecision(none, { failures: 0, sinceLast: 1e9, pending: 20 }, cfg), { kind: 'wait' });
    assert.deepEqual(loginDecision({ failures: 0, sinceLast: 1e9, pending: 4 }, none, cfg), { kind: 'check' });
  });
  test('an address over its limit is refused until its window has passed', () => {
    assert.deepEqual(loginDecision(none, { failures: 20, sinceLast: 100, pending: 0 }, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 800,
    });
    assert.deepEqual(loginDecision(none, null, cfg), { kind: 'check' });
  });
});

describe('consent rules (security review M6)', () => {
  const registry = { scope: 'registry', consent_date: '2025-01-02', withdrawn_date: null };
  const research = { scope: 'research', consent_date: '2025-01-02', withdrawn_date: null };
  test('a consent holds from its date until the day it is withdrawn', () => {
    assert.equal(consentHolds([registry], 'registry', '2025-01-01'), false);
    assert.equal(consentHolds([registry], 'registry', '2025-01-02'), true);
    const w = { ...research, withdrawn_date: '2025-03-01' };
    assert.equal(consentHolds([w], 'research', '2025-02-28'), true);
    assert.equal(consentHolds([w], 'research', '2025-03-01'), false);
  });
  test('a procedure needs a registry consent; the message says so', () => {
    assert.match(procedureConsentProblem([], '2025-01-10')!, /registry-participation consent first/);
    assert.match(procedureConsentProblem([registry], '2025-01-01')!, /dated after the procedure/);
    assert.equal(procedureConsentProblem([registry], '2025-01-10'), null);
    assert.match(procedureConsentProblem([{ ...registry, withdrawn_date: '2025-01-05' }], '2025-01-10')!, /withdrawn/);
  });
  test('research export: research consent holding today, no registry withdrawal, not withdrawn', () => {
    assert.equal(mayExportForResearch('active', [registry], '2025-06-01'), false, 'registry consent is not research');
    assert.equal(mayExportForResearch('active', [registry, research], '2025-06-01'), true);
    assert.equal(mayExportForResearch('withdrawn', [registry, research], '2025-06-01'), false);
    assert.equal(
      mayExportForResearch('active', [{ ...registry, withdrawn_date: '2025-05-01' }, research], '2025-06-01'),
      false,
    );
    assert.equal(
      mayExportForResearch('active', [registry, { ...research, withdrawn_date: '2025-06-01' }], '2025-06-01'),
      false,
      'from the withdrawal date on',
    );
  });
});

describe('plausibility (security review L2)', () => {
  test('BMI 1e-300 and 1e6 are refused naming bmi; an ordinary BMI passes', () => {
    assert.throws(() => checkBmi(1e-300), { field: 'bmi' });
    assert.throws(() => checkBmi(1e6), { field: 'bmi' });
    checkBmi(27.4);
    checkBmi(null);
  });
  test('dates within the patient life: not before the birth year, not in the future, not after death', () => {
    const life = { year_of_birth: 1970 };
    assert.throws(() => checkDateInLife('1900-01-01', 'onset_date', life, '2025-06-01'), {
      field: 'onset_date',
      status: 422,
    });
    assert.throws(() => checkDateInLife('2199-12-31', 'visit_date', life, '2025-06-01'), { field: 'visit_date' });
    assert.throws(() => checkDateInLife('2025-05-02', 'visit_date', { ...life, died: '2025-05-01' }, '2025-06-01'), {
      field: 'visit_date',
    });
    checkDateInLife('1970-01-01', 'x', life, '2025-06-01');
    checkDateInLife('2025-06-02', 'x', life, '2025-06-01'); // one day of grace
  });
  test('opioid doses of 1e200 and totals of Infinity are refused naming the field', () => {
    assert.throws(() => checkOpioids([{ drug: 'oxycodone', dose_mg: 1e200, doses_per_day: 1e200 }], null), {
      field: 'opioids[0].dose_mg',
    });
    const infinite = { total_mme_per_day: Number.POSITIVE_INFINITY } as never;
    assert.throws(() => checkOpioids([], infinite), { field: 'opioids' });
    const huge = { total_mme_per_day: 1e9 } as never;
    assert.throws(() => checkOpioids([], huge), { field: 'opioids' });
  });
  test('product strings over the device limit and absurd numbers are refused naming the field', () => {
    assert.throws(() => checkProductText('bmc', { device: 'x'.repeat(200_000) }), { field: 'bmc.device' });
    assert.throws(() => checkProductText('prp', { prp: { platelets: 1e300 } }), { field: 'prp.prp.platelets' });
    assert.throws(() => checkProductText('msc', { dose_viable_cells: 1e308 }), { field: 'msc.dose_viable_cells' });
    checkProductText('prp', { prp: { platelets: 1_000_000 }, preparation: { device: 'kit-x' } });
  });
  test('the configured ranges lie inside the database envelope (migration 006)', () => {
    const p = DEFAULT_REGISTRY_CONFIG.plausibility;
    assert.ok(p.bmi.value.min >= 5 && p.bmi.value.max <= 250);
    assert.ok(p.maxMmePerDay.value <= 100_000);
  });
});

describe('storable text and versions (security review L1)', () => {
  test('NUL and lone surrogates are found with their field; paired surrogates (emoji) are fine', () => {
    assert.deepEqual(findBadText({ term: 'a\u0000b' }), ['term', 'NUL characters are not allowed']);
    assert.equal(findBadText({ prp: { preparation: { device: 'x\ud800' } } })![0], 'prp.preparation.device');
    assert.equal(findBadText({ adjuncts: ['ok', '\udc00'] })![0], 'adjuncts[1]');
    assert.equal(findBadText({ 'k\u0000': 1 })![0], 'k\u0000');
    assert.equal(findBadText({ note: 'back pain 😖' }), null);
  });
  test('a version of 2^31 is a field error', () => {
    assert.throws(() => parseCommand(UpdatePatientSchema, { version: 2 ** 31, reason: 'fix', sex: 'male' }), {
      field: 'version',
    });
  });
});

describe('token scopes and operator identity (security review L6, L4)', () => {
  test('a token acts within its scopes and its role', () => {
    assert.equal(can({ role: 'clinician', scopes: ['read'] }, 'records:read'), true);
    assert.equal(can({ role: 'clinician', scopes: ['read'] }, 'records:write'), false);
    assert.equal(can({ role: 'clinician', scopes: ['read', 'write'] }, 'deidentified:read'), false);
    assert.equal(can({ role: 'analyst', scopes: ['read', 'write', 'export'] }, 'records:write'), false);
    assert.equal(can({ role: 'clinician' }, 'records:write'), true, 'sessions: the role alone');
  });
  test('CLI actions carry the operator', () => {
    assert.equal(viaOf({ via: 'cli', operator: 'alice' }), 'cli:alice');
    assert.equal(viaOf({ via: 'api' }), 'api');
  });
});

describe('forms', () => {
  test('a filled "Adjunct" field gives a list of strings, not a list of lists (issue 11)', () => {
    assert.deepEqual(formToCommand({ 'adjuncts[0]': 'lidocaine 1%' }).adjuncts, ['lidocaine 1%']);
    const cmd = procedureFormToCommand({
      therapy: 'PRP',
      'adjuncts[0]': 'lidocaine 1%',
      'targets[0].structure': 'disc',
    });
    assert.deepEqual(cmd.adjuncts, ['lidocaine 1%']);
    assert.deepEqual(formToCommand({ adjuncts: 'a' }).adjuncts, ['a']);
  });
  test('a stored visit maps back onto the form and re-submits the same PROM inputs', () => {
    const form = {
      timepoint: '1m',
      visit_date: '2025-02-10',
      'odi.0': '2',
      'odi.3': '1',
      nrs: '6',
      'eq5d.MO': '2',
      'eq5d.SC': '1',
      'eq5d.UA': '2',
      'eq5d.PD': '3',
      'eq5d.AD': '1',
      'eq5d.vas': '60',
      'promis.Global01': '3',
    };
    const cmd = visitFormToCommand(form) as { proms: Record<string, unknown> };
    const scores = Object.entries(cmd.proms).map(([instrument, input]) => ({ instrument, input }));
    const back = visitFormToCommand(visitToForm({ timepoint: '1m', visit_date: '2025-02-10' }, scores));
    assert.deepEqual(back, cmd);
  });
});

describe('PROM wording', () => {
  test('all ten PROMIS Global-10 items have their question and the v1.2 answer values', () => {
    assert.deepEqual([...PROMIS10_FORM_ORDER].sort(), [...PROMIS10_ITEMS].sort());
    // instruments.md §4.1: Excellent 5 … Poor 1; Global06 Completely 5 … Not at all 1; pain 0–10.
    assert.deepEqual(PROMIS10_QUESTIONS.Global01.options[0], [5, 'Excellent']);
    assert.deepEqual(PROMIS10_QUESTIONS.Global01.options[4], [1, 'Poor']);
    assert.deepEqual(PROMIS10_QUESTIONS.Global06.options.at(-1), [1, 'Not at all']);
    assert.deepEqual(PROMIS10_QUESTIONS.Global10.options[0], [5, 'Never']);
    assert.deepEqual(PROMIS10_QUESTIONS.Global08.options.at(-1), [1, 'Very severe']);
    assert.equal(PROMIS10_QUESTIONS.Global07.options.length, 11);
    assert.match(PROMIS10_QUESTIONS.Global03.text, /rate your physical health/);
  });
  test("the clinic's licensed wording file is validated with the field named", (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prom-text-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ licence: 'x', ODI: { version: 'v2.1a', sections: [] } }));
    assert.throws(() => loadLicensedPromText(bad), /ODI\.sections/);
    assert.throws(() => loadLicensedPromText(join(dir, 'missing.json')), /cannot read/);
  });
});

describe('CLI operator identity (security review L4)', () => {
  test('REGENSPINE_OPERATOR names the operator, else the OS user', async () => {
    const { cliOperator } = await import('../../src/store/registry-accounts.ts');
    assert.equal(cliOperator({ REGENSPINE_OPERATOR: ' alice ' }), 'alice');
    assert.ok(cliOperator({}).length > 0);
  });
});
