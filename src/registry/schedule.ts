// Follow-up schedule: target dates and windows from the index procedure date, and each visit's status on a
// given day. Pure; dates are ISO yyyy-mm-dd strings handled in UTC so no time zone shifts a day.
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig, type TimepointConfig, type TimepointKey } from './config.ts';

export type VisitStatus = 'completed' | 'upcoming' | 'due' | 'overdue' | 'missed';

export interface ScheduledVisit {
  timepoint: TimepointKey;
  target: string;
  windowOpen: string;
  windowClose: string;
}

const DAY_MS = 86_400_000;

export function parseIsoDate(s: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`not a date yyyy-mm-dd: ${s}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1) throw new Error(`not a calendar date: ${s}`);
  return d;
}
export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
export const addDays = (s: string, days: number): string =>
  isoDate(new Date(parseIsoDate(s).getTime() + days * DAY_MS));

/**
 * Calendar months: 31 Jan + 1 month = 28/29 Feb (clamped to the month's last day), the same rule as
 * PostgreSQL's `date + interval 'n months'`, so the SQL report and this function agree.
 */
export function addMonths(s: string, months: number): string {
  const d = parseIsoDate(s);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return isoDate(new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay))));
}

export function scheduleVisit(indexDate: string, tp: TimepointConfig): ScheduledVisit {
  const target = addMonths(indexDate, tp.months);
  return {
    timepoint: tp.key,
    target,
    windowOpen: addDays(target, -tp.windowBeforeDays),
    windowClose: addDays(target, tp.windowAfterDays),
  };
}

export function schedule(indexDate: string, config: RegistryConfig = DEFAULT_REGISTRY_CONFIG): ScheduledVisit[] {
  return config.followup.timepoints.value.map((tp) => scheduleVisit(indexDate, tp));
}

/**
 * Status on `today` (docs/reference/registry.md, "Follow-up schedule and status"): upcoming before the window
 * opens; due from the window's opening to the target date; overdue after the target while the window is
 * still open; missed once the window has closed. This is the only statement of the rule: the site report
 * below (and src/store/registry.ts followUpReport, which only reads the facts) applies it.
 */
export function visitStatus(v: ScheduledVisit, completed: boolean, today: string): VisitStatus {
  if (completed) return 'completed';
  if (today < v.windowOpen) return 'upcoming';
  if (today <= v.target) return 'due';
  if (today <= v.windowClose) return 'overdue';
  return 'missed';
}

export function timepointConfig(key: string, config: RegistryConfig = DEFAULT_REGISTRY_CONFIG): TimepointConfig | null {
  return config.followup.timepoints.value.find((t) => t.key === key) ?? null;
}

/** Whether a visit date falls in its window (out-of-window visits are stored and flagged, not refused). */
export function inWindow(v: ScheduledVisit, visitDate: string): boolean {
  return visitDate >= v.windowOpen && visitDate <= v.windowClose;
}

/** What the site report needs per patient: the index date and which timepoints have a visit. */
export interface FollowUpFacts {
  patient_id: number;
  registry_id: string;
  index_procedure_date: string;
  /** Timepoint keys with a recorded visit. */
  completed: ReadonlySet<string>;
}

export interface FollowUpListRow {
  patient_id: number;
  registry_id: string;
  timepoint: string;
  target: string;
  window_open: string;
  window_close: string;
  status: 'due' | 'overdue' | 'missed';
}

export interface FollowUpStatusReport {
  /** Per timepoint, how many patients' visits are in each status. */
  counts: Record<string, Record<VisitStatus, number>>;
  due: FollowUpListRow[];
  overdue: FollowUpListRow[];
  missed: FollowUpListRow[];
}

/**
 * A site's follow-up status on `today`: counts per timepoint and status, and the open lists (due, overdue,
 * missed), each ordered by target date, then patient, then timepoint, and cut at `limit` rows.
 */
export function followUpStatusReport(
  patients: Iterable<FollowUpFacts>,
  today: string,
  config: RegistryConfig = DEFAULT_REGISTRY_CONFIG,
  limit = 100,
): FollowUpStatusReport {
  const tps = config.followup.timepoints.value;
  const counts: FollowUpStatusReport['counts'] = {};
  for (const t of tps) counts[t.key] = { completed: 0, upcoming: 0, due: 0, overdue: 0, missed: 0 };
  const lists: Record<'due' | 'overdue' | 'missed', FollowUpListRow[]> = { due: [], overdue: [], missed: [] };
  // Many patients share an index date: each date's schedule is computed once.
  const schedules = new Map<string, ScheduledVisit[]>();
  for (const p of patients) {
    let visits = schedules.get(p.index_procedure_date);
    if (!visits) {
      visits = schedule(p.index_procedure_date, config);
      schedules.set(p.index_procedure_date, visits);
    }
    for (const v of visits) {
      const status = visitStatus(v, p.completed.has(v.timepoint), today);
      counts[v.timepoint]![status]++;
      if (status === 'due' || status === 'overdue' || status === 'missed')
        lists[status].push({
          patient_id: p.patient_id,
          registry_id: p.registry_id,
          timepoint: v.timepoint,
          target: v.target,
          window_open: v.windowOpen,
          window_close: v.windowClose,
          status,
        });
    }
  }
  const rank = new Map<string, number>(tps.map((t, i) => [t.key, i]));
  const order = (a: FollowUpListRow, b: FollowUpListRow) =>
    (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) ||
    a.patient_id - b.patient_id ||
    rank.get(a.timepoint)! - rank.get(b.timepoint)!;
  return {
    counts,
    due: lists.due.sort(order).slice(0, limit),
    overdue: lists.overdue.sort(order).slice(0, limit),
    missed: lists.missed.sort(order).slice(0, limit),
  };
}
