// Patient-completed questionnaires by link (ePRO), storage: issuing a link for a due visit, opening it,
// the patient's submission, brute-force slowing, and the reminder outbox. The rules are in
// src/registry/epro.ts; the visit is stored by the same store function as staff entry
// (src/store/registry.ts submitFollowUp: the same validation, scoring and audit trigger), joined to the
// transaction that spends the link, so a link is spent exactly when its visit is stored.
import { addressDelaySeconds, clientThrottleKey, EMAIL_RE, normalizeEmail } from '../registry/auth.ts';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../registry/config.ts';
import {
  DEFAULT_EPRO_CONFIG,
  type EproConfig,
  eproMessage,
  eproTokenHash,
  eproUrl,
  type InvitationState,
  invitationState,
  linkLifetimeHours,
  newEproToken,
  reminderDue,
  wellFormedEproToken,
} from '../registry/epro.ts';
import type { Actor } from '../registry/policy.ts';
import { scheduleVisit, timepointConfig, visitStatus } from '../registry/schedule.ts';
import { badText, CommandError } from '../registry/validation.ts';
import type { Db, Queryable } from './db.ts';
import { requirePermission, submitFollowUp } from './registry.ts';
import { command } from './registry-accounts.ts';
import { prepareRls, shareRlsState, siteScoped } from './tx.ts';

const utcToday = (): string => new Date().toISOString().slice(0, 10);

/**
 * Issuing links and reminders: staff who enter records (records:write), or the CLI operator for the sites
 * the command names (`regenspine epro remind`; audited as via "cli:<operator>").
 */
function requireLinkIssuer(actor: Actor): void {
  if (actor.via !== 'cli') requirePermission(actor, 'records:write');
}

export interface IssuedLink {
  invitation_id: number;
  /** The link (shown once; only its hash is stored). */
  url: string;
  expires_at: Date;
  /** An e-mail was put in the outbox. */
  queued: boolean;
}

interface InvitationRow {
  id: number;
  patient_id: number;
  site_id: number;
  timepoint: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  reminders: number;
  last_reminded_at: Date | null;
  created_at: Date;
}

/**
 * A coordinator (records:write at the patient's site) issues a link for one patient-visit. Refused if the
 * visit is already recorded, the timepoint is not in the schedule, a follow-up has no index procedure yet,
 * or the patient has withdrawn or died. A previous open link for the same visit is revoked (one working
 * link per visit). With `email`, the invitation is put in the outbox.
 */
