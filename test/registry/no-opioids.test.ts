// "No opioids at this visit" (issue 12 item 4, follow-up): a visit can say the patient takes none, stored as
// MME/day 0 with no entries, while a visit that says nothing about opioids stays unknown (null, never 0).
// The analysis then counts the first patient as off opioids and leaves the second out of the opioid figures.
// Expected values follow from the requirement and the CDC 2022 factor for oxycodone (1.5, docs/reference/
// medications.md): 5 mg × 3 doses × 1.5 = 22.5 MME/day at baseline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prepareFollowUp } from '../../src/registry/admit.ts';
import { analyzeCohort } from '../../src/registry/analysis/core.ts';
import { CommandError } from '../../src/registry/validation.ts';
import * as R from '../../src/store/registry.ts';
import { analysisRecords } from '../../src/store/registry-analysis.ts';
import { patientFormToVisit } from '../../src/web/registry/epro.ts';
import { visitFormToCommand, visitToForm } from '../../src/web/registry/forms.ts';
import * as V from '../../src/web/registry/views.tsx';
import { api, enrolInput, pgliteWorld, prpProcedure, visitInput } from './fixtures.ts';

const OXY = [{ drug: 'oxycodone', dose_mg: 5, doses_per_day: 3 }];
const refusal = (f: () => unknown): CommandError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  assert.fail('expected a CommandError');
};

describe('no opioids: the command and its validation (pure)', () => {
  const base = { timepoint: '1m', visit_date: '2025-02-10' };
  test('no_opioids alone: a finding of its own, MME/day 0 with no entries', () => {
    const p = prepareFollowUp({ ...base, no_opioids: true });
    assert.equal(p.mme?.total_mme_per_day, 0);
    assert.deepEqual(p.mme?.entries, []);
  });
  test('neither entries nor no_opioids: MME unknown (null), not 0', () => {
    assert.equal(prepareFollowUp({ ...base, proms: { NRS: { value: 4 } } }).mme, null);
  });
  test('no_opioids together with entries: refused, naming the field', () => {
    const e = refusal(() => prepareFollowUp({ ...base, no_opioids: true, opioids: OXY }));
    assert.equal(e.field, 'no_opioids');
    assert.match(e.message, /no opioids/);
  });
  test('entries alone: summed as before (22.5 MME/day)', () => {
    assert.equal(prepareFollowUp({ ...base, opioids: OXY }).mme?.total_mme_per_day, 22.5);
  });
});

describe('no opioids: the staff form, the correction form and the ePRO step', () => {
  const form = { timepoint: '1m', visit_date: '2025-02-10', nrs: '4' };
  test('the staff form offers the box; ticked it sends no_opioids, unticked nothing', () => {
    assert.equal(visitFormToCommand({ ...form, no_opioids: 'true' }).no_opioids, true);
    assert.equal(visitFormToCommand(form).no_opioids, undefined);
    const page = V.visitPage(
      { email: 'c@a', role: 'clinician', csrf: 't', can: {} as never },
      { id: 1, registry_id: 'RS-1' } as never,
      ['1m'],
      { no_opioids: 'true' },
      null,
    );
    assert.match(
      page,
      /<input type="checkbox" name="no_opioids" id="no_opioids" value="true" checked=""\/> No opioids at this visit/,
    );
  });
  test('a stored "none" shows its box ticked again in the correction form; unknown does not', () => {
    const none = { timepoint: '1m', visit_date: '2025-02-10', opioids: { total_mme_per_day: 0, entries: [] } };
    assert.equal(visitToForm(none, []).no_opioids, 'true');
    assert.equal(visitToForm({ ...none, opioids: null }, []).no_opioids, undefined);
  });
  test('ePRO: "No" to the opioid question → no_opioids; "Yes" → the entries; no answer → what was typed', () => {
    assert.deepEqual(patientFormToVisit({ 'opioids.taking': 'false', nrs: '3' }), {
      proms: { NRS: { value: 3 } },
      opioids: [],
      no_opioids: true,
    });
    const typed = { 'opioids[0].drug': 'oxycodone', 'opioids[0].dose_mg': '5', 'opioids[0].doses_per_day': '3' };
    assert.deepEqual(patientFormToVisit({ 'opioids.taking': 'true', ...typed }).opioids, OXY);
    assert.equal(patientFormToVisit({ nrs: '3' }).no_opioids, undefined);
    // "No" with medicines listed goes to validation, which refuses the pair (the page then says so).
    const both = patientFormToVisit({ 'opioids.taking': 'false', ...typed });
    assert.equal(
      refusal(() => prepareFollowUp({ timepoint: '1m', visit_date: '2025-02-10', ...both })).field,
      'no_opioids',
    );
  });
});

