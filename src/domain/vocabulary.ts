// Controlled vocabularies of the evidence model. One home for every list of
// allowed values: the zod schemas, the CLI filters and the pages all read them here.

// Study designs. A design is what the study is (randomized, single-arm, a review…), never what state its
// publication is in: a registered trial without results or a published protocol is a `record_kind`
// (RECORD_KINDS), not a design. 'not-stated' is used where no source gives the design: such studies are
// listed but never counted as a design (evidence model v2, issue 8).
export const DESIGNS = [
  'rct',
  'non-randomized-controlled',
  'single-arm',
  'case-series',
  'case-report',
  'systematic-review',
  'meta-analysis',
  'narrative-review',
  'registry',
  'not-stated',
] as const;
export type Design = (typeof DESIGNS)[number];

/** What kind of record a study file describes: a published report with results, a trial registration, a protocol. */
export const RECORD_KINDS = ['publication', 'registration', 'protocol'] as const;

/** Designs with a concurrent control group. */
export const CONTROLLED_DESIGNS: readonly Design[] = ['rct', 'non-randomized-controlled'];
export const REVIEW_DESIGNS: readonly Design[] = ['systematic-review', 'meta-analysis', 'narrative-review'];
/** Primary designs without a concurrent control group. 'not-stated' is neither controlled nor uncontrolled. */
export const UNCONTROLLED_DESIGNS: readonly Design[] = ['single-arm', 'case-series', 'case-report'];

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
  'smd', // standardized mean difference
  'rr', // risk ratio
  'or', // odds ratio
  'rd', // risk difference
  'proportion',
  'p_value',
  'n', // number analysed / assessed
  'count',
  'pct',
  'grade', // an ordinal grade of one patient or joint (e.g. facet synovitis grade 4)
] as const;
export type Statistic = (typeof STATISTICS)[number];

export const ARM_ROLES = ['treatment', 'control'] as const;

// Attribution scale of CTCAE / NCI (docs/reference/safety.md): unrelated … definite.
// 'not-assessed': the source says relatedness was not judged. 'not-stated': the source says nothing about it
// (the usual case in a narrative review); the two are kept apart (audit §2.10 items 5–6).
export const RELATEDNESS = [
  'unrelated',
  'unlikely',
  'possible',
  'probable',
  'definite',
  'not-assessed',
  'not-stated',
] as const;
export type Relatedness = (typeof RELATEDNESS)[number];
/** Grades at which an event counts as related to the therapy (NCI attribution: possible or stronger). */
export const RELATED_GRADES: readonly Relatedness[] = ['possible', 'probable', 'definite'];

/**
 * What a source says about adverse events, in the forms the seeds use: 'none' (no adverse event at all),
 * 'none-serious' ("No serious or unexpected adverse events occurred"), 'none-related' ("no adverse outcomes
 * secondary to the intradiscal injections"), 'some' (events listed), 'not-reported' (silent).
 */
export const AE_REPORTING = ['none', 'none-serious', 'none-related', 'some', 'not-reported'] as const;

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
  'culture-duration', // time in culture; the unit (days, weeks) says how it was stated
  'passage',
  'viability',
  'other',
] as const;

/** Units of a timepoint, as the source states it (never converted). */
export const TIME_UNITS = ['days', 'weeks', 'months'] as const;

/** What an imaging outcome measured. */
export const IMAGING_MEASURES = [
  'pfirrmann-grade',
  'modified-pfirrmann',
  'water-content', // T2 signal / disc hydration
  'disc-height-index',
  'disc-morphology', // fissures, protrusions
  'facet-synovitis-grade',
  'spinal-compression',
] as const;

/** Where a datum stands relative to the study it describes (the source tier of each datum). */
export const SOURCE_TIERS = [
  'primary-abstract', // the study's own abstract or paper
  'registry', // the trial registration
  'narrative-review', // a review that retells the study: numbers are second-hand
  'promotional', // a summary written to sell or promote
  'patient-information',
] as const;
export type SourceTier = (typeof SOURCE_TIERS)[number];

/** Risk-of-bias inputs a source can state (RoB 2 / ROBINS-I signalling facts, not judgements). */
export const ROB_DOMAINS = [
  'randomisation',
  'allocation-concealment',
  'blinding',
  'control-type',
  'setting',
  'funding',
  'crossover',
  'attrition',
  'analysis',
] as const;

export const PRODUCT_DOSE_BASES = ['disc', 'joint', 'level', 'injection', 'total', 'not-stated'] as const;
export const IMAGE_GUIDANCE = ['ultrasound', 'fluoroscopy', 'ct', 'not-stated'] as const;