export async function issueEproLink(
  db: Db,
  actor: Actor,
  input: { patient_id: unknown; timepoint: unknown; hours?: unknown; email?: unknown },
  opts: { baseUrl: string; config?: RegistryConfig; epro?: EproConfig; now?: Date; reminders?: number },
): Promise<IssuedLink> {
  requireLinkIssuer(actor);
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const epro = opts.epro ?? DEFAULT_EPRO_CONFIG;
  const patientId = Number(input.patient_id);
  if (!Number.isSafeInteger(patientId) || patientId <= 0) throw new CommandError('expected a patient id', 'patient_id');
  const tp = typeof input.timepoint === 'string' ? timepointConfig(input.timepoint, config) : null;
  if (!tp) throw new CommandError(`timepoint must be one of the schedule (${config.version})`, 'timepoint');
  let hours: number;
  try {
    hours = linkLifetimeHours(
      input.hours === undefined || input.hours === null || input.hours === '' ? undefined : Number(input.hours),
      epro,
    );
  } catch (e) {
    throw new CommandError((e as Error).message, 'hours');
  }
  let email: string | null = null;
  if (input.email !== undefined && input.email !== null && input.email !== '') {
    email = typeof input.email === 'string' ? normalizeEmail(input.email) : '';
    if (!EMAIL_RE.test(email) || email.length > 320 || badText(email))
      throw new CommandError('not an e-mail address', 'email');
  }
  const now = opts.now ?? new Date();
  const { token, hash } = newEproToken();
  const expires = new Date(now.getTime() + hours * 3_600_000);
  return siteScoped(db, actor, 'questionnaire link issued', async (tx) => {
    const p = await tx.query<{
      id: number;
      site_id: number;
      status: string;
      index_procedure_date: string | null;
      site_name: string;
    }>(
      `SELECT p.id, p.site_id, p.status, p.index_procedure_date::text AS index_procedure_date, s.name AS site_name
       FROM patient p JOIN registry_site s ON s.id = p.site_id WHERE p.id = $1 AND p.site_id = ANY($2::int[]) FOR UPDATE OF p`,
      [patientId, actor.siteIds],
    );
    const pt = p.rows[0];
    if (!pt) throw new CommandError('no patient with this id at your sites', 'patient_id', 404);
    if (pt.status === 'withdrawn' || pt.status === 'deceased')
      throw new CommandError(`the patient's status is ${pt.status}`, 'status', 422);
    if (tp.months > 0 && !pt.index_procedure_date)
      throw new CommandError('no procedure recorded yet: only the baseline visit can be asked for', 'timepoint', 422);
    const done = await tx.query('SELECT 1 FROM followup_visit WHERE patient_id = $1 AND timepoint = $2', [
      pt.id,
      tp.key,
    ]);
    if (done.rows.length > 0)
      throw new CommandError(`the ${tp.key} visit is already recorded for this patient`, 'timepoint', 409);
    await tx.query(
      `UPDATE epro_invitation SET revoked_at = $3 WHERE patient_id = $1 AND timepoint = $2 AND used_at IS NULL AND revoked_at IS NULL`,
      [pt.id, tp.key, now],
    );
    const r = await tx.query<{ id: number }>(
      `INSERT INTO epro_invitation (patient_id, site_id, timepoint, token_hash, created_at, created_by, expires_at, config_version,
         reminders, last_reminded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        pt.id,
        pt.site_id,
        tp.key,
        hash,
        now,
        actor.userId || null,
        expires,
        epro.version,
        opts.reminders ?? 0,
        opts.reminders ? now : null,
      ],
    );
    const id = Number(r.rows[0]!.id);
    const url = eproUrl(opts.baseUrl, token);
    if (email) {
      const kind = opts.reminders ? 'reminder' : 'invitation';
      const m = eproMessage(kind, url, expires, pt.site_name);
      await tx.query(
        'INSERT INTO epro_outbox (invitation_id, site_id, kind, recipient, subject, body) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, pt.site_id, kind, email, m.subject, m.text],
      );
    }
    return { invitation_id: id, url, expires_at: expires, queued: email !== null };
  });
}

/** The key of a client's ePRO counter in login_failure: "EPRO " + its address key (no e-mail starts so). */
const throttleKey = (address: string | null | undefined) => `EPRO ${clientThrottleKey(address)}`;

/**
 * Brute force slowed (the sign-in throttle's per-address rule, src/registry/auth.ts addressDelaySeconds,
 * over the same login_failure table and the same settings auth.loginAddressMaxFailures and
 * loginAddressWindowMinutes): after that many bad links from one address within the window, the address
 * is refused (429) until the window has passed since its last failure. Seconds to wait, or 0.
 */
async function throttleWait(db: Queryable, address: string | null | undefined, config: RegistryConfig) {
  const r = await db.query<{ failures: number; since: number }>(
    'SELECT failures, extract(epoch FROM (now() - last_failure_at))::float8 AS since FROM login_failure WHERE email = $1',
    [throttleKey(address)],
  );
  const row = r.rows[0];
  if (!row) return 0;
  const windowSeconds = config.auth.loginAddressWindowMinutes.value * 60;
  return Math.ceil(
    addressDelaySeconds(row.failures, row.since, config.auth.loginAddressMaxFailures.value, windowSeconds),
  );
}

/** Counts a bad link against the address; a failure after a quiet window starts the count again. */
async function countFailure(db: Queryable, address: string | null | undefined, config: RegistryConfig) {
  await db.query(
    `INSERT INTO login_failure AS f (email, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (email) DO UPDATE SET failures = CASE WHEN f.last_failure_at < now() - $2::float8 * interval '1 second'
       THEN 1 ELSE f.failures + 1 END, last_failure_at = now()`,
    [throttleKey(address), config.auth.loginAddressWindowMinutes.value * 60],
  );
}

export type OpenedLink =
  | { ok: true; invitation: { id: number; timepoint: string; site_name: string; expires_at: Date } }
  | { ok: false; reason: Exclude<InvitationState, 'open'> | 'unknown' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * What a link opens: its timepoint and clinic name, nothing else — no registry id, no other visit, no
 * score. A link that does not work counts against the client address (throttleWait).
 */
export async function openEproLink(
  db: Db,
  token: string,
  address: string | null | undefined,
  opts: { config?: RegistryConfig; now?: Date } = {},
): Promise<OpenedLink> {
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const wait = await throttleWait(db, address, config);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const inv = wellFormedEproToken(token) ? await invitationByToken(db, token) : null;
  const state: InvitationState | 'unknown' = inv ? invitationState(inv, opts.now ?? new Date()) : 'unknown';
  if (!inv || state !== 'open') {
    await countFailure(db, address, config);
    return { ok: false, reason: state as Exclude<InvitationState, 'open'> | 'unknown' };
  }
  return {
    ok: true,
    invitation: { id: inv.id, timepoint: inv.timepoint, site_name: inv.site_name, expires_at: inv.expires_at },
  };
}

async function invitationByToken(db: Queryable, token: string, lock = false) {
  const r = await db.query<InvitationRow & { site_name: string }>(
    `SELECT i.id, i.patient_id, i.site_id, i.timepoint, i.expires_at, i.used_at, i.revoked_at, i.reminders, i.last_reminded_at,
       i.created_at, s.name AS site_name
     FROM epro_invitation i JOIN registry_site s ON s.id = i.site_id WHERE i.token_hash = $1${lock ? ' FOR UPDATE OF i' : ''}`,
    [eproTokenHash(token)],
  );
  const row = r.rows[0];
  return row ? { ...row, id: Number(row.id), patient_id: Number(row.patient_id) } : null;
}

const SETTINGS_SQL = 'SELECT set_config(k, v, true) FROM unnest($1::text[], $2::text[]) AS s(k, v)';

/**
 * A Db whose transactions are the open transaction `tx`, so a store command (submitFollowUp) runs inside
 * the caller's transaction. The command's audit settings are replaced by `audit`: the link, not a user,
 * is the actor the trail names.
 */
function joinedDb(db: Db, tx: Queryable, audit: Record<string, string>): Db {
  return {
    kind: db.kind,
    query: (sql, params) => tx.query(sql, params),
    async transaction(fn, opts) {
      const settings = { ...(opts?.settings ?? {}), ...audit };
      await tx.query(SETTINGS_SQL, [Object.keys(settings), Object.values(settings)]);
      return fn(tx);
    },
    exec: () => Promise.reject(new Error('not available inside a questionnaire submission')),
    close: () => Promise.resolve(),
  };
}

export type SubmittedLink =
  | { ok: true; visit_id: number; scores: { instrument: string; score: number }[] }
  | Exclude<OpenedLink, { ok: true }>;

/**
 * The patient's answers, stored as the visit of the link's patient and timepoint, dated today: in one
 * transaction the link is locked, checked (open), the visit is stored by submitFollowUp (the staff path:
 * validation, scoring, audit) and the link is spent. The audit trail names the link: role "patient", via
 * "patient-link:<invitation id>", no user. A CommandError (bad answers) leaves the link unspent.
 * `visit` is the command without timepoint and date (the link decides them).
 */
export async function submitEproLink(
  db: Db,
  token: string,
  visit: Record<string, unknown>,
  address: string | null | undefined,
  opts: { config?: RegistryConfig; now?: Date; today?: string } = {},
): Promise<SubmittedLink> {
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const wait = await throttleWait(db, address, config);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const now = opts.now ?? new Date();
  const today = opts.today ?? utcToday();
  if (!wellFormedEproToken(token)) {
    await countFailure(db, address, config);
    return { ok: false, reason: 'unknown' };
  }
  // decided before the transaction: the visit is stored inside it through a joined Db (below)
  await prepareRls(db);
  const out = await db.transaction(async (tx): Promise<SubmittedLink> => {
    const inv = await invitationByToken(tx, token, true);
    const state: InvitationState | 'unknown' = inv ? invitationState(inv, now) : 'unknown';
    if (!inv || state !== 'open') return { ok: false, reason: state as Exclude<InvitationState, 'open'> | 'unknown' };
    const linkActor: Actor = { userId: 0, role: 'coordinator', siteIds: [inv.site_id], via: 'ui' };
    const joined = joinedDb(db, tx, {
      'regenspine.user_id': '',
      'regenspine.role': 'patient',
      'regenspine.via': `patient-link:${inv.id}`,
      'regenspine.reason': 'completed by the patient on a questionnaire link',
    });
    shareRlsState(joined, db);
    const { timepoint: _t, visit_date: _d, reintervention: _r, imaging_note: _i, ...answers } = visit;
    const saved = await submitFollowUp(
      joined,
      linkActor,
      inv.patient_id,
      { ...answers, timepoint: inv.timepoint, visit_date: today },
      config,
      today,
    );
    await tx.query('UPDATE epro_invitation SET used_at = $2, visit_id = $3 WHERE id = $1', [inv.id, now, saved.id]);
    // The address is no longer needed for this visit's reminders.
    await tx.query(
      `UPDATE epro_outbox SET recipient = NULL WHERE invitation_id IN (SELECT id FROM epro_invitation WHERE patient_id = $1 AND timepoint = $2)`,
      [inv.patient_id, inv.timepoint],
    );
    return {
      ok: true,
      visit_id: Number(saved.id),
      scores: saved.proms.map((p) => ({ instrument: p.instrument, score: p.score })),
    };
  });
  if (!out.ok) await countFailure(db, address, config);
  return out;
}

export interface InvitationListRow {
  id: number;
  patient_id: number;
  registry_id: string;
  timepoint: string;
  created_at: Date;
  expires_at: Date;
  state: InvitationState;
  reminders: number;
  messages_pending: number;
}

/** The links of a site (newest first) with their state; never the secrets. */
export async function listInvitations(
  db: Db,
  actor: Actor,
  siteId: number,
  now: Date = new Date(),
): Promise<InvitationListRow[]> {
  requirePermission(actor, 'records:read');
  if (!actor.siteIds.includes(siteId)) throw new CommandError('you are not a member of this site', 'site_id', 403);
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<InvitationRow & { registry_id: string; messages_pending: number }>(
      `SELECT i.id, i.patient_id, p.registry_id, i.timepoint, i.created_at, i.expires_at, i.used_at, i.revoked_at, i.reminders,
       (SELECT count(*)::int FROM epro_outbox o WHERE o.invitation_id = i.id AND o.sent_at IS NULL) AS messages_pending
     FROM epro_invitation i JOIN patient p ON p.id = i.patient_id WHERE i.site_id = $1 ORDER BY i.id DESC LIMIT 200`,
      [siteId],
    ),
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    patient_id: Number(x.patient_id),
    registry_id: x.registry_id,
    timepoint: x.timepoint,
    created_at: x.created_at,
    expires_at: x.expires_at,
    state: invitationState(x, now),
    reminders: x.reminders,
    messages_pending: x.messages_pending,
  }));
}

/**
 * The reminder sweep: every open link whose visit is due or overdue today and whose last message is old
 * enough (src/registry/epro.ts reminderDue) is replaced by a fresh link (the old one revoked: the outbox
 * never keeps a secret longer than until it is sent) and a reminder to the address of its last message is
 * put in the outbox. Links no longer open lose their stored address. Returns the reminders queued.
 */
export async function queueReminders(
  db: Db,
  actor: Actor,
  opts: { baseUrl: string; config?: RegistryConfig; epro?: EproConfig; now?: Date; today?: string },
): Promise<{ queued: number; addressesErased: number }> {
  requireLinkIssuer(actor);
  const config = opts.config ?? DEFAULT_REGISTRY_CONFIG;
  const now = opts.now ?? new Date();
  const today = opts.today ?? now.toISOString().slice(0, 10);
  const erased = await command(db, actor, 'questionnaire link closed: address erased', (tx) =>
    tx.query(
      `UPDATE epro_outbox o SET recipient = NULL FROM epro_invitation i
       WHERE i.id = o.invitation_id AND o.recipient IS NOT NULL AND o.site_id = ANY($1::int[])
         AND (i.used_at IS NOT NULL OR (i.revoked_at IS NOT NULL AND o.sent_at IS NOT NULL) OR i.expires_at <= $2)`,
      [actor.siteIds, now],
    ),
  );
  const r = await siteScoped(db, actor, null, (tx) =>
    tx.query<InvitationRow & { index_procedure_date: string | null; completed: boolean; recipient: string | null }>(
      `SELECT i.id, i.patient_id, i.site_id, i.timepoint, i.expires_at, i.used_at, i.revoked_at, i.reminders, i.last_reminded_at,
       i.created_at, p.index_procedure_date::text AS index_procedure_date,
       EXISTS (SELECT 1 FROM followup_visit v WHERE v.patient_id = i.patient_id AND v.timepoint = i.timepoint) AS completed,
       (SELECT o.recipient FROM epro_outbox o JOIN epro_invitation j ON j.id = o.invitation_id
          WHERE j.patient_id = i.patient_id AND j.timepoint = i.timepoint AND o.recipient IS NOT NULL ORDER BY o.id DESC LIMIT 1) AS recipient
     FROM epro_invitation i JOIN patient p ON p.id = i.patient_id
     WHERE i.site_id = ANY($1::int[]) AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`,
      [actor.siteIds, now],
    ),
  );
  let queued = 0;
  for (const inv of r.rows) {
    const tp = timepointConfig(inv.timepoint, config);
    if (!tp || !inv.recipient || !inv.index_procedure_date) continue;
    const status = visitStatus(scheduleVisit(inv.index_procedure_date, tp), inv.completed, today);
    const last = inv.last_reminded_at ?? inv.created_at;
    if (!reminderDue({ ...inv, last_message_at: last }, status, now, opts.epro)) continue;
    await issueEproLink(
      db,
      actor,
      { patient_id: inv.patient_id, timepoint: inv.timepoint, email: inv.recipient },
      { ...opts, reminders: inv.reminders + 1, now },
    );
    queued++;
  }
  return { queued, addressesErased: erased.affectedRows ?? 0 };
}

/** What sends one message: nodemailer's transport in production, anything with the same shape in tests. */
export interface MailTransport {
  sendMail(m: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

/**
 * Sends the outbox (oldest first, up to `limit`): each message sent is marked sent and its body — the only
 * copy of the link — erased; a failure is counted with its error class and left for the next run.
 */
export async function sendOutbox(
  db: Db,
  transport: MailTransport,
  from: string,
  opts: { limit?: number; siteIds?: number[] } = {},
): Promise<{ sent: number; failed: number }> {
  const r = await db.query<{ id: number; recipient: string | null; subject: string; body: string | null }>(
    `SELECT id, recipient, subject, body FROM epro_outbox WHERE sent_at IS NULL AND body IS NOT NULL
       AND ($2::int[] IS NULL OR site_id = ANY($2::int[])) ORDER BY id LIMIT $1`,
    [Math.min(opts.limit ?? 100, 1000), opts.siteIds ?? null],
  );
  let sent = 0;
  let failed = 0;
  for (const m of r.rows) {
    if (!m.recipient || !m.body) continue;
    try {
      await transport.sendMail({ from, to: m.recipient, subject: m.subject, text: m.body });
      await db.query(
        'UPDATE epro_outbox SET sent_at = now(), body = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $1',
        [m.id],
      );
      sent++;
    } catch (e) {
      // The error class and SMTP code only: a server's message may quote the address.
      const code = (e as { responseCode?: number; code?: string }).responseCode ?? (e as { code?: string }).code;
      await db.query('UPDATE epro_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
        m.id,
        `${(e as Error).name ?? 'Error'}${code ? ` ${code}` : ''}`.slice(0, 200),
      ]);
      failed++;
    }
  }
  return { sent, failed };
}

/** The SMTP transport named by REGENSPINE_SMTP_URL (nodemailer's connection URL), or null when unset. */
export async function smtpTransportFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<MailTransport | null> {
  const url = env.REGENSPINE_SMTP_URL;
  if (!url) return null;
  const nodemailer = await import('nodemailer');
  return nodemailer.createTransport(url);
}
