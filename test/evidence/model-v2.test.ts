// Evidence model v2 (issue 8): derived values re-computed by `validate`, stale notes refused, source tiers,
// the v1 → v2 export migration, and the corrections of the evidence audit, each checked against the seed text.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readValidStudies } from '../../src/app.ts';
import type { SourceDocument, Study } from '../../src/domain/evidence.ts';
import { EXPORT_SCHEMA, exportEvidence, migrateExportV1 } from '../../src/evidence/export.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { recomputeDerivation, staleNotes, validateEvidence } from '../../src/evidence/validate.ts';
import { makeStudy } from '../helpers/studies.ts';

const DOC: SourceDocument = {
  id: 'doc',
  title: 'test document',
  kind: 'seed',
  tier: 'narrative-review',
  description: 'a synthetic document',
  year: 2026,
  file: 'doc.txt',
  origin: 'test',
};
const TEXT =
  'One hundred patients were randomly divided into one of four groups in a 3:3:2:2 ratio. 25 patients out of a 50-patient cohort.';
const Pq = (quote: string) => ({ document: 'doc', locator: 'test', quote });
const validate = (s: unknown) =>
  validateEvidence([{ file: `${(s as Study).id}.json`, json: s }], [DOC], new Map([['doc', TEXT]]));

function ratioStudy(nFirst: number) {
  const base = makeStudy('ratio-1', {
    citation_provenance: Pq('One hundred patients'),
    design_provenance: Pq('3:3:2:2 ratio'),
  });
  const n = (value: number, part: number) => ({
    value,
    derivation: {
      rule: 'allocation-ratio' as const,
      formula: `100 × ${part} / 10`,
      inputs: [{ name: 'randomized', value: 100, provenance: Pq('One hundred patients were randomly divided') }],
    },
  });
  const arm = (id: string, role: 'treatment' | 'control', value: number, part: number) => ({
    id,
    label: id,
    role,
    therapies: role === 'treatment' ? (['mpc'] as const) : (['saline'] as const),
    n: n(value, part),
    intervention: id,
  });
  return {
    ...base,
    enrolled: { value: 100, provenance: Pq('One hundred patients') },
    followup_months: { value: null, null_reason: 'not stated' },
    allocation_ratio: { arms: ['a', 'b', 'c', 'd'], parts: [3, 3, 2, 2], provenance: Pq('in a 3:3:2:2 ratio') },
    arms: [
      arm('a', 'treatment', nFirst, 3),
      arm('b', 'treatment', 30, 3),
      arm('c', 'control', 20, 2),
      arm('d', 'control', 20, 2),
    ],
  };
}

describe('derived values are re-computed by validate', () => {
  test('allocation ratio × total: 100 in 3:3:2:2 gives 30/30/20/20; a wrong arm size is refused', () => {
    assert.deepEqual(validate(ratioStudy(30)).problems, []);
    const bad = validate(ratioStudy(31)).problems;
    assert.equal(bad.length, 1);
    assert.match(bad[0]!.field, /^arms\[0\]\.n\.value$/);
    assert.match(bad[0]!.message, /allocation-ratio gives 30/);
  });

  test('total minus stated arms ("the remainder"): 50 − 25 = 25', () => {
    const r = recomputeDerivation({
      rule: 'total-minus-arms',
      formula: '50 − 25',
      inputs: [
        { name: 'cohort', value: 50, provenance: Pq('50-patient cohort') },
        { name: 'arm', value: 25, provenance: Pq('25 patients') },
      ],
    });
    assert.deepEqual(r, { value: 25 });
  });

  test('a percentage becomes a count only when exactly one count rounds back to it', () => {
    const pct = (p: number, n: number) =>
      recomputeDerivation({
        rule: 'percent-of-denominator',
        formula: `${p}% of ${n}`,
        inputs: [
          { name: 'percent', value: p, provenance: Pq('x') },
          { name: 'denominator', value: n, provenance: Pq('x') },
        ],
      });
    // seed-000 L469–471: 71% of 14 patients (Akeda) is 10 of 14 (71.4%)
    assert.deepEqual(pct(71, 14), { value: 10 });
    // seed-000 L440–441: 47% of a 22-participant cohort is no whole number of the 22 (45.5% or 50%)
    assert.ok('error' in pct(47, 22));
  });

  test('an allocation ratio that does not divide the total is an error, not a rounded arm', () => {
    const s = ratioStudy(30);
    s.allocation_ratio.parts = [3, 3, 3, 2];
    const problems = validate(s).problems;
    assert.ok(problems.some((p) => /not a whole number/.test(p.message)));
  });
});