describe('no opioids: stored as 0 through the API, and the analysis counts the patient as off opioids', () => {
  const ctx = pgliteWorld();
  test('two patients on 22.5 MME/day at baseline; at 1 month one says "none", the other says nothing', async () => {
    const { w } = ctx;
    const actor = w.actors.A.clinician;
    const ids: number[] = [];
    for (let k = 0; k < 2; k++) {
      const p = await R.enrolPatient(w.db, actor, enrolInput(w.sites.A));
      await R.recordConsent(w.db, actor, p.id, { form_version: 'v2', consent_date: '2025-01-02', obtained_by: 'c-1' });
      await R.recordProcedure(w.db, actor, p.id, prpProcedure('2025-01-10'));
      await R.submitFollowUp(w.db, actor, p.id, visitInput('baseline', '2025-01-05'), undefined, '2025-04-15');
      ids.push(p.id);
    }
    const visit1m = { timepoint: '1m', visit_date: '2025-02-10', proms: { NRS: { value: 3 } } };
    const none = await api(w, w.tokens.A.clinician, 'POST', `/api/registry/patients/${ids[0]}/visits`, {
      ...visit1m,
      no_opioids: true,
    });
    assert.equal(none.status, 201, none.text);
    const silent = await api(w, w.tokens.A.clinician, 'POST', `/api/registry/patients/${ids[1]}/visits`, visit1m);
    assert.equal(silent.status, 201, silent.text);
    const both = await api(w, w.tokens.A.clinician, 'POST', `/api/registry/patients/${ids[1]}/visits`, {
      ...visit1m,
      timepoint: '3m',
      visit_date: '2025-04-10',
      no_opioids: true,
      opioids: OXY,
    });
    assert.equal(both.status, 400);
    assert.equal(both.json.field, 'no_opioids');

    const mmeAt1m = async (id: number) =>
      (await R.getPatient(w.db, actor, id, { log: false })).visits.find((v) => v.timepoint === '1m')!.mme_per_day;
    assert.equal(await mmeAt1m(ids[0]!), 0);
    assert.equal(await mmeAt1m(ids[1]!), null);

    const { records } = await analysisRecords(w.db, actor, { today: '2025-04-15' });
    const o = analyzeCohort(records, { asOf: '2025-04-15' }).opioids.find((x) => x.timepoint_months === 1)!;
    assert.equal(o.n, 1, 'only the patient whose 1-month opioid use is known');
    assert.equal(o.off_opioids, 1);
    assert.equal(o.baseline_users, 1);
    assert.equal(o.baseline_users_off, 1);
    assert.equal(o.baseline_mean, 22.5);
    assert.equal(o.followup_mean, 0);

    // The patient page shows the recorded none as such, and the unknown as unknown.
    const page = V.patientPage(
      { email: 'c@a', role: 'clinician', csrf: 't', can: { 'records:write': false } as never },
      await R.getPatient(w.db, actor, ids[0]!, { log: false }),
    );
    assert.match(page, /<td>0 \(no opioids\)<\/td>/);
    const other = V.patientPage(
      { email: 'c@a', role: 'clinician', csrf: 't', can: { 'records:write': false } as never },
      await R.getPatient(w.db, actor, ids[1]!, { log: false }),
    );
    assert.doesNotMatch(other, /no opioids/);
  });
});
