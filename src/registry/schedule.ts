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
 * Status on `today`: upcoming before the window opens; due from the window's opening to the target date;
 * overdue after the target while the window is still open; missed once the window has closed.
 * The same rules are written in SQL in src/store/registry.ts (followUpReport) — tests check they agree.
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
