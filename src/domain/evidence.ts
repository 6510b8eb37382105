// The evidence model: one study as data, with provenance on every number.
// A curated study lives in data/evidence/<id>.json and is validated by `StudySchema`.
import { z } from 'zod';
import {
  AE_REPORTING,
  ARM_ROLES,
  DESIGNS,
  IMAGE_GUIDANCE,
  IMAGING_MEASURES,
  INSTRUMENTS,
  PRODUCT_DOSE_BASES,
  PRODUCT_ORIGINS,
  PRODUCT_QUANTITY_KINDS,
  RECORD_KINDS,
  RELATEDNESS,
  ROB_DOMAINS,
  SOURCE_TIERS,
  STATISTICS,
  STATUSES,
  TARGETS,
  THERAPIES,
  TIME_UNITS,
} from './vocabulary.ts';

const nonEmpty = z.string().trim().min(1);

/**
 * Where a datum comes from: a document registered in data/sources/sources.json, a locator a reader can
 * follow (section, table, page, paragraph), and the exact words of the source. For documents kept in the
 * repository (the seeds) the loader checks that the quote really is in the text.
 */
export const ProvenanceSchema = z
  .object({
    document: nonEmpty.describe('id of a document in data/sources/sources.json'),
    locator: nonEmpty.describe('where in the document: section, table, page or paragraph'),
    quote: nonEmpty.describe('the exact words of the source that give the datum'),
    source_tier: z
      .enum(SOURCE_TIERS)
      .optional()
      .describe("filled in by the loader from the document's tier (data/sources); a curator may not contradict it"),
  })
  .strict();
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * How a number was derived from quoted numbers. `validate` re-computes it from `inputs` by `rule`:
 * - allocation-ratio: inputs [total]; the arm's share of the study's `allocation_ratio` (must be a whole number);
 * - total-minus-arms: inputs [total, stated arm, …]; total minus the stated arms ("the remainder");
 * - sum: inputs summed;
 * - percent-of-denominator: inputs [percent, denominator]; the only whole count that rounds back to the percent.
 */
