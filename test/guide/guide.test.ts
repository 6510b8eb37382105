// Patient guides on the curated evidence (issue 10 §2). Expected values are typed from the seeds (numbers
// and counts as seed-000, seed-001, seed-003 and seed-004 print them), not computed by the guide: the
// responder counts and their percentages, the events and their denominators, the longest follow-up, the
// trials and their registered status, seed 003's risks and questions. The guide's certainty must be the SoF's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readJudgements, readMcids } from '../../src/cli/commands/sof.ts';
import { type EvidenceBase, readEvidenceBase } from '../../src/evidence/files.ts';
import { GUIDE_THERAPIES, type GuideTherapy } from '../../src/guide/content.ts';
import { buildGuide, type Guide, type GuideSentence } from '../../src/guide/model.ts';
import { guideToMarkdown } from '../../src/guide/render.ts';
import { REPO_ROOT } from '../../src/repo-root.ts';
import { computeSof, type Sof } from '../../src/synthesis/sof.ts';

let base: EvidenceBase;
const guides = {} as Record<GuideTherapy, Guide>;
const sofs = {} as Record<GuideTherapy, Sof>;
// set up once, at load (not in a top-level hook, which would apply to every file sharing the process)
await (async () => {
  base = await readEvidenceBase();
  assert.deepEqual(base.problems, []);
  const mcids = await readMcids();
  const judgements = await readJudgements();
  for (const t of GUIDE_THERAPIES) {
    guides[t] = buildGuide(base.studies, base.statements, { therapy: t, mcids, judgements });
    sofs[t] = computeSof(base.studies, base.statements, {
      condition: 'chronic low back pain',
      therapy: t,
      mcids,
      judgements,
    });
  }
})();

const allSentences = (g: Guide): GuideSentence[] => [
  ...g.summary,
  ...g.what_it_is,
  ...g.benefits.flatMap((b) => b.sentences),
  ...g.icon_notes,
  ...g.not_improved,
  ...g.not_measured,
  ...g.followup,
  ...g.harms.reported,
  g.harms.general_intro,
  ...g.harms.general,
  ...g.regulatory,
  ...g.cost,
  ...g.questions,
  g.trials_intro,
];
const arrays = (t: GuideTherapy) =>
  guides[t].icon_arrays.map((a) => ({
    study: a.study_id,
    events: a.treated.events,
    n: a.treated.n,
    per_100: a.treated.per_100,
    control: a.control,
  }));

describe('icon arrays: responder counts with denominators, as the seeds give them', () => {
  test('PRP: Akeda 71% and 79% of 14, the 22-patient cohort 14% at 1 month; no control group', () => {
    // seed-000: Akeda "71%" (50% VAS reduction) and "79%" (50% RDQ reduction) of 14 patients; the 22-patient
    // intradiscal cohort: "14%" with at least 50% pain improvement at 1 month
    assert.deepEqual(
      arrays('prp').sort((a, b) => a.study.localeCompare(b.study) || a.per_100 - b.per_100),
      [
        { study: 'akeda-2017', events: 10, n: 14, per_100: 71, control: null },
        { study: 'akeda-2017', events: 11, n: 14, per_100: 79, control: null },
        { study: 'intradiscal-prp-cohort-22', events: 3, n: 22, per_100: 14, control: null },
      ],
    );
  });
  test('MSC: Bates 7 (78%), 5 (56%), 3 (33%) of 9; Kumar 6 of 10; Orozco 9 of 10; no control group', () => {
    // seed-001: "seven patients (78%) reported reduced pain, five (56%) reported improved work capacity, and
    // three (33%) reduced analgesics" of nine; seed-000: "Six out of 10" (Kumar), "9 out of the 10" (Orozco)
    assert.deepEqual(
      arrays('msc').sort((a, b) => a.study.localeCompare(b.study) || a.per_100 - b.per_100),
      [
        { study: 'bates-2022', events: 3, n: 9, per_100: 33, control: null },
        { study: 'bates-2022', events: 5, n: 9, per_100: 56, control: null },
        { study: 'bates-2022', events: 7, n: 9, per_100: 78, control: null },
        { study: 'kumar-2017', events: 6, n: 10, per_100: 60, control: null },
        { study: 'orozco-2011', events: 9, n: 10, per_100: 90, control: null },
      ],
    );
    for (const a of guides.msc.icon_arrays) {
      assert.match(a.text, /There was no comparison group/);
      assert.equal(a.second_hand, true, `${a.study_id}: known only from a narrative review`);
    }
  });
  test('BMC: no picture — Atluri gives 67% vs 8% without group sizes; the guide says so, never draws a rate', () => {
    assert.deepEqual(guides.bmc.icon_arrays, []);
    const notes = guides.bmc.icon_notes.map((n) => n.text).join(' ');
    assert.match(notes, /not how many people were in each group/);
    assert.match(notes, /no picture and no comparison/);
    assert.ok(guides.bmc.icon_notes.some((n) => n.study_ids.includes('atluri-2022')));
  });
});

