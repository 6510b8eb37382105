// Claims written from the other seeds' statements, true, false and overstated ones for each kind, with the verdict
// the seeds give (by hand, with the seed passage in the comment); plus the splitter, the bounds, and that every
// quote behind a verdict is in its document word for word.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ClaimLimitError, checkClaims, MAX_CLAIMS, MAX_INPUT_BYTES, toReport } from '../../src/claims/check.ts';
import { kindOf, therapyIn } from '../../src/claims/classify.ts';
import { splitClaims } from '../../src/claims/split.ts';
import type { CheckedClaim, ClaimKind, Verdict } from '../../src/claims/types.ts';
import { type EvidenceBase, readEvidenceBase } from '../../src/evidence/files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let base: EvidenceBase;
const checked: CheckedClaim[] = [];
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  base = await readEvidenceBase();
})();

const one = (text: string): CheckedClaim => {
  const cs = checkClaims(text, base);
  assert.equal(cs.length, 1, `one claim: ${cs.map((c) => c.text).join(' | ')}`);
  checked.push(cs[0]!);
  return cs[0]!;
};

const CASES: [ClaimKind, string, Verdict, string][] = [
  // study counts — seed 000 describes three PRP RCTs: Singla, Tuakli-Wosornu, Ruiz-Lopez
  [
    'study-count',
    'Three randomized trials have tested PRP for chronic low back pain.',
    'supported',
    'Singla, Tuakli-Wosornu, Ruiz-Lopez',
  ],
  [
    'study-count',
    'Only one randomized trial has tested PRP for chronic low back pain.',
    'contradicted',
    'there are three',
  ],
  [
    'study-count',
    'Twelve randomized trials have tested PRP for chronic low back pain.',
    'unsupported',
    'the evidence base holds three',
  ],
  // patient counts — seed 000: Kumar "10 patients … were enrolled"; Amirdelfan "One hundred patients"; Atluri's size is in no seed
  [
    'patient-count',
    'Kumar and colleagues enrolled 10 patients in a trial of adipose-derived MSCs.',
    'supported',
    'seed 000',
  ],
  [
    'patient-count',
    "Amirdelfan's trial of mesenchymal precursor cells enrolled 120 patients.",
    'contradicted',
    '100, not 120',
  ],
  [
    'patient-count',
    "Atluri's trial of bone marrow concentrate enrolled 60 patients.",
    'unverifiable',
    'size not given',
  ],
  // enrolled ≠ treated: 3:3:2:2 of 100 gives 60 in the two MPC arms
  [
    'patient-count',
    "All 100 patients in Amirdelfan's trial were treated with mesenchymal precursor cells.",
    'contradicted',
    '60 treated',
  ],
  // design — seed 000: "prospective randomized, placebo-controlled"; seed 002: Atluri "nonrandomized"
  [
    'design-quality',
    'Amirdelfan and colleagues ran a randomized placebo-controlled trial of mesenchymal precursor cells.',
    'supported',
    'seed 000',
  ],
  [
    'design-quality',
    "Atluri's bone marrow concentrate study was randomized.",
    'contradicted',
    'seed 002: nonrandomized',
  ],
  ['design-quality', 'The evidence for PRP is high quality.', 'contradicted', 'every PRP question is very low'],
  ['design-quality', 'The evidence for stem cell therapy is limited.', 'supported', 'very low'],
  // seed 000: "… facet joint, lumbar epidural, and sacroiliac joint injections is currently described as level IV evidence"
  [
    'design-quality',
    'Evidence for PRP in facet, epidural and sacroiliac injections is level IV.',
    'supported',
    'ASIPP via seed 000',
  ],
  [
    'design-quality',
    'Evidence for PRP in facet, epidural and sacroiliac injections is level I.',
    'contradicted',
    'it is IV',
  ],
  // efficacy — seed 000: Singla "Group P reported significantly lower VAS scores"; GRADE 26 wording vs very low certainty
  ['efficacy', 'Some studies of PRP report improvement in pain.', 'supported', 'several do'],
  ['efficacy', 'No study of stem cell therapy shows an improvement in pain.', 'contradicted', 'Atluri, Amirdelfan …'],
  ['efficacy', 'PRP is effective for chronic low back pain.', 'overstated', 'very low certainty'],
  ['efficacy', 'PRP may reduce pain.', 'overstated', '"may" needs low certainty; it is very low'],
  // responder rates — seed 002: "67% of the patients in the study group achieving MCID utilizing ODI"; seed 000: Akeda 71%
  [
    'responder-rate',
    '67% of patients treated with bone marrow concentrate achieved the MCID on ODI at 12 months.',
    'supported',
    'Atluri',
  ],
  ['responder-rate', "In Akeda's PRP study, 71% of patients reported a 50% pain reduction.", 'supported', 'seed 000'],
  [
    'responder-rate',
    "In Akeda's PRP study, 90% of patients reported a 50% pain reduction.",
    'contradicted',
    '71% and 79%',
  ],
  ['responder-rate', '95% of patients treated with PRP are responders.', 'unsupported', 'no such rate'],
  // 71% and 79% (Akeda) but 14% and 47% (the 22-patient cohort)
  ['responder-rate', 'Most patients treated with PRP are responders.', 'overstated', 'two of four rates exceed 50%'],
  // durability — seed 000: Amirdelfan VAS vs saline at 12, 24 and 36 months; PRP follow-up at most 12 months
  [
    'durability',
    "Amirdelfan's trial reported that the pain benefit of mesenchymal precursor cells was maintained through 36 months.",
    'supported',
    'seed 000',
  ],
  ['durability', 'PRP gives long-term relief.', 'unsupported', 'no PRP study beyond 12 months'],
  ['durability', 'Stem cell therapy gives durable pain relief.', 'overstated', 'one study beyond 24 months'],
  // safety — seed 000: Kumar "no adverse events were observed"; Amirdelfan's exacerbation and infection; Akeda's numbness
  ['safety', "Kumar's adipose-derived stem cell trial observed no adverse events.", 'supported', 'seed 000'],
  ['safety', 'No adverse events were reported with mesenchymal precursor cells.', 'contradicted', 'Amirdelfan'],
  ['safety', 'PRP is safe.', 'overstated', 'unstated relatedness, silent studies'],
  ['safety', 'No serious adverse events occurred with PRP.', 'unverifiable', 'seriousness not stated'],
  ['safety', 'Stem cell injections carry a risk of infection.', 'supported', 'implant-site infection'],
  // opioid use — seed 002: "Opioid use decreased in the investigational group"; Pettine has no data
  ['opioid-use', 'In one trial opioid use decreased with bone marrow concentrate.', 'supported', 'Atluri'],
  ['opioid-use', 'In all trials opioid use decreased with bone marrow concentrate.', 'overstated', '1 of 2'],
  ['opioid-use', 'Stem cell therapy reduces opioid use.', 'overstated', 'no controlled estimate'],
  // regulatory — seed 000: "The expanded and cultured MSCs are currently not allowed for clinical use in the USA";
  // docs/reference/regulatory.md §4 (FDA 2021 notice; PRP device 510(k))
  [
    'regulatory',
    'The expanded and cultured MSCs are currently not allowed for clinical use in the USA.',
    'supported',
    'regulatory.md',
  ],
  ['regulatory', 'Stem cell therapy is FDA approved for back pain.', 'contradicted', 'none approved'],
  ['regulatory', 'PRP is FDA-cleared.', 'overstated', 'the device, for bone graft'],
  // seed 001
  [
    'regulatory',
    'In the United States, MSC-based products are regulated by the FDA under the framework for human cells, tissues, and cellular and tissue-based products (HCT/Ps).',
    'supported',
    '21 CFR 1271',
  ],
  // mechanism — seed 000: Amirdelfan "no significant changes in the modified Pfirrmann (MP) scores on MRI"; Kumar and
  // Orozco water content up without a control
  ['mechanism', 'Stem cells regenerate discs.', 'overstated', 'RCT null, single-arm improvements'],
  ['mechanism', 'Mesenchymal precursor cells restore disc structure.', 'contradicted', 'no MRI change'],
  ['mechanism', 'PRP regenerates the disc.', 'unsupported', 'no imaging'],
  // comparison — seed 000: Singla PRP better; Ruiz-Lopez steroid better at 1 month, PRP at 3 and 6
  ['comparison', "Singla's trial found PRP better than steroid injections.", 'supported', 'seed 000'],
  ['comparison', 'PRP is better than steroid injections.', 'overstated', 'mixed'],
  ['comparison', 'Stem cell therapy is better than PRP.', 'unsupported', 'no head-to-head study'],
  // cost — no cost data (seed 000 only: "the price … is extremely high")
  ['cost-access', 'PRP is covered by insurance.', 'unsupported', 'no cost data'],
  // what the products are — seed 003: "Not every treatment labeled as a "stem cell" therapy actually involves true
  // stem cells"; docs/reference/products.md: MSCs are 0.001%–0.01% of nucleated marrow cells
  [
    'other',
    'Not every treatment labeled as a "stem cell" therapy actually involves true stem cells.',
    'supported',
    'products.md',
  ],
  ['other', 'Bone marrow concentrate is rich in stem cells.', 'contradicted', 'a tiny fraction'],
  // not claims about the therapies (seed 000's epidemiology; seed 003's open question)
  [
    'other',
    'Low back pain affects at least 80% of individuals at some point in their lifetime.',
    'not-checkable',
    'epidemiology',
  ],
  ['durability', 'Are the benefits long-lasting or short-term?', 'not-checkable', 'a question (seed 003)'],
];

