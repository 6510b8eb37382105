// Patient-completed questionnaires by link (issue 13 §3): the pure token and reminder rules, and the whole
// flow over HTTP (Hono's request API, PGlite): a coordinator issues a link → the patient opens it without an
// account → submits → the second use is refused → an expired link is refused → a link reads and writes
// only its own visit → brute force is slowed. Expected scores come from the references (PACIO PROMIS-10
// worked example, docs/reference/instruments.md; CDC 2022 oxycodone factor 1.5, docs/reference/medications.md).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { DEFAULT_REGISTRY_CONFIG } from '../../src/registry/config.ts';
import {
  DEFAULT_EPRO_CONFIG,
  eproInstruments,
  eproMessage,
  eproTokenHash,
  eproUrl,
  invitationState,
  newEproToken,
  reminderDue,
  wellFormedEproToken,
} from '../../src/registry/epro.ts';
import { mountEpro } from '../../src/web/registry/epro.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { api, fullPatient, pgliteWorld } from './fixtures.ts';

const H = 3_600_000;

describe('ePRO rules (pure)', () => {
  test('the secret: 256 random bits in base64url (43 characters), stored as its SHA-256', () => {
    const a = newEproToken();
    const b = newEproToken();
    assert.match(a.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a.token, 'base64url').length * 8, 256);
    assert.notEqual(a.token, b.token);
    assert.equal(a.hash, createHash('sha256').update(a.token).digest('hex'));
    // FIPS 180-2 test vector: SHA-256("abc")
    assert.equal(eproTokenHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.ok(wellFormedEproToken(a.token));
    for (const bad of ['', 'short', `${a.token}x`, `${a.token.slice(0, 42)}/`, "' OR 1=1 --"])
      assert.equal(wellFormedEproToken(bad), false, bad);
  });

  test('the URL carries the secret and nothing else', () => {
    assert.equal(
      eproUrl('https://clinic.example.org/', 'T'.repeat(43)),
      `https://clinic.example.org/q/${'T'.repeat(43)}`,
    );
  });

  test('state: used beats revoked beats expired; expiry is exclusive at the instant', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const exp = new Date(t0.getTime() + 168 * H);
    const inv = { expires_at: exp, used_at: null, revoked_at: null };
    assert.equal(invitationState(inv, t0), 'open');
    assert.equal(invitationState(inv, new Date(exp.getTime() - 1)), 'open');
    assert.equal(invitationState(inv, exp), 'expired');
    assert.equal(invitationState({ ...inv, revoked_at: t0 }, exp), 'revoked');
    assert.equal(invitationState({ ...inv, revoked_at: t0, used_at: t0 }, exp), 'used');
  });

  test('reminders: open links of due or overdue visits, spaced and capped by the settings', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const every = DEFAULT_EPRO_CONFIG.reminderEveryDays.value;
    const inv = {
      expires_at: new Date(t0.getTime() + 30 * 24 * H),
      used_at: null,
      revoked_at: null,
      reminders: 0,
      last_message_at: t0,
    };
    const later = new Date(t0.getTime() + every * 24 * H);
    assert.equal(reminderDue(inv, 'due', later), true);
    assert.equal(reminderDue(inv, 'overdue', later), true);
    assert.equal(reminderDue(inv, 'due', new Date(later.getTime() - 1)), false);
    for (const s of ['upcoming', 'missed', 'completed'] as const) assert.equal(reminderDue(inv, s, later), false, s);
    assert.equal(reminderDue({ ...inv, reminders: DEFAULT_EPRO_CONFIG.maxReminders.value }, 'due', later), false);
    assert.equal(reminderDue({ ...inv, used_at: t0 }, 'due', later), false);
  });

  test('ODI and EQ-5D-3L are shown to patients only with the clinic’s licensed wording', () => {
    assert.deepEqual(eproInstruments(null), { shown: ['NRS', 'PROMIS10', 'opioids'], withClinic: ['ODI', 'EQ5D3L'] });
    const text = {
      licence: 'L',
      ODI: { version: 'v', sections: [] },
      EQ5D3L: { version: 'v', dimensions: { MO: [], SC: [], UA: [], PD: [], AD: [] } },
    } as never;
    assert.deepEqual(eproInstruments(text), {
      shown: ['ODI', 'NRS', 'EQ5D3L', 'PROMIS10', 'opioids'],
      withClinic: [],
    });
  });

  test('the message names the clinic, the link and its expiry, nothing about the patient', () => {
    const m = eproMessage('reminder', 'https://x.example/q/abc', new Date('2026-02-03T04:05:00Z'), 'Spine Clinic');
    assert.match(m.subject, /^Spine Clinic: reminder/);
    assert.match(m.text, /https:\/\/x\.example\/q\/abc/);
    assert.match(m.text, /2026-02-03 04:05 UTC/);
    assert.doesNotMatch(m.text, /P-[0-9A-Z]{10}|PRP|BMC|disc/);
  });
});

