// Seed 004 (data/sources/seed-004.txt), a promotional "stem cell therapy" card, checked claim by claim. The
// expected verdicts are written by hand from the seeds, not from the checker: each comment says which seed
// passage decides it. This is the table of issue 10's closing note.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkClaims } from '../../src/claims/check.ts';
import type { CheckedClaim, ClaimKind, Verdict } from '../../src/claims/types.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SEED = readFileSync(join(ROOT, 'data', 'sources', 'seed-004.txt'), 'utf8');

const EXPECTED: { text: RegExp; kind: ClaimKind; verdict: Verdict; ids?: string[]; why: string }[] = [
  { text: /^Chronic low back pain$/, kind: 'other', verdict: 'not-checkable', why: "the card's title, not a claim" },
  {
    text: /^Four clinical studies$/,
    kind: 'study-count',
    verdict: 'supported',
    ids: ['amirdelfan-2021', 'atluri-2022', 'kumar-2017', 'pettine-2015'],
    // the card lists four references; each is a published clinical study (seed 004 "Clinical trials")
    why: 'four cited, four clinical studies',
  },
  {
    text: /^enrolling 148 patients$/,
    kind: 'patient-count',
    verdict: 'unverifiable',
    // seed 000: Kumar "10 patients … were enrolled", Amirdelfan "One hundred patients"; neither seed 002 (Atluri's
    // abstract) nor any seed gives Atluri's or Pettine's size: at least 110, so 148 can be neither confirmed nor refuted
    why: 'known 10 + 100; two sizes unknown',
  },
  {
    text: /^report stem cell therapy to be safe$/,
    kind: 'safety',
    verdict: 'contradicted',
    // seed 000: in Amirdelfan "One patient in the 18 million MPC group experienced an exacerbation in their lower
    // back pain that researchers considered was possibly related to the injection material"
    why: 'a possibly product-related event in one of the four trials',
  },
  {
    text: /^an effective$/,
    kind: 'efficacy',
    verdict: 'overstated',
    // seed 002 (Atluri: significant vs conventional care) and seed 000 (Amirdelfan: VAS better than saline) point that
    // way, but every SoF question of these studies is very low certainty, which allows no statement of fact (GRADE 26)
    why: 'favourable but very low certainty',
  },
  {
    text: /^durable$/,
    kind: 'durability',
    verdict: 'overstated',
    // seed 001: no long-term data "beyond 24 months"; only Amirdelfan (36 months, seed 000) follows that long; Atluri,
    // Kumar and Pettine follow 12 months
    why: 'one of four followed beyond 24 months',
  },
  {
    text: /^minimally invasive therapy for treatment for CLBP$/,
    kind: 'other',
    verdict: 'supported',
    // all four deliver the product by injection (seed 000 Amirdelfan/Kumar, seed 002 Atluri, seed 004 Pettine's title)
    why: 'all four are injections',
  },
  { text: /^Key Insights$/, kind: 'other', verdict: 'not-checkable', why: 'a heading' },
  {
    text: /^Reduction in pain and quality of life improvement: In a majority of studies MSC therapy leads to a significant improvement/,
    kind: 'efficacy',
    verdict: 'overstated',
    // "a majority" of four is three; only Atluri shows significant improvement in function and pain (seed 002);
    // Amirdelfan's is significant for pain only, Kumar's significance is not stated, Pettine has no results in the seeds
    why: '1 of 4, not a majority',
  },
  {
    text: /^Decreased opioid usage: In one of the trials/,
    kind: 'opioid-use',
    verdict: 'supported',
    ids: ['atluri-2022'],
    // seed 002: "Opioid use decreased in the investigational group, whereas, there was a slight increase in the control group."
    why: 'Atluri says exactly this',
  },
  {
    text: /^Excellent Safety Profile: Of 148 patients treated no treatment associated adverse event is reported\.$/,
    kind: 'safety',
    verdict: 'contradicted',
    // seed 000: Amirdelfan's exacerbation "possibly related to the injection material", and an implant-site infection
    why: 'a possibly product-related event is reported',
  },
  { text: /^Clinical trials$/, kind: 'other', verdict: 'not-checkable', why: 'a heading' },
  {
    text: /^Atluri S;/,
    kind: 'other',
    verdict: 'not-checkable',
    ids: ['atluri-2022'],
    why: 'a reference (PMID 35322978)',
  },
  { text: /^Kumar, H\./, kind: 'other', verdict: 'not-checkable', ids: ['kumar-2017'], why: 'a reference (DOI)' },
  {
    text: /^Pettine, K\.A\./,
    kind: 'other',
    verdict: 'not-checkable',
    ids: ['pettine-2015'],
    why: 'a reference (DOI)',
  },
  {
    text: /^Amirdelfan, K\./,
    kind: 'other',
    verdict: 'not-checkable',
    ids: ['amirdelfan-2021'],
    why: 'a reference (DOI)',
  },
];

