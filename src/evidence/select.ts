// Which studies answer a question "condition × therapy". Pure.
import type { Arm, Study } from '../domain/evidence.ts';
import {
  CONTROLLED_DESIGNS,
  type Design,
  REVIEW_DESIGNS,
  THERAPY_GROUPS,
  type Therapy,
  UNCONTROLLED_DESIGNS,
} from '../domain/vocabulary.ts';

/**
 * Conditions a user can ask about, and the words in a study's `conditions` that place it there.
 * Chronic low back pain covers its usual named sources (disc, facet, sacroiliac joint, lumbar degeneration).
 */
export const CONDITIONS: Record<string, { label: string; matches: RegExp }> = {
  'chronic low back pain': {
    label: 'Chronic low back pain',
    matches:
      /low back pain|lower back pain|chronic back pain|\blbp\b|lumbar|discogenic|degenerative dis[ck]|dis[ck] degeneration|sacroiliac|facet/i,
  },
};

export function conditionKey(condition: string): string {
  const key = condition.trim().toLowerCase().replace(/\s+/g, ' ');
  if (key === 'clbp' || key === 'low back pain') return 'chronic low back pain';
  return key;
}

export function knownConditions(): string[] {
  return Object.keys(CONDITIONS);
}

export function studyMatchesCondition(s: Study, condition: string): boolean {
  const c = CONDITIONS[conditionKey(condition)];
  if (!c) return false;
  return s.conditions.some((x) => c.matches.test(x));
}

export function therapyMembers(therapy: string): readonly Therapy[] {
  const g = THERAPY_GROUPS[therapy.toLowerCase()];
  if (!g) {
    throw new Error(`unknown therapy "${therapy}"; use one of: ${Object.keys(THERAPY_GROUPS).join(', ')}`);
  }
  return g.members;
}

/** Treatment arms that deliver one of the therapies asked about. */
export function treatedArms(s: Study, members: readonly Therapy[]): Arm[] {
  return s.arms.filter((a) => a.role === 'treatment' && a.therapies.some((t) => members.includes(t)));
}

/** A study is about the therapy when a treatment arm gives it, or (no arms recorded) the study's therapies include it. */
export function studyMatchesTherapy(s: Study, members: readonly Therapy[]): boolean {
  if (s.arms.length > 0) return treatedArms(s, members).length > 0;
  return s.therapies.some((t) => members.includes(t));
}

export type StudyKind = 'primary' | 'ongoing' | 'protocol' | 'review' | 'registry';

/**
 * Primary = a published study with its own patients and results; ongoing = a registered trial without
 * results; reviews pool other studies (never added to patient counts, to avoid counting patients twice).
 */
export function studyKind(s: Study): StudyKind {
  if (REVIEW_DESIGNS.includes(s.design) || s.review) return 'review';
  if (s.record_kind === 'protocol') return 'protocol';
  if (s.record_kind === 'registration') return 'ongoing';
  if (s.design === 'registry') return 'registry';
  return 'primary';
}

/** Designs a card counts: 'not-stated' is listed, never counted as a design. */
export function isStatedDesign(design: Design): boolean {
  return design !== 'not-stated';
}

export function isUncontrolled(design: Design): boolean {
  return UNCONTROLLED_DESIGNS.includes(design);
}

export function isControlled(design: Design): boolean {
  return CONTROLLED_DESIGNS.includes(design);
}

export interface Selection {
  condition: string;
  therapy: string;
  members: readonly Therapy[];
  primary: Study[];
  ongoing: Study[];
  protocols: Study[];
  reviews: Study[];
}

export function selectStudies(studies: Study[], condition: string, therapy: string): Selection {
  const members = therapyMembers(therapy);
  const matching = studies.filter((s) => studyMatchesCondition(s, condition) && studyMatchesTherapy(s, members));
  const by = (k: StudyKind) => matching.filter((s) => studyKind(s) === k);
  return {
    condition: conditionKey(condition),
    therapy: therapy.toLowerCase(),
    members,
    primary: by('primary'),
    ongoing: [...by('ongoing'), ...by('registry')],
    protocols: by('protocol'),
    reviews: by('review'),
  };
}
