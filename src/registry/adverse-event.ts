// Adverse-event rules (pure): merging a partial update into the stored event and re-classifying it, and
// which events a site acknowledges. Sources (docs/reference/safety.md §3 and docs/reference/registry.md
// "Adverse events"): seriousness is the ICH E2A outcome-based classification that drives expedited
// reporting ("`serious = true` if any criterion is ticked"); issue 5: "a serious event is flagged to the
// site" — so only serious events wait for, and take, a site's acknowledgement.
import { classifyEvent } from './clinical.ts';
import {
  AdverseEventSchema,
  CommandError,
  parseCommand,
  type ReportAdverseEvent,
  type UpdateAdverseEvent,
} from './validation.ts';

/** The stored event as the store reads it. */
export interface StoredAdverseEvent {
  term: string;
  onset_date: string;
  grade: number;
  seriousness_criteria: string[];
  serious: boolean;
  attribution_procedure: string | null;
  attribution_product: string | null;
  action: string;
  outcome: string | null;
  resolution_date: string | null;
  expected: boolean | null;
  procedure_id: number | null;
}

export interface MergedAdverseEvent {
  merged: ReportAdverseEvent;
  classification: ReturnType<typeof classifyEvent>;
  /**
   * The event became serious with this update: a new serious event for the site, so any earlier
   * acknowledgement no longer stands and it goes back on the site's list.
   */
  clearAcknowledgement: boolean;
}

/**
 * Old + patch → the whole event, validated as a new report and re-classified (grade, seriousness from the
 * criteria, attribution). A field the patch leaves out keeps its stored value; `null` clears a nullable field.
 * Onset date, procedure and "expected" are not changed by an update.
 */
export function mergeAdverseEventUpdate(old: StoredAdverseEvent, patch: UpdateAdverseEvent): MergedAdverseEvent {
  const keep = <K extends keyof UpdateAdverseEvent & keyof StoredAdverseEvent>(k: K) =>
    patch[k] === undefined ? old[k] : patch[k];
  const merged = parseCommand(AdverseEventSchema, {
    procedure_id: old.procedure_id,
    term: patch.term ?? old.term,
    onset_date: old.onset_date,
    grade: patch.grade ?? old.grade,
    seriousness_criteria: patch.seriousness_criteria ?? old.seriousness_criteria,
    attribution_procedure: keep('attribution_procedure'),
    attribution_product: keep('attribution_product'),
    action: patch.action ?? old.action,
    outcome: keep('outcome'),
    resolution_date: keep('resolution_date'),
    expected: old.expected,
  });
  const classification = classifyEvent(merged);
  return { merged, classification, clearAcknowledgement: classification.serious && !old.serious };
}

/** Why this event cannot be acknowledged, or null when it can: only serious, open, unacknowledged events. */
export function acknowledgementProblem(ae: {
  serious: boolean;
  acknowledged_at: Date | string | null;
  deleted_at?: Date | string | null;
}): CommandError | null {
  if (ae.deleted_at) return new CommandError('this adverse event was deleted (entered in error)', 'id', 409);
  if (!ae.serious)
    return new CommandError(
      'only serious adverse events are acknowledged by the site; this one is not serious',
      'serious',
      422,
    );
  if (ae.acknowledged_at)
    return new CommandError('this serious adverse event is already acknowledged', 'acknowledged_at', 409);
  return null;
}

/** The same rule as a yes/no, for views deciding whether to offer the Acknowledge button. */
export const canAcknowledge = (ae: Parameters<typeof acknowledgementProblem>[0]): boolean =>
  acknowledgementProblem(ae) === null;
