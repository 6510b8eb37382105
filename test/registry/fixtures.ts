// Registry fixtures for tests: two sites, one user per role per site with an API token, and builders of
// complete patients (eligible, consented, index procedure, serious adverse event). Synthetic data only.

import { after, before } from 'node:test';
import type { Hono } from 'hono';
import type { Actor, Role } from '../../src/registry/policy.ts';
import { ROLES } from '../../src/registry/policy.ts';
import { type Db, openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import * as R from '../../src/store/registry.ts';
import {
  actorFromToken,
  CLI_ACTOR,
  createApiToken,
  createSite,
  createUser,
} from '../../src/store/registry-accounts.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';

export const ELIGIBLE = {
  chronic_lbp: true,
  anemia: false,
  fever_infection: false,
  hematologic_disorder: false,
  malignancy: false,
  anticoagulation: false,
  pregnancy: false,
};

export const enrolInput = (siteId: number) => ({
  site_id: siteId,
  year_of_birth: 1968,
  sex: 'female',
  bmi: 26.1,
  smoking: 'former',
  pain_duration_months: 30,
  prior_treatments: ['physical-therapy', 'epidural-steroid'],
  pain_generators: ['disc'],
  baseline_opioid_use: true,
  eligibility: ELIGIBLE,
});

export const prpProcedure = (date = '2025-01-10') => ({
  procedure_date: date,
  operator: 'operator-1',
  therapy: 'PRP',
  prp: {
    baseline: { platelets: 200000, wbc: 6000, neutrophils: 3500 },
    prp: { platelets: 1000000, wbc: 1000, neutrophils: 200, rbc_pct: 0.5 },
    activation: 'none',
    form: 'liquid',
    volumes: { whole_blood_ml: 60, prp_ml: 6, injected_ml: 3 },
    preparation: { device: 'kit-x', spins: [{ g: 300, minutes: 5 }] },
  },
  targets: [{ structure: 'disc', level: 'L4-L5' }],
  image_guidance: 'fluoroscopy',
  injectate_volume_ml: 3,
});

export const visitInput = (timepoint = '1m', date = '2025-02-10') => ({
  timepoint,
  visit_date: date,
  proms: {
    ODI: { answers: [2, 1, 3, 2, 2, 1, 2, null, 1, 2] },
    NRS: { value: 6 },
    EQ5D3L: { state: '21222', vas: 60 },
  },
  opioids: [{ drug: 'oxycodone', dose_mg: 5, doses_per_day: 3 }],
});

export const seriousAe = {
  term: 'Discitis',
  onset_date: '2025-01-25',
  grade: 3,
  seriousness_criteria: ['hospitalisation'],
  attribution_procedure: 'probable',
  attribution_product: 'possible',
  action: 'hospitalisation',
};

export interface World {
  db: Db;
  app: Hono;
  sites: { A: number; B: number };
  /** token per role per site, e.g. tokens.A.coordinator */
  tokens: Record<'A' | 'B', Record<Role, string>>;
  actors: Record<'A' | 'B', Record<Role, Actor>>;
}

export async function buildWorld(db: Db): Promise<World> {
  await migrate(db);
  const A = (await createSite(db, CLI_ACTOR, { code: 'SITE-A', name: 'Site A' })).id;
  const B = (await createSite(db, CLI_ACTOR, { code: 'SITE-B', name: 'Site B' })).id;
  const tokens = { A: {}, B: {} } as World['tokens'];
  const actors = { A: {}, B: {} } as World['actors'];
  for (const [key, id] of [
    ['A', A],
    ['B', B],
  ] as const) {
    for (const role of ROLES) {
      const email = `${role}@${key.toLowerCase()}.example.org`;
      await createUser(db, CLI_ACTOR, { email, role, siteIds: [id] });
      tokens[key][role] = await createApiToken(db, CLI_ACTOR, email, {
        label: 'test',
        scopes: ['read', 'write', 'export'],
      });
      actors[key][role] = (await actorFromToken(db, tokens[key][role]))!;
    }
  }
  const app = createApp(staticEvidence([]), { db });
  return { db, app, sites: { A, B }, tokens, actors };
}

/** A complete patient at a site: enrolled, consented, index procedure, 1-month visit optional, serious AE. */
export async function fullPatient(w: World, site: 'A' | 'B', opts: { visit?: boolean; research?: boolean } = {}) {
  const actor = w.actors[site].clinician;
  const p = await R.enrolPatient(w.db, actor, enrolInput(w.sites[site]));
  await R.recordConsent(w.db, actor, p.id, {
    form_version: 'v2',
    consent_date: '2025-01-02',
    obtained_by: 'coordinator-1',
  });
  if (opts.research)
    await R.recordConsent(w.db, actor, p.id, {
      scope: 'research',
      form_version: 'v2',
      consent_date: '2025-01-02',
      obtained_by: 'coordinator-1',
    });
  const proc = await R.recordProcedure(w.db, actor, p.id, prpProcedure());
  if (opts.visit) await R.submitFollowUp(w.db, actor, p.id, visitInput('baseline', '2025-01-05'));
  const ae = await R.reportAdverseEvent(w.db, actor, p.id, { ...seriousAe, procedure_id: proc.id });
  return { patient: p, procedureId: proc.id, aeId: ae.id };
}

export async function auditCount(db: Db, patientId: number): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.audit_log WHERE patient_id = $1', [
    patientId,
  ]);
  return r.rows[0]!.n;
}

export async function api(w: World, token: string, method: string, path: string, body?: unknown) {
  const res = await w.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json: json as Record<string, unknown> };
}

/** Runs `fn` and collects what it writes to console.error, a line per call; console.error is restored however fn ends. */
export async function loggedErrors<T>(fn: () => Promise<T>): Promise<{ out: T; logs: string[] }> {
  const logs: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => logs.push(a.join(' '));
  try {
    return { out: await fn(), logs };
  } finally {
    console.error = orig;
  }
}

/**
 * A fresh in-memory registry for the tests of one describe block: registers its before/after hooks and
 * returns getters (the database and world exist only once `before` has run).
 */
export function pgliteWorld(): { readonly db: Db; readonly w: World } {
  let db: Db | undefined;
  let w: World | undefined;
  before(async () => {
    db = await openDb({ memory: true, migrated: true });
    w = await buildWorld(db);
  });
  after(async () => {
    await db?.close();
  });
  return {
    get db() {
      return db!;
    },
    get w() {
      return w!;
    },
  };
}
