// Property (issue 10 §1): adding an adverse event to the data can turn a "safe" claim from supported to
// contradicted, but never the reverse — more harm reported never makes a safety claim look better. Verdicts are
// ordered supported < unverifiable/overstated < contradicted; adding any event never moves a verdict down, a
// related event in a treated arm always gives contradicted, and from the curated Kumar 2017 (no adverse events,
// seed 000) the claim starts supported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkClaims } from '../../src/claims/check.ts';
import type { Verdict } from '../../src/claims/types.ts';
import type { AdverseEvent, Study } from '../../src/domain/evidence.ts';
import { RELATED_GRADES, RELATEDNESS } from '../../src/domain/vocabulary.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';

const RANK: Record<Verdict, number> = {
  supported: 0,
  unverifiable: 1,
  overstated: 1,
  unsupported: 1,
  contradicted: 2,
  'not-checkable': -1,
};
const CLAIMS = [
  'Stem cell therapy is safe.',
  'No treatment-related adverse events were reported with stem cell therapy.',
  'No adverse events occurred with stem cell therapy.',
  'No serious adverse events occurred with stem cell therapy.',
];

let kumar: Study;
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  const base = await readEvidenceBase();
  kumar = base.studies.find((s) => s.id === 'kumar-2017')!;
})();

const prov = { document: 'seed-000', locator: 'synthetic (property test)', quote: 'synthetic event' };
const eventArb = fc.record({
  relatedness: fc.constantFrom(...RELATEDNESS),
  serious: fc.constantFrom(true, false, null),
  arm: fc.constantFrom<string | null>(null, 'low-dose', 'high-dose'),
  count: fc.integer({ min: 1, max: 5 }),
});
type Ev = { relatedness: (typeof RELATEDNESS)[number]; serious: boolean | null; arm: string | null; count: number };

function withEvents(s: Study, evs: Ev[]): Study {
  if (evs.length === 0) return s;
  const events: AdverseEvent[] = evs.map((e, i) => ({
    description: `synthetic event ${i + 1}`,
    arm: e.arm,
    count: { value: e.count, provenance: prov },
    serious: e.serious,
    relatedness: e.relatedness,
    resolution: null,
    provenance: prov,
  }));
  return { ...s, adverse_events: [...s.adverse_events, ...events], adverse_events_reported: 'some' };
}

const verdict = (claim: string, s: Study) => checkClaims(claim, { studies: [s], statements: [] })[0]!.verdict;

test('on Kumar 2017 as curated (no adverse event), every safety claim is supported', () => {
  for (const c of CLAIMS) assert.equal(verdict(c, kumar), 'supported', c);
});

test('adding adverse events never makes a safety claim look better; a related event contradicts it', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 3 }), eventArb, fc.constantFrom(...CLAIMS), (before, added, claim) => {
      const s0 = withEvents(kumar, before);
      const s1 = withEvents(kumar, [...before, added]);
      const v0 = verdict(claim, s0);
      const v1 = verdict(claim, s1);
      assert.ok(RANK[v1] >= RANK[v0], `${claim}: ${v0} → ${v1} after adding ${JSON.stringify(added)}`);
      if (v0 === 'contradicted') assert.equal(v1, 'contradicted');
      const related = (RELATED_GRADES as readonly string[]).includes(added.relatedness);
      if (related && claim !== CLAIMS[3])
        assert.equal(v1, 'contradicted', `${claim} with a ${added.relatedness} event`);
      if (added.serious === true && claim === CLAIMS[3]) assert.equal(v1, 'contradicted');
    }),
    { numRuns: 300 },
  );
});

test('a supported "safe" claim turns contradicted when a possibly related event is added, and back only by removing it', () => {
  const claim = CLAIMS[0]!;
  assert.equal(verdict(claim, kumar), 'supported');
  const s = withEvents(kumar, [{ relatedness: 'possible', serious: false, arm: 'high-dose', count: 1 }]);
  assert.equal(verdict(claim, s), 'contradicted');
  assert.equal(
    verdict(claim, withEvents(s, [{ relatedness: 'unrelated', serious: false, arm: null, count: 1 }])),
    'contradicted',
  );
});

test('any text of claim-like words: never a crash, every claim where it stands, every claim with a reason', async () => {
  const base = await readEvidenceBase();
  const words = [
    'PRP',
    'stem cell',
    'is',
    'safe',
    'effective',
    'durable',
    'FDA',
    'approved',
    'no',
    'adverse',
    'events',
    'patients',
    '10',
    '%',
    'of',
    'studies',
    'trials',
    'Four',
    'than',
    'steroid',
    'regenerates',
    'cost',
    'majority',
    'in',
    'one',
    'the',
    '.',
    ';',
    ',',
    '\n',
    '- ',
    '?',
    'Kumar',
    'Amirdelfan',
    'opioid',
    'through 12 months',
    'level IV',
    'randomized',
    '(2017)',
    'doi:10.1/x',
    'treated',
    'all',
    'MCID',
    '50%',
  ];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { maxLength: 40 }), fc.string({ maxLength: 30 }), (ws, junk) => {
      const t = `${ws.join(' ')}${junk}`;
      if (t.trim() === '') return;
      for (const c of checkClaims(t, base)) {
        assert.equal(t.slice(c.start, c.end), c.text);
        assert.ok(c.reason.length > 0);
      }
    }),
    { numRuns: 300 },
  );
});
