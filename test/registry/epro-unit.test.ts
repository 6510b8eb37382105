// Patient questionnaires by link (ePRO), the pure rules. Expected values: config/epro.json (links live 168 h,
// at most 1440 h; a reminder when the last message is 3 days old, at most 2), the README "Patient
// questionnaires by link" (`https://<server>/q/<secret>`, a 256-bit secret of which only the SHA-256 is
// stored; NRS, PROMIS Global-10 and opioid use always, ODI and EQ-5D-3L only with the clinic's licensed
// wording; reminders for due or overdue visits), base64url arithmetic (RFC 4648 §5: 32 bytes → 43
// characters) and the SHA-256 test vector of FIPS 180-4.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_EPRO_CONFIG,
  EPRO_TOKEN_BYTES,
  EproConfigSchema,
  eproInstruments,
  eproMessage,
  eproTokenHash,
  eproUrl,
  invitationState,
  LINK_REFUSALS,
  linkLifetimeHours,
  newEproToken,
  reminderDue,
  wellFormedEproToken,
} from '../../src/registry/epro.ts';
import type { LicensedPromText } from '../../src/registry/prom-text.ts';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 2, 1, 12, 0, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('ePRO settings (config/epro.json)', () => {
  test('the shipped settings: 168 h links, at most 1440 h, reminders every 3 days, at most 2', () => {
    assert.equal(DEFAULT_EPRO_CONFIG.linkHours.value, 168);
    assert.equal(DEFAULT_EPRO_CONFIG.maxLinkHours.value, 1440);
    assert.equal(DEFAULT_EPRO_CONFIG.reminderEveryDays.value, 3);
    assert.equal(DEFAULT_EPRO_CONFIG.maxReminders.value, 2);
  });

  test('the default lifetime may equal the maximum but not exceed it', () => {
    const withHours = (linkHours: number, maxLinkHours: number) => ({
      ...structuredClone(DEFAULT_EPRO_CONFIG),
      linkHours: { ...DEFAULT_EPRO_CONFIG.linkHours, value: linkHours },
      maxLinkHours: { ...DEFAULT_EPRO_CONFIG.maxLinkHours, value: maxLinkHours },
    });
    assert.equal(EproConfigSchema.safeParse(withHours(240, 240)).success, true);
    const r = EproConfigSchema.safeParse(withHours(241, 240));
    assert.equal(r.success, false);
    assert.deepEqual(
      r.error?.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
      [{ code: 'custom', path: ['linkHours'], message: 'linkHours above maxLinkHours' }],
    );
  });
});