export const DERIVATION_RULES = ['allocation-ratio', 'total-minus-arms', 'sum', 'percent-of-denominator'] as const;
export const DerivationSchema = z
  .object({
    rule: z.enum(DERIVATION_RULES),
    formula: nonEmpty.describe('the computation in words and numbers, e.g. "100 × 3 / (3 + 3 + 2 + 2)"'),
    inputs: z
      .array(
        z
          .object({
            name: nonEmpty,
            value: z.number().finite(),
            provenance: ProvenanceSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Derivation = z.infer<typeof DerivationSchema>;

/**
 * A number that a source gives, a number derived from quoted numbers (with its derivation), or null with
 * the reason it is unknown. Never estimated: a value without provenance or derivation, or a null without a
 * reason, is rejected.
 */
export const MeasuredSchema = z
  .object({
    value: z.number().finite().nullable(),
    provenance: ProvenanceSchema.optional(),
    derivation: DerivationSchema.optional(),
    null_reason: nonEmpty.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.value !== null && !m.provenance && !m.derivation) {
      ctx.addIssue({ code: 'custom', path: ['provenance'], message: 'a number needs its provenance' });
    }
    if (m.value === null && m.derivation) {
      ctx.addIssue({ code: 'custom', path: ['derivation'], message: 'a derivation needs the value it derives' });
    }
    if (m.value === null && !m.null_reason) {
      ctx.addIssue({ code: 'custom', path: ['null_reason'], message: 'a null needs the reason it is unknown' });
    }
  });
export type Measured = z.infer<typeof MeasuredSchema>;

export const CitationSchema = z
  .object({
    authors: z.array(nonEmpty).describe('surname first, e.g. "Atluri S"'),
    year: z.number().int().min(1900).max(2100).nullable(),
    title: nonEmpty.nullable().describe('null when no source gives the title; never paraphrased'),
    journal: nonEmpty.nullable(),
    pmid: z
      .string()
      .regex(/^\d{1,9}$/)
      .nullable(),
    doi: z
      .string()
      .regex(/^10\.\d{4,9}\/\S+$/, 'a DOI starts with 10.<registrant>/')
      .nullable(),
    nct: z
      .string()
      .regex(/^NCT\d{8}$/)
      .nullable(),
  })
  .strict();

export const ArmSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'arm ids are lower-case slugs'),
    label: nonEmpty,
    role: z.enum(ARM_ROLES),
    therapies: z.array(z.enum(THERAPIES)).min(1),
    n: MeasuredSchema.describe('patients allocated to the arm'),
    intervention: nonEmpty,
  })
  .strict();

export const DispersionSchema = z
  .object({
    type: z.enum(['sd', 'se', 'ci95', 'iqr', 'range']),
    value: z.number().finite().optional(),
    lower: z.number().finite().optional(),
    upper: z.number().finite().optional(),
  })
  .strict();

/** A timepoint in the unit the source states it in (8 days, 6 weeks, 3 months): never converted. */
export const TimepointSchema = z
  .object({
    value: z.number().min(0),
    unit: z.enum(TIME_UNITS),
  })
  .strict();
export type Timepoint = z.infer<typeof TimepointSchema>;

export const OutcomeSchema = z
  .object({
    instrument: z.enum(INSTRUMENTS),
    measure: z.enum(IMAGING_MEASURES).optional().describe('for imaging outcomes: what the image measured'),
    label: nonEmpty.optional().describe('what exactly was measured, when the instrument alone does not say'),
    timepoint_months: z.number().min(0).nullable(),
    timepoint_weeks: z.number().min(0).optional().describe('v1: when the source states the timepoint in weeks'),
    timepoint: TimepointSchema.optional().describe('v2: the timepoint in the unit the source uses (days, weeks)'),
    window: nonEmpty.optional().describe('a window the source states instead of a point: "within 8 weeks"'),
    analysis: nonEmpty.optional().describe('analysis population or adjustment, as stated'),
    caveat: nonEmpty.optional().describe('why the value is approximate or of low confidence, shown with it'),
    undefined_measure: z
      .boolean()
      .optional()
      .describe('true when the source does not say what was measured: kept, never shown as a result'),
    arm: z.string().nullable().describe('an arm id, or null when the value is for the whole study population'),
    comparator_arm: z.string().nullable().optional().describe('for between-arm statistics (md, p_value)'),
    statistic: z.enum(STATISTICS),
    value: z.number().finite(),
    unit: nonEmpty.optional(),
    definition: nonEmpty.nullable().describe('responder definition, or what the statistic compares'),
    dispersion: DispersionSchema.optional(),
    provenance: ProvenanceSchema,
  })
  .strict();
export type Outcome = z.infer<typeof OutcomeSchema>;

export const AdverseEventSchema = z
  .object({
    description: nonEmpty,
    arm: z.string().nullable(),
    count: MeasuredSchema.describe('patients with the event'),
    serious: z.boolean().nullable(),
    relatedness: z.enum(RELATEDNESS).describe('to the product or procedure, as the source judged it'),
    attribution: z
      .object({ product: z.enum(RELATEDNESS), procedure: z.enum(RELATEDNESS) })
      .strict()
      .optional()
      .describe('v2: relatedness to the injected product and to the injection procedure, kept apart'),
    onset: nonEmpty.optional().describe('when it began, as stated ("at 1 and 6 months post-treatment")'),
    resolution: nonEmpty.nullable(),
    provenance: ProvenanceSchema,
  })
  .strict();
export type AdverseEvent = z.infer<typeof AdverseEventSchema>;

export const ProductQuantitySchema = z
  .object({
    kind: z.enum(PRODUCT_QUANTITY_KINDS),
    value: z.number().finite().nullable(),
    upper: z.number().finite().optional().describe('upper end when the source gives a range'),
    dispersion: z
      .object({
        type: z.enum(['sd', 'se', 'plus-minus-unspecified']),
        value: z.number().finite().min(0),
      })
      .strict()
      .optional()
      .describe('v2: "10 ± 5 × 10⁶" is value 10e6 with dispersion 5e6 (type unspecified unless the source says SD)'),
    per: z.enum(PRODUCT_DOSE_BASES).optional().describe('v2: per disc, per joint, per level, per injection or total'),
    unit: nonEmpty,
    text: nonEmpty.optional().describe('the value as the source writes it'),
    caveat: nonEmpty.optional().describe('why the value as printed cannot be taken at face value'),
    provenance: ProvenanceSchema,
  })
  .strict();

export const ProductSchema = z
  .object({
    arm: z.string().nullable(),
    therapy: z.enum(THERAPIES),
    source: nonEmpty.nullable().describe('tissue source, e.g. "iliac crest bone marrow"'),
    origin: z.enum(PRODUCT_ORIGINS).nullable(),
    culture_expanded: z.boolean().nullable(),
    description: nonEmpty,
    quantities: z.array(ProductQuantitySchema),
    adjuncts: z.array(nonEmpty),
    doses_given: z
      .object({ text: nonEmpty, provenance: ProvenanceSchema })
      .strict()
      .optional()
      .describe('v2: number of injections and repeats, as stated ("optional second injection at 6 months")'),
    image_guidance: z
      .object({ modality: z.enum(IMAGE_GUIDANCE), provenance: ProvenanceSchema })
      .strict()
      .optional(),
    provenance: ProvenanceSchema,
  })
  .strict();

/**
 * A result stated without (or beside) numbers: which arms were compared on what, at which timepoint, which
 * arm it favours and whether the source calls it significant. `comparison` says what kind of contrast it is:
 * between-arms (favours an arm id, "neither" or "mixed"), within-arm (change from baseline in each listed arm;
 * `favours` null, `change` says which way), dose (between dose arms), subgroup (a moderator), unclear (the
 * source does not say whether against control or baseline).
 */
export const FindingSchema = z
  .object({
    outcome: nonEmpty.describe('what was measured, in words: "pain (VAS)", "treatment failure"'),
    instrument: z.enum(INSTRUMENTS).nullable(),
    measure: z.enum(IMAGING_MEASURES).optional(),
    timepoint: TimepointSchema.nullable(),
    window: nonEmpty.nullable().describe('"within 8 weeks", "throughout the 3-month study period", or null'),
    comparison: z.enum(['between-arms', 'within-arm', 'dose', 'subgroup', 'unclear']),
    arms: z.array(z.string()).describe('the arm ids compared (or, within-arm, the arms that changed)'),
    comparator: nonEmpty.optional().describe('the comparator named in words, when the arms alone do not name it'),
    favours: z.string().nullable().describe('an arm id, "neither" or "mixed"; null for within-arm findings'),
    change: z.enum(['improved', 'worsened', 'no-change', 'stable-or-improved']).nullable(),
    significant: z.boolean().nullable().describe('true / false as the source states; null when it does not say'),
    p: nonEmpty.nullable().describe('p value or threshold as stated ("p = 0.018"), or null'),
    analysis: nonEmpty
      .nullable()
      .describe('analysis population or adjustment: "corrected for post-treatment interventions"'),
    statement: nonEmpty.describe("the finding in one neutral sentence, the curator's words"),
    provenance: ProvenanceSchema,
  })
  .strict();
export type Finding = z.infer<typeof FindingSchema>;

/** Reported pooled estimate of a review (never computed here). */
export const PooledEstimateSchema = z
  .object({
    outcome: nonEmpty,
    measure: z.enum(['MD', 'SMD', 'RR', 'OR', 'RD', 'proportion']),
    estimate: z.number().finite(),
    ci_lower: z.number().finite().nullable(),
    ci_upper: z.number().finite().nullable(),
    intervention: nonEmpty,
    comparator: nonEmpty,
    timepoint: TimepointSchema.nullable(),
    window: nonEmpty.nullable(),
    scale: nonEmpty.nullable().describe('the scale of an MD, or null when the source does not name it'),
    studies: MeasuredSchema.optional(),
    participants: MeasuredSchema.optional(),
    heterogeneity: nonEmpty.nullable().describe('I², tau² or words, as stated; null when not stated'),
    provenance: ProvenanceSchema,
  })
  .strict();

/** What a review is and found: counts of included studies, pooled estimates, vote counts, conclusions. */
export const ReviewSchema = z
  .object({
    included_studies: MeasuredSchema,
    included_rcts: MeasuredSchema,
    participants: MeasuredSchema,
    pooled: z.array(PooledEstimateSchema),
    vote_counts: z.array(
      z
        .object({
          outcome: nonEmpty,
          positive: z.number().int().min(0),
          of: z.number().int().min(1),
          unit: z.enum(['studies', 'rcts']),
          statement: nonEmpty,
          provenance: ProvenanceSchema,
        })
        .strict(),
    ),
    conclusions: z.array(z.object({ text: nonEmpty, provenance: ProvenanceSchema }).strict()),
    included_study_ids: z
      .array(z.string())
      .describe('curated studies the review includes (for double-counting checks); [] when the sources do not say'),
    included_study_ids_note: nonEmpty.optional(),
  })
  .strict();
export type Review = z.infer<typeof ReviewSchema>;

/** A fact a risk-of-bias judgement needs, as a source states it (not a judgement). */
export const RobInputSchema = z
  .object({
    domain: z.enum(ROB_DOMAINS),
    value: nonEmpty.describe('as stated: "open-label", "double-blind", "private, specialized … clinic"'),
    provenance: ProvenanceSchema,
  })
  .strict();

/** A record linked to a study but known only by its citation (title-only records). */
export const RelatedRecordSchema = z
  .object({
    relation: z.enum(['possible-follow-up', 'similar-article', 'cited-by', 'parent-trial', 'report-of']),
    study_id: z.string().nullable().describe('the curated study it is, when it is curated'),
    citation: nonEmpty.optional().describe('the citation as the source prints it, when not curated'),
    note: nonEmpty.optional(),
    provenance: ProvenanceSchema,
  })
  .strict();

export const StudySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'study ids are lower-case slugs such as atluri-2022'),
    citation: CitationSchema,
    citation_provenance: ProvenanceSchema,
    design: z.enum(DESIGNS),
    design_provenance: ProvenanceSchema,
    record_kind: z
      .enum(RECORD_KINDS)
      .default('publication')
      .describe('v2: a published report, a trial registration, or a protocol; kept apart from the design'),
    phase: z.enum(['I', 'I/II', 'II', 'IIb', 'II/III', 'III', 'IV']).nullable(),
    status: z.enum(STATUSES),
    status_as_of: z
      .object({
        date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date YYYY, YYYY-MM or YYYY-MM-DD'),
        basis: nonEmpty.describe('what the date is: "seed-000 accepted 27 June 2022"'),
        provenance: ProvenanceSchema,
      })
      .strict()
      .optional()
      .describe('v2: the date at which status and enrollment were as recorded (registered trials)'),
    conditions: z.array(nonEmpty).min(1),
    therapies: z.array(z.enum(THERAPIES)).min(1),
    targets: z.array(z.enum(TARGETS)),
    enrolled: MeasuredSchema,
    enrolled_kind: z.enum(['actual', 'estimated']).optional(),
    followup_months: MeasuredSchema,
    allocation_ratio: z
      .object({
        arms: z.array(z.string()).min(2),
        parts: z.array(z.number().int().min(1)).min(2),
        provenance: ProvenanceSchema,
      })
      .strict()
      .optional()
      .describe('v2: the stated allocation ratio (3:3:2:2), arm by arm; feeds derived arm sizes'),
    arms: z.array(ArmSchema),
    products: z.array(ProductSchema),
    outcomes: z.array(OutcomeSchema),
    findings: z.array(FindingSchema).default([]).describe('v2: results stated as direction and significance'),
    adverse_events: z.array(AdverseEventSchema),
    adverse_events_reported: z.enum(AE_REPORTING),
    adverse_events_provenance: ProvenanceSchema.optional(),
    limitations: z.array(z.object({ text: nonEmpty, provenance: ProvenanceSchema.optional() }).strict()),
    summary: nonEmpty.optional().describe('one neutral sentence on what the study is, for tables'),
    reviews: z.array(z.string()).optional().describe('ids of curated reviews that include this study'),
    included_studies: MeasuredSchema.optional().describe('v1: for reviews, how many studies they include'),
    review: ReviewSchema.optional().describe('v2: what a review included and found'),
    rob_inputs: z.array(RobInputSchema).default([]).describe('v2: facts a risk-of-bias judgement needs'),
    related_records: z.array(RelatedRecordSchema).default([]),
    notes: z.array(nonEmpty).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const armIds = new Set(s.arms.map((a) => a.id));
    if (armIds.size !== s.arms.length) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'arm ids repeat' });
    const checkArm = (arm: string | null | undefined, path: (string | number)[]) => {
      if (arm != null && !armIds.has(arm)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown arm "${arm}" (arms: ${[...armIds].join(', ') || 'none'})`,
        });
      }
    };
    s.outcomes.forEach((o, i) => {
      checkArm(o.arm, ['outcomes', i, 'arm']);
      checkArm(o.comparator_arm, ['outcomes', i, 'comparator_arm']);
    });
    s.adverse_events.forEach((e, i) => {
      checkArm(e.arm, ['adverse_events', i, 'arm']);
    });
    s.products.forEach((p, i) => {
      checkArm(p.arm, ['products', i, 'arm']);
    });
    s.findings.forEach((f, i) => {
      f.arms.forEach((a, j) => {
        checkArm(a, ['findings', i, 'arms', j]);
      });
      if (f.favours !== null && f.favours !== 'neither' && f.favours !== 'mixed') {
        checkArm(f.favours, ['findings', i, 'favours']);
      }
      if (f.comparison === 'within-arm' && (f.favours !== null || f.change === null)) {
        ctx.addIssue({
          code: 'custom',
          path: ['findings', i],
          message: 'a within-arm finding has favours null and a change (improved, worsened, no-change…)',
        });
      }
      if ((f.comparison === 'between-arms' || f.comparison === 'dose') && f.favours === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['findings', i, 'favours'],
          message: 'a comparison between arms needs favours: an arm id, "neither" or "mixed"',
        });
      }
    });
    if (s.allocation_ratio) {
      const r = s.allocation_ratio;
      if (r.arms.length !== r.parts.length) {
        ctx.addIssue({ code: 'custom', path: ['allocation_ratio'], message: 'one part per arm' });
      }
      r.arms.forEach((a, j) => {
        checkArm(a, ['allocation_ratio', 'arms', j]);
      });
    }
    const reviewish = ['systematic-review', 'meta-analysis', 'narrative-review'].includes(s.design);
    if (s.review && !reviewish && s.design !== 'not-stated') {
      ctx.addIssue({ code: 'custom', path: ['review'], message: `a ${s.design} is not a review` });
    }
    if (s.adverse_events_reported === 'some' && s.adverse_events.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['adverse_events'],
        message: 'adverse_events_reported is "some" but no event is listed',
      });
    }
    if (s.adverse_events_reported !== 'some' && s.adverse_events.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['adverse_events_reported'],
        message: `events are listed, so adverse_events_reported must be "some", not "${s.adverse_events_reported}"`,
      });
    }
    if (s.adverse_events_reported !== 'not-reported' && !s.adverse_events_provenance && s.adverse_events.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['adverse_events_provenance'],
        message: 'a claim that no adverse event occurred needs the quote that says so',
      });
    }
    if (s.record_kind !== 'publication' && s.outcomes.length + s.findings.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['record_kind'],
        message: `a ${s.record_kind} has no results; a study with results is a publication`,
      });
    }
  });
/** A study as curated and validated (defaults of v2 fields filled in). */
export type Study = z.infer<typeof StudySchema>;
/** A study file as a curator writes it (v2 fields with defaults may be omitted). */
export type Arm = z.infer<typeof ArmSchema>;
export type Product = z.infer<typeof ProductSchema>;

/** A document that provenance can point at. Seeds are kept in data/sources so their quotes are checked. */
export const SourceDocumentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: nonEmpty,
    kind: z.enum(['seed', 'primary-paper', 'registry-record', 'review']),
    tier: z.enum(SOURCE_TIERS).describe('what the document is to the studies it describes (the source tier)'),
    description: nonEmpty.describe('what this document is, in one sentence, for readers of /sources'),
    year: z.number().int().nullable(),
    file: nonEmpty.nullable().describe('path under data/sources/ of the text, when it is kept in the repo'),
    citation: nonEmpty.optional(),
    url: nonEmpty.optional(),
    origin: nonEmpty.describe('where the copy came from'),
  })
  .strict();
export type SourceDocument = z.infer<typeof SourceDocumentSchema>;

/**
 * Statements that are not studies (data/statements/<id>.json):
 * - evidence-level: a guideline's or review's grading of a therapy × target (ASIPP "level IV"), with who graded it;
 * - unverifiable: a claim a document makes about studies it does not identify (so the claim checker can cite it);
 * - citation: a record known only by its citation (a title on a PubMed page), linked to the studies it concerns.
 */
const statementBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  notes: z.array(nonEmpty).optional(),
};
export const EvidenceLevelSchema = z
  .object({
    ...statementBase,
    kind: z.literal('evidence-level'),
    body: nonEmpty.describe('who graded: "ASIPP"'),
    scheme: nonEmpty.describe('the grading scheme: "ASIPP levels of evidence"'),
    level: nonEmpty,
    therapies: z.array(z.enum(THERAPIES)).min(1),
    targets: z.array(z.enum(TARGETS)).min(1),
    statement: nonEmpty.describe('the grading sentence, as the source words it'),
    reported_by: nonEmpty.describe('the document that reports the grading, when it is not the guideline itself'),
    provenance: ProvenanceSchema,
  })
  .strict();
export type EvidenceLevel = z.infer<typeof EvidenceLevelSchema>;

export const UnverifiableStatementSchema = z
  .object({
    ...statementBase,
    kind: z.literal('unverifiable'),
    claim: nonEmpty.describe('what the document asserts, in its words'),
    cited_as: nonEmpty.nullable().describe('the reference numbers it cites ("[51]"), or null when uncited'),
    why_unverifiable: nonEmpty,
    therapies: z.array(z.enum(THERAPIES)),
    provenance: ProvenanceSchema,
  })
  .strict();
export type UnverifiableStatement = z.infer<typeof UnverifiableStatementSchema>;

export const CitationRecordSchema = z
  .object({
    ...statementBase,
    kind: z.literal('citation'),
    citation: CitationSchema,
    links: z
      .array(
        z
          .object({
            study_id: z.string(),
            relation: z.enum(['similar-article', 'cited-by', 'possible-follow-up']),
            basis: nonEmpty.describe('why the record is linked to this study'),
          })
          .strict(),
      )
      .min(1),
    relevant: z.boolean().describe('on the clinical question (regenerative therapy for chronic low back pain)'),
    provenance: ProvenanceSchema,
  })
  .strict();
export type CitationRecord = z.infer<typeof CitationRecordSchema>;

export const StatementSchema = z.discriminatedUnion('kind', [
  EvidenceLevelSchema,
  UnverifiableStatementSchema,
  CitationRecordSchema,
]);
export type Statement = z.infer<typeof StatementSchema>;
