// The registry's rules as pure decisions (src/registry/admit.ts, adverse-event.ts, deidentify.ts, policy.ts),
// each tested without a database. Expected values come from the reference passages quoted above each test
// (vendored in docs/reference/), never from the code's own tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  admitFollowUp,
  admitProcedure,
  isIndexProcedure,
  type PatientFacts,
  prepareFollowUp,
} from '../../src/registry/admit.ts';
import {
  acknowledgementProblem,
  canAcknowledge,
  mergeAdverseEventUpdate,
  type StoredAdverseEvent,
} from '../../src/registry/adverse-event.ts';
import { daysSinceIndex, safeHarborAge } from '../../src/registry/deidentify.ts';
import { can, type Permission, type Role } from '../../src/registry/policy.ts';
import { UpdateAdverseEventSchema } from '../../src/registry/validation.ts';
import { refusal } from './command-error.ts';
import { prpProcedure, visitInput } from './fixtures.ts';
import { ROLE_TABLE } from './role-table.ts';

/** The field and status of the CommandError `fn` throws ('(none)' if it does not throw). */

describe('access policy: the role table of docs/reference/registry.md "Roles and access"', () => {
  // Written out literally from the table in docs/reference/registry.md (issue 5 §1: "network analyst with
  // de-identified read-only access"; §6 "a serious event is flagged to the site"): not computed from GRANTS.
  const TABLE = ROLE_TABLE;

  for (const [permission, roles] of Object.entries(TABLE) as [Permission, Record<Role, boolean>][])
    for (const [role, expected] of Object.entries(roles) as [Role, boolean][])
      test(`${role} ${expected ? 'may' : 'may not'} ${permission}`, () => {
        assert.equal(can({ role }, permission), expected);
      });
  test('a coordinator has no de-identified access, even with an export-scoped token', () => {
    assert.equal(can({ role: 'coordinator', scopes: ['read', 'write', 'export'] }, 'deidentified:read'), false);
  });
});

describe('de-identification: Safe Harbor ages (docs/reference/interoperability.md §5 item 3)', () => {
  // "all ages over 89 … are identifiers; … aggregate ages ≥90 into one "90 or older" category"
  test('89 is reported as 89; 90 and every age above it as "90 or older"', () => {
    assert.equal(safeHarborAge(1937, 2026), '89');
    for (const age of [90, 91, 94, 95, 99, 104])
      assert.equal(safeHarborAge(2026 - age, 2026), '90 or older', `age ${age}`);
    assert.equal(safeHarborAge(1990, 2026), '36');
  });
  // "express follow-up as days since index procedure"
  test('follow-up as days since the index procedure, across a leap day', () => {
    assert.equal(daysSinceIndex('2024-02-28', '2024-03-01'), 2);
    assert.equal(daysSinceIndex('2025-01-10', '2025-01-10'), 0);
    assert.equal(daysSinceIndex(null, '2025-01-10'), null);
  });
});

const storedAe = (over: Partial<StoredAdverseEvent> = {}): StoredAdverseEvent => ({
  term: 'Post-injection pain flare',
  onset_date: '2025-01-12',
  grade: 2,
  seriousness_criteria: [],
  serious: false,
  attribution_procedure: 'probable',
  attribution_product: 'unlikely',
  action: 'medication',
  outcome: null,
  resolution_date: null,
  expected: true,
  procedure_id: 1,
  ...over,
});
const patch = (p: Record<string, unknown>) =>
  UpdateAdverseEventSchema.parse({ version: 1, reason: 'follow-up call', ...p });