describe('reported analyses: the SoF shows Xuan 2020 as reported, and so does the guide', () => {
  test('PRP: MD −1.47 (95% CI −2.12 to −0.81) within 8 weeks (seed-001), second-hand, very uncertain', () => {
    const pain = guides.prp.benefits.find((b) => b.domain === 'pain')!;
    const x = pain.sentences.find((s) => s.study_ids.includes('xuan-2020') && /pooled/.test(s.text));
    assert.ok(x);
    assert.match(
      x.text,
      /pain scores 1\.47 points lower with PRP than with control, within 8 weeks\. The likely range was 0\.81 to 2\.12 points\./,
    );
    assert.match(x.text, /The evidence is very uncertain\.$/);
    assert.equal(x.second_hand, true);
    assert.equal(x.certainty, 'very-low');
  });
});

describe('risks: events with how often, silence, and the general risks of seed 003', () => {
  test('MSC: Amirdelfan infection 1 of 30 and a possibly product-related flare 1 of 30 (seed-000; 30 = 3/10 of 100)', () => {
    const r = guides.msc.harms.reported.map((x) => x.text);
    assert.ok(r.some((x) => /^In one study, 1 of 30 people .* infection at the implant site/.test(x)));
    assert.ok(
      r.some((x) => /1 of 30 people .* exacerbation of low back pain\. .*possibly caused by the product/.test(x)),
    );
    assert.ok(
      r.some((x) => /did not say how many people had them/.test(x)),
      'TEAEs without counts',
    );
    assert.ok(r.some((x) => /^4 of the 8 studies did not report on side effects/.test(x)));
  });
  test('PRP: Akeda transient leg numbness in 2 of 14 (seed-000); relatedness not stated', () => {
    const r = guides.prp.harms.reported.find((x) => /leg numbness/.test(x.text));
    assert.ok(r);
    assert.match(r.text, /2 of 14 people/);
    assert.match(r.text, /does not say if the treatment caused it/);
    assert.deepEqual(r.study_ids, ['akeda-2017']);
  });
  test('BMC: neither study reported on side effects', () => {
    assert.ok(guides.bmc.harms.reported.some((x) => /^Neither study reported on side effects/.test(x.text)));
  });
  test("general risks are seed 003's list, labelled as not from the studies", () => {
    const seed3 = readFileSync(join(REPO_ROOT, 'data', 'sources', 'seed-003.txt'), 'utf8');
    for (const w of ['Infection', 'Bleeding', 'Irritation of nearby nerves']) {
      assert.ok(seed3.includes(`- ${w}`));
      assert.ok(
        guides.prp.harms.general.some((x) => x.text === `${w}.`),
        w,
      );
    }
    assert.ok(seed3.includes('- Short-term increases in pain'));
    assert.ok(guides.prp.harms.general.some((x) => x.text === 'More pain for a short time.'));
    // donor products: seed 003's "the stakes may be higher", not for PRP (always the patient's own blood)
    assert.ok(guides.msc.harms.general.some((x) => /stakes may be higher/.test(x.text)));
    assert.ok(!guides.prp.harms.general.some((x) => /stakes may be higher/.test(x.text)));
    for (const x of guides.prp.harms.general) assert.match(x.source!.section, /#seed-003-risks$/);
  });
});

describe('follow-up, what did not improve, what was not measured', () => {
  test('MSC longest follow-up 36 months (Amirdelfan, "36-month study" in seed 004); PRP and BMC 12 months', () => {
    assert.match(guides.msc.followup[0]!.text, /followed people for 36 months/);
    assert.deepEqual(guides.msc.followup[0]!.study_ids, ['amirdelfan-2021']);
    assert.match(guides.prp.followup[0]!.text, /12 months/);
    assert.match(guides.bmc.followup[0]!.text, /12 months/);
  });
  test('PRP: the steroid did better at 1 month (Ruiz-Lopez, seed-000); Akeda pain came back in 2 of 14', () => {
    const n = guides.prp.not_improved;
    assert.ok(
      n.some(
        (x) => /PRP did worse than a steroid injection on pain/.test(x.text) && x.study_ids[0] === 'ruiz-lopez-2020',
      ),
    );
    assert.ok(n.some((x) => /came back in 2 of 14 people/.test(x.text)));
  });
  test('MSC: no MRI change in any Amirdelfan group; the placebo group improved too', () => {
    const n = guides.msc.not_improved;
    assert.ok(
      n.some(
        (x) => /looked no different on scans in any group/.test(x.text) && x.study_ids.includes('amirdelfan-2021'),
      ),
    );
    assert.ok(
      n.some((x) => /comparison group, who had a dummy \(placebo\) injection, also reported gains/.test(x.text)),
    );
  });
  test('not measured: PRP has no opioid outcome, no placebo comparison, nothing after 1 year; MSC has all three', () => {
    const prp = guides.prp.not_measured.map((x) => x.text);
    assert.ok(prp.includes('No study here measured use of pain medicine.'));
    assert.ok(prp.includes('No study compared PRP with a dummy (placebo) injection.'));
    assert.ok(prp.includes('No study reported results after more than 1 year.'));
    const msc = guides.msc.not_measured.map((x) => x.text);
    assert.ok(!msc.some((x) => /pain medicine|placebo|more than 1 year/.test(x)));
  });
});

describe('trials: from the registered-trial records (data/evidence/nct*.json, seed-000 Table 3)', () => {
  const ids = (t: GuideTherapy) => guides[t].trials.map((x) => `${x.nct}:${x.status}`).sort();
  test('PRP, BMC and MSC trials with their status as listed', () => {
    assert.ok(ids('prp').includes('NCT04544709:recruiting'));
    assert.ok(ids('prp').includes('NCT04757740:not-yet-recruiting'));
    assert.ok(ids('bmc').includes('NCT04559295:active-not-recruiting'));
    assert.ok(ids('msc').includes('NCT03737461:recruiting'));
    for (const t of guides.msc.trials.filter((x) => x.nct)) assert.ok(t.status_as_of, `${t.id} status has a date`);
    // open trials first
    const open = guides.msc.trials.map((x) => x.open);
    assert.deepEqual(
      open,
      [...open].sort((a, b) => Number(b) - Number(a)),
    );
  });
});

describe("the guide's certainty is the SoF's, and every number links to its studies", () => {
  test('each sentence that words SoF questions carries the lowest certainty of those questions', () => {
    for (const t of GUIDE_THERAPIES) {
      const byId = new Map(sofs[t].questions.map((q) => [q.id, q]));
      assert.equal(guides[t].sof.questions, sofs[t].questions.length);
      for (const s of allSentences(guides[t])) {
        if (!s.question_ids.length) continue;
        const cs = s.question_ids.map((id) => byId.get(id)!.certainty);
        const order = ['very-low', 'low', 'moderate', 'high'];
        const lowest = cs.reduce((a, c) => (order.indexOf(c) < order.indexOf(a) ? c : a));
        assert.equal(s.certainty, lowest, `${t}: ${s.text}`);
      }
      for (const a of guides[t].icon_arrays) assert.equal(a.certainty, byId.get(a.question_id)!.certainty);
    }
  });
  test('every sentence with a digit links to studies or names its reference source', () => {
    for (const t of GUIDE_THERAPIES)
      for (const s of allSentences(guides[t]))
        if (/\d/.test(s.text)) assert.ok(s.study_ids.length > 0 || s.source !== null, `${t}: ${s.text}`);
  });
  test('every linked study is listed with its citation', () => {
    for (const t of GUIDE_THERAPIES) {
      const listed = new Set(guides[t].studies.map((s) => s.id));
      for (const s of allSentences(guides[t])) for (const id of s.study_ids) assert.ok(listed.has(id), `${t}: ${id}`);
    }
  });
  test('questions to ask: seed 003 seven questions and the second opinion', () => {
    const q = guides.bmc.questions.map((x) => x.text);
    assert.equal(q.filter((x) => x.endsWith('?')).length, 7);
    assert.ok(q.some((x) => /second opinion from a doctor who is not selling the treatment/.test(x)));
  });
  test('markdown shows the reading level and links studies', () => {
    const md = guideToMarkdown(guides.prp);
    assert.match(md, /^# Platelet-rich plasma \(PRP\) for chronic low back pain: a guide for patients/);
    assert.match(md, /Reading level: Flesch–Kincaid grade \d+(\.\d)?/);
    assert.match(md, /\[akeda-2017\]\(/);
  });
});

describe('vendored passages', () => {
  test("every quoted seed-003 line of docs/reference/patient-guides.md is in seed 003's text", () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'reference', 'patient-guides.md'), 'utf8');
    const seed3 = readFileSync(join(REPO_ROOT, 'data', 'sources', 'seed-003.txt'), 'utf8').replace(/\s+/g, ' ');
    const sections = doc.split(/^## /m).filter((s) => s.startsWith('seed-003-'));
    assert.equal(sections.length, 7);
    for (const sec of sections)
      for (const para of sec.split(/\n(?!>)/).filter((l) => l.startsWith('>'))) {
        const text = para
          .replace(/^> ?(- )?/gm, '')
          .replace(/\s+/g, ' ')
          .trim();
        for (const piece of text.split(/(?<=[.:?])\s+(?=[A-Z])/).filter(Boolean))
          assert.ok(seed3.includes(piece.replace(/^- /, '')), `not in seed 003: ${piece}`);
      }
  });
});
