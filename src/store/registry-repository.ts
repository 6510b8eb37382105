// The registry repository: the one access choke point (medplum's getRepoForLogin pattern). Bind it to the
// signed-in actor once — `const repo = registryFor(db, actor)` — and call its methods; no caller passes the
// actor (or a site list) to a query again. Every method runs in one site-scoped transaction
// (src/store/tx.ts siteScoped): the audit settings plus `regenspine.site_ids`, under which PostgreSQL's
// row-level security (migration 008, FORCE ROW LEVEL SECURITY; a superuser session such as PGlite's takes
// the plain role regenspine_scoped with SET LOCAL ROLE) lets the transaction see and write only the actor's
// sites' rows, whatever WHERE a query has or forgets. The role half of each question is src/registry/policy.ts
// (`can`); the clinical and administrative rules are src/registry (admit.ts, adverse-event.ts, consent.ts,
// deidentify.ts, schedule.ts, plausibility.ts); src/store/registry.ts only reads and writes.
//
// API (each method: the same arguments as the function of src/store/registry.ts of the same name, minus
// `db` and `actor`):
//   reads    searchPatients(query) · listPatients({siteId, limit}) · getPatient(id, {log}) · getConsent(id)
//            getProcedure(id) · getVisit(id) · unacknowledgedSeriousEvents(siteId?) · followUpReport(siteId,
//            today, {limit, config}) · auditHistory({patientId} | {entity, entityId})
//            deidentifiedOutcomePages({siteId, pageRows, today}) · deidentifiedOutcomes({siteId, today})
//            analysis(query, logDetail?) — the outcomes analysis (src/store/registry-analysis-facts.ts); an
//            analyst's de-identified read is logged here, once, for every page that shows one
//   writes   enrolPatient(input, config?) · updatePatient(id, input, config?) · setPatientStatus(id, input, today?)
//            recordConsent(id, input, today?) · correctConsent(id, input, today?) · withdrawConsent(id, input, today?)
//            recordProcedure(id, input, today?) · correctProcedure(id, input, today?, config?)
//            submitFollowUp(id, input, config?, today?) · correctFollowUp(id, input, config?, today?)
//            reportAdverseEvent(id, input, today?) · updateAdverseEvent(id, input) · deleteAdverseEvent(id, input)
//            acknowledgeAdverseEvent(id, version)
//   can(permission)  what the bound actor may do (for views: pass the answers, never the role).
// The functions of src/store/registry.ts keep their (db, actor, …) signatures as thin entry points for code
// written before the repository (CLI, tests, other modules); they run through the same scoped transaction.
// Porting a call: `R.getPatient(db, actor, id)` → `registryFor(db, actor).getPatient(id)`. New code that reads
// a site-scoped table (patient, consent, procedure, followup_visit, prom_score, adverse_event) must do so in
// `siteScoped(db, actor, reason, tx => …)`: outside it the application role sees none of their rows.
import { type Actor, can, type Permission, viaOf } from '../registry/policy.ts';
import type { Db } from './db.ts';
import * as R from './registry.ts';
import { recordSecurityEvent } from './registry-accounts.ts';
import { type AnalysisQuery, type RegistryAnalysis, registryAnalysis } from './registry-analysis-facts.ts';

/** `f` with its (db, actor) arguments bound. */
type Bound<F> = F extends (db: Db, actor: Actor, ...rest: infer A) => infer Res ? (...rest: A) => Res : never;
const bind =
  <A extends unknown[], Res>(f: (db: Db, actor: Actor, ...rest: A) => Res, db: Db, actor: Actor) =>
  (...rest: A): Res =>
    f(db, actor, ...rest);

