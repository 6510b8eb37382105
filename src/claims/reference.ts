// Reference facts the claim checker tests regulatory claims and worded certainty against. Each is a passage of a
// vendored reference file (docs/reference/*.md, which cite their public sources) or of a seed kept in
// data/sources; test/claims/reference.test.ts checks that every quote is in its file, word for word.
import type { ClaimEvidence } from './types.ts';

export interface ReferenceFact extends ClaimEvidence {
  id: string;
}

const REG = 'docs/reference/regulatory.md';
const ROW = (name: string, col: string) => `§4 How the registry's products map, row "${name}", ${col}`;

export const REFERENCE_FACTS = {
  mscPathway: {
    id: 'msc-351',
    study_id: null,
    document: REG,
    locator: ROW('Culture-expanded MSCs (autologous or allogeneic)', 'FDA pathway'),
    quote:
      'More than minimally manipulated → section 351 drug/biologic; clinical use requires an IND (trial) and marketing requires a BLA',
  },
  mscNoneApproved: {
    id: 'msc-none-approved',
    study_id: null,
    document: REG,
    locator: ROW('Culture-expanded MSCs (autologous or allogeneic)', 'basis'),
    quote:
      'FDA consumer notice (3 June 2021): such regenerative products require licensure/approval, need FDA oversight in a clinical trial before approval, and none is approved for orthopaedic conditions including back pain',
  },
  mscNotLawful: {
    id: 'msc-not-lawful',
    study_id: null,
    document: REG,
    locator: ROW('Culture-expanded MSCs (autologous or allogeneic)', 'registry consequence'),
    quote: 'outside a trial this use is not lawful in the US',
  },
  allogeneic351: {
    id: 'allogeneic-351',
    study_id: null,
    document: REG,
    locator: ROW(
      'Allogeneic "stem cell" products (e.g. umbilical cord, Wharton\'s jelly, amniotic, exosomes)',
      'FDA pathway',
    ),
    quote: '351 products; FDA warning letters (e.g. CBER, February 2026, umbilical-cord-derived product)',
  },
  prpDevice: {
    id: 'prp-510k',
    study_id: null,
    document: REG,
    locator: ROW('Autologous PRP, point-of-care', 'FDA pathway'),
    quote:
      'Not an HCT/P (blood component); the preparation **device** is cleared through 510(k) premarket notification, typically for mixing with bone graft',
  },
  prpOffLabel: {
    id: 'prp-off-label',
    study_id: null,
    document: REG,
    locator: ROW('Autologous PRP, point-of-care', 'registry consequence'),
    quote: 'use for back pain is off-label use of a cleared device',
  },
  bmcContested: {
    id: 'bmc-contested',
    study_id: null,
    document: REG,
    locator: ROW('Autologous BMC, same procedure, minimally manipulated (centrifugation only)', 'FDA pathway'),
    quote:
      'Possibly excluded (minimally manipulated marrow for homologous use) or within the same-surgical-procedure exception; homologous use of marrow in a disc or joint is contested',
  },
  hctpFramework: {
    id: 'hctp-framework',
    study_id: null,
    document: REG,
    locator: '§2 Section 361 criteria (21 CFR 1271.10(a))',
    quote:
      'If any criterion fails, the product is regulated as a drug/biological product under section 351 of the PHS Act and the FD&C Act',
  },
  gradeVeryLow: {
    id: 'grade-very-low-wording',
    study_id: null,
    document: 'docs/reference/evidence-grading.md',
    locator: '§2.4 Plain-language statements by certainty, row "Very low"',
    quote: '"We do not know whether [intervention] changes [outcome]; the evidence is very uncertain."',
  },
  gradeLow: {
    id: 'grade-low-wording',
    study_id: null,
    document: 'docs/reference/evidence-grading.md',
    locator: '§2.4 Plain-language statements by certainty, row "Low"',
    quote: '"[Intervention] may reduce [outcome]; the true effect could be quite different."',
  },
  longTerm: {
    id: 'long-term-24-months',
    study_id: null,
    document: 'seed-001',
    locator: "section 'Current gaps in research', paragraph 3",
    quote:
      'there is a notable absence of long-term data assessing durability of pain relief, functional restoration, or structural disc regeneration beyond 24 months',
  },
  bmcFewMscs: {
    id: 'bmc-few-mscs',
    study_id: null,
    document: 'docs/reference/products.md',
    locator: '§3 Mesenchymal stromal cells, terminology paragraph',
    quote:
      'Product records must distinguish minimally manipulated cell preparations (BMC, where MSCs are a tiny fraction of nucleated cells) from culture-expanded MSC products',
  },
  mscFrequency: {
    id: 'msc-frequency-in-marrow',
    study_id: null,
    document: 'docs/reference/products.md',
    locator: '§2 Bone marrow concentrate, row "MSC frequency in marrow" (Pittenger & Martin, Circ Res 2004)',
    quote: '0.001%–0.01%',
  },
  noCostData: {
    id: 'cost-statement',
    study_id: null,
    document: 'seed-000',
    locator: "section 'Summary' of the abstract",
    quote: 'Currently, the price for these treatments is extremely high',
  },
} satisfies Record<string, ReferenceFact>;

export function cite(f: ReferenceFact): ClaimEvidence {
  return { study_id: null, quote: f.quote, document: f.document, locator: f.locator };
}

/** Long-term, per seed 001: results beyond 24 months (REFERENCE_FACTS.longTerm). */
export const LONG_TERM_MONTHS = 24;