describe('notes that contradict the model are refused', () => {
  test('"the schema has no field for the number of included studies" fails: included_studies exists', () => {
    // The note machado-2023 carried before issue 8 (evidence audit §2.9).
    const s = makeStudy('machado-x', {
      notes: [
        'These are counts of trials, so they are kept here (the schema has no field for the number of included studies).',
      ],
    });
    const stale = staleNotes(s);
    assert.equal(stale.length, 1);
    assert.ok(stale[0]!.names.includes('included_studies'));
    const s2 = makeStudy('tuakli-x', {
      notes: [
        "The control was a contrast agent; the vocabulary has no 'contrast agent' therapy, so it is coded 'other'.",
      ],
    });
    assert.ok(staleNotes(s2)[0]!.names.includes('contrast'));
  });

  test('no curated note is stale, and validate reports a stale note as a problem', async () => {
    const studies = await readValidStudies();
    assert.deepEqual(
      studies.flatMap((s) => staleNotes(s).map((x) => `${s.id}: ${x.note}`)),
      [],
    );
    const s = { ...makeStudy('stale-1'), notes: ["the schema has no 'unknown' design"] };
    const r = validateEvidence([{ file: 'stale-1.json', json: s }], [{ ...DOC, id: 'test', file: null }], new Map());
    assert.ok(r.problems.some((p) => p.field === 'notes' && /stale note/.test(p.message)));
  });
});

