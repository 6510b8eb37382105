// Adverse-event updates and acknowledgement, pure. Sources: docs/reference/safety.md §3 ("Seriousness is
// multi-select; `serious = true` if any criterion is ticked") and docs/reference/registry.md ("a serious
// event is flagged to the site"): only serious, open, unacknowledged events are acknowledged; an update
// keeps every field it leaves out (src/registry/adverse-event.ts, "A field the patch leaves out keeps its
// stored value; `null` clears a nullable field").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  acknowledgementProblem,
  canAcknowledge,
  mergeAdverseEventUpdate,
  type StoredAdverseEvent,
} from '../../src/registry/adverse-event.ts';
import { UpdateAdverseEventSchema } from '../../src/registry/validation.ts';

const stored = (over: Partial<StoredAdverseEvent> = {}): StoredAdverseEvent => ({
  term: 'Post-injection pain flare',
  onset_date: '2025-01-12',
  grade: 2,
  seriousness_criteria: [],
  serious: false,
  attribution_procedure: 'probable',
  attribution_product: 'unlikely',
  action: 'medication',
  outcome: 'recovering',
  resolution_date: null,
  expected: true,
  procedure_id: 1,
  ...over,
});
const patch = (p: Record<string, unknown>) =>
  UpdateAdverseEventSchema.parse({ version: 1, reason: 'follow-up call', ...p });

describe('merging an update into the stored event', () => {
  test('an update that names only the grade keeps every other field, action and outcome included', () => {
    const m = mergeAdverseEventUpdate(stored(), patch({ grade: 1 }));
    assert.deepEqual(m.merged, {
      procedure_id: 1,
      term: 'Post-injection pain flare',
      onset_date: '2025-01-12',
      grade: 1,
      seriousness_criteria: [],
      attribution_procedure: 'probable',
      attribution_product: 'unlikely',
      action: 'medication',
      outcome: 'recovering',
      resolution_date: null,
      expected: true,
    });
    assert.equal(m.clearAcknowledgement, false);
  });

  test('the fields it names replace the stored ones', () => {
    const m = mergeAdverseEventUpdate(
      stored(),
      patch({ term: 'Discitis', action: 'procedure', outcome: 'resolved', resolution_date: '2025-02-01' }),
    );
    assert.equal(m.merged.term, 'Discitis');
    assert.equal(m.merged.action, 'procedure');
    assert.equal(m.merged.outcome, 'resolved');
    assert.equal(m.merged.resolution_date, '2025-02-01');
    assert.equal(m.merged.onset_date, '2025-01-12', 'the onset date is not changed by an update');
  });

  test('null clears the outcome', () => {
    assert.equal(mergeAdverseEventUpdate(stored(), patch({ outcome: null })).merged.outcome, null);
  });

  test('an event already serious stays on the site list as it was: no new acknowledgement needed', () => {
    const old = stored({ seriousness_criteria: ['hospitalisation'], serious: true, grade: 3 });
    const m = mergeAdverseEventUpdate(old, patch({ seriousness_criteria: ['hospitalisation', 'disability'] }));
    assert.equal(m.classification.serious, true);
    assert.equal(m.clearAcknowledgement, false);
  });
});

describe('acknowledgement: only serious, open, unacknowledged events', () => {
  test('a deleted event: 409 on the id, whatever else holds', () => {
    for (const ae of [
      { serious: true, acknowledged_at: null, deleted_at: '2025-01-21T00:00:00Z' },
      { serious: false, acknowledged_at: null, deleted_at: new Date('2025-01-21T00:00:00Z') },
    ]) {
      const p = acknowledgementProblem(ae);
      assert.equal(p?.status, 409);
      assert.equal(p?.field, 'id');
      assert.match(p!.message, /deleted/);
      assert.equal(canAcknowledge(ae), false);
    }
  });

  test('a non-serious event: 422 on seriousness, saying it is not serious', () => {
    const p = acknowledgementProblem({ serious: false, acknowledged_at: null, deleted_at: null });
    assert.equal(p?.status, 422);
    assert.equal(p?.field, 'serious');
    assert.match(p!.message, /not serious/);
  });

  test('an acknowledged serious event: 409 on acknowledged_at, saying it already is', () => {
    const p = acknowledgementProblem({ serious: true, acknowledged_at: new Date('2025-01-20T10:00:00Z') });
    assert.equal(p?.status, 409);
    assert.equal(p?.field, 'acknowledged_at');
    assert.match(p!.message, /already acknowledged/);
  });

  test('an open, unacknowledged serious event can be acknowledged', () => {
    assert.equal(acknowledgementProblem({ serious: true, acknowledged_at: null, deleted_at: null }), null);
    assert.equal(canAcknowledge({ serious: true, acknowledged_at: null }), true);
  });
});
