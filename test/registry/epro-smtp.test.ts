// The reminder outbox against a real SMTP server (issue 13 §3): the `smtp-server` package listens on a
// loopback port, nodemailer (REGENSPINE_SMTP_URL) sends the outbox to it, and the messages are read back
// with mailparser: the invitation carries a working link, the body is erased once sent, a due visit's
// reminder replaces the link, and a refused recipient is counted and kept for the next run.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { issueEproLink, queueReminders, sendOutbox, smtpTransportFromEnv } from '../../src/store/epro.ts';
import { mountEpro } from '../../src/web/registry/epro.ts';
import { mountRegistry } from '../../src/web/registry/index.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { fullPatient, pgliteWorld } from './fixtures.ts';

const received: { to: string[]; mail: ParsedMail }[] = [];
let smtp: SMTPServer;
let port = 0;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      // a mailbox that does not exist: the server refuses it (550), as a real one would
      if (address.address.startsWith('nobody@'))
        return cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  port = (smtp.server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('ePRO outbox over SMTP', () => {
  const world = pgliteWorld();
  let app: Hono;
  let clock = new Date('2025-04-01T08:00:00Z'); // the 3-month visit (index 2025-01-10) is due: target 2025-04-10
  before(() => {
    app = createApp(staticEvidence([]));
    const today = () => clock.toISOString().slice(0, 10);
    mountRegistry(app, world.db, { today, promText: null });
    mountEpro(app, world.db, { today, now: () => clock, promText: null });
  });

  test('invitation sent, read back with a working link; body erased; a reminder replaces the link', async () => {
    const { patient } = await fullPatient(world.w, 'A');
    const coord = world.w.actors.A.coordinator;
    const base = 'http://registry.test';
    const issued = await issueEproLink(
      world.db,
      coord,
      { patient_id: patient.id, timepoint: '3m', email: 'Patient.One@example.org' },
      { baseUrl: base, now: clock },
    );
    assert.equal(issued.queued, true);
    const transport = await smtpTransportFromEnv({ REGENSPINE_SMTP_URL: `smtp://127.0.0.1:${port}` });
    assert.ok(transport);
    const r = await sendOutbox(world.db, transport!, 'registry@clinic.example.org');
    assert.deepEqual(r, { sent: 1, failed: 0 });
    assert.equal(received.length, 1);
    const first = received[0]!;
    assert.deepEqual(first.to, ['patient.one@example.org']);
    assert.equal(first.mail.subject, 'Site A: your follow-up questionnaire');
    assert.equal(first.mail.from?.value[0]?.address, 'registry@clinic.example.org');
    const link = /http:\/\/registry\.test\/q\/[A-Za-z0-9_-]{43}/.exec(first.mail.text ?? '')?.[0];
    assert.equal(link, issued.url);
    assert.ok(!(first.mail.text ?? '').includes(patient.registry_id));
    assert.equal((await app.request(new URL(link!).pathname)).status, 200);

    const row = await world.db.query<{ body: string | null; sent_at: Date | null; recipient: string | null }>(
      'SELECT body, sent_at, recipient FROM epro_outbox WHERE invitation_id = $1',
      [issued.invitation_id],
    );
    assert.equal(row.rows[0]!.body, null, 'the only copy of the link is erased once sent');
    assert.ok(row.rows[0]!.sent_at);
    assert.equal(row.rows[0]!.recipient, 'patient.one@example.org', 'kept for the reminders of this visit');
    assert.deepEqual(await sendOutbox(world.db, transport!, 'registry@clinic.example.org'), { sent: 0, failed: 0 });

    // too early for a reminder; three days later (config/epro.json reminderEveryDays) the visit is still due
    assert.equal((await queueReminders(world.db, coord, { baseUrl: base, now: clock })).queued, 0);
    clock = new Date(clock.getTime() + 3 * 86_400_000);
    assert.equal((await queueReminders(world.db, coord, { baseUrl: base, now: clock })).queued, 1);
    assert.deepEqual(await sendOutbox(world.db, transport!, 'registry@clinic.example.org'), { sent: 1, failed: 0 });
    const second = received[1]!;
    assert.equal(second.mail.subject, 'Site A: reminder, your follow-up questionnaire');
    const link2 = /http:\/\/registry\.test\/q\/[A-Za-z0-9_-]{43}/.exec(second.mail.text ?? '')?.[0];
    assert.ok(link2 && link2 !== link);
    assert.equal((await app.request(new URL(link!).pathname)).status, 410, 'the old link is replaced');
    const page = await app.request(new URL(link2).pathname);
    assert.equal(page.status, 200);

    // the patient completes it: the address is erased, no further reminders
    const done = await app.request(new URL(link2).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'nrs=3',
    });
    assert.equal(done.status, 200);
    const left = await world.db.query('SELECT 1 FROM epro_outbox WHERE recipient IS NOT NULL');
    assert.equal(left.rows.length, 0);
    clock = new Date(clock.getTime() + 3 * 86_400_000);
    assert.equal((await queueReminders(world.db, coord, { baseUrl: base, now: clock })).queued, 0);
  });

  test('a refused recipient is counted with the SMTP code, never the address, and kept for the next run', async () => {
    const { patient } = await fullPatient(world.w, 'A');
    await issueEproLink(
      world.db,
      world.w.actors.A.coordinator,
      { patient_id: patient.id, timepoint: '3m', email: 'nobody@example.org' },
      { baseUrl: 'http://registry.test', now: clock },
    );
    const transport = await smtpTransportFromEnv({ REGENSPINE_SMTP_URL: `smtp://127.0.0.1:${port}` });
    const before = received.length;
    assert.deepEqual(await sendOutbox(world.db, transport!, 'registry@clinic.example.org'), { sent: 0, failed: 1 });
    assert.equal(received.length, before);
    const row = await world.db.query<{ attempts: number; last_error: string; body: string | null }>(
      "SELECT attempts, last_error, body FROM epro_outbox WHERE recipient = 'nobody@example.org'",
    );
    assert.equal(row.rows[0]!.attempts, 1);
    assert.match(row.rows[0]!.last_error, /550/);
    assert.doesNotMatch(row.rows[0]!.last_error, /nobody/);
    assert.ok(row.rows[0]!.body, 'unsent: still in the outbox');
    assert.equal(await smtpTransportFromEnv({}), null, 'no SMTP configured: nothing is sent');
  });
});
