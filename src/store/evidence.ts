// Storage of the curated evidence base. Loading is a sync of data/evidence into the database in ONE
// transaction: a killed process leaves the previous state; re-running with the same files changes nothing
// (content hashes); an edited file updates its study; a removed file removes its study.
import { createHash } from 'node:crypto';
import type { Study } from '../domain/evidence.ts';
import type { Db, Queryable } from './db.ts';

export interface LoadReport {
  inserted: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}

/** Stable JSON (sorted keys) so the hash changes only when the content does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function studyHash(s: Study): string {
  return createHash('sha256').update(canonicalJson(s)).digest('hex');
}

async function writeStudy(tx: Queryable, s: Study, hash: string): Promise<void> {
  await tx.query('DELETE FROM study WHERE id = $1', [s.id]);
  await tx.query(
    `INSERT INTO study (id, doc, content_hash, design, status, phase, year, title, therapies, targets, conditions, enrolled, followup_months, record_kind, status_as_of)
     VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9::text[], $10::text[], $11::text[], $12, $13, $14, $15)`,
    [
      s.id,
      JSON.stringify(s),
      hash,
      s.design,
      s.status,
      s.phase,
      s.citation.year,
      s.citation.title,
      s.therapies,
      s.targets,
      s.conditions,
      s.enrolled.value,
      s.followup_months.value,
      s.record_kind,
      s.status_as_of?.date ?? null,
    ],
  );
  for (const a of s.arms) {
    await tx.query(
      `INSERT INTO study_arm (study_id, arm_id, label, role, therapies, n, intervention, n_derived) VALUES ($1,$2,$3,$4,$5::text[],$6,$7,$8)`,
      [s.id, a.id, a.label, a.role, a.therapies, a.n.value, a.intervention, a.n.derivation !== undefined],
    );
  }
  for (const [i, o] of s.outcomes.entries()) {
    await tx.query(
      `INSERT INTO study_outcome (study_id, ordinal, instrument, timepoint_months, arm_id, statistic, value, definition, provenance)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb)`,
      [
        s.id,
        i,
        o.instrument,
        o.timepoint_months,
        o.arm,
        o.statistic,
        o.value,
        o.definition,
        JSON.stringify(o.provenance),
      ],
    );
  }
  for (const [i, f] of s.findings.entries()) {
    await tx.query(
      `INSERT INTO study_finding (study_id, ordinal, outcome, instrument, timepoint_value, timepoint_unit, time_window, comparison, arms, favours, change, significant, p, analysis, statement, provenance)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::text[],$10,$11,$12,$13,$14,$15,$16::jsonb)`,
      [
        s.id,
        i,
        f.outcome,
        f.instrument,
        f.timepoint?.value ?? null,
        f.timepoint?.unit ?? null,
        f.window,
        f.comparison,
        f.arms,
        f.favours,
        f.change,
        f.significant,
        f.p,
        f.analysis,
        f.statement,
        JSON.stringify(f.provenance),
      ],
    );
  }
  for (const [i, e] of s.adverse_events.entries()) {
    await tx.query(
      `INSERT INTO study_adverse_event (study_id, ordinal, description, arm_id, count, serious, relatedness, provenance)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb)`,
      [s.id, i, e.description, e.arm, e.count.value, e.serious, e.relatedness, JSON.stringify(e.provenance)],
    );
  }
}

export async function loadEvidence(db: Db, studies: Study[]): Promise<LoadReport> {
  return db.transaction(async (tx) => {
    const existing = new Map(
      (await tx.query<{ id: string; content_hash: string }>('SELECT id, content_hash FROM study')).rows.map((r) => [
        r.id,
        r.content_hash,
      ]),
    );
    const report: LoadReport = { inserted: [], updated: [], deleted: [], unchanged: 0 };
    const keep = new Set<string>();
    for (const s of studies) {
      keep.add(s.id);
      const hash = studyHash(s);
      const old = existing.get(s.id);
      if (old === hash) {
        report.unchanged++;
        continue;
      }
      await writeStudy(tx, s, hash);
      (old === undefined ? report.inserted : report.updated).push(s.id);
    }
    for (const id of existing.keys()) {
      if (!keep.has(id)) {
        await tx.query('DELETE FROM study WHERE id = $1', [id]);
        report.deleted.push(id);
      }
    }
    if (report.inserted.length + report.updated.length + report.deleted.length > 0) {
      await tx.query('INSERT INTO evidence_load (inserted, updated, deleted, unchanged) VALUES ($1,$2,$3,$4)', [
        report.inserted.length,
        report.updated.length,
        report.deleted.length,
        report.unchanged,
      ]);
    }
    return report;
  });
}

export async function listStudies(db: Queryable): Promise<Study[]> {
  const r = await db.query<{ doc: Study | string }>('SELECT doc FROM study ORDER BY id');
  return r.rows.map((row) => (typeof row.doc === 'string' ? (JSON.parse(row.doc) as Study) : row.doc));
}

export async function getStudy(db: Queryable, id: string): Promise<Study | null> {
  const r = await db.query<{ doc: Study | string }>('SELECT doc FROM study WHERE id = $1', [id]);
  const row = r.rows[0];
  if (!row) return null;
  return typeof row.doc === 'string' ? (JSON.parse(row.doc) as Study) : row.doc;
}
