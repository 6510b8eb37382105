// Controlled vocabularies of the evidence model. One home for every list of
// allowed values: the zod schemas, the CLI filters and the pages all read them here.

export const DESIGNS = [
  'rct',
  'non-randomized-controlled',
  'single-arm',
  'case-series',
  'case-report',
  'systematic-review',
  'meta-analysis',
  'protocol',
  'registry',
] as const;
export type Design = (typeof DESIGNS)[number];

/** Designs that report their own patients (primary studies), as opposed to reviews of others' patients. */
export const PRIMARY_DESIGNS: readonly Design[] = [
  'rct',
  'non-randomized-controlled',
  'single-arm',
  'case-series',
  'case-report',
];
/** Designs with a concurrent control group. */
export const CONTROLLED_DESIGNS: readonly Design[] = ['rct', 'non-randomized-controlled'];
export const REVIEW_DESIGNS: readonly Design[] = ['systematic-review', 'meta-analysis'];

// ClinicalTrials.gov overall-status values, in the kebab-case used throughout RegenSpine.
export const STATUSES = [
  'completed',
  'recruiting',
  'active-not-recruiting',
  'not-yet-recruiting',
  'enrolling-by-invitation',
  'suspended',
  'terminated',
  'withdrawn',
  'unknown',
] as const;
export type Status = (typeof STATUSES)[number];

export const THERAPIES = [
  'prp', // platelet-rich plasma
  'prf', // platelet-rich fibrin
  'bmc', // bone marrow concentrate (minimally manipulated, not culture-expanded)
  'bm-msc', // culture-expanded bone-marrow mesenchymal stromal cells
  'ad-msc', // adipose-derived MSCs
  'uc-msc', // umbilical-cord MSCs
  'mpc', // allogeneic mesenchymal precursor cells (e.g. rexlemestrocel-L)
  'msc-other', // MSCs of another or unstated source
  'exosome', // MSC-derived extracellular vesicles
  'ha', // hyaluronic acid (carrier or control)
  'steroid',
  'local-anesthetic',
  'saline',
  'sham',
  'contrast', // radiographic contrast agent used as a control injection
  'conventional-care',
  'other',
] as const;
export type Therapy = (typeof THERAPIES)[number];

/**
 * Therapy groups a user asks for on a card (`--therapy msc` etc.). `msc` covers every
 * mesenchymal-cell product, including BMC and MPC, as the issue and seed 004 use the word.
 */
export const THERAPY_GROUPS: Record<string, { label: string; members: readonly Therapy[]; note?: string }> = {
  msc: {
    label: 'Mesenchymal stem/stromal cell therapies',
    members: ['bmc', 'bm-msc', 'ad-msc', 'uc-msc', 'mpc', 'msc-other'],
    note: 'Includes bone marrow concentrate (BMC) and allogeneic mesenchymal precursor cells (MPC), which are often marketed as "stem cell" therapy although BMC contains few MSCs.',
  },
  prp: {
    label: 'Platelet-rich plasma and platelet-rich fibrin',
    members: ['prp', 'prf'],
  },
  bmc: { label: 'Bone marrow concentrate', members: ['bmc'] },
  'bm-msc': { label: 'Culture-expanded bone-marrow MSCs', members: ['bm-msc'] },
  'ad-msc': { label: 'Adipose-derived MSCs', members: ['ad-msc'] },
  'uc-msc': { label: 'Umbilical-cord MSCs', members: ['uc-msc'] },
  mpc: { label: 'Allogeneic mesenchymal precursor cells', members: ['mpc'] },
  prf: { label: 'Platelet-rich fibrin', members: ['prf'] },
  all: {
    label: 'All regenerative (orthobiologic) therapies',
    members: ['prp', 'prf', 'bmc', 'bm-msc', 'ad-msc', 'uc-msc', 'mpc', 'msc-other', 'exosome'],
  },
};

/** Orthobiologic therapies: the ones RegenSpine grades. Controls (saline, steroid…) are not among them. */
export const REGENERATIVE_THERAPIES: readonly Therapy[] = THERAPY_GROUPS.all?.members ?? [];

export const TARGETS = [
  'disc',
  'facet',
  'sacroiliac',
  'epidural',
  'nerve-root',
  'ligament',
  'muscle',
  'vertebral-endplate',
  'cervical-spine',
  'other',
] as const;
export type Target = (typeof TARGETS)[number];

export const INSTRUMENTS = [
  'ODI',
  'MODQ', // modified Oswestry disability questionnaire
  'VAS',
  'NRS',
  'RDQ',
  'FRI',
  'EQ-5D-3L',
  'EQ-5D',
  'SF-36',
  'SF-12',
  'NASS',
  'PROMIS',
  'GPH', // PROMIS Global-10 global physical health
  'GMH', // PROMIS Global-10 global mental health
  'JOA',
  'WPAI',
  'MRI',
  'opioid-use',
  'analgesic-use',
  'treatment-failure',
  'work-capacity',
  'satisfaction',
  'pain-improvement', // dichotomous "reported reduced pain" without a named scale
  'other',
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const STATISTICS = [
  'mean',
  'sd',
  'se',
  'median',
  'mean_change',
  'pct_change', // percentage change from baseline
  'responder_pct',
  'responder_n',
  'md', // between-arm mean difference
  'p_value',
  'n', // number analysed / assessed
  'count',
  'pct',
] as const;
export type Statistic = (typeof STATISTICS)[number];

export const ARM_ROLES = ['treatment', 'control'] as const;
export type ArmRole = (typeof ARM_ROLES)[number];

// Attribution scale of CTCAE / NCI (reference/safety.md): unrelated … definite.
export const RELATEDNESS = ['unrelated', 'unlikely', 'possible', 'probable', 'definite', 'not-assessed'] as const;
export type Relatedness = (typeof RELATEDNESS)[number];
/** Grades at which an event counts as related to the therapy (NCI attribution: possible or stronger). */
export const RELATED_GRADES: readonly Relatedness[] = ['possible', 'probable', 'definite'];

export const AE_REPORTING = ['none', 'some', 'not-reported'] as const;
export type AeReporting = (typeof AE_REPORTING)[number];

export const PRODUCT_ORIGINS = ['autologous', 'allogeneic'] as const;

export const PRODUCT_QUANTITY_KINDS = [
  'cell-dose', // cells injected (total or per level)
  'dose', // drug dose, e.g. mg of a steroid in a control arm
  'tnc', // total nucleated cells
  'cfu-f',
  'cd34',
  'platelet-concentration',
  'platelet-fold', // fold over baseline whole blood
  'leukocyte-concentration',
  'whole-blood-volume',
  'aspirate-volume',
  'injectate-volume',
  'culture-days',
  'passage',
  'viability',
  'other',
] as const;
