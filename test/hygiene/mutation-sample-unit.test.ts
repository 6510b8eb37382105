// The sampled mutation run's arithmetic and draw (scripts/mutation-sample.mjs): the interval against R, the
// draw's properties, and the mutant list against Stryker's documented mutators.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import {
  allMutants,
  drawParts,
  drawSample,
  pickedInReport,
  rangePattern,
  reportKey,
  sampleKey,
  wilson,
} from '../../scripts/mutation-sample.mjs';

describe('wilson: the 95 % score interval', () => {
  // R 4.x: prop.test(x, n, correct = FALSE)$conf.int, which is Wilson's interval:
  //   90/100 → 0.825634 0.944771; 360/400 → 0.866689 0.925701; 400/400 → 0.990488 1; 0/50 → 0 0.071348
  const cases: [number, number, number, number][] = [
    [90, 100, 0.825634, 0.944771],
    [360, 400, 0.866689, 0.925701],
    [400, 400, 0.990488, 1],
    [0, 50, 0, 0.071348],
  ];
  for (const [x, n, low, high] of cases) {
    test(`${x} of ${n} from an infinite population is R's interval`, () => {
      const ci = wilson(x, n, Number.POSITIVE_INFINITY)!;
      assert.ok(Math.abs(ci.low - low) < 5e-7, `low ${ci.low}`);
      assert.ok(Math.abs(ci.high - high) < 5e-7, `high ${ci.high}`);
    });
  }
  test('the finite-population correction narrows it, and a census is the point itself', () => {
    const wide = wilson(360, 400, Number.POSITIVE_INFINITY)!;
    const narrow = wilson(360, 400, 3168)!;
    assert.ok(narrow.low > wide.low && narrow.high < wide.high);
    assert.ok(narrow.low < 0.9 && narrow.high > 0.9);
    assert.deepEqual(wilson(360, 400, 400), { low: 0.9, high: 0.9 });
    assert.equal(wilson(0, 0, 10), null);
  });
});

describe('drawSample: n of N without replacement', () => {
  const population = Array.from({ length: 1000 }, (_, i) => i);
  test('n distinct members, in source order, the same for the same seed', () => {
    const a = drawSample(population, 400, 1);
    assert.equal(a.length, 400);
    assert.equal(new Set(a).size, 400);
    assert.deepEqual(
      a,
      [...a].sort((x, y) => x - y),
    );
    assert.deepEqual(drawSample(population, 400, 1), a);
    assert.notDeepEqual(drawSample(population, 400, 2), a);
  });
  test('parts: disjoint, nearly equal, each in source order, together the whole sample', () => {
    const parts = drawParts(population, 450, 1, 3);
    assert.deepEqual(
      parts.map((p) => p.length),
      [150, 150, 150],
    );
    const joined = parts.flat().sort((x, y) => x - y);
    assert.equal(new Set(joined).size, 450);
    assert.deepEqual(joined, drawSample(population, 450, 1));
    for (const p of parts)
      assert.deepEqual(
        p,
        [...p].sort((x, y) => x - y),
      );
    assert.deepEqual(
      drawParts(population, 7, 1, 3).map((p) => p.length),
      [3, 2, 2],
    );
  });
  test('asking for more than there are gives them all', () => {
    assert.deepEqual(drawSample([5, 6, 7], 10, 1), [5, 6, 7]);
  });
  test('every member can be drawn: over 200 seeds, 5 of 10 each time, each member about half the time', () => {
    const counts = new Array(10).fill(0);
    for (let seed = 1; seed <= 200; seed++) for (const i of drawSample(population.slice(0, 10), 5, seed)) counts[i]++;
    // binomial(200, 0.5): 100 ± 3 sd (sd 7.07) holds each count with probability > 0.997
    for (const c of counts) assert.ok(c > 78 && c < 122, `counts ${counts}`);
  });
});