// PACIO PROMIS-10 worked example (docs/reference/instruments.md §4): GPH raw 15 → T 47.7, GMH raw 14 → T 48.3.
const PATIENT_ANSWERS: Record<string, string> = {
  nrs: '4',
  'promis.Global01': '3',
  'promis.Global02': '3',
  'promis.Global03': '3',
  'promis.Global04': '4',
  'promis.Global05': '4',
  'promis.Global06': '4',
  'promis.Global07': '3',
  'promis.Global08': '4',
  'promis.Global09': '3',
  'promis.Global10': '3',
  'opioids.taking': 'true',
  'opioids[0].drug': 'oxycodone',
  'opioids[0].dose_mg': '5',
  'opioids[0].doses_per_day': '2',
};

describe('ePRO over HTTP', () => {
  const world = pgliteWorld();
  let app: Hono;
  let clock = new Date('2026-03-01T09:00:00Z');
  const today = () => clock.toISOString().slice(0, 10);
  let patient: { id: number; registry_id: string };
  let other: { id: number; registry_id: string };

  before(async () => {
    app = createApp(staticEvidence([]));
    mountRegistry(app, world.db, { today, promText: null });
    mountEpro(app, world.db, { today, now: () => clock, promText: null, publicUrl: 'https://clinic.example.org' });
    patient = (await fullPatient(world.w, 'A', { visit: true })).patient;
    other = (await fullPatient(world.w, 'A', { visit: true })).patient;
  });

  const call = (token: string, method: string, path: string, body?: unknown) =>
    api({ ...world.w, app }, token, method, path, body);
  const issue = (token: string, body: Record<string, unknown>) => call(token, 'POST', '/api/registry/epro/links', body);
  const pathOf = (url: string) => new URL(url).pathname;
  const submit = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  test('issue → open → submit: scored as staff entry, audited with the link as the actor; second use refused', async () => {
    const coord = world.w.tokens.A.coordinator;
    const r = await issue(coord, { patient_id: patient.id, timepoint: '1m' });
    assert.equal(r.status, 201, r.text);
    const url = String(r.json.url);
    assert.match(url, /^https:\/\/clinic\.example\.org\/q\/[A-Za-z0-9_-]{43}$/);
    // nothing but the secret: no registry id, no patient or visit number, no query string
    assert.ok(!url.includes(patient.registry_id));
    assert.equal(new URL(url).search, '');
    assert.equal(new URL(url).pathname.split('/').length, 3);
    const token = url.split('/q/')[1]!;

    // only the hash is stored, and the secret is nowhere in the audit trail
    const stored = await world.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM epro_invitation WHERE id = $1',
      [r.json.invitation_id],
    );
    assert.equal(stored.rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
    const leak = await world.db.query(
      "SELECT 1 FROM audit.audit_log WHERE position($1 in coalesce(new_values::text, '') || coalesce(old_values::text, '')) > 0",
      [token],
    );
    assert.equal(leak.rows.length, 0);

    const page = await app.request(pathOf(url));
    assert.equal(page.status, 200);
    const body = await page.text();
    assert.match(body, /Your questionnaire/);
    assert.match(body, /one month after your treatment/);
    assert.ok(!body.includes(patient.registry_id), 'the page shows no registry id');
    assert.match(body, /Your clinic will ask you the back-pain disability \(Oswestry\) and EQ-5D questions/);
    assert.equal(page.headers.get('cache-control'), 'no-store');

    const sent = await submit(pathOf(url), PATIENT_ANSWERS);
    assert.equal(sent.status, 200, await sent.clone().text());
    assert.match(await sent.text(), /Thank you/);

    const rec = await call(coord, 'GET', `/api/registry/patients/${patient.id}`);
    const visits = rec.json.visits as {
      id: number;
      timepoint: string;
      visit_date: string;
      mme_per_day: number;
      proms: { instrument: string; score: number }[];
    }[];
    const v = visits.find((x) => x.timepoint === '1m')!;
    assert.equal(v.visit_date, '2026-03-01');
    assert.equal(v.mme_per_day, 15); // 5 mg × 2 a day × 1.5 (CDC 2022)
    const scores = Object.fromEntries(v.proms.map((p) => [p.instrument, p.score]));
    assert.equal(scores.NRS, 4);
    assert.equal(scores.PROMIS10, 47.7);
    const promis = await world.db.query<{ result: { gmh_t: number } }>(
      "SELECT result FROM prom_score WHERE visit_id = $1 AND instrument = 'PROMIS10'",
      [v.id],
    );
    assert.equal(promis.rows[0]!.result.gmh_t, 48.3);

    const audit = await world.db.query<{
      entity: string;
      user_id: number | null;
      user_role: string;
      via: string;
      reason: string;
    }>(
      "SELECT entity, user_id, user_role, via, reason FROM audit.audit_log WHERE (entity = 'followup_visit' AND entity_id = $1) OR (entity = 'prom_score' AND new_values ->> 'visit_id' = $1)",
      [String(v.id)],
    );
    assert.ok(audit.rows.length >= 3, 'visit and its scores audited');
    for (const a of audit.rows) {
      assert.equal(a.user_id, null);
      assert.equal(a.user_role, 'patient');
      assert.equal(a.via, `patient-link:${r.json.invitation_id}`);
      assert.equal(a.reason, 'completed by the patient on a questionnaire link');
    }

    const again = await submit(pathOf(url), PATIENT_ANSWERS);
    assert.equal(again.status, 410);
    assert.match(await again.text(), /already been sent/);
    assert.equal((await app.request(pathOf(url))).status, 410);
    const count = await world.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM followup_visit WHERE patient_id = $1 AND timepoint = '1m'",
      [patient.id],
    );
    assert.equal(count.rows[0]!.n, 1);
    // and the recorded visit cannot be asked for again
    assert.equal((await issue(coord, { patient_id: patient.id, timepoint: '1m' })).status, 409);
  });

  test('"No" to the opioid question is stored as no opioids (0 MME/day); "No" with medicines listed is refused', async () => {
    const coord = world.w.tokens.A.coordinator;
    const r = await issue(coord, { patient_id: other.id, timepoint: '1m' });
    assert.equal(r.status, 201, r.text);
    const path = pathOf(String(r.json.url));
    const {
      'opioids[0].drug': _d,
      'opioids[0].dose_mg': _m,
      'opioids[0].doses_per_day': _n,
      ...noMeds
    } = PATIENT_ANSWERS;
    const both = await submit(path, { ...PATIENT_ANSWERS, 'opioids.taking': 'false' });
    assert.equal(both.status, 400);
    assert.match(await both.text(), /you answered &quot;No&quot; and also listed medicines/);
    const sent = await submit(path, { ...noMeds, 'opioids.taking': 'false' });
    assert.equal(sent.status, 200, await sent.clone().text());
    const rec = await call(coord, 'GET', `/api/registry/patients/${other.id}`);
    const v = (rec.json.visits as { timepoint: string; mme_per_day: number | null }[]).find(
      (x) => x.timepoint === '1m',
    );
    assert.equal(v?.mme_per_day, 0);
  });
  test('bad answers are shown again with the message; the link stays usable', async () => {
    const r = await issue(world.w.tokens.A.coordinator, { patient_id: patient.id, timepoint: '3m' });
    const path = pathOf(String(r.json.url));
    const bad = await submit(path, { nrs: '11' });
    assert.equal(bad.status, 400);
    const text = await bad.text();
    assert.match(text, /Not sent yet/);
    assert.match(text, /value="11" checked|proms\.NRS/);
    const none = await submit(path, {});
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Please answer at least one questionnaire/);
    assert.equal((await submit(path, { nrs: '2' })).status, 200);
  });

  test('an expired link is refused (opening and sending)', async () => {
    const r = await issue(world.w.tokens.A.coordinator, { patient_id: patient.id, timepoint: '6m', hours: 2 });
    assert.equal(r.status, 201);
    const path = pathOf(String(r.json.url));
    assert.equal((await app.request(path)).status, 200);
    const saved = clock;
    clock = new Date(clock.getTime() + 2 * H);
    try {
      const open = await app.request(path);
      assert.equal(open.status, 410);
      assert.match(await open.text(), /expired/);
      assert.equal((await submit(path, PATIENT_ANSWERS)).status, 410);
    } finally {
      clock = saved;
    }
    // lifetime beyond the configured maximum is refused
    const long = await issue(world.w.tokens.A.coordinator, {
      patient_id: patient.id,
      timepoint: '6m',
      hours: DEFAULT_EPRO_CONFIG.maxLinkHours.value + 1,
    });
    assert.equal(long.status, 400);
    assert.equal(long.json.field, 'hours');
  });

  test('a link reads and writes its own visit only', async () => {
    const coord = world.w.tokens.A.coordinator;
    const first = await issue(coord, { patient_id: other.id, timepoint: '12m' });
    const second = await issue(coord, { patient_id: other.id, timepoint: '12m' });
    // a newer link for the same visit replaces the older one
    const old = await app.request(pathOf(String(first.json.url)));
    assert.equal(old.status, 410);
    assert.match(await old.text(), /replaced by a newer one/);
    const path = pathOf(String(second.json.url));
    const token = path.split('/q/')[1]!;
    // the page shows nothing of the patient's record (the baseline ODI answers, the registry id)
    const page = await (await app.request(path)).text();
    assert.ok(!page.includes(other.registry_id));
    assert.doesNotMatch(page, /value="[0-9]+" checked/);
    // the secret is not an API credential
    assert.equal((await call(token, 'GET', `/api/registry/patients/${other.id}`)).status, 401);
    assert.equal((await call(token, 'GET', '/api/registry/me')).status, 401);
    // fields naming another visit, date or patient are ignored: the link decides
    const sent = await submit(path, {
      ...PATIENT_ANSWERS,
      timepoint: '24m',
      visit_date: '2020-01-01',
      patient_id: String(patient.id),
      imaging_note: 'typed by the patient',
    });
    assert.equal(sent.status, 200);
    const v = await world.db.query<{
      patient_id: number;
      timepoint: string;
      visit_date: string;
      imaging_note: string | null;
    }>(
      'SELECT patient_id, timepoint, visit_date::text AS visit_date, imaging_note FROM followup_visit WHERE id = (SELECT visit_id FROM epro_invitation WHERE id = $1)',
      [second.json.invitation_id],
    );
    assert.deepEqual(v.rows[0], {
      patient_id: other.id,
      timepoint: '12m',
      visit_date: '2026-03-01',
      imaging_note: null,
    });
    // a cross-origin form post is refused
    const r3 = await issue(coord, { patient_id: other.id, timepoint: '24m' });
    const x = await submit(pathOf(String(r3.json.url)), PATIENT_ANSWERS, { origin: 'https://evil.example' });
    assert.equal(x.status, 403);
    assert.match(await x.text(), /The form was not sent from this site\./);
  });

  test('only staff who enter records at the patient’s site issue links', async () => {
    assert.equal((await issue(world.w.tokens.B.coordinator, { patient_id: patient.id, timepoint: '24m' })).status, 404);
    assert.equal((await issue(world.w.tokens.A.analyst, { patient_id: patient.id, timepoint: '24m' })).status, 403);
    assert.equal((await issue(world.w.tokens.A.admin, { patient_id: patient.id, timepoint: '24m' })).status, 403);
    const bad = await issue(world.w.tokens.A.coordinator, { patient_id: patient.id, timepoint: '5m' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, 'timepoint');
    const res = await app.request('/api/registry/epro/links', { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    // the list of another site's links: refused as JSON naming the field
    const list = await call(world.w.tokens.A.coordinator, 'GET', `/api/registry/sites/${world.w.sites.B}/epro/links`);
    assert.equal(list.status, 403);
    assert.deepEqual(list.json, { error: 'you are not a member of this site', field: 'site_id' });
  });

  test('a link request whose body is not one JSON object is refused naming the body', async () => {
    for (const body of ['[{"patient_id":1,"timepoint":"24m"}]', 'null', '"24m"', '{"patient_id":']) {
      const r = await app.request('/api/registry/epro/links', {
        method: 'POST',
        headers: { authorization: `Bearer ${world.w.tokens.A.coordinator}`, 'content-type': 'application/json' },
        body,
      });
      assert.equal(r.status, 400, body);
      assert.deepEqual(await r.json(), { error: 'request body is not a JSON object', field: 'body' }, body);
    }
  });

  test('brute force is slowed: after the configured failures an address is refused, good link or not', async () => {
    const good = await issue(world.w.tokens.A.coordinator, { patient_id: patient.id, timepoint: '24m' });
    const path = pathOf(String(good.json.url));
    const max = DEFAULT_REGISTRY_CONFIG.auth.loginAddressMaxFailures.value;
    let refusedAt = -1;
    for (let i = 0; i < max + 2; i++) {
      const res = await app.request(`/q/${newEproToken().token}`);
      if (res.status === 429) {
        refusedAt = i;
        assert.ok(Number(res.headers.get('retry-after')) > 0);
        break;
      }
      assert.equal(res.status, 404);
    }
    assert.ok(refusedAt >= 0 && refusedAt <= max, `refused after ${refusedAt} guesses`);
    assert.equal((await app.request(path)).status, 429);
    assert.equal((await submit(path, PATIENT_ANSWERS)).status, 429);
  });
});