export interface RegistryRepository {
  readonly actor: Actor;
  /** What the bound actor may do (src/registry/policy.ts), for views and handlers. */
  can(permission: Permission): boolean;
  searchPatients: Bound<typeof R.searchPatients>;
  listPatients: Bound<typeof R.listPatients>;
  getPatient: Bound<typeof R.getPatient>;
  getConsent: Bound<typeof R.getConsent>;
  getProcedure: Bound<typeof R.getProcedure>;
  getVisit: Bound<typeof R.getVisit>;
  unacknowledgedSeriousEvents: Bound<typeof R.unacknowledgedSeriousEvents>;
  followUpReport: Bound<typeof R.followUpReport>;
  auditHistory: Bound<typeof R.auditHistory>;
  deidentifiedOutcomePages: Bound<typeof R.deidentifiedOutcomePages>;
  deidentifiedOutcomes: Bound<typeof R.deidentifiedOutcomes>;
  enrolPatient: Bound<typeof R.enrolPatient>;
  updatePatient: Bound<typeof R.updatePatient>;
  setPatientStatus: Bound<typeof R.setPatientStatus>;
  recordConsent: Bound<typeof R.recordConsent>;
  correctConsent: Bound<typeof R.correctConsent>;
  withdrawConsent: Bound<typeof R.withdrawConsent>;
  recordProcedure: Bound<typeof R.recordProcedure>;
  correctProcedure: Bound<typeof R.correctProcedure>;
  submitFollowUp: Bound<typeof R.submitFollowUp>;
  correctFollowUp: Bound<typeof R.correctFollowUp>;
  reportAdverseEvent: Bound<typeof R.reportAdverseEvent>;
  updateAdverseEvent: Bound<typeof R.updateAdverseEvent>;
  deleteAdverseEvent: Bound<typeof R.deleteAdverseEvent>;
  acknowledgeAdverseEvent: Bound<typeof R.acknowledgeAdverseEvent>;
  /**
   * The responder, change, opioid, survival and safety analysis the actor may read: their sites, or for an
   * analyst the network de-identified. An analyst's read is recorded as a security event of kind `export`
   * (security review M6, as the de-identified export is), with `logDetail` saying where it was shown.
   */
  analysis(q: AnalysisQuery, logDetail?: Record<string, unknown>): Promise<RegistryAnalysis>;
}

/** The registry as the actor may see and change it. */
export function registryFor(db: Db, actor: Actor): RegistryRepository {
  return Object.freeze({
    actor,
    can: (permission: Permission) => can(actor, permission),
    searchPatients: bind(R.searchPatients, db, actor),
    listPatients: bind(R.listPatients, db, actor),
    getPatient: bind(R.getPatient, db, actor),
    getConsent: bind(R.getConsent, db, actor),
    getProcedure: bind(R.getProcedure, db, actor),
    getVisit: bind(R.getVisit, db, actor),
    unacknowledgedSeriousEvents: bind(R.unacknowledgedSeriousEvents, db, actor),
    followUpReport: bind(R.followUpReport, db, actor),
    auditHistory: bind(R.auditHistory, db, actor),
    deidentifiedOutcomePages: bind(R.deidentifiedOutcomePages, db, actor),
    deidentifiedOutcomes: bind(R.deidentifiedOutcomes, db, actor),
    enrolPatient: bind(R.enrolPatient, db, actor),
    updatePatient: bind(R.updatePatient, db, actor),
    setPatientStatus: bind(R.setPatientStatus, db, actor),
    recordConsent: bind(R.recordConsent, db, actor),
    correctConsent: bind(R.correctConsent, db, actor),
    withdrawConsent: bind(R.withdrawConsent, db, actor),
    recordProcedure: bind(R.recordProcedure, db, actor),
    correctProcedure: bind(R.correctProcedure, db, actor),
    submitFollowUp: bind(R.submitFollowUp, db, actor),
    correctFollowUp: bind(R.correctFollowUp, db, actor),
    reportAdverseEvent: bind(R.reportAdverseEvent, db, actor),
    updateAdverseEvent: bind(R.updateAdverseEvent, db, actor),
    deleteAdverseEvent: bind(R.deleteAdverseEvent, db, actor),
    acknowledgeAdverseEvent: bind(R.acknowledgeAdverseEvent, db, actor),
    analysis: async (q: AnalysisQuery, logDetail: Record<string, unknown> = {}) => {
      const result = await registryAnalysis(db, actor, q);
      if (result.access === 'deidentified')
        await recordSecurityEvent(db, {
          kind: 'export',
          userId: actor.userId,
          via: viaOf(actor),
          detail: { export: 'analysis', sites: result.sites, ...logDetail },
        });
      return result;
    },
  });
}
