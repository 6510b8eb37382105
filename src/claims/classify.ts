// Reading one claim: its kind, the therapy it speaks of (resolved with the vocabulary), its numbers,
// quantifiers and how strongly it is worded. Pure, rule by rule; each rule is a regular expression a reader can
// check against the claim (test/claims/classify.test.ts).
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { NUMBER_WORDS, type Segment } from './split.ts';
import type { ClaimKind } from './types.ts';

/**
 * Words that name a therapy, most specific first, and the THERAPY_GROUPS key each resolves to. "Stem cell
 * therapy" is the `msc` group: every mesenchymal-cell product, including bone marrow concentrate and allogeneic
 * precursor cells, as the vocabulary's note says such products are marketed.
 */
export const THERAPY_TERMS: { re: RegExp; therapy: string }[] = [
  { re: /\b(?:adipose|fat)[- ](?:tissue[- ])?derived\b|\bAD-?MSCs?\b|\bAT-?MSCs?\b/i, therapy: 'ad-msc' },
  { re: /\bumbilical|\bwharton|\bUC-?MSCs?\b|\bHUCMSCs?\b/i, therapy: 'uc-msc' },
  { re: /\bmesenchymal precursor cells?\b|\bMPCs?\b|\brexlemestrocel/i, therapy: 'mpc' },
  { re: /\bculture[- ]expanded\b|\bBM-?MSCs?\b/i, therapy: 'bm-msc' },
  { re: /\bbone marrow (?:aspirate )?concentrate\b|\bBMA?C\b/i, therapy: 'bmc' },
  { re: /\bstem[- ]cells?\b|\bMSCs?\b|\bmesenchymal\b|\bcell[- ]based\b|\bcell therap/i, therapy: 'msc' },
  { re: /\bplatelet[- ]rich fibrin\b|\bPRF\b/i, therapy: 'prf' },
  { re: /\bplatelet[- ]rich plasma\b|\bPRP\b/i, therapy: 'prp' },
  { re: /\bregenerative (?:medicine|therap|treatment|injection)|\borthobiologic|\bbiologics\b/i, therapy: 'all' },
];

export function therapyIn(text: string): string | null {
  let best: { at: number; therapy: string } | null = null;
  for (const t of THERAPY_TERMS) {
    const m = t.re.exec(text);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, therapy: t.therapy };
  }
  return best?.therapy ?? null;
}

export function therapyLabel(therapy: string): string {
  const g = THERAPY_GROUPS[therapy];
  return g ? `${therapy} (${g.label.toLowerCase()}: ${g.members.join(', ')})` : therapy;
}

const NUM_RE = new RegExp(`(\\d[\\d,]*(?:\\.\\d+)?|\\b(?:${Object.keys(NUMBER_WORDS).join('|')})\\b)`, 'gi');

