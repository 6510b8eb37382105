// The parts of a patient guide that are not study results: what the treatment is and how it is made, the
// general risks of spinal injections, US regulatory status, cost, the questions to ask, and the place of
// trials. Each sentence is our plain wording of a passage vendored in docs/reference/patient-guides.md (from
// seed 003, the products reference and the regulatory reference), named in `source`. No study numbers here:
// those come from the Summary of Findings (model.ts). Pure data.

export type GuideTherapy = 'prp' | 'bmc' | 'msc';
export const GUIDE_THERAPIES: readonly GuideTherapy[] = ['prp', 'bmc', 'msc'];

/** A sentence with the vendored passage it words (an anchor of docs/reference/patient-guides.md) and the public
 * source of that passage. */
export interface FactSentence {
  text: string;
  source: { section: string; cites: string };
}

const SEED3 = 'RegenSpine seed 003, patient article "Regenerative Medicine for Back Pain" (data/sources/seed-003.txt)';
const f = (text: string, section: string, cites = SEED3): FactSentence => ({
  text,
  source: { section: `docs/reference/patient-guides.md#${section}`, cites },
});

export const THERAPY_NAME: Record<GuideTherapy, { short: string; title: string }> = {
  prp: { short: 'PRP', title: 'Platelet-rich plasma (PRP)' },
  bmc: { short: 'BMC', title: 'Bone marrow concentrate (BMC)' },
  msc: { short: 'stem cell treatment', title: 'Stem cell (MSC) treatments' },
};

export const WHAT_IT_IS: Record<GuideTherapy, FactSentence[]> = {
  prp: [
    f('PRP stands for platelet-rich plasma.', 'seed-003-prp'),
    f('First, a nurse or doctor takes some of your blood.', 'seed-003-prp'),
    f('A machine spins the blood to gather the platelets.', 'seed-003-prp'),
    f('Platelets are tiny parts of the blood that play a part in healing.', 'seed-003-prp'),
    f(
      'The doctor then puts the PRP into your back with a needle, for example into a disc or a small joint.',
      'seed-003-prp',
    ),
    f('An ultrasound or X-ray picture is often used to guide the needle.', 'seed-003-prp'),
    f('PRP is not the same everywhere.', 'seed-003-prp'),
    f('Clinics make it in different ways and at different strengths.', 'seed-003-prp'),
    f('This makes the results of studies hard to compare.', 'seed-003-prp'),
  ],
  bmc: [
    f('BMC stands for bone marrow concentrate.', 'products-bmc', 'products reference §2'),
    f('A doctor uses a needle to take some bone marrow from your hip bone.', 'products-bmc', 'products reference §2'),
    f('A machine spins the marrow to gather its cells.', 'regulatory-bmc', 'regulatory reference §4'),
    f('The doctor then puts the BMC into your back with a needle.', 'seed-003-cells'),
    f(
      'BMC is often sold as a stem cell treatment.',
      'products-bmc',
      'RegenSpine seed 004, a promotional summary that counts a BMC study as "stem cell therapy"',
    ),
    f(
      'But only a tiny share of the cells in bone marrow are stem cells: about 1 to 10 in every 100,000 cells.',
      'products-bmc',
      'Pittenger MF, Martin BJ. Circ Res 2004, via BioNumbers ID 113200: 0.001%–0.01% of nucleated marrow cells (0.001% = 1 in 100,000)',
    ),
    f('Not every treatment called a stem cell treatment uses true stem cells.', 'seed-003-cells'),
  ],
  msc: [
    f(
      'MSC stands for mesenchymal stem cells, also called stromal cells.',
      'products-msc',
      'ISCT 2006 (Dominici et al.)',
    ),
    f('The cells can come from your own bone marrow or fat.', 'seed-003-cells'),
    f(
      'They can also come from donated tissue, such as an umbilical cord.',
      'products-msc',
      'ISCT 2006 (Dominici et al.)',
    ),
    f('Some are grown in a lab to make more of them.', 'products-msc', 'ISCT 2006 (Dominici et al.)'),
    f('The doctor then puts the cells into your back with a needle.', 'seed-003-cells'),
    f(
      'This guide counts BMC and donor cell products as stem cell treatments too, because adverts often do.',
      'products-bmc',
      'products reference §3',
    ),
    f('Not every treatment called a stem cell treatment uses true stem cells.', 'seed-003-cells'),
    f('Many expert groups say these treatments should be given mainly in research studies.', 'seed-003-cells'),
  ],
};

