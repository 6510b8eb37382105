import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attempt } from '../../src/instruments/input.ts';
import {
  ATTRIBUTIONS,
  CTCAE_GRADES,
  classifyAdverseEvent,
  isCtcaeGrade,
  isRelated,
  SERIOUSNESS_CRITERIA,
  toWhoUmc,
} from '../../src/instruments/safety.ts';

test('vocabularies of docs/reference/safety.md: CTCAE 1–5, six ICH E2A criteria, five attribution levels', () => {
  assert.deepEqual(
    CTCAE_GRADES.map((g) => g.grade),
    [1, 2, 3, 4, 5],
  );
  assert.ok(isCtcaeGrade(3) && !isCtcaeGrade(0) && !isCtcaeGrade(6) && !isCtcaeGrade(2.5) && !isCtcaeGrade('3'));
  assert.equal(SERIOUSNESS_CRITERIA.length, 6);
  assert.deepEqual([...ATTRIBUTIONS], ['unrelated', 'unlikely', 'possible', 'probable', 'definite']);
});

test('Hillman 2010 grouping and the WHO-UMC mapping of §4.2', () => {
  assert.deepEqual(
    ATTRIBUTIONS.map((a) => isRelated(a)),
    [false, false, true, true, true],
  );
  assert.deepEqual(
    ATTRIBUTIONS.map((a) => toWhoUmc(a)),
    [null, 'Unlikely', 'Possible', 'Probably-Likely', 'Certain'],
  );
});

test('AE classification: three independent axes; grade 5 requires "death"', () => {
  const severeNotSerious = classifyAdverseEvent({ grade: 3, attribution_procedure: 'probable' });
  assert.equal(severeNotSerious.serious, false);
  assert.equal(severeNotSerious.related_procedure, true);
  assert.equal(severeNotSerious.related_product, null);
  const serious = classifyAdverseEvent({
    grade: 2,
    seriousness_criteria: ['hospitalisation', 'hospitalisation'],
    attribution_product: 'unlikely',
  });
  assert.equal(serious.serious, true);
  assert.deepEqual(serious.seriousness_criteria, ['hospitalisation']);
  assert.equal(serious.related_product, false);
  assert.deepEqual(
    attempt(() => classifyAdverseEvent({ grade: 5 })),
    {
      error: 'grade 5 (death) requires the seriousness criterion "death"',
      field: 'seriousness_criteria',
    },
  );
  assert.equal(classifyAdverseEvent({ grade: 5, seriousness_criteria: ['death'], outcome: 'fatal' }).serious, true);
  const bad: [unknown, string][] = [
    [{ grade: 6 }, 'grade'],
    [{}, 'grade'],
    [{ grade: 1, seriousness_criteria: ['hospitalized'] }, 'seriousness_criteria[0]'],
    [{ grade: 1, attribution_product: 'likely' }, 'attribution_product'],
    [{ grade: 1, outcome: 'fatal' }, 'seriousness_criteria'],
  ];
  for (const [input, field] of bad) {
    assert.equal((attempt(() => classifyAdverseEvent(input)) as { field: string }).field, field, JSON.stringify(input));
  }
});