/** The numbers of a claim, in order ("Four … 148" → [4, 148]); percentages are kept apart. */
export function numbersIn(text: string): { value: number; percent: boolean; text: string }[] {
  const out: { value: number; percent: boolean; text: string }[] = [];
  for (const m of text.matchAll(NUM_RE)) {
    const raw = m[1]!;
    const word = NUMBER_WORDS[raw.toLowerCase()];
    const value = word ?? Number(raw.replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    const after = text.slice(m.index! + raw.length, m.index! + raw.length + 2);
    out.push({ value, percent: /^\s?%/.test(after), text: raw });
  }
  return out;
}

export type Quantifier = 'all' | 'majority' | 'half' | 'some' | 'none' | { exactly: number } | { atLeast: number };

/** A quantifier over studies or patients: "all", "a majority of", "one of the trials", "no study" … */
export function quantifierIn(text: string): Quantifier | null {
  if (/\b(?:all|every|each)\b/i.test(text)) return 'all';
  if (/\b(?:majority|most)\b/i.test(text)) return 'majority';
  if (/\bhalf\b/i.test(text)) return 'half';
  if (/\bno (?:study|trial|studies|trials)\b|\bnone of\b/i.test(text)) return 'none';
  const of = new RegExp(
    `\\b(${NUM_RE.source.slice(1, -1)})\\s+of\\s+(?:the\\s+)?(?:[a-z]+\\s+)?(?:studies|trials)`,
    'i',
  ).exec(text);
  if (of) {
    const n = NUMBER_WORDS[of[1]!.toLowerCase()] ?? Number(of[1]);
    if (Number.isFinite(n)) return { exactly: n };
  }
  if (/\b(?:some|several|many|a few|multiple)\b/i.test(text)) return 'some';
  return null;
}

/**
 * How strongly a claim is worded, on GRADE guidance 26's scale (docs/reference/evidence-grading.md §2.4):
 * certain ("results in", "is effective", "leads to"), probable ("probably", "likely"), possible ("may", "might",
 * "could", "promising"), or report (a statement about what studies found: "in one of the trials …").
 */
export type Wording = 'certain' | 'probable' | 'possible' | 'report';
export const WORDING_RANK: Record<Exclude<Wording, 'report'>, number> = { possible: 1, probable: 2, certain: 3 };

export function wordingOf(text: string): Wording {
  if (
    /\b(?:studies|trials|study|trial|research|reviews?|authors|researchers)\b.{0,60}\b(?:report(?:s|ed)?|show(?:s|ed|n)?|f(?:ou|i)nd|found|demonstrat\w*|observ\w*|concluded)\b/i.test(
      text,
    ) ||
    /\bin (?:a |the )?(?:majority|most|all|one|some|several|many|few|half|none|two|three|four|five|\d+)\b.{0,25}\b(?:studies|trials|study|trial)\b/i.test(
      text,
    )
  )
    return 'report';
  if (/\b(?:may|might|could|can|possibly|potentially|promising|appears?|seems?|preliminary|suggests?)\b/i.test(text))
    return 'possible';
  if (/\b(?:probably|likely)\b/i.test(text)) return 'probable';
  return 'certain';
}

/** Kinds, first match wins; `predicate` (a listed word such as "durable") decides before the text does. */
const KIND_RULES: { kind: ClaimKind; re: RegExp }[] = [
  {
    kind: 'regulatory',
    re: /\bFDA\b|\bapprov(?:ed|al)\b|\blicen[cs]ed\b|\bcleared\b|\bclearance\b|\blegal\b|\blawful\b|\bregulat\w*|\bHCT\/Ps?\b|\bnot allowed for clinical use\b/i,
  },
  {
    kind: 'safety',
    re: /\bsafe(?:ty)?\b|\badverse\b|\bside[- ]effects?\b|\bcomplications?\b|\btolerat\w*|\brisks?\b|\brisk-free\b|\binfections?\b|\bharms?\b/i,
  },
  { kind: 'opioid-use', re: /\bopioids?\b|\banalgesics?\b|\bpain ?killers?\b|\bmedication use\b/i },
  {
    kind: 'comparison',
    re: /\b(?:better|superior|inferior|worse|more effective|less effective)\b.{0,40}\b(?:than|to)\b|\bcompared (?:with|to)\b|\bversus\b|\bthan (?:steroids?|corticosteroids?|placebo|saline|surgery)\b/i,
  },
  {
    kind: 'cost-access',
    re: /\bcosts?\b|\bprices?\b|\bexpensive\b|\bafford\w*|\binsurance\b|\breimburs\w*|\bcovered by\b|\bout[- ]of[- ]pocket\b/i,
  },
  {
    kind: 'mechanism',
    re: /\bregenerat\w*|\brepair\w*|\brestor\w*|\brebuild\w*|\bregrow\w*|\brevers\w* (?:the )?(?:disc )?degeneration|\bheal\w* (?:the )?(?:disc|tissue)/i,
  },
  {
    kind: 'durability',
    re: /\bdurab\w*|\blong[- ]lasting\b|\blong[- ]term\b|\bsustained\b|\bmaintained\b|\bthrough \d+ months\b|\bpermanent\w*/i,
  },
  {
    kind: 'responder-rate',
    re: /\d+(?:\.\d+)?\s?%\s+(?:of\s+)?(?:the\s+)?(?:patients|participants|subjects|people)\b|\b\d+ (?:of|out of) (?:the )?\d+ (?:patients|participants|subjects)\b|\bresponders?\b|\bMCID\b/i,
  },
  {
    kind: 'study-count',
    re: new RegExp(
      `\\b${NUM_RE.source}\\s+(?:(?!patients|participants|subjects)[A-Za-z-]+\\s+){0,3}?(?:studies|study|trials|trial|RCTs|RCT)\\b`,
      'i',
    ),
  },
  {
    kind: 'patient-count',
    re: new RegExp(`\\b${NUM_RE.source}\\s+(?:[A-Za-z-]+\\s+){0,2}?(?:patients|participants|subjects)\\b`, 'i'),
  },
  {
    kind: 'design-quality',
    re: /\brandomi[sz]ed\b|\bplacebo[- ]controlled\b|\bdouble[- ]blind\b|\bopen[- ]label\b|\bhigh[- ]quality\b|\blow[- ]quality\b|\blevel (?:I|II|III|IV|V)\b|\bRCTs?\b|\bevidence\b[^.]{0,60}\b(?:is|was|remains|are)\s+(?:strong|limited|weak|robust|scarce|insufficient|uncertain|very uncertain)\b|\bproven\b|\bcertainty\b/i,
  },
  {
    kind: 'efficacy',
    re: /\beffective\b|\befficacy\b|\blower\w* (?:the )?pain\b|\bdecreas\w* (?:the )?pain\b|\bless pain\b|\bimprov\w*|\breduc\w*|\bpain relief\b|\breliev\w*|\brelief\b|\bfunction\w*|\bdisability\b|\bquality of life\b|\bODI\b|\bVAS\b|\bNRS\b|\bbenefit\w*|\bworks\b/i,
  },
];

const PREDICATE_KIND: Record<string, ClaimKind> = {
  safe: 'safety',
  'well-tolerated': 'safety',
  'well tolerated': 'safety',
  effective: 'efficacy',
  efficacious: 'efficacy',
  durable: 'durability',
  'long-lasting': 'durability',
  'long lasting': 'durability',
  'minimally invasive': 'other',
};

export function kindOf(seg: Pick<Segment, 'text' | 'role' | 'predicate'>): ClaimKind {
  if (seg.role === 'heading' || seg.role === 'reference') return 'other';
  if (seg.predicate) return PREDICATE_KIND[seg.predicate] ?? 'other';
  // a segment split off as a count ("Four clinical studies", "enrolling 148 patients") is that count
  const words = seg.text.split(/\s+/).length;
  if (words <= 6) {
    for (const k of ['study-count', 'patient-count'] as const) {
      if (KIND_RULES.find((r) => r.kind === k)!.re.test(seg.text)) return k;
    }
  }
  for (const r of KIND_RULES) if (r.re.test(seg.text)) return r.kind;
  return 'other';
}
