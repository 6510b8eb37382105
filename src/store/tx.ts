// The transaction/audit wrapper every registry write goes through: one transaction, with who / how / why
// set transaction-locally (set_config(…, true)) for the audit trigger of migration 002/005, so that the
// audit row and the change land together or not at all (docs/reference/registry.md, audit expectations).
import { type Actor, viaOf } from '../registry/policy.ts';
import type { Db, Queryable } from './db.ts';

/** The transaction-local settings the audit trigger reads: user id, role at the time, via, reason. */
export function auditSettings(actor: Actor, reason: string | null): Record<string, string> {
  return {
    'regenspine.user_id': actor.userId > 0 ? String(actor.userId) : '',
    'regenspine.role': actor.role,
    'regenspine.via': viaOf(actor),
    'regenspine.reason': reason ?? '',
  };
}

/** Sets who / why for the audit trigger, transaction-locally, then runs the command. One transaction. */
export async function command<T>(
  db: Db,
  actor: Actor,
  reason: string | null,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return db.transaction(fn, { settings: auditSettings(actor, reason) });
}
