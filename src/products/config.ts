// Versioned product-characterisation settings (config/products.json): the UNVERIFIED items of
// docs/reference/products.md (PRP "≥2.5 × baseline" definition, DEPA grade boundaries B–D).
import { z } from 'zod';
import productsJson from '../../config/products.json' with { type: 'json' };

const setting = <T extends z.ZodType>(value: T) =>
  z.object({ value, verified: z.boolean(), source: z.string().min(1) }).strict();

const grades = z
  .object({ A: z.number().positive(), B: z.number().positive(), C: z.number().positive() })
  .strict()
  .refine((g) => g.A > g.B && g.B > g.C, 'grade boundaries must decrease from A to C');

export const ProductConfigSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    prp: z.object({ minFold: setting(z.number().positive()) }).strict(),
    depa: z
      .object({ doseBillions: setting(grades), recoveryPct: setting(grades), purityPct: setting(grades) })
      .strict(),
  })
  .strict();
export type ProductConfig = z.infer<typeof ProductConfigSchema>;

export function parseProductConfig(json: unknown): ProductConfig {
  return ProductConfigSchema.parse(json);
}

export const DEFAULT_PRODUCT_CONFIG: ProductConfig = parseProductConfig(productsJson);
