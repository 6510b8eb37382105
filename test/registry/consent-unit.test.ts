// Consent rules, pure. Expected values from docs/reference/registry.md "Consent scopes" (care, registry:
// "needed before a procedure is recorded", research: "use of the data in the de-identified research export")
// and the README ("The research export … holds only patients whose research consent holds that day; a
// withdrawal removes them from every export from its date on"; "withdrawing the registry consent also marks
// the patient withdrawn"). Days are half-open: a consent holds from its date up to, not including, the day
// it is withdrawn.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ConsentFacts,
  inPeriods,
  mayExportForResearch,
  procedureConsentProblem,
  researchPeriods,
} from '../../src/registry/consent.ts';

const c = (scope: string, consent_date: string, withdrawn_date: string | null = null): ConsentFacts => ({
  scope,
  consent_date,
  withdrawn_date,
});
const FIRST = /record the registry-participation consent first/;
const WITHDRAWN = /withdrawn on or before the procedure date/;
const AFTER = /dated after the procedure/;

describe('a procedure needs the registry consent on its date', () => {
  test('a care or research consent is not the registry consent: record that first', () => {
    assert.match(procedureConsentProblem([c('care', '2025-01-01')], '2025-01-10')!, FIRST);
    assert.match(procedureConsentProblem([c('research', '2025-01-01'), c('care', '2025-01-01')], '2025-01-10')!, FIRST);
  });

  test('a registry consent withdrawn on the procedure day itself no longer holds: withdrawn', () => {
    assert.match(procedureConsentProblem([c('registry', '2025-01-01', '2025-01-10')], '2025-01-10')!, WITHDRAWN);
    assert.equal(procedureConsentProblem([c('registry', '2025-01-01', '2025-01-11')], '2025-01-10'), null);
  });

  test('a registry consent given after the procedure: dated after, even if it was later withdrawn', () => {
    assert.match(procedureConsentProblem([c('registry', '2025-02-01')], '2025-01-10')!, AFTER);
    assert.match(procedureConsentProblem([c('registry', '2025-02-01', '2025-03-01')], '2025-01-10')!, AFTER);
  });

  test('one withdrawn and one given after: the problem is the date, not the withdrawal', () => {
    const consents = [c('registry', '2024-06-01', '2024-12-01'), c('registry', '2025-02-01')];
    assert.match(procedureConsentProblem(consents, '2025-01-10')!, AFTER);
    // both withdrawn by the day: withdrawn
    assert.match(
      procedureConsentProblem(
        [c('registry', '2024-06-01', '2024-12-01'), c('registry', '2024-12-05', '2025-01-02')],
        '2025-01-10',
      )!,
      WITHDRAWN,
    );
  });
});

describe('research export periods: research consent, cut at the first registry withdrawal', () => {
  test('a withdrawn patient has no period, whatever the consents', () => {
    assert.deepEqual(researchPeriods('withdrawn', [c('registry', '2025-01-01'), c('research', '2025-01-01')]), []);
  });

  test('no research consent, no period; a registry consent alone is not research', () => {
    assert.deepEqual(researchPeriods('active', []), []);
    assert.deepEqual(researchPeriods('active', [c('registry', '2025-01-01'), c('care', '2025-01-01')]), []);
  });

  test('an open research consent is an open period from its date', () => {
    assert.deepEqual(researchPeriods('active', [c('registry', '2025-01-01'), c('research', '2025-01-02')]), [
      { from: '2025-01-02', until: null },
    ]);
  });

  test('a registry withdrawal ends an open research period on its date', () => {
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01', '2025-05-01'), c('research', '2025-01-02')]),
      [{ from: '2025-01-02', until: '2025-05-01' }],
    );
  });

  test('the earlier of the research withdrawal and the registry withdrawal ends the period', () => {
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01', '2025-05-01'), c('research', '2025-01-02', '2025-03-01')]),
      [{ from: '2025-01-02', until: '2025-03-01' }],
    );
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01', '2025-03-01'), c('research', '2025-01-02', '2025-05-01')]),
      [{ from: '2025-01-02', until: '2025-03-01' }],
    );
  });

  test('the first of several registry withdrawals counts, in whatever order they are listed', () => {
    const consents = [
      c('registry', '2025-01-01', '2025-06-01'),
      c('registry', '2025-01-01', '2025-04-01'),
      c('registry', '2025-01-01', '2025-05-01'),
      c('research', '2025-01-02'),
    ];
    assert.deepEqual(researchPeriods('active', consents), [{ from: '2025-01-02', until: '2025-04-01' }]);
  });

  test('a research withdrawal ends only its own consent; a later research consent opens a new period', () => {
    assert.deepEqual(
      researchPeriods('active', [
        c('registry', '2025-01-01'),
        c('research', '2025-01-02', '2025-03-01'),
        c('research', '2025-04-01'),
      ]),
      [
        { from: '2025-01-02', until: '2025-03-01' },
        { from: '2025-04-01', until: null },
      ],
    );
  });

  test('a research consent from or after the registry withdrawal, or withdrawn the day it was given, is no period', () => {
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01', '2025-03-01'), c('research', '2025-04-01')]),
      [],
    );
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01', '2025-03-01'), c('research', '2025-03-01')]),
      [],
    );
    assert.deepEqual(
      researchPeriods('active', [c('registry', '2025-01-01'), c('research', '2025-03-01', '2025-03-01')]),
      [],
    );
  });

  test('a day is in a period from its first day up to, not including, its end', () => {
    const periods = [{ from: '2025-01-02', until: '2025-03-01' }];
    assert.equal(inPeriods(periods, '2025-01-01'), false);
    assert.equal(inPeriods(periods, '2025-01-02'), true);
    assert.equal(inPeriods(periods, '2025-02-28'), true);
    assert.equal(inPeriods(periods, '2025-03-01'), false);
    assert.equal(inPeriods([{ from: '2025-01-02', until: null }], '2099-12-31'), true);
    assert.equal(inPeriods([], '2025-01-02'), false);
  });

  test('research export on a day: the same rule', () => {
    const consents = [c('registry', '2025-01-01', '2025-05-01'), c('research', '2025-01-02')];
    assert.equal(mayExportForResearch('active', consents, '2025-01-01'), false);
    assert.equal(mayExportForResearch('active', consents, '2025-01-02'), true);
    assert.equal(mayExportForResearch('active', consents, '2025-04-30'), true);
    assert.equal(mayExportForResearch('active', consents, '2025-05-01'), false);
    assert.equal(mayExportForResearch('withdrawn', consents, '2025-02-01'), false);
  });
});