describe('claims from the seeds, each kind true, false and overstated', () => {
  for (const [kind, text, verdict, why] of CASES) {
    test(`${verdict}: ${text}`, () => {
      const c = one(text);
      assert.equal(c.kind, kind, `kind of "${text}"`);
      assert.equal(c.verdict, verdict, `${why}: ${c.reason}`);
    });
  }
  test('every kind is covered with at least two verdicts', () => {
    const by = new Map<string, Set<string>>();
    for (const [k, , v] of CASES) by.set(k, (by.get(k) ?? new Set()).add(v));
    for (const [k, vs] of by) if (k !== 'other' && k !== 'cost-access') assert.ok(vs.size >= 2, k);
  });
});

test('every quote behind a verdict is in its document, word for word', () => {
  const seed = readFileSync(join(ROOT, 'data', 'sources', 'seed-004.txt'), 'utf8');
  const all = [...checked, ...checkClaims(seed, base)];
  const norm = (s: string) => s.replace(/\s+/g, ' ');
  const texts = new Map<string, string>();
  const textOf = (doc: string) => {
    if (!texts.has(doc)) {
      const d = base.documents.find((x) => x.id === doc);
      const file = doc.startsWith('docs/') ? join(ROOT, doc) : d?.file ? join(ROOT, 'data', 'sources', d.file) : null;
      assert.ok(file, `document ${doc} is in the repository`);
      texts.set(doc, norm(readFileSync(file, 'utf8')));
    }
    return texts.get(doc)!;
  };
  let n = 0;
  for (const c of all)
    for (const e of c.evidence) {
      // a curator's quote may join two passages with "…" (as `validate` accepts): each part is in the text
      for (const part of e.quote
        .split('…')
        .map((x) => norm(x).trim())
        .filter(Boolean))
        assert.ok(textOf(e.document).includes(part), `${e.document}: "${part}"`);
      assert.ok(e.locator.length > 3);
      n++;
    }
  assert.ok(n > 50, `${n} quotes checked`);
});