describe('the curated evidence base, corrected per the evidence audit', () => {
  let studies: Study[];
  let byId: (id: string) => Study;
  before(async () => {
    studies = await readValidStudies();
    byId = (id) => {
      const s = studies.find((x) => x.id === id);
      assert.ok(s, id);
      return s;
    };
  });

  test('arm sizes the seeds determine are recorded with their derivation (audit §0 item 5)', () => {
    // seed-000 L550–551: "One hundred patients were randomly divided into one of four groups in a 3:3:2:2 ratio"
    assert.deepEqual(
      byId('amirdelfan-2021').arms.map((a) => [a.id, a.n.value]),
      [
        ['mpc-6m', 30],
        ['mpc-18m', 30],
        ['ha', 20],
        ['saline', 20],
      ],
    );
    // seed-000 L452–457: "selected 25 patients out of a 50-patient cohort … The remainder … control group"
    const ctl = byId('ruiz-lopez-2020').arms.find((a) => a.id === 'triamcinolone')!;
    assert.equal(ctl.n.value, 25);
    assert.equal(ctl.n.derivation?.rule, 'total-minus-arms');
    // single-group studies have their one arm: Akeda "2 out of the 14 patients", the "22-participant cohort"
    assert.deepEqual(
      byId('akeda-2017').arms.map((a) => a.n.value),
      [14],
    );
    assert.deepEqual(
      byId('intradiscal-prp-cohort-22').arms.map((a) => a.n.value),
      [22],
    );
  });

  test('adverse-event states and relatedness as the seeds word them (audit §2.10 items 2–6, 14)', () => {
    // seed-001 L252: "No serious or unexpected adverse events occurred."
    assert.equal(byId('bates-2022').adverse_events_reported, 'none-serious');
    // seed-000 L436–437: "no adverse outcomes secondary to the intradiscal injections"
    assert.equal(byId('tuakli-wosornu-2016').adverse_events_reported, 'none-related');
    // seed-001 L316: "no severe adverse reactions"
    assert.equal(byId('xie-2020').adverse_events_reported, 'none-serious');
    assert.equal(byId('akeda-2017').adverse_events[0]!.relatedness, 'not-stated');
    const amir = byId('amirdelfan-2021').adverse_events;
    assert.equal(amir.find((e) => /infection/.test(e.description))!.relatedness, 'not-stated');
    // seed-000 L575–577: "possibly related to the injection material but not necessarily the injection procedure"
    assert.deepEqual(amir.find((e) => /exacerbation/i.test(e.description))!.attribution, {
      product: 'possible',
      procedure: 'not-stated',
    });
    assert.equal(amir.find((e) => /Treatment-emergent/.test(e.description))!.arm, null);
    assert.ok(amir.every((e) => e.serious === null));
  });

  test('codings fixed: contrast, steroid dose, culture duration, designs apart from record kind (audit §2.10)', () => {
    const tuakli = byId('tuakli-wosornu-2016');
    assert.deepEqual(tuakli.arms.find((a) => a.id === 'contrast')!.therapies, ['contrast']);
    const ruiz = byId('ruiz-lopez-2020').products.find((p) => p.arm === 'triamcinolone')!;
    assert.deepEqual(
      [ruiz.quantities[0]!.kind, ruiz.quantities[0]!.value, ruiz.quantities[0]!.unit],
      ['dose', 60, 'mg'],
    );
    // seed-001 L243: "three weeks of cell expansion" — a duration in weeks, not a count of days
    const z = byId('zhang-2022').products[0]!.quantities[0]!;
    assert.deepEqual([z.kind, z.value, z.unit], ['culture-duration', 3, 'weeks']);
    assert.deepEqual([byId('zhang-2022').design, byId('zhang-2022').record_kind], ['rct', 'protocol']);
    for (const id of [
      'pettine-2015',
      'xie-2020',
      'nct04410731',
      'nct04499105',
      'nct04559295',
      'nct03122119',
      'nct04544709',
    ])
      assert.equal(byId(id).design, 'not-stated', id);
    for (const id of ['nct03737461', 'nct04102761', 'nct04757740', 'nct04759105']) {
      assert.equal(byId(id).design, 'rct', id);
      assert.equal(byId(id).record_kind, 'registration', id);
      assert.equal(byId(id).status_as_of?.date, '2022-06-27', id); // seed-000 L17: "Accepted: 27 June 2022"
    }
    // seed-000 L273–274: "10 + / − 5 × 106 … cultured for 24 + / − 4 days"
    const [dose, days] = byId('orozco-2011').products[0]!.quantities;
    assert.deepEqual(dose!.dispersion, { type: 'plus-minus-unspecified', value: 5_000_000 });
    assert.deepEqual(days!.dispersion, { type: 'plus-minus-unspecified', value: 4 });
    assert.ok(byId('noriega-2017').products[0]!.quantities[0]!.caveat);
  });

  test('findings the seeds state without numbers are data (audit §0 items 2, 8)', () => {
    const ruiz = byId('ruiz-lopez-2020').findings;
    // seed-000 L460–461: "patients in the control group had lower VAS scores at the 1-month follow-up"
    const m1 = ruiz.find((f) => f.timepoint?.value === 1 && f.timepoint.unit === 'months')!;
    assert.equal(m1.favours, 'triamcinolone');
    assert.equal(m1.significant, null);
    // seed-000 L412–413: "Group P reported significantly lower VAS scores at 6 weeks and 3 months"
    const w6 = byId('singla-2017').findings.find((f) => f.timepoint?.unit === 'weeks')!;
    assert.deepEqual([w6.timepoint?.value, w6.favours, w6.significant], [6, 'group-p', true]);
    // seed-000 L615–617: "no significant changes in the modified Pfirrmann (MP) scores … in any of the four study groups"
    const mri = byId('amirdelfan-2021').findings.find((f) => f.measure === 'modified-pfirrmann')!;
    assert.deepEqual([mri.change, mri.significant, mri.arms.length], ['no-change', false, 4]);
    // seed-000 L538–539: mepivacaine controls improved "in the first 8 days"
    const ctl = byId('noriega-2017').findings.find((f) => f.arms.includes('mepivacaine') && f.change === 'improved')!;
    assert.deepEqual(ctl.timepoint, { value: 8, unit: 'days' });
  });

  test('reviews: counts, pooled estimate, vote count; the new reviews are curated (audit §1.4)', () => {
    // seed-001 L270: "a 2023 systematic review of 40 trials … Among 13 randomized controlled trials analyzed, 11 showed…"
    const m = byId('machado-2023').review!;
    assert.deepEqual(
      [m.included_studies.value, m.included_rcts.value, m.vote_counts[0]!.positive, m.vote_counts[0]!.of],
      [40, 13, 11, 13],
    );
    // seed-001 L268: "within 8 weeks (mean difference: −1.47; 95% CI, −2.12 to −0.81)"
    const x = byId('xuan-2020').review!.pooled[0]!;
    assert.deepEqual(
      [x.measure, x.estimate, x.ci_lower, x.ci_upper, x.window],
      ['MD', -1.47, -2.12, -0.81, 'within 8 weeks'],
    );
    for (const id of ['schol-2024', 'miranda-2023', 'wang-2023'])
      assert.ok(byId(id).review!.conclusions.length > 0, id);
  });

  test('every datum carries the tier of its source: seed-000/001 are narrative reviews, seed-002 the abstract', () => {
    const amir = byId('amirdelfan-2021');
    assert.equal(amir.enrolled.provenance?.source_tier, 'narrative-review');
    const atluri = byId('atluri-2022');
    const odi = atluri.outcomes.find((o) => o.instrument === 'ODI')!;
    assert.equal(odi.provenance.source_tier, 'primary-abstract');
    const nrsCtl = atluri.outcomes.find((o) => o.instrument === 'NRS' && o.arm === 'control')!;
    assert.equal(nrsCtl.provenance.source_tier, 'narrative-review');
  });

  test('statements: ASIPP level IV, unverifiable claims of seed-000, seed-002 records linked (audit §1, §0 item 9)', async () => {
    const { statements } = await readEvidenceBase();
    const asipp = statements.find((s) => s.kind === 'evidence-level');
    assert.ok(asipp && asipp.kind === 'evidence-level');
    assert.equal(asipp.level, 'IV');
    assert.deepEqual([...asipp.targets].sort(), ['epidural', 'facet', 'sacroiliac']);
    const claims = statements.filter((s) => s.kind === 'unverifiable');
    assert.ok(claims.some((c) => c.kind === 'unverifiable' && c.cited_as === '[51]' && /6-year study/.test(c.claim)));
    assert.ok(claims.some((c) => c.kind === 'unverifiable' && c.cited_as === '[81, 85]'));
    const pettine2016 = statements.find((s) => s.id === 'pmid-26156727');
    assert.ok(pettine2016 && pettine2016.kind === 'citation');
    assert.ok(pettine2016.links.some((l) => l.study_id === 'pettine-2015' && l.relation === 'possible-follow-up'));
    assert.equal(statements.filter((s) => s.kind === 'citation' && s.relevant).length, 7);
  });
});