describe('allMutants: the mutants Stryker makes', () => {
  test('a < b in an arrow function gives the five mutants of Stryker’s documented mutators', async () => {
    // https://stryker-mutator.io/docs/mutation-testing-elements/supported-mutators/ — ArrowFunction
    // (`() => undefined`), ConditionalExpression (`true`, `false`) and EqualityOperator (`<` → `<=`, `>=`)
    const dir = mkdtempSync(join(tmpdir(), 'mutants-'));
    try {
      const file = join(dir, 'less.ts');
      writeFileSync(file, 'export const less = (a: number, b: number) => a < b;\n');
      const name = relative(process.cwd(), file);
      const mutants = await allMutants([name]);
      const seen = mutants.map((m) => `${m.mutatorName} ${m.replacement}`).sort();
      assert.deepEqual(seen, [
        'ArrowFunction () => undefined',
        'ConditionalExpression false',
        'ConditionalExpression true',
        'EqualityOperator a <= b',
        'EqualityOperator a >= b',
      ]);
      const lessThan = mutants.find((m) => m.replacement === 'a <= b')!;
      // `a < b` is characters 46–51 (0-based, end exclusive) of the first line: 'export const less = ' is 20,
      // '(a: number, b: number)' 22 more, ' => ' 4. Stryker's API positions are 0-based; a `mutate` pattern has
      // 1-based lines and 0-based columns (core's project-reader.js subtracts 1 from the lines only); a report's
      // positions are 1-based (object-utils.js toSchemaPosition)
      assert.equal(rangePattern(lessThan), `${name}:1:46-1:51`);
      assert.equal(
        sampleKey(lessThan),
        reportKey(name, { start: { line: 1, column: 47 }, end: { line: 1, column: 52 } }, 'EqualityOperator', 'a <= b'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pickedInReport: joining the parts of a sample', () => {
  // Two mutants at one block statement: part 1 picked the block's removal, part 2 a mutant inside it. Each
  // part's Stryker report lists both (the other part's pick as "Ignored", never run). A join that took every
  // report's entry for every picked mutant let the later report's "Ignored" replace a real result: with three
  // parts of src/web/registry that dropped 89 of 450 results (2026-12-02), counted as "compile/runtime errors".
  const block = { start: { line: 3, column: 10 }, end: { line: 6, column: 1 } }; // 0-based (API)
  const inner = { start: { line: 4, column: 4 }, end: { line: 4, column: 9 } };
  const oneBased = (l: typeof block) => ({
    start: { line: l.start.line + 1, column: l.start.column + 1 },
    end: { line: l.end.line + 1, column: l.end.column + 1 },
  });
  const pick1 = { fileName: 'src/x.ts', location: block, mutatorName: 'BlockStatement', replacement: '{}' };
  const pick2 = { fileName: 'src/x.ts', location: inner, mutatorName: 'BooleanLiteral', replacement: 'false' };
  const report = (blockStatus: string, innerStatus: string) => ({
    files: {
      'src/x.ts': {
        mutants: [
          { location: oneBased(block), mutatorName: 'BlockStatement', replacement: '{}', status: blockStatus },
          { location: oneBased(inner), mutatorName: 'BooleanLiteral', replacement: 'false', status: innerStatus },
        ],
      },
    },
  });
  test('each picked mutant is taken from its own part’s report only', () => {
    const part1 = pickedInReport({ picked: [pick1] }, report('Killed', 'Ignored'));
    const part2 = pickedInReport({ picked: [pick2] }, report('Ignored', 'Survived'));
    assert.deepEqual(
      [...part1.values()].map((m) => [m.file, m.mutatorName, m.status]),
      [['src/x.ts', 'BlockStatement', 'Killed']],
    );
    assert.deepEqual(
      [...part2.values()].map((m) => [m.file, m.mutatorName, m.status]),
      [['src/x.ts', 'BooleanLiteral', 'Survived']],
    );
    // joined in either order, the results stand
    for (const parts of [
      [part1, part2],
      [part2, part1],
    ]) {
      const joined = new Map(parts.flatMap((p) => [...p]));
      assert.deepEqual([...joined.values()].map((m) => m.status).sort(), ['Killed', 'Survived']);
    }
  });
  test('a picked mutant missing from its report is not found; a report without files finds nothing', () => {
    assert.equal(pickedInReport({ picked: [pick1] }, { files: {} }).size, 0);
    assert.equal(pickedInReport({ picked: [pick1] }, {}).size, 0);
  });
});
