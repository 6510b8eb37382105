// Patient-completed questionnaires by link (ePRO), the pure rules: the link's secret, its state, which
// instruments a patient can answer on the link, the reminder rule and the messages. No I/O.
//
// The secret (OWASP Forgot Password Cheat Sheet, "URL tokens": random, long enough, single use, expiring,
// stored hashed): 32 random bytes (256 bits, above the 128 the issue asks) in base64url, the same generator
// as session ids (src/registry/auth.ts randomToken); only its SHA-256 is stored (auth.ts sha256; a fast hash
// suffices for a 256-bit random value). The URL carries nothing else: no registry id, no visit, no name.
import { z } from 'zod';
import eproJson from '../../config/epro.json' with { type: 'json' };
import { randomToken, sha256 } from './auth.ts';
import type { LicensedPromText } from './prom-text.ts';

const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

export const EproConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    linkHours: setting(
      z
        .number()
        .positive()
        .max(24 * 366),
    ),
    maxLinkHours: setting(
      z
        .number()
        .positive()
        .max(24 * 366),
    ),
    reminderEveryDays: setting(z.number().positive()),
    maxReminders: setting(z.number().int().min(0)),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.linkHours.value > c.maxLinkHours.value)
      ctx.addIssue({ code: 'custom', message: 'linkHours above maxLinkHours', path: ['linkHours'] });
  });
export type EproConfig = z.infer<typeof EproConfigSchema>;
export const DEFAULT_EPRO_CONFIG: EproConfig = EproConfigSchema.parse(eproJson);

/** Bytes of randomness in a link's secret: 256 bits. */
export const EPRO_TOKEN_BYTES = 32;
/** base64url of 32 bytes: 43 characters. Anything else is refused before the database is asked. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function newEproToken(): { token: string; hash: string } {
  const token = randomToken(EPRO_TOKEN_BYTES);
  return { token, hash: sha256(token) };
}
export const eproTokenHash = (token: string): string => sha256(token);
export const wellFormedEproToken = (token: string): boolean => TOKEN_RE.test(token);

export type InvitationState = 'open' | 'used' | 'expired' | 'revoked';

export interface InvitationFacts {
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/** Used beats revoked beats expired: the patient is told the most useful reason. */
export function invitationState(inv: InvitationFacts, now: Date): InvitationState {
  if (inv.used_at) return 'used';
  if (inv.revoked_at) return 'revoked';
  if (now.getTime() >= inv.expires_at.getTime()) return 'expired';
  return 'open';
}

/** What the patient is told for a link that does not work (the same words whatever the visit: no oracle). */
export const LINK_REFUSALS: Record<Exclude<InvitationState, 'open'> | 'unknown', string> = {
  used: 'This questionnaire has already been sent. Thank you. If you need to change an answer, please contact your clinic.',
  revoked: 'This link has been replaced by a newer one. Please use the most recent link your clinic sent you.',
  expired: 'This link has expired. Please ask your clinic for a new one.',
  unknown: 'This link does not work. Please check that you copied all of it, or ask your clinic for a new one.',
};

/** Hours a new link lives: the coordinator's choice within the configured maximum, else the default. */
export function linkLifetimeHours(asked: number | undefined, config: EproConfig = DEFAULT_EPRO_CONFIG): number {
  if (asked === undefined) return config.linkHours.value;
  if (!Number.isFinite(asked) || asked <= 0 || asked > config.maxLinkHours.value)
    throw new RangeError(`hours: more than 0, at most ${config.maxLinkHours.value}`);
  return asked;
}

/**
 * The instruments a patient answers on the link: NRS, PROMIS Global-10 and opioid use always; ODI and
 * EQ-5D-3L only when the clinic has supplied its licensed wording (src/registry/prom-text.ts,
 * REGENSPINE_PROM_TEXT) — a patient cannot answer a questionnaire whose statements are not shown, and the
 * wording is not shipped. The others are then completed with the clinic, and the form says so.
 */
export function eproInstruments(text: LicensedPromText | null): {
  shown: ('ODI' | 'NRS' | 'EQ5D3L' | 'PROMIS10' | 'opioids')[];
  withClinic: ('ODI' | 'EQ5D3L')[];
} {
  const shown: ('ODI' | 'NRS' | 'EQ5D3L' | 'PROMIS10' | 'opioids')[] = [];
  const withClinic: ('ODI' | 'EQ5D3L')[] = [];
  if (text?.ODI) shown.push('ODI');
  else withClinic.push('ODI');
  shown.push('NRS');
  if (text?.EQ5D3L) shown.push('EQ5D3L');
  else withClinic.push('EQ5D3L');
  shown.push('PROMIS10', 'opioids');
  return { shown, withClinic };
}

/**
 * Whether an open invitation gets a reminder on `now`: its visit is due or overdue (src/registry/schedule.ts
 * visitStatus), fewer than maxReminders were sent, and the last message about it is at least
 * reminderEveryDays old.
 */
export function reminderDue(
  inv: InvitationFacts & { reminders: number; last_message_at: Date },
  visit: 'completed' | 'upcoming' | 'due' | 'overdue' | 'missed',
  now: Date,
  config: EproConfig = DEFAULT_EPRO_CONFIG,
): boolean {
  if (invitationState(inv, now) !== 'open') return false;
  if (visit !== 'due' && visit !== 'overdue') return false;
  if (inv.reminders >= config.maxReminders.value) return false;
  return now.getTime() - inv.last_message_at.getTime() >= config.reminderEveryDays.value * 86_400_000;
}

/** The message: the link and when it expires, and nothing about the patient or the treatment. */
export function eproMessage(
  kind: 'invitation' | 'reminder',
  url: string,
  expiresAt: Date,
  clinic: string,
): { subject: string; text: string } {
  const until = `${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return {
    subject:
      kind === 'invitation'
        ? `${clinic}: your follow-up questionnaire`
        : `${clinic}: reminder, your follow-up questionnaire`,
    text: [
      kind === 'invitation'
        ? `${clinic} asks you to fill in a short follow-up questionnaire about your back pain.`
        : `A reminder from ${clinic}: your follow-up questionnaire is still waiting for you.`,
      '',
      'Open this link on your phone or computer (it works once, no account needed):',
      url,
      '',
      `The link works until ${until}.`,
      'If you did not expect this message, please ignore it or contact your clinic.',
    ].join('\n'),
  };
}

/** The link's URL: base (the server's public address) + /q/ + secret. */
export function eproUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/q/${token}`;
}
