// What the follow-up form shows for each PROM item. PROMIS Global Health v1.2 (Global-10) is free to use
// under PROMIS Health Organization terms (docs/reference/instruments.md §4, vendored in docs/reference/registry.md), so its
// questions and answer labels are shipped here. The Oswestry Disability Index (Mapi Research Trust) and
// EQ-5D-3L (EuroQol Research Foundation) wordings are licensed and NOT shipped: a clinic holding the licence
// supplies them in a JSON file (REGENSPINE_PROM_TEXT, format below); without it the form shows short labels
// and says where the wording comes from. Pure apart from loadLicensedPromText, which reads that one file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Promis10Item } from '../instruments/promis10.ts';

export interface PromisQuestion {
  text: string;
  /** [stored value, label], in the order the form shows them. */
  options: [number, string][];
}

const EXCELLENT: [number, string][] = [
  [5, 'Excellent'],
  [4, 'Very good'],
  [3, 'Good'],
  [2, 'Fair'],
  [1, 'Poor'],
];

/**
 * PROMIS Scale v1.2 – Global Health, as on the public HealthMeasures form
 * (https://www.healthmeasures.net/explore-measurement-systems/promis, "PROMIS Scale v1.2 - Global Health");
 * response values as docs/reference/instruments.md §4.1 (v1.2: items 07–10 keyed 5 = best; Global07 is the 0–10 pain
 * rating, recoded by the scorer). Item order is the form's: 01–05, 09, 06, 10, 08, 07.
 */
export const PROMIS10_QUESTIONS: Record<Promis10Item, PromisQuestion> = {
  Global01: { text: 'In general, would you say your health is:', options: EXCELLENT },
  Global02: { text: 'In general, would you say your quality of life is:', options: EXCELLENT },
  Global03: { text: 'In general, how would you rate your physical health?', options: EXCELLENT },
  Global04: {
    text: 'In general, how would you rate your mental health, including your mood and your ability to think?',
    options: EXCELLENT,
  },
  Global05: {
    text: 'In general, how would you rate your satisfaction with your social activities and relationships?',
    options: EXCELLENT,
  },
  Global09: {
    text: 'In general, please rate how well you carry out your usual social activities and roles. (This includes activities at home, at work and in your community, and responsibilities as a parent, child, spouse, employee, friend, etc.)',
    options: EXCELLENT,
  },
  Global06: {
    text: 'To what extent are you able to carry out your everyday physical activities such as walking, climbing stairs, carrying groceries, or moving a chair?',
    options: [
      [5, 'Completely'],
      [4, 'Mostly'],
      [3, 'Moderately'],
      [2, 'A little'],
      [1, 'Not at all'],
    ],
  },
  Global10: {
    text: 'In the past 7 days, how often have you been bothered by emotional problems such as feeling anxious, depressed or irritable?',
    options: [
      [5, 'Never'],
      [4, 'Rarely'],
      [3, 'Sometimes'],
      [2, 'Often'],
      [1, 'Always'],
    ],
  },
  Global08: {
    text: 'In the past 7 days, how would you rate your fatigue on average?',
    options: [
      [5, 'None'],
      [4, 'Mild'],
      [3, 'Moderate'],
      [2, 'Severe'],
      [1, 'Very severe'],
    ],
  },
  Global07: {
    text: 'In the past 7 days, how would you rate your pain on average? (0 = no pain, 10 = worst pain imaginable)',
    options: Array.from({ length: 11 }, (_, i) => [i, String(i)] as [number, string]),
  },
};

/** The order of the printed form. */
export const PROMIS10_FORM_ORDER: Promis10Item[] = [
  'Global01',
  'Global02',
  'Global03',
  'Global04',
  'Global05',
  'Global09',
  'Global06',
  'Global10',
  'Global08',
  'Global07',
];

const nonEmpty = z.string().trim().min(1).max(500);
/**
 * The clinic's licensed wording. ODI: ten sections, each a title and its six statements (scored 0–5 in
 * order). EQ-5D-3L: each dimension's three statements (levels 1–3) and the EQ VAS instruction.
 */
export const LicensedPromTextSchema = z
  .object({
    $comment: z.string().optional(),
    licence: nonEmpty,
    ODI: z
      .object({
        version: nonEmpty,
        sections: z.array(z.object({ title: nonEmpty, statements: z.array(nonEmpty).length(6) }).strict()).length(10),
      })
      .strict()
      .optional(),
    EQ5D3L: z
      .object({
        version: nonEmpty,
        dimensions: z
          .object({
            MO: z.array(nonEmpty).length(3),
            SC: z.array(nonEmpty).length(3),
            UA: z.array(nonEmpty).length(3),
            PD: z.array(nonEmpty).length(3),
            AD: z.array(nonEmpty).length(3),
          })
          .strict(),
        vas: nonEmpty.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type LicensedPromText = z.infer<typeof LicensedPromTextSchema>;

/** Reads and validates the clinic's file; a clear error naming the file and the field if it is wrong. */
export function loadLicensedPromText(path: string): LicensedPromText {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`REGENSPINE_PROM_TEXT: cannot read ${path} as JSON (${(e as Error).message})`);
  }
  const r = LicensedPromTextSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`REGENSPINE_PROM_TEXT ${path}: ${i.path.join('.') || '$'}: ${i.message}`);
  }
  return r.data;
}