describe('adverse events: seriousness and acknowledgement (docs/reference/safety.md §3, issue 5 §6)', () => {
  // "Seriousness is multi-select; `serious = true` if any criterion is ticked." — "a serious event is flagged
  // to the site": only serious events are acknowledged.
  test('a non-serious event cannot be acknowledged (422, naming seriousness)', () => {
    assert.equal(canAcknowledge({ serious: false, acknowledged_at: null }), false);
    assert.equal(acknowledgementProblem({ serious: false, acknowledged_at: null })?.status, 422);
    assert.equal(acknowledgementProblem({ serious: false, acknowledged_at: null })?.field, 'serious');
  });
  test('an open serious event can be acknowledged once; a deleted one not at all', () => {
    assert.equal(canAcknowledge({ serious: true, acknowledged_at: null }), true);
    assert.equal(acknowledgementProblem({ serious: true, acknowledged_at: '2025-01-20T10:00:00Z' })?.status, 409);
    assert.equal(canAcknowledge({ serious: true, acknowledged_at: null, deleted_at: '2025-01-21T00:00:00Z' }), false);
  });
  test('ticking a criterion makes the event serious and puts it back on the site list', () => {
    const m = mergeAdverseEventUpdate(storedAe(), patch({ seriousness_criteria: ['hospitalisation'] }));
    assert.equal(m.classification.serious, true);
    assert.equal(m.clearAcknowledgement, true);
  });
  test('an update that does not mention the criteria keeps a serious event serious (and its acknowledgement)', () => {
    const old = storedAe({ seriousness_criteria: ['hospitalisation'], serious: true, grade: 3 });
    const m = mergeAdverseEventUpdate(old, patch({ outcome: 'resolved', resolution_date: '2025-02-01' }));
    assert.equal(m.classification.serious, true);
    assert.equal(m.clearAcknowledgement, false);
    assert.equal(m.merged.term, old.term);
    assert.equal(m.merged.onset_date, old.onset_date);
    assert.equal(m.merged.resolution_date, '2025-02-01');
  });
  test('null clears a nullable field; an omitted one keeps its value', () => {
    const m = mergeAdverseEventUpdate(storedAe(), patch({ attribution_product: null }));
    assert.equal(m.merged.attribution_product, null);
    assert.equal(m.merged.attribution_procedure, 'probable');
  });
  test('the merged event is validated as a whole: a resolution before the onset is refused', () => {
    assert.equal(
      refusal(() => mergeAdverseEventUpdate(storedAe(), patch({ resolution_date: '2025-01-01' }))),
      '400 resolution_date',
    );
  });
});

const patient = (over: Partial<PatientFacts> = {}): PatientFacts => ({
  eligible: true,
  year_of_birth: 1968,
  status: 'active',
  status_date: null,
  index_procedure_date: null,
  ...over,
});
const registryConsent = (consent_date: string, withdrawn_date: string | null = null) => ({
  scope: 'registry',
  consent_date,
  withdrawn_date,
});
const TODAY = '2025-03-01';