describe('the link secret (256 bits, base64url; only its SHA-256 stored)', () => {
  test('a new secret is 32 random bytes as 43 base64url characters, stored as its SHA-256', () => {
    assert.equal(EPRO_TOKEN_BYTES, 32);
    const { token, hash } = newEproToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(hash, eproTokenHash(token));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(newEproToken().token, token);
    assert.equal(wellFormedEproToken(token), true);
  });

  test('the stored hash is SHA-256 (FIPS 180-4 vector for "abc")', () => {
    assert.equal(eproTokenHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('only exactly 43 base64url characters are a well-formed secret', () => {
    const ok = `${'Az09_-'.repeat(7)}q`; // 43 characters of the base64url alphabet
    assert.equal(ok.length, 43);
    assert.equal(wellFormedEproToken(ok), true);
    for (const bad of [
      ok.slice(1), // 42
      `${ok}x`, // 44
      `x${ok}`,
      `${ok.slice(1)}+`, // base64, not base64url
      `${ok.slice(1)}/`,
      `${ok.slice(1)}=`, // no padding
      ` ${ok.slice(1)}`,
      '!'.repeat(43),
      'a',
      '',
    ])
      assert.equal(wellFormedEproToken(bad), false, JSON.stringify(bad));
  });
});

describe('link state: used beats revoked beats expired', () => {
  const inv = { expires_at: at(DAY), used_at: null, revoked_at: null };
  test('open until the expiry instant, expired from it on', () => {
    assert.equal(invitationState(inv, NOW), 'open');
    assert.equal(invitationState(inv, at(DAY - 1)), 'open');
    assert.equal(invitationState(inv, at(DAY)), 'expired');
    assert.equal(invitationState(inv, at(2 * DAY)), 'expired');
  });
  test('a used link is used even when also revoked and expired; a revoked one is revoked even when expired', () => {
    assert.equal(invitationState({ ...inv, used_at: NOW }, NOW), 'used');
    assert.equal(invitationState({ ...inv, used_at: NOW, revoked_at: NOW }, at(2 * DAY)), 'used');
    assert.equal(invitationState({ ...inv, revoked_at: NOW }, NOW), 'revoked');
    assert.equal(invitationState({ ...inv, revoked_at: NOW }, at(2 * DAY)), 'revoked');
  });
  test('each refusal says its own reason in words for the patient', () => {
    assert.deepEqual(Object.keys(LINK_REFUSALS).sort(), ['expired', 'revoked', 'unknown', 'used']);
    assert.match(LINK_REFUSALS.used, /already been sent/);
    assert.match(LINK_REFUSALS.revoked, /replaced by a newer one/);
    assert.match(LINK_REFUSALS.expired, /has expired/);
    assert.match(LINK_REFUSALS.unknown, /does not work/);
    for (const m of Object.values(LINK_REFUSALS)) assert.match(m, /clinic/);
  });
});

describe('link lifetime (config/epro.json linkHours 168, maxLinkHours 1440)', () => {
  test('the default when none is asked; the coordinator choice up to the maximum', () => {
    assert.equal(linkLifetimeHours(undefined), 168);
    assert.equal(linkLifetimeHours(1), 1);
    assert.equal(linkLifetimeHours(1440), 1440);
  });
  test('zero, negative, not finite or over the maximum is refused with the range', () => {
    for (const h of [0, -1, 1441, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => linkLifetimeHours(h), { name: 'RangeError', message: 'hours: more than 0, at most 1440' });
  });
  test('the maximum is the configured one', () => {
    const cfg = { ...DEFAULT_EPRO_CONFIG, maxLinkHours: { ...DEFAULT_EPRO_CONFIG.maxLinkHours, value: 24 } };
    assert.equal(linkLifetimeHours(24, cfg), 24);
    assert.throws(() => linkLifetimeHours(25, cfg), { message: 'hours: more than 0, at most 24' });
  });
});

describe('instruments on the link (README: ODI and EQ-5D-3L only with the licensed wording)', () => {
  test('without licensed wording: NRS, PROMIS-10 and opioids; ODI and EQ-5D-3L with the clinic', () => {
    assert.deepEqual(eproInstruments(null), { shown: ['NRS', 'PROMIS10', 'opioids'], withClinic: ['ODI', 'EQ5D3L'] });
  });
  test('with one licensed instrument it is shown, in the form order; the other stays with the clinic', () => {
    assert.deepEqual(eproInstruments({ licence: 'x', ODI: {} } as unknown as LicensedPromText), {
      shown: ['ODI', 'NRS', 'PROMIS10', 'opioids'],
      withClinic: ['EQ5D3L'],
    });
    assert.deepEqual(eproInstruments({ licence: 'x', EQ5D3L: {} } as unknown as LicensedPromText), {
      shown: ['NRS', 'EQ5D3L', 'PROMIS10', 'opioids'],
      withClinic: ['ODI'],
    });
  });
  test('with both, everything is shown and nothing left to the clinic', () => {
    assert.deepEqual(eproInstruments({ licence: 'x', ODI: {}, EQ5D3L: {} } as unknown as LicensedPromText), {
      shown: ['ODI', 'NRS', 'EQ5D3L', 'PROMIS10', 'opioids'],
      withClinic: [],
    });
  });
});

describe('reminders (config/epro.json: every 3 days, at most 2; README: due or overdue visits)', () => {
  const open = {
    expires_at: at(10 * DAY),
    used_at: null,
    revoked_at: null,
    reminders: 0,
    last_message_at: at(-3 * DAY),
  };
  test('an open link of a due or overdue visit whose last message is exactly 3 days old', () => {
    assert.equal(reminderDue(open, 'due', NOW), true);
    assert.equal(reminderDue(open, 'overdue', NOW), true);
    assert.equal(reminderDue({ ...open, last_message_at: at(-10 * DAY) }, 'due', NOW), true);
  });
  test('not a millisecond before the 3 days are up', () => {
    assert.equal(reminderDue({ ...open, last_message_at: at(-3 * DAY + 1) }, 'due', NOW), false);
    assert.equal(reminderDue({ ...open, last_message_at: NOW }, 'overdue', NOW), false);
  });
  test('not for upcoming, missed or completed visits', () => {
    for (const v of ['upcoming', 'missed', 'completed'] as const) assert.equal(reminderDue(open, v, NOW), false, v);
  });
  test('a second reminder after one; none after two', () => {
    assert.equal(reminderDue({ ...open, reminders: 1 }, 'due', NOW), true);
    assert.equal(reminderDue({ ...open, reminders: 2 }, 'due', NOW), false);
    assert.equal(reminderDue({ ...open, reminders: 3 }, 'due', NOW), false);
  });
  test('not for a used, revoked or expired link', () => {
    assert.equal(reminderDue({ ...open, used_at: at(-DAY) }, 'due', NOW), false);
    assert.equal(reminderDue({ ...open, revoked_at: at(-DAY) }, 'due', NOW), false);
    assert.equal(reminderDue({ ...open, expires_at: NOW }, 'due', NOW), false);
  });
  test('the interval and the maximum are the configured ones', () => {
    const cfg = {
      ...DEFAULT_EPRO_CONFIG,
      reminderEveryDays: { ...DEFAULT_EPRO_CONFIG.reminderEveryDays, value: 1 },
      maxReminders: { ...DEFAULT_EPRO_CONFIG.maxReminders, value: 0 },
    };
    assert.equal(reminderDue({ ...open, last_message_at: at(-DAY) }, 'due', NOW, cfg), false, 'none allowed');
    const one = { ...cfg, maxReminders: { ...cfg.maxReminders, value: 1 } };
    assert.equal(reminderDue({ ...open, last_message_at: at(-DAY) }, 'due', NOW, one), true);
  });
});

describe('the message: the link and its expiry, nothing about the patient', () => {
  const url = 'https://registry.example.org/q/SECRET';
  // 2026-03-09T14:05:30Z, shown to the minute in UTC
  const expires = new Date(Date.UTC(2026, 2, 9, 14, 5, 30));
  test('an invitation: subject and text name the clinic; the link on a line of its own; expiry to the minute', () => {
    const m = eproMessage('invitation', url, expires, 'Clinic A');
    assert.match(m.subject, /^Clinic A: /);
    assert.doesNotMatch(m.subject, /remind/i);
    const lines = m.text.split('\n');
    assert.equal(lines.length, 7);
    assert.match(lines[0]!, /Clinic A/);
    assert.doesNotMatch(lines[0]!, /remind/i);
    assert.equal(lines[1], '');
    assert.match(lines[2]!, /link/);
    assert.equal(lines[3], url);
    assert.equal(lines[4], '');
    assert.match(lines[5]!, /(^| )2026-03-09 14:05 UTC\.$/);
    assert.match(lines[6]!, /clinic/);
  });
  test('a reminder says it is one, in the subject and the first line; the rest is the same', () => {
    const inv = eproMessage('invitation', url, expires, 'Clinic A');
    const rem = eproMessage('reminder', url, expires, 'Clinic A');
    assert.match(rem.subject, /^Clinic A: .*remind/i);
    assert.notEqual(rem.subject, inv.subject);
    const [first, ...rest] = rem.text.split('\n');
    assert.match(first!, /remind/i);
    assert.match(first!, /Clinic A/);
    assert.deepEqual(rest, inv.text.split('\n').slice(1));
  });
});

describe('the link URL (README: https://<server>/q/<secret>)', () => {
  test('base, /q/, secret; trailing slashes of the base dropped', () => {
    assert.equal(eproUrl('https://registry.example.org', 'abc'), 'https://registry.example.org/q/abc');
    assert.equal(eproUrl('https://registry.example.org/', 'abc'), 'https://registry.example.org/q/abc');
    assert.equal(eproUrl('https://registry.example.org///', 'abc'), 'https://registry.example.org/q/abc');
    assert.equal(eproUrl('https://example.org/registry/', 'abc'), 'https://example.org/registry/q/abc');
  });
});