export const GENERAL_RISKS: FactSentence[] = [
  f('Infection.', 'seed-003-risks'),
  f('Bleeding.', 'seed-003-risks'),
  f('Irritation of nearby nerves.', 'seed-003-risks'),
  f('More pain for a short time.', 'seed-003-risks'),
];

export const GENERAL_RISKS_INTRO = f(
  'Any injection into the spine can cause these problems, even when the product comes from your own body:',
  'seed-003-risks',
);

export const DONOR_RISK = f(
  'With donor or store-bought products the stakes may be higher: a product that is not well checked could be unclean, or not be what it says.',
  'seed-003-risks',
);

export const REGULATORY: Record<GuideTherapy, FactSentence[]> = {
  prp: [
    f(
      'In the US, PRP made from your own blood is not a drug that needs FDA approval.',
      'regulatory-prp',
      '21 CFR 1271.3(d)(2)',
    ),
    f(
      'The machine that makes PRP is cleared by the FDA, often for other uses, such as mixing with bone grafts.',
      'regulatory-prp',
      'FDA 510(k) summary BK060004',
    ),
    f(
      'So its use for back pain is usually "off-label". We have not checked this for each machine.',
      'regulatory-prp',
      'regulatory reference §4',
    ),
  ],
  bmc: [
    f('In the US, the rules for BMC are not settled.', 'regulatory-bmc', '21 CFR 1271.3(d); 1271.15(b)'),
    f(
      'BMC that is only spun in a machine and used in the same visit may fall outside the FDA drug rules.',
      'regulatory-bmc',
      '21 CFR 1271.15(b)',
    ),
    f(
      'Experts disagree on whether putting it into a disc or joint fits those rules.',
      'regulatory-bmc',
      'ASIPP 2020 BMC position statement; FDA view not checked',
    ),
  ],
  msc: [
    f(
      'In the US, stem cells grown in a lab, and donor cell products such as cord cells, count as drugs.',
      'regulatory-msc',
      'United States v. Regenerative Sciences, 741 F.3d 1314 (D.C. Cir. 2014); FDA consumer notice, 3 June 2021',
    ),
    f(
      'They need FDA approval, and until then they may be used only in a clinical trial.',
      'regulatory-msc',
      'FDA consumer notice, 3 June 2021',
    ),
    f(
      'In 2021 the FDA said that none is approved for back pain or other bone and joint problems.',
      'regulatory-msc',
      'FDA consumer notice, 3 June 2021',
    ),
    f('BMC has different rules: see the BMC guide.', 'regulatory-bmc', 'regulatory reference §4'),
  ],
};

export const NOT_LEGAL_ADVICE = f(
  'This is not legal advice, and rules differ from country to country.',
  'regulatory-msc',
);

export const COST: FactSentence[] = [
  f('This guide has no data on prices.', 'seed-003-cost'),
  f('Some people spend a lot of money on these treatments and do not get better.', 'seed-003-cost'),
  f('Ask what it will cost, and whether your insurance pays any part.', 'seed-003-cost'),
];

export const QUESTIONS: FactSentence[] = [
  f('What product will be used, and how is it made?', 'seed-003-questions'),
  f('Does the material come from my own body or from someone else?', 'seed-003-questions'),
  f('What proof is there that it helps my type of back pain?', 'seed-003-questions'),
  f('What results have you seen in patients like me?', 'seed-003-questions'),
  f('What are the real risks and downsides?', 'seed-003-questions'),
  f('How much will it cost, and will my insurance pay any part?', 'seed-003-questions'),
  f('Is there a clinical trial that could be a safer way to get this treatment?', 'seed-003-questions'),
];

export const SECOND_OPINION = f(
  'It is often worth getting a second opinion from a doctor who is not selling the treatment.',
  'seed-003-questions',
);

export const TRIALS_INTRO = f(
  'A trial may give you a new treatment, but it also has risks. A good trial tells you all about them first.',
  'seed-003-trials',
);

export const BALANCE = f(
  'Think about how this fits with proven options, such as exercise, physical therapy and mind-body methods.',
  'seed-003-balance',
);
