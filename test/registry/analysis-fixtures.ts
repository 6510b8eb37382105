// A small registry cohort for the analysis tests, entered through the registry commands (synthetic data).
// ODI answers: baseline 16 of 45 answered points = 35.56 %; "better" 9/45 = 20 % (a fall of 15.6 points: a
// responder by the 10-point rule, docs/reference/instruments.md §1.4). NRS 6 → 3 (responder) or 6 → 5.
import * as R from '../../src/store/registry.ts';
import { enrolInput, prpProcedure, type World } from './fixtures.ts';

export const ODI_BASE = [2, 1, 3, 2, 2, 1, 2, null, 1, 2];
export const ODI_BETTER = [1, 1, 1, 1, 1, 1, 1, null, 1, 1];

export async function outcomePatient(
  w: World,
  site: 'A' | 'B',
  opts: { research: boolean; respond: boolean; reintervention?: string; withdraw?: string },
): Promise<number> {
  const actor = w.actors[site].clinician;
  const p = await R.enrolPatient(w.db, actor, enrolInput(w.sites[site]));
  const c = await R.recordConsent(w.db, actor, p.id, {
    form_version: 'v2',
    consent_date: '2025-01-02',
    obtained_by: 'c-1',
  });
  if (opts.research)
    await R.recordConsent(w.db, actor, p.id, {
      scope: 'research',
      form_version: 'v2',
      consent_date: '2025-01-02',
      obtained_by: 'c-1',
    });
  await R.recordProcedure(w.db, actor, p.id, prpProcedure('2025-01-10'));
  await R.submitFollowUp(w.db, actor, p.id, {
    timepoint: 'baseline',
    visit_date: '2025-01-05',
    proms: { ODI: { answers: ODI_BASE }, NRS: { value: 6 } },
    opioids: [{ drug: 'oxycodone', dose_mg: 5, doses_per_day: 2 }],
  });
  await R.submitFollowUp(w.db, actor, p.id, {
    timepoint: '3m',
    visit_date: '2025-04-11',
    proms: { ODI: { answers: opts.respond ? ODI_BETTER : ODI_BASE }, NRS: { value: opts.respond ? 3 : 5 } },
    ...(opts.reintervention ? { reintervention: { occurred: true, date: opts.reintervention } } : {}),
  });
  await R.reportAdverseEvent(w.db, actor, p.id, {
    term: 'Injection-site pain',
    onset_date: '2025-01-12',
    grade: 1,
    attribution_procedure: 'probable',
  });
  if (opts.withdraw)
    await R.withdrawConsent(w.db, actor, (c as { id: number }).id, {
      version: 1,
      withdrawn_date: opts.withdraw,
      reason: 'patient asked to leave the registry',
    });
  return p.id;
}

/** Site A: 8 patients (6 research-consented and responding; one re-intervention at 10 weeks); site B: 2. */
export async function outcomeCohort(w: World): Promise<void> {
  for (let i = 0; i < 8; i++)
    await outcomePatient(w, 'A', {
      research: i < 6,
      respond: i < 6,
      ...(i === 7 ? { reintervention: '2025-03-20' } : {}),
    });
  for (let i = 0; i < 2; i++) await outcomePatient(w, 'B', { research: true, respond: true });
}

/** A BMC patient (Atluri 2022 is a BMC trial): NRS 6 at baseline, 3 (a responder) or 5 at 3 months. */
export async function bmcPatient(w: World, site: 'A' | 'B', respond: boolean): Promise<void> {
  const actor = w.actors[site].clinician;
  const p = await R.enrolPatient(w.db, actor, enrolInput(w.sites[site]));
  await R.recordConsent(w.db, actor, p.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c-1' });
  await R.recordProcedure(w.db, actor, p.id, {
    ...prpProcedure('2025-01-10'),
    therapy: 'BMC',
    prp: null,
    bmc: { device: 'kit-b', tnc_per_ml: 2.5e7 },
  });
  await R.submitFollowUp(w.db, actor, p.id, {
    timepoint: 'baseline',
    visit_date: '2025-01-05',
    proms: { NRS: { value: 6 } },
  });
  await R.submitFollowUp(w.db, actor, p.id, {
    timepoint: '3m',
    visit_date: '2025-04-11',
    proms: { NRS: { value: respond ? 3 : 5 } },
  });
}
