// The evidence model: one study as data, with provenance on every number.
// A curated study lives in data/evidence/<id>.json and is validated by `StudySchema`.
import { z } from 'zod';
import {
  AE_REPORTING,
  ARM_ROLES,
  DESIGNS,
  INSTRUMENTS,
  PRODUCT_ORIGINS,
  PRODUCT_QUANTITY_KINDS,
  RELATEDNESS,
  STATISTICS,
  STATUSES,
  TARGETS,
  THERAPIES,
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
  })
  .strict();
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * A number that a source gives, or null with the reason it is unknown. Never estimated: a value without
 * provenance, or a null without a reason, is rejected.
 */
export const MeasuredSchema = z
  .object({
    value: z.number().finite().nullable(),
    provenance: ProvenanceSchema.optional(),
    null_reason: nonEmpty.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.value !== null && !m.provenance) {
      ctx.addIssue({ code: 'custom', path: ['provenance'], message: 'a number needs its provenance' });
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

export const OutcomeSchema = z
  .object({
    instrument: z.enum(INSTRUMENTS),
    label: nonEmpty.optional().describe('what exactly was measured, when the instrument alone does not say'),
    timepoint_months: z.number().min(0).nullable(),
    timepoint_weeks: z.number().min(0).optional().describe('when the source states the timepoint in weeks'),
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
    unit: nonEmpty,
    text: nonEmpty.optional().describe('the value as the source writes it'),
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
    phase: z.enum(['I', 'I/II', 'II', 'IIb', 'II/III', 'III', 'IV']).nullable(),
    status: z.enum(STATUSES),
    conditions: z.array(nonEmpty).min(1),
    therapies: z.array(z.enum(THERAPIES)).min(1),
    targets: z.array(z.enum(TARGETS)),
    enrolled: MeasuredSchema,
    enrolled_kind: z.enum(['actual', 'estimated']).optional(),
    followup_months: MeasuredSchema,
    arms: z.array(ArmSchema),
    products: z.array(ProductSchema),
    outcomes: z.array(OutcomeSchema),
    adverse_events: z.array(AdverseEventSchema),
    adverse_events_reported: z.enum(AE_REPORTING),
    adverse_events_provenance: ProvenanceSchema.optional(),
    limitations: z.array(z.object({ text: nonEmpty, provenance: ProvenanceSchema.optional() }).strict()),
    summary: nonEmpty.optional().describe('one neutral sentence on what the study is, for tables'),
    reviews: z.array(z.string()).optional().describe('ids of curated reviews that include this study'),
    included_studies: MeasuredSchema.optional().describe('for reviews: how many studies they include'),
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
  });
export type Study = z.infer<typeof StudySchema>;
export type Arm = z.infer<typeof ArmSchema>;
export type Product = z.infer<typeof ProductSchema>;

/** A document that provenance can point at. Seeds are kept in data/sources so their quotes are checked. */
export const SourceDocumentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: nonEmpty,
    kind: z.enum(['seed', 'primary-paper', 'registry-record', 'review']),
    file: nonEmpty.nullable().describe('path under data/sources/ of the text, when it is kept in the repo'),
    citation: nonEmpty.optional(),
    url: nonEmpty.optional(),
    origin: nonEmpty.describe('where the copy came from'),
  })
  .strict();
export type SourceDocument = z.infer<typeof SourceDocumentSchema>;