test('splitting: list items, sentences, semicolons, listed predicates; headings and references are whole lines', () => {
  const t =
    'Benefits\n- PRP is safe and effective.\n- Bone marrow concentrate (eg. BMAC) lowers pain; it is durable. It costs $2000.\nKumar, H. et al. (2017) Title. doi:10.1186/s13287-017-0710-3.';
  const s = splitClaims(t);
  assert.deepEqual(
    s.map((x) => [x.role, x.text]),
    [
      ['heading', 'Benefits'],
      ['list-item', 'PRP is safe'],
      ['list-item', 'effective.'],
      ['list-item', 'Bone marrow concentrate (eg. BMAC) lowers pain'],
      ['list-item', 'it is durable.'],
      ['list-item', 'It costs $2000.'],
      ['reference', 'Kumar, H. et al. (2017) Title. doi:10.1186/s13287-017-0710-3.'],
    ],
  );
  for (const x of s) assert.equal(t.slice(x.start, x.end), x.text);
  assert.equal(kindOf(s[3]!), 'efficacy');
  assert.equal(kindOf(s[4]!), 'durability');
  assert.equal(kindOf(s[5]!), 'cost-access');
  assert.equal(therapyIn('autologous bone marrow concentrate'), 'bmc');
  assert.equal(therapyIn('umbilical cord stem cells'), 'uc-msc');
  assert.equal(therapyIn('platelet-rich plasma'), 'prp');
  assert.equal(therapyIn('regenerative medicine'), 'all');
  assert.equal(therapyIn('exercise therapy'), null);
});

test('a claim that names no therapy, with no therapy in the text and none given, is not-checkable with why', () => {
  const c = one('Injections reduce pain by half.');
  assert.equal(c.verdict, 'not-checkable');
  assert.match(c.reason, /names no therapy/);
  const given = checkClaims('Injections reduce pain by half.', base, { therapy: 'prp' })[0]!;
  assert.equal(given.therapy, 'prp');
  assert.match(given.reason, /given with --therapy/);
});

test('the input is bounded: bytes and number of claims, with the limit named', () => {
  assert.throws(
    () => checkClaims('x'.repeat(MAX_INPUT_BYTES + 1), base),
    (e: unknown) => e instanceof ClaimLimitError && e.status === 413 && /32768 bytes/.test(e.message),
  );
  assert.throws(
    () => checkClaims('PRP is safe. '.repeat(MAX_CLAIMS + 1), base),
    (e: unknown) => e instanceof ClaimLimitError && e.status === 400 && /at most 200/.test(e.message),
  );
  assert.throws(
    () => checkClaims('  ', base),
    (e: unknown) => e instanceof ClaimLimitError && e.status === 400,
  );
});

test("the JSON report keeps exactly the issue's contract", () => {
  const r = toReport(checkClaims('PRP is safe. Stem cell therapy is FDA approved.', base));
  assert.deepEqual(Object.keys(r), ['claims', 'summary']);
  assert.deepEqual(Object.keys(r.claims[0]!), [
    'text',
    'kind',
    'therapy',
    'verdict',
    'reason',
    'study_ids',
    'evidence',
  ]);
  assert.deepEqual(Object.keys(r.claims[1]!.evidence[0]!), ['study_id', 'quote', 'document', 'locator']);
  assert.deepEqual(r.summary, {
    supported: 0,
    contradicted: 1,
    overstated: 1,
    unsupported: 0,
    unverifiable: 0,
    'not-checkable': 0,
  });
});