let claims: CheckedClaim[];
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  const base = await readEvidenceBase();
  assert.deepEqual(base.problems, []);
  claims = checkClaims(SEED, base);
})();

test('seed 004 splits into its 16 claims, in order, and each gets the verdict the seeds give', () => {
  assert.equal(claims.length, EXPECTED.length, claims.map((c) => c.text).join('\n'));
  EXPECTED.forEach((e, i) => {
    const c = claims[i]!;
    assert.match(c.text, e.text, `claim ${i + 1}`);
    assert.equal(c.kind, e.kind, `claim ${i + 1} "${c.text}" kind`);
    assert.equal(c.verdict, e.verdict, `claim ${i + 1} "${c.text}" (${e.why}): ${c.reason}`);
    if (e.ids) assert.deepEqual(c.study_ids, e.ids, `claim ${i + 1} study ids`);
    assert.equal(SEED.slice(c.start, c.end), c.text, 'each claim is where it stands in the text');
    assert.ok(c.reason.length > 20, 'a reason a reader can follow');
  });
});

test('"stem cell therapy" resolves to the msc group, which counts BMC (Atluri, Pettine) and MPC (Amirdelfan)', () => {
  const safe = claims[3]!;
  assert.equal(safe.therapy, 'msc');
  assert.match(safe.reason, /bmc, bm-msc, ad-msc, uc-msc, mpc, msc-other/);
});

test('the contradicted safety claims name the event, its relatedness and the silent studies, with the quotes', () => {
  for (const c of [claims[3]!, claims[10]!]) {
    assert.match(
      c.reason,
      /amirdelfan-2021 reports exacerbation of low back pain \(18 million MPCs with HA\) possibly related to the injected product/,
    );
    assert.match(
      c.reason,
      /Post-treatment infection at the implant site \(1 patient, 6 million MPCs with HA; relatedness: product not stated/,
    );
    assert.match(c.reason, /atluri-2022 and pettine-2015 say nothing about adverse events/);
    assert.match(c.reason, /kumar-2017 states that no adverse event occurred/);
    assert.ok(
      c.evidence.some(
        (e) => e.study_id === 'amirdelfan-2021' && /possibly related to the injection material/.test(e.quote),
      ),
    );
  }
  // "Of 148 patients treated": enrolled is not treated — Amirdelfan's 40 controls got HA or saline
  assert.match(claims[10]!.reason, /Enrolled is not treated/);
  assert.match(
    claims[10]!.reason,
    /amirdelfan-2021 60 \(6 million MPCs with HA 30, derived: 100 × 3 \/ \(3 \+ 3 \+ 2 \+ 2\)/,
  );
  assert.match(
    claims[10]!.reason,
    /its 40 control patients got HA vehicle \(control\) and Sterile saline \(placebo\), not msc/,
  );
});

test('the patient count says which sizes are known and which are not', () => {
  const c = claims[2]!;
  assert.match(c.reason, /Known: kumar-2017 10 and amirdelfan-2021 100 \(110 in all\)/);
  assert.match(c.reason, /Not known: atluri-2022 .* and pettine-2015/);
  assert.match(c.reason, /at least 110/);
});

test("efficacy and durability verdicts use the SoF's own certainty and statement", () => {
  for (const c of [claims[4]!, claims[5]!, claims[8]!]) {
    assert.match(
      c.reason,
      /graded very low \(chronic-low-back-pain\.msc\.[a-z0-9.-]+: "We do not know whether MSC changes/,
    );
    assert.ok(c.evidence.some((e) => e.document === 'docs/reference/evidence-grading.md'));
  }
  assert.match(claims[5]!.reason, /amirdelfan-2021 36 months/);
  assert.ok(claims[5]!.evidence.some((e) => e.document === 'seed-001' && /beyond 24 months/.test(e.quote)));
  assert.match(claims[8]!.reason, /needs a majority \(at least 3 of 4\): 1 of 4 \(atluri-2022\)/);
});