describe('admitting a procedure (docs/reference/registry-settings.md, issue 5: "Refuse a procedure without both")', () => {
  // "eligibility … and consent (version, date, who obtained it). Refuse a procedure without both."
  test('an eligible, consented patient is admitted and the product characterised', () => {
    const a = admitProcedure(patient(), [registryConsent('2025-01-02')], prpProcedure('2025-01-10'), TODAY);
    assert.equal(a.p.procedure_date, '2025-01-10');
    assert.equal(a.product.characterization.therapy ?? 'PRP', 'PRP');
  });
  test('an ineligible patient is refused', () => {
    assert.equal(
      refusal(() =>
        admitProcedure(patient({ eligible: false }), [registryConsent('2025-01-02')], prpProcedure(), TODAY),
      ),
      '422 eligibility',
    );
  });
  test('no consent, a consent dated after the procedure, or one withdrawn before it: refused for consent', () => {
    assert.equal(
      refusal(() => admitProcedure(patient(), [], prpProcedure('2025-01-10'), TODAY)),
      '422 consent',
    );
    assert.equal(
      refusal(() => admitProcedure(patient(), [registryConsent('2025-01-11')], prpProcedure('2025-01-10'), TODAY)),
      '422 consent',
    );
    assert.equal(
      refusal(() =>
        admitProcedure(patient(), [registryConsent('2025-01-02', '2025-01-09')], prpProcedure('2025-01-10'), TODAY),
      ),
      '422 consent',
    );
    // consent on the procedure day holds ("dated on or before it")
    assert.equal(
      refusal(() => admitProcedure(patient(), [registryConsent('2025-01-10')], prpProcedure('2025-01-10'), TODAY)),
      '(none)',
    );
  });
  test('a care or research consent alone is not the registry consent', () => {
    const c = [
      { scope: 'care', consent_date: '2025-01-02', withdrawn_date: null },
      { scope: 'research', consent_date: '2025-01-02', withdrawn_date: null },
    ];
    assert.equal(
      refusal(() => admitProcedure(patient(), c, prpProcedure('2025-01-10'), TODAY)),
      '422 consent',
    );
  });
  test('dates: not in the future (one day of grace for sites ahead of UTC), not before the birth year', () => {
    const c = [registryConsent('1960-01-01')];
    assert.equal(
      refusal(() => admitProcedure(patient(), c, prpProcedure('2025-03-02'), TODAY)),
      '(none)',
    );
    assert.equal(
      refusal(() => admitProcedure(patient(), c, prpProcedure('2025-03-03'), TODAY)),
      '422 procedure_date',
    );
    assert.equal(
      refusal(() => admitProcedure(patient(), c, prpProcedure('1967-12-31'), TODAY)),
      '422 procedure_date',
    );
  });
  test('not on or after the day the patient withdrew', () => {
    const p = patient({ status: 'withdrawn', status_date: '2025-01-10' });
    assert.equal(
      refusal(() => admitProcedure(p, [registryConsent('2025-01-02')], prpProcedure('2025-01-10'), TODAY)),
      '422 status',
    );
  });
  test('the earliest procedure is the index procedure', () => {
    assert.equal(isIndexProcedure(null, '2025-01-10'), true);
    assert.equal(isIndexProcedure('2025-01-10', '2025-01-09'), true);
    assert.equal(isIndexProcedure('2025-01-10', '2025-01-10'), false);
    assert.equal(isIndexProcedure('2025-01-10', '2025-02-01'), false);
  });
});

describe('admitting a follow-up (issue 5 §5: "… months after the procedure")', () => {
  const indexed = patient({ index_procedure_date: '2025-01-10' });
  test('baseline before any procedure is admitted; a later visit needs the index procedure', () => {
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(visitInput('baseline', '2025-01-05')), patient(), TODAY)),
      '(none)',
    );
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(visitInput('1m', '2025-02-10')), patient(), TODAY)),
      '422 timepoint',
    );
  });
  test('a follow-up is not dated before the index procedure; on the day it is', () => {
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(visitInput('1m', '2025-01-09')), indexed, TODAY)),
      '422 visit_date',
    );
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(visitInput('1m', '2025-01-10')), indexed, TODAY)),
      '(none)',
    );
  });
  test('the visit gets its window from the index date: 1 month = 2025-02-10', () => {
    const a = admitFollowUp(prepareFollowUp(visitInput('1m', '2025-02-10')), indexed, TODAY);
    assert.equal(a.sched?.target, '2025-02-10');
  });
  test('a re-intervention lies between the index procedure and the visit', () => {
    const withRi = (date: string) => ({
      ...visitInput('3m', '2025-02-20'),
      reintervention: { occurred: true, date, description: 'repeat injection' },
    });
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(withRi('2025-01-05')), indexed, TODAY)),
      '422 reintervention.date',
    );
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(withRi('2025-02-21')), indexed, TODAY)),
      '422 reintervention.date',
    );
  });
  test('no visit on or after a withdrawal', () => {
    const p = patient({ index_procedure_date: '2025-01-10', status: 'withdrawn', status_date: '2025-02-01' });
    assert.equal(
      refusal(() => admitFollowUp(prepareFollowUp(visitInput('1m', '2025-02-10')), p, TODAY)),
      '422 status',
    );
  });
});