describe('export v2 and the migration from v1', () => {
  test('v2 keeps every v1 key of a study and adds the v2 keys', async () => {
    const { studies, statements } = await readEvidenceBase();
    const out = exportEvidence(studies, statements);
    assert.equal(out.schema, EXPORT_SCHEMA);
    const V1 = [
      'id',
      'citation',
      'design',
      'phase',
      'status',
      'conditions',
      'therapies',
      'targets',
      'enrolled',
      'enrolled_kind',
      'followup_months',
      'arms',
      'products',
      'outcomes',
      'adverse_events',
      'adverse_events_reported',
      'limitations',
      'summary',
      'provenance',
    ];
    for (const s of out.studies)
      for (const k of [...V1, 'findings', 'record_kind', 'included_studies']) assert.ok(k in s, `${s.id}: ${k}`);
    assert.equal(out.evidence_levels.length, 1);
    for (const k of ['scheme', 'level', 'therapies', 'targets', 'statement', 'provenance'])
      assert.ok(k in out.evidence_levels[0]!);
  });

  test('a v1 export reads as v2: protocol designs become record kinds, ongoing trials registrations', () => {
    const v1 = {
      schema: 'regenspine.evidence/1',
      studies: [
        { id: 'p', design: 'protocol', status: 'unknown', outcomes: [], arms: [], adverse_events: [] },
        {
          id: 't',
          design: 'rct',
          status: 'recruiting',
          outcomes: [],
          arms: [{ id: 'a', n: null }],
          adverse_events: [],
        },
        {
          id: 'd',
          design: 'rct',
          status: 'completed',
          outcomes: [{ timepoint_months: 12 }],
          arms: [],
          adverse_events: [],
        },
      ],
    };
    const v2 = migrateExportV1(v1);
    assert.equal(v2.schema, 'regenspine.evidence/2');
    assert.deepEqual(
      v2.studies.map((s) => [(s as { id?: unknown }).id, s.design, s.record_kind]),
      [
        ['p', 'not-stated', 'protocol'],
        ['t', 'rct', 'registration'],
        ['d', 'rct', 'publication'],
      ],
    );
    assert.deepEqual(v2.studies[2]!.outcomes[0]!.timepoint, { value: 12, unit: 'months' });
    assert.equal(v2.studies[1]!.arms[0]!.n_derivation, null);
    assert.throws(() => migrateExportV1({ schema: 'other', studies: [] }), /not a regenspine.evidence\/1 export/);
  });
});
