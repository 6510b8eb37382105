// The claim checker (issue 10 §1): each claim of a text against the curated evidence, the synthesis layer's
// Summary of Findings (the same questions, certainty and statements `regenspine sof` shows: computeSof is
// called, nothing is recomputed here) and the vendored reference facts. Pure: the caller passes the data.
// Rules per kind are in docs/claims.md; a claim this code cannot read is `not-checkable` with why.

import type { AdverseEvent, Provenance, Statement, Study } from '../domain/evidence.ts';
import { RELATED_GRADES, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { AppError } from '../errors.ts';
import { conditionKey, selectStudies, studyMatchesTherapy, therapyMembers, treatedArms } from '../evidence/select.ts';
import type { FindingItem, StudyEffect } from '../synthesis/effects.ts';
import { CERTAINTY, type Certainty, type Mcid } from '../synthesis/grade.ts';
import type { JudgementFile } from '../synthesis/judgements.ts';
import { computeSof, type SofQuestion } from '../synthesis/sof.ts';
import {
  kindOf,
  numbersIn,
  type Quantifier,
  quantifierIn,
  therapyIn,
  therapyLabel,
  WORDING_RANK,
  type Wording,
  wordingOf,
} from './classify.ts';
import { cite, LONG_TERM_MONTHS, REFERENCE_FACTS } from './reference.ts';
import { type Segment, splitClaims } from './split.ts';
import {
  type CheckedClaim,
  type CheckReport,
  type ClaimEvidence,
  type ClaimKind,
  type ClaimResult,
  VERDICTS,
  type Verdict,
} from './types.ts';

export interface ClaimData {
  studies: Study[];
  statements: Statement[];
  /** MCIDs and reviewer judgements, as `regenspine sof` reads them, so certainty is the SoF's own */
  mcids?: Record<string, Mcid>;
  judgements?: JudgementFile[];
}

export interface CheckOptions {
  condition?: string;
  /** the therapy group a claim speaks of when it names none (default: the first therapy the text names) */
  therapy?: string | null;
}

/** Bounds of one check (the CLI, the page and the API apply the same). */
export const MAX_INPUT_BYTES = 32 * 1024;
export const MAX_CLAIMS = 200;

interface Ctx {
  data: ClaimData;
  condition: string;
  cited: Study[];
  unresolvedRefs: string[];
  sofs: Map<string, SofQuestion[]>;
}

interface Outcome {
  verdict: Verdict;
  reason: string;
  study_ids: string[];
  evidence: ClaimEvidence[];
}

const ev = (study_id: string | null, p: Provenance): ClaimEvidence => ({
  study_id,
  quote: p.quote,
  document: p.document,
  locator: p.locator,
});

function dedupe(evidence: ClaimEvidence[]): ClaimEvidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const k = `${e.study_id}|${e.document}|${e.quote}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const out = (verdict: Verdict, reason: string, studyIds: string[] = [], evidence: ClaimEvidence[] = []): Outcome => ({
  verdict,
  reason,
  study_ids: [...new Set(studyIds)].sort(),
  evidence: dedupe(evidence),
});

const list = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

// ---- which studies a claim speaks of ------------------------------------------------------------------

/** A reference line resolved to a curated study: PMID, DOI, or first author's surname and year. */
export function resolveReference(line: string, studies: Study[]): Study | null {
  const pmid = /pubmed\.ncbi\.nlm\.nih\.gov\/(\d+)|\bPMID:?\s*(\d+)/i.exec(line);
  const doi = /\b(10\.\d{4,9}\/[^\s,;]+?)\.?(?:\s|$)/.exec(line);
  for (const s of studies) {
    if (pmid && s.citation.pmid && s.citation.pmid === (pmid[1] ?? pmid[2])) return s;
    if (doi && s.citation.doi && s.citation.doi.toLowerCase() === doi[1]!.toLowerCase()) return s;
  }
  const year = /\((\d{4})\)/.exec(line)?.[1];
  for (const s of studies) {
    const surname = s.citation.authors[0]?.split(' ')[0];
    if (surname && year && line.startsWith(surname) && String(s.citation.year) === year) return s;
  }
  return null;
}

/** Studies a claim names by their first author ("Kumar and colleagues", "Amirdelfan's trial"). */
function namedStudies(text: string, studies: Study[]): Study[] {
  return studies.filter((s) => {
    const surname = s.citation.authors[0]?.split(' ')[0];
    return !!surname && surname.length >= 4 && new RegExp(`\\b${surname}\\b`).test(text);
  });
}

interface Scope {
  studies: Study[];
  label: string;
}

function scopeOf(ctx: Ctx, therapy: string, claim: string): Scope {
  const members = therapyMembers(therapy);
  const named = namedStudies(claim, ctx.data.studies).filter((s) => studyMatchesTherapy(s, members));
  if (named.length) return { studies: named, label: `the study it names (${named.map((s) => s.id).join(', ')})` };
  const cited = ctx.cited.filter((s) => studyMatchesTherapy(s, members));
  if (cited.length)
    return {
      studies: cited,
      label: `the ${cited.length} ${cited.length === 1 ? 'study' : 'studies'} the text cites (${cited.map((s) => s.id).join(', ')})`,
    };
  const sel = selectStudies(ctx.data.studies, ctx.condition, therapy);
  return {
    studies: sel.primary,
    label: `the ${sel.primary.length} published ${therapy} studies of ${sel.condition} in the evidence base`,
  };
}

function sofOf(ctx: Ctx, therapy: string): SofQuestion[] {
  let q = ctx.sofs.get(therapy);
  if (!q) {
    q = computeSof(ctx.data.studies, ctx.data.statements, {
      condition: ctx.condition,
      therapy,
      mcids: ctx.data.mcids ?? {},
      judgements: ctx.data.judgements ?? [],
    }).questions;
    ctx.sofs.set(therapy, q);
  }
  return q;
}

// ---- outcome domains of the SoF a claim speaks of ------------------------------------------------------

type Eff = Omit<StudyEffect, 'yi' | 'vi'>;
type DomainKey = 'pain' | 'function' | 'quality-of-life' | 'opioid-use' | 'imaging';
const EFFICACY_DOMAINS: DomainKey[] = ['pain', 'function', 'quality-of-life'];

function inDomain(q: SofQuestion, d: DomainKey): boolean {
  if (q.domain === d) return true;
  if (d === 'pain') return q.id.includes('.responder-pain.');
  if (d === 'function') return q.id.includes('.responder-function.') || q.id.includes('.responder-composite.');
  return false;
}

function domainsIn(text: string): DomainKey[] {
  const out: DomainKey[] = [];
  if (/\bpain\b|\bVAS\b|\bNRS\b/i.test(text)) out.push('pain');
  if (/\bfunction\w*|\bdisabilit\w*|\bODI\b|\bmobility|\bmovement/i.test(text)) out.push('function');
  if (/\bquality of life\b|\bQoL\b|\bEQ-5D|\bSF-36\b/i.test(text)) out.push('quality-of-life');
  return out;
}

/** Comparative study effects favour the therapy when the whole 95% CI lies on its side (lower pain/disability, more responders). */
function effectFavours(e: Omit<StudyEffect, 'yi' | 'vi'>, q: SofQuestion): boolean {
  if (e.measure === 'PLO') return false;
  if (e.measure === 'MD' || e.measure === 'SMD') return e.ci_ub < 0;
  return q.domain === 'responder' ? e.ci_lb > 1 : e.ci_ub < 1;
}

interface Evidence {
  /** between arms, favouring the therapy (significantly when `significant`) */
  favourable: { q: SofQuestion; f?: FindingItem; se?: Eff; studyId: string; significant: boolean }[];
  /** improvement within the treated arm only (no control) */
  uncontrolled: { q: SofQuestion; f?: FindingItem; se?: Eff; studyId: string }[];
  /** no difference, or the comparator better */
  against: { q: SofQuestion; f: FindingItem; studyId: string }[];
  questions: SofQuestion[];
}

function evidenceFor(questions: SofQuestion[], scope: Study[], domains: DomainKey[]): Evidence {
  const ids = new Set(scope.map((s) => s.id));
  const qs = questions.filter((q) => domains.some((d) => inDomain(q, d)) && q.study_ids.some((id) => ids.has(id)));
  const e: Evidence = { favourable: [], uncontrolled: [], against: [], questions: qs };
  for (const q of qs) {
    const between = q.comparison_kind !== 'dose' && q.comparison_kind !== 'subgroup';
    for (const f of q.findings) {
      if (!ids.has(f.study_id) || f.control_arm_only) continue;
      if (f.favours === 'intervention' && between)
        e.favourable.push({ q, f, studyId: f.study_id, significant: f.significant === true });
      else if ((f.favours === 'comparator' || f.favours === 'neither') && between)
        e.against.push({ q, f, studyId: f.study_id });
      else if (f.favours === null && (f.change === 'improved' || f.change === 'stable-or-improved'))
        e.uncontrolled.push({ q, f, studyId: f.study_id });
      else if (f.favours === null && f.change === 'no-change') e.against.push({ q, f, studyId: f.study_id });
    }
    for (const se of q.study_effects) {
      if (!ids.has(se.study_id)) continue;
      if (effectFavours(se, q)) e.favourable.push({ q, se, studyId: se.study_id, significant: true });
      else if (se.measure === 'PLO') e.uncontrolled.push({ q, se, studyId: se.study_id });
    }
  }
  return e;
}

function bestCertainty(qs: SofQuestion[]): Certainty | null {
  let best = -1;
  for (const q of qs) best = Math.max(best, CERTAINTY.indexOf(q.certainty));
  return best < 0 ? null : CERTAINTY[best]!;
}

/** GRADE guidance 26 (docs/reference/evidence-grading.md §2.4): the strongest wording each certainty allows. */
const ALLOWED: Record<Certainty, number> = { high: 3, moderate: 2, low: 1, 'very-low': 0 };
const ALLOWED_WORDS: Record<Certainty, string> = {
  high: 'stated as fact',
  moderate: '"probably"',
  low: '"may"',
  'very-low': '"we do not know; the evidence is very uncertain"',
};

/** The quotes behind findings and effects: a finding's provenance; each quoted input of an effect (or of its derivation). */
function findingEvidence(items: { f?: FindingItem; se?: Eff; studyId: string }[]): ClaimEvidence[] {
  return items.flatMap((x) => {
    if (x.f) return [ev(x.studyId, x.f.provenance)];
    return (x.se?.derived_from ?? []).flatMap((d) =>
      d.provenance
        ? [ev(x.studyId, d.provenance)]
        : (d.derivation?.inputs ?? []).map((i) => ev(x.studyId, i.provenance)),
    );
  });
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
function effectWords(e: Eff): string {
  const what = `${e.definition ?? e.instrument}${e.when ? `, ${e.when}` : ''}`;
  if (e.measure === 'PLO')
    return `${pct(e.estimate)}${e.events !== null ? ` (${e.events} of ${e.n})` : ''} ${what}, single arm`;
  return `${e.measure} ${e.estimate.toFixed(2)} (95% CI ${e.ci_lb.toFixed(2)} to ${e.ci_ub.toFixed(2)}) ${what}`;
}

function sentencesOf(items: { f?: FindingItem; se?: Eff; studyId: string; q: SofQuestion }[], max = 4): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const x of items) {
    const s = x.f
      ? `${x.studyId}: ${x.f.sentence.replace(/\.$/, '')}`
      : `${x.studyId}: ${x.se ? effectWords(x.se) : `a result in ${x.q.id}`}`;
    if (seen.has(s)) continue;
    seen.add(s);
    parts.push(s);
  }
  const more = parts.length > max ? `; and ${parts.length - max} more` : '';
  return parts.slice(0, max).join('; ') + more;
}

function certaintySentence(qs: SofQuestion[]): string {
  const c = bestCertainty(qs);
  if (!c) return '';
  const q = qs.find((x) => x.certainty === c)!;
  const all = qs.every((x) => x.certainty === c);
  return `The Summary of Findings has ${qs.length} outcome question${qs.length === 1 ? '' : 's'} on this for these studies; ${all ? `every one is graded ${c.replace('-', ' ')}` : `the best is graded ${c.replace('-', ' ')}`} (${q.id}: "${q.statement}"). At ${c.replace('-', ' ')} certainty a finding may be worded ${ALLOWED_WORDS[c]}.`;
}

function certaintyEvidence(qs: SofQuestion[]): ClaimEvidence[] {
  const c = bestCertainty(qs);
  if (c === 'very-low') return [cite(REFERENCE_FACTS.gradeVeryLow)];
  if (c === 'low') return [cite(REFERENCE_FACTS.gradeLow)];
  return [];
}

function needed(q: Quantifier | null, n: number): { need: number; words: string } {
  if (q === 'all') return { need: n, words: `all ${n}` };
  if (q === 'majority')
    return { need: Math.floor(n / 2) + 1, words: `a majority (at least ${Math.floor(n / 2) + 1} of ${n})` };
  if (q === 'half') return { need: Math.ceil(n / 2), words: `half (${Math.ceil(n / 2)} of ${n})` };
  if (q === 'none') return { need: 0, words: 'none' };
  if (q && typeof q === 'object' && 'exactly' in q) return { need: q.exactly, words: `${q.exactly}` };
  return { need: 1, words: 'at least one' };
}

// ---- the checks, one per kind ------------------------------------------------------------------------

function checkStudyCount(ctx: Ctx, c: ClaimIn): Outcome {
  const n = numbersIn(c.text).find((x) => !x.percent)?.value;
  if (n === undefined) return out('not-checkable', 'No number of studies could be read from the claim.');
  const rct = /randomi[sz]ed|\bRCTs?\b/i.test(c.text);
  const scope = scopeOf(ctx, c.therapy!, c.text);
  const studies = rct ? scope.studies.filter((s) => s.design === 'rct') : scope.studies;
  const what = rct ? 'randomised controlled trials' : 'published clinical studies';
  const designs = scope.studies.map((s) => `${s.id} (${s.design === 'not-stated' ? 'design not stated' : s.design})`);
  const evidence = scope.studies.map((s) => ev(s.id, s.design_provenance));
  if (ctx.cited.length) {
    if (ctx.unresolvedRefs.length)
      return out(
        'unverifiable',
        `The text cites ${ctx.cited.length + ctx.unresolvedRefs.length} references but ${ctx.unresolvedRefs.length} of them are not in the evidence base, so what they are cannot be checked.`,
        scope.studies.map((s) => s.id),
        evidence,
      );
    const verdict = studies.length === n ? 'supported' : 'contradicted';
    return out(
      verdict,
      `Read as: ${n} ${what} of ${therapyLabel(c.therapy!)}. The text cites ${ctx.cited.length} studies and the evidence base holds each: ${list(designs)}. ${studies.length} of them ${studies.length === 1 ? 'is a' : 'are'} ${what}${verdict === 'supported' ? ', as claimed.' : `, not ${n}.`}`,
      scope.studies.map((s) => s.id),
      evidence,
    );
  }
  const only = /\bonly\b|\bjust\b/i.test(c.text);
  const verdict: Verdict = only
    ? studies.length === n
      ? 'supported'
      : 'contradicted'
    : studies.length >= n
      ? 'supported'
      : 'unsupported';
  return out(
    verdict,
    `Read as: ${only ? 'only ' : ''}${n} ${what} of ${therapyLabel(c.therapy!)}. The evidence base holds ${studies.length} (${list(studies.map((s) => s.id))})${verdict === 'unsupported' ? '; it holds no others the claim could mean' : ''}.`,
    studies.map((s) => s.id),
    studies.map((s) => ev(s.id, s.design_provenance)),
  );
}

function checkPatientCount(ctx: Ctx, c: ClaimIn): Outcome {
  const n = numbersIn(c.text).find((x) => !x.percent && x.value >= 1)?.value;
  if (n === undefined) return out('not-checkable', 'No number of patients could be read from the claim.');
  const treated = /\btreated\b|\breceived\b|\binjected\b|\bgiven\b/i.test(c.text);
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const members = therapyMembers(c.therapy!);
  let known = 0;
  const parts: string[] = [];
  const unknown: string[] = [];
  const evidence: ClaimEvidence[] = [];
  for (const s of scope.studies) {
    if (treated) {
      const arms = treatedArms(s, members);
      const sizes = arms.map((a) => a.n.value);
      if (arms.length === 0 || sizes.some((x) => x === null)) {
        unknown.push(
          `${s.id} (${arms.find((a) => a.n.value === null)?.n.null_reason ?? 'no treated arm with a size'})`,
        );
        continue;
      }
      const sum = sizes.reduce((a, b) => a! + b!, 0)!;
      known += sum;
      const controls = s.arms.filter((a) => a.role === 'control');
      const ctl = controls.reduce((a, x) => a + (x.n.value ?? 0), 0);
      parts.push(
        `${s.id} ${sum}${arms.length > 1 ? ` (${arms.map((a) => `${a.label} ${a.n.value}${a.n.derivation ? `, derived: ${a.n.derivation.formula}` : ''}`).join('; ')})` : ''}${controls.length ? `; its ${ctl} control patients got ${list(controls.map((x) => x.label))}, not ${c.therapy}` : ''}`,
      );
      for (const a of arms) {
        if (a.n.provenance) evidence.push(ev(s.id, a.n.provenance));
        for (const i of a.n.derivation?.inputs ?? []) evidence.push(ev(s.id, i.provenance));
      }
    } else if (s.enrolled.value === null) unknown.push(`${s.id} (${s.enrolled.null_reason ?? 'size not given'})`);
    else {
      known += s.enrolled.value;
      parts.push(`${s.id} ${s.enrolled.value}`);
      if (s.enrolled.provenance) evidence.push(ev(s.id, s.enrolled.provenance));
    }
  }
  const what = treated ? `treated with ${c.therapy}` : 'enrolled';
  const read = `Read as: ${n} patients ${what} in ${scope.label}.${treated ? ' Enrolled is not treated: only patients in arms that received the therapy count.' : ''}`;
  const knownText = parts.length ? `Known: ${list(parts)} (${known} in all).` : 'No study in scope gives its size.';
  const ids = scope.studies.map((s) => s.id);
  if (unknown.length === 0)
    return out(
      known === n ? 'supported' : 'contradicted',
      `${read} ${knownText} ${known === n ? 'The total matches.' : `The total is ${known}, not ${n}.`}`,
      ids,
      evidence,
    );
  if (known > n)
    return out(
      'contradicted',
      `${read} ${knownText} The known sizes alone exceed ${n}; not known: ${list(unknown)}.`,
      ids,
      evidence,
    );
  return out(
    'unverifiable',
    `${read} ${knownText} Not known: ${list(unknown)}. The total is at least ${known}, so ${n} can be neither confirmed nor ruled out.`,
    ids,
    evidence,
  );
}

const relatednessWords = (e: AdverseEvent) =>
  e.attribution
    ? `product ${e.attribution.product.replace('-', ' ')}, procedure ${e.attribution.procedure.replace('-', ' ')}`
    : e.relatedness.replace('-', ' ');

function relatedOf(e: AdverseEvent): 'related' | 'unrelated' | 'unknown' {
  const grades = [e.relatedness, e.attribution?.product, e.attribution?.procedure].filter(Boolean) as string[];
  if (grades.some((g) => (RELATED_GRADES as readonly string[]).includes(g))) return 'related';
  if (grades.every((g) => g === 'unrelated' || g === 'unlikely')) return 'unrelated';
  return 'unknown';
}

const ADVERB: Record<string, string> = { possible: 'possibly', probable: 'probably', definite: 'definitely' };

const AE_STATE: Record<string, string> = {
  none: 'states that no adverse event occurred',
  'none-serious': 'states only that no serious adverse event occurred',
  'none-related': 'states only that no injection-related adverse event occurred',
  'not-reported': 'says nothing about adverse events in the sources',
};

function checkSafety(ctx: Ctx, c: ClaimIn): Outcome {
  const t = c.text;
  const who = therapyLabel(c.therapy!);
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const members = therapyMembers(c.therapy!);
  const treatedEvents: { s: Study; e: AdverseEvent; arm: string }[] = [];
  const lines: string[] = [];
  const evidence: ClaimEvidence[] = [];
  const silent: Study[] = [];
  const partial: Study[] = [];
  for (const s of scope.studies) {
    const arms = new Set(treatedArms(s, members).map((a) => a.id));
    const mine = s.adverse_events.filter((e) => e.arm === null || arms.has(e.arm));
    for (const e of mine) {
      const arm = e.arm ? (s.arms.find((a) => a.id === e.arm)?.label ?? e.arm) : 'whole study';
      treatedEvents.push({ s, e, arm });
      lines.push(
        `${s.id}: ${e.description} (${e.count.value === null ? 'number not reported' : `${e.count.value} patient${e.count.value === 1 ? '' : 's'}`}, ${arm}; relatedness: ${relatednessWords(e)}; ${e.serious === null ? 'seriousness not stated' : e.serious ? 'serious' : 'not serious'})`,
      );
      evidence.push(ev(s.id, e.provenance));
    }
    if (s.adverse_events_reported === 'not-reported') silent.push(s);
    else if (s.adverse_events_reported !== 'some') {
      if (s.adverse_events_reported !== 'none') partial.push(s);
      lines.push(`${s.id} ${AE_STATE[s.adverse_events_reported]}`);
      if (s.adverse_events_provenance) evidence.push(ev(s.id, s.adverse_events_provenance));
    }
  }
  if (silent.length)
    lines.push(
      `${list(silent.map((s) => s.id))} ${silent.length === 1 ? 'says' : 'say'} nothing about adverse events in the sources`,
    );
  const related = treatedEvents.filter((x) => relatedOf(x.e) === 'related');
  const unknownRel = treatedEvents.filter((x) => relatedOf(x.e) === 'unknown');
  const serious = treatedEvents.filter((x) => x.e.serious === true);
  const unknownSerious = treatedEvents.filter((x) => x.e.serious === null);
  const ids = scope.studies.map((s) => s.id);
  const count = /\b\d+\s+(?:patients|participants|subjects)\b/i.test(t)
    ? ` The number: ${checkPatientCount(ctx, c).reason.replace(/^Read as: /, '')}`
    : '';
  const facts = `Adverse events: ${lines.join('; ') || 'no data'}.${count}`;
  const relatedText = related.length
    ? `${list(related.map((x) => `${x.s.id} reports ${x.e.description.toLowerCase()} (${x.arm}) ${x.e.attribution?.product && RELATED_GRADES.includes(x.e.attribution.product) ? `${ADVERB[x.e.attribution.product]} related to the injected product` : `${ADVERB[x.e.relatedness] ?? x.e.relatedness} related`}`))}`
    : '';
  const negation =
    /\bno\b[^.]*\b(?:adverse|side[- ]effects?|complications?)\b|\bwithout (?:any )?(?:adverse|side[- ]effects?|complications?)\b|\bzero (?:adverse|side)|\bnone\b[^.]*\badverse\b/i.test(
      t,
    );
  const wantsRelated =
    /\b(?:treatment|therapy|product|procedure|injection)[- ](?:associated|related)\b|\brelated\b|\battributable\b|\bassociated\b/i.test(
      t,
    );
  const wantsSerious = /\bserious\b|\bsevere\b|\bmajor\b/i.test(t);
  const relative =
    /\brelatively safe\b|\bgenerally safe\b|\bfew (?:side[- ]effects|adverse)|\bminimal (?:side[- ]effects|adverse)|\bwell[- ]tolerated\b|\bfavou?rable safety\b|\blow risk\b/i.test(
      t,
    );
  if (negation) {
    if (wantsRelated && !wantsSerious) {
      if (related.length)
        return out(
          'contradicted',
          `Read as: no treatment-related adverse event with ${who} in ${scope.label}. Contradicted: ${relatedText}. ${facts}`,
          ids,
          evidence,
        );
      if (unknownRel.length || silent.length || partial.length)
        return out(
          'unverifiable',
          `Read as: no treatment-related adverse event. No event is reported as related, but the data cannot rule one out. ${facts}`,
          ids,
          evidence,
        );
      return out('supported', `Read as: no treatment-related adverse event. ${facts}`, ids, evidence);
    }
    if (wantsSerious) {
      if (serious.length)
        return out(
          'contradicted',
          `Read as: no serious adverse event. Contradicted: ${list(serious.map((x) => `${x.s.id}: ${x.e.description}`))} is reported as serious. ${facts}`,
          ids,
          evidence,
        );
      if (unknownSerious.length || silent.length || partial.some((s) => s.adverse_events_reported === 'none-related'))
        return out(
          'unverifiable',
          `Read as: no serious adverse event. None is reported as serious, but the seriousness of some is not stated or some studies are silent. ${facts}`,
          ids,
          evidence,
        );
      return out('supported', `Read as: no serious adverse event. ${facts}`, ids, evidence);
    }
    if (treatedEvents.length)
      return out(
        'contradicted',
        `Read as: no adverse event at all. Contradicted: ${treatedEvents.length} adverse event${treatedEvents.length === 1 ? ' is' : 's are'} reported. ${facts}`,
        ids,
        evidence,
      );
    if (silent.length || partial.length)
      return out(
        'unverifiable',
        `Read as: no adverse event at all. None is listed, but some studies are silent or state only that none was serious or related. ${facts}`,
        ids,
        evidence,
      );
    return out('supported', `Read as: no adverse event at all. ${facts}`, ids, evidence);
  }
  const specific = /\b(infection|bleeding|nerve|numbness|flare|pain increase|increases? in pain|discitis)\w*/i.exec(t);
  if (specific && !/\bsafe\b/i.test(t)) {
    const word = specific[1]!.toLowerCase();
    const hits = treatedEvents.filter((x) => x.e.description.toLowerCase().includes(word.slice(0, 5)));
    return hits.length
      ? out(
          'supported',
          `Read as: ${word} is a risk of ${c.therapy}. ${list(hits.map((x) => `${x.s.id} reports ${x.e.description.toLowerCase()}`))}.`,
          ids,
          hits.map((x) => ev(x.s.id, x.e.provenance)),
        )
      : out(
          'unsupported',
          `Read as: ${word} is a risk of ${c.therapy}. No study in ${scope.label} reports it; it may still be a general risk of spinal injections, which the evidence base does not hold as data. ${facts}`,
          ids,
          evidence,
        );
  }
  if (scope.studies.length === 0 || silent.length === scope.studies.length)
    return out(
      'unsupported',
      `Read as: ${who} is safe. No study in ${scope.label} reports on adverse events. ${facts}`,
      ids,
      evidence,
    );
  if (relative) {
    const bad = related.filter((x) => x.e.serious === true);
    if (bad.length)
      return out(
        'contradicted',
        `Read as: ${who} is relatively safe. ${list(bad.map((x) => `${x.s.id}: ${x.e.description}`))} is serious and related. ${facts}`,
        ids,
        evidence,
      );
    return out(
      'supported',
      `Read as: ${who} is relatively safe (few, non-serious related events). No serious related event is reported. ${facts}`,
      ids,
      evidence,
    );
  }
  if (related.length)
    return out(
      'contradicted',
      `Read as: ${who} is safe (no harm attributable to it). Contradicted: ${relatedText}. ${facts}`,
      ids,
      evidence,
    );
  if (unknownRel.length || silent.length || partial.length || unknownSerious.length)
    return out(
      'overstated',
      `Read as: ${who} is safe. No event is reported as related, but the data leave it open: ${[unknownRel.length ? `${unknownRel.length} event${unknownRel.length === 1 ? '' : 's'} of unstated relatedness` : '', silent.length ? `${silent.length} ${silent.length === 1 ? 'study is' : 'studies are'} silent` : '', partial.length ? `${partial.length} only rule${partial.length === 1 ? 's' : ''} out serious or injection-related events` : ''].filter(Boolean).join(', ')}. ${facts}`,
      ids,
      evidence,
    );
  return out(
    'supported',
    `Read as: ${who} is safe. Every study in scope reports on adverse events and none is related. ${facts}`,
    ids,
    evidence,
  );
}

function checkEffect(ctx: Ctx, c: ClaimIn, domains: DomainKey[], subject: string): Outcome {
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const questions = sofOf(ctx, c.therapy!);
  const e = evidenceFor(questions, scope.studies, domains);
  const ids = [...new Set(e.questions.flatMap((q) => q.study_ids))].filter((id) =>
    scope.studies.some((s) => s.id === id),
  );
  const wording = c.wording;
  const read = `Read as: ${therapyLabel(c.therapy!)} ${subject}, in ${scope.label}.`;
  if (e.questions.length === 0)
    return out(
      'unsupported',
      `${read} The Summary of Findings has no result on ${domains.join(', ')} for these studies.`,
      scope.studies.map((s) => s.id),
    );
  const cert = bestCertainty(e.questions)!;
  const evidence = [
    ...findingEvidence([...e.favourable, ...e.against, ...e.uncontrolled]),
    ...certaintyEvidence(e.questions),
  ];
  const favText = e.favourable.length ? ` Better than control: ${sentencesOf(e.favourable)}.` : '';
  const againstText = e.against.length ? ` No difference or worse: ${sentencesOf(e.against)}.` : '';
  const uncText = e.uncontrolled.length ? ` Improved without a control: ${sentencesOf(e.uncontrolled)}.` : '';
  const facts = `${favText}${againstText}${uncText} ${certaintySentence(e.questions)}`;
  if (wording === 'report') {
    const requireSig = /\bsignificant/i.test(c.text);
    const q = quantifierIn(c.text);
    const byStudy = (id: string, d: DomainKey) =>
      e.favourable.some((x) => x.studyId === id && inDomain(x.q, d) && (!requireSig || x.significant)) ||
      (!requireSig && e.uncontrolled.some((x) => x.studyId === id && inDomain(x.q, d)));
    const all = scope.studies.filter((s) => domains.every((d) => byStudy(s.id, d)));
    const some = scope.studies.filter((s) => domains.some((d) => byStudy(s.id, d)));
    const { need, words } = needed(q, scope.studies.length);
    const count = `${all.length} of ${scope.studies.length} (${list(all.map((s) => s.id)) || 'none'}) show${all.length === 1 ? 's' : ''} ${requireSig ? 'a significant ' : 'an '}improvement in ${domains.join(' and ')}${some.length > all.length ? `; ${some.length} in at least one of them` : ''}`;
    if (q === 'none')
      return out(
        all.length === 0 ? 'supported' : 'contradicted',
        `${read} The claim says no study shows it: ${count}.${facts}`,
        ids,
        evidence,
      );
    if (all.length >= need && all.length > 0)
      return out('supported', `${read} The claim needs ${words}: ${count}.${facts}`, ids, evidence);
    if (some.length > 0) return out('overstated', `${read} The claim needs ${words}: ${count}.${facts}`, ids, evidence);
    return out(
      e.against.length ? 'contradicted' : 'unsupported',
      `${read} The claim needs ${words}: ${count}.${facts}`,
      ids,
      evidence,
    );
  }
  const rank = WORDING_RANK[wording];
  if (e.favourable.length) {
    if (rank <= ALLOWED[cert])
      return out('supported', `${read} Worded "${wording}", which ${cert} certainty allows.${facts}`, ids, evidence);
    return out(
      'overstated',
      `${read} Some results point that way, but the claim is worded more strongly (${wording === 'certain' ? 'as fact' : wording === 'probable' ? 'as "probably"' : 'as "may"'}) than ${cert.replace('-', ' ')} certainty allows.${facts}`,
      ids,
      evidence,
    );
  }
  if (e.against.length && e.uncontrolled.length)
    return out(
      'overstated',
      `${read} Where there is a comparison or a measure of change, it shows no difference or worse; the improvements are seen only without a control group.${facts}`,
      ids,
      evidence,
    );
  if (e.against.length)
    return out(
      'contradicted',
      `${read} No result shows it better than control, and some show no difference or worse.${facts}`,
      ids,
      evidence,
    );
  return out(
    'overstated',
    `${read} Improvement is seen only without a control group, which cannot separate the therapy from the natural course or a placebo response.${facts}`,
    ids,
    evidence,
  );
}

function checkEfficacy(ctx: Ctx, c: ClaimIn): Outcome {
  const ds = domainsIn(c.text);
  const domains = ds.length ? ds : EFFICACY_DOMAINS;
  return checkEffect(
    ctx,
    c,
    domains,
    `improves ${ds.length ? domains.join(' and ') : 'pain, function or quality of life'} (is effective)`,
  );
}

function checkOpioid(ctx: Ctx, c: ClaimIn): Outcome {
  const r = checkEffect(ctx, c, ['opioid-use'], 'reduces opioid or analgesic use');
  // "… whilst it increased in the control group": the control arm's own change must be in the data too
  if (
    r.verdict === 'supported' &&
    /\bcontrol\b[^.]*\b(?:increas|rose|grew)\w*|\b(?:increas|rose|grew)\w*[^.]*\bcontrol\b/i.test(c.text)
  ) {
    const scope = scopeOf(ctx, c.therapy!, c.sentence);
    const ctl = sofOf(ctx, c.therapy!)
      .filter((q) => inDomain(q, 'opioid-use'))
      .flatMap((q) => q.findings)
      .filter((f) => f.control_arm_only && f.change === 'worsened' && scope.studies.some((s) => s.id === f.study_id));
    if (ctl.length === 0)
      return {
        ...r,
        verdict: 'overstated',
        reason: `${r.reason} No study in scope reports that opioid use rose in its control group.`,
      };
    return {
      ...r,
      reason: `${r.reason} The control group's increase is reported too: ${list(ctl.map((f) => `${f.study_id}: ${f.sentence.replace(/\.$/, '')}`))}.`,
      evidence: dedupe([...r.evidence, ...ctl.map((f) => ev(f.study_id, f.provenance))]),
    };
  }
  return r;
}

function checkDurability(ctx: Ctx, c: ClaimIn): Outcome {
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const stated = /\b(?:through|for|over|to|at)\s+(?:up to\s+)?(\d+)\s*(months?|years?)\b/i.exec(c.text);
  const months = stated ? Number(stated[1]) * (stated[2]!.startsWith('year') ? 12 : 1) : null;
  const threshold = months ?? LONG_TERM_MONTHS;
  const strictly = months === null; // "durable" / "long-term": beyond 24 months (seed 001); "through 12 months": at 12
  const fu = scope.studies.map((s) => ({ s, m: s.followup_months.value }));
  const long = fu.filter((x) => x.m !== null && (strictly ? x.m > threshold : x.m >= threshold));
  const fuText = list(fu.map((x) => `${x.s.id} ${x.m === null ? 'not reported' : `${x.m} months`}`));
  const evidence: ClaimEvidence[] = [
    ...(strictly ? [cite(REFERENCE_FACTS.longTerm)] : []),
    ...fu.flatMap((x) => (x.s.followup_months.provenance ? [ev(x.s.id, x.s.followup_months.provenance)] : [])),
  ];
  const read = `Read as: the benefit of ${therapyLabel(c.therapy!)} lasts ${strictly ? `beyond ${threshold} months (long-term, as seed 001 uses the word)` : `at least ${threshold} months`}, in ${scope.label}. Follow-up: ${fuText}.`;
  const ids = scope.studies.map((s) => s.id);
  if (long.length === 0)
    return out('unsupported', `${read} No study in scope followed patients that long.`, ids, evidence);
  const windows =
    threshold > 12
      ? ['gt12m']
      : threshold > 6
        ? ['12m', 'gt12m']
        : threshold > 3
          ? ['6m', '12m', 'gt12m']
          : ['le3m', '6m', '12m', 'gt12m'];
  const qs = sofOf(ctx, c.therapy!).filter((q) => windows.some((w) => q.id.endsWith(`.${w}`)));
  const e = evidenceFor(
    qs,
    long.map((x) => x.s),
    EFFICACY_DOMAINS,
  );
  const factsE = findingEvidence([...e.favourable, ...e.against]);
  const cert = bestCertainty(e.questions);
  const certText = e.questions.length ? ` ${certaintySentence(e.questions)}` : '';
  if (e.favourable.length === 0)
    return out(
      e.against.length ? 'contradicted' : 'unsupported',
      `${read} ${list(long.map((x) => x.s.id))} followed patients that long, but ${e.against.length ? `found no difference: ${sentencesOf(e.against)}` : 'no result favouring the therapy at that time is in the data'}.${certText}`,
      ids,
      [...evidence, ...factsE],
    );
  const favIds = [...new Set(e.favourable.map((x) => x.studyId))];
  const allLong = favIds.length === scope.studies.length;
  // a report of what studies found needs the studies; a statement of fact also needs the certainty to allow it
  const allowed = c.wording === 'report' || (cert !== null && ALLOWED[cert] >= WORDING_RANK[c.wording]);
  const verdict: Verdict = allLong && allowed ? 'supported' : 'overstated';
  return out(
    verdict,
    `${read} ${favIds.length} of ${scope.studies.length} show a benefit that long: ${sentencesOf(e.favourable)}.${allLong ? '' : ' The others were not followed that long or show no benefit that late.'}${certText}`,
    ids,
    [...evidence, ...factsE, ...certaintyEvidence(e.questions)],
  );
}

const STEM_FAMILY = new Set(['msc', 'bm-msc', 'ad-msc', 'uc-msc', 'mpc', 'all']);

function checkRegulatory(_ctx: Ctx, c: ClaimIn): Outcome {
  const t = c.text;
  const therapy = c.therapy!;
  const negated = /\bnot\b|\bno\b|\bnone\b|\bunapproved\b|\binvestigational\b|\bonly (?:with|within|in|under)\b/i.test(
    t,
  );
  const F = REFERENCE_FACTS;
  // an approval asserted (or denied) of the therapy itself; "data before approval" asserts none
  const approval =
    /\b(?:is|are|was|were|been|be|being)\s+(?:not\s+|now\s+)?(?:FDA[- ])?(?:approved|licen[cs]ed)\b|\bFDA[- ]approved\b|\bapproved by\b|\bunapproved\b/i;
  if (approval.test(t)) {
    if (STEM_FAMILY.has(therapy))
      return out(
        negated ? 'supported' : 'contradicted',
        `Read as: ${therapy} is${negated ? ' not' : ''} FDA-approved for back pain. In the US, culture-expanded and allogeneic cell products are section 351 biologics that need an IND for trials and a BLA to be marketed; FDA's 2021 notice says none is approved for orthopaedic conditions including back pain (docs/reference/regulatory.md §4).${therapy === 'msc' || therapy === 'all' ? ' Bone marrow concentrate, also in this group, is not an approved product either: it may fall outside premarket review, which is contested.' : ''}`,
        [],
        [
          cite(F.mscPathway),
          cite(F.mscNoneApproved),
          ...(therapy === 'msc' || therapy === 'all' ? [cite(F.bmcContested)] : []),
        ],
      );
    if (therapy === 'prp' || therapy === 'prf')
      return out(
        negated ? 'supported' : 'contradicted',
        `Read as: PRP is${negated ? ' not' : ''} FDA-approved for back pain. PRP is not an HCT/P; what FDA clears (510(k)) is the preparation device, typically for mixing with bone graft, and its use for back pain is off-label (docs/reference/regulatory.md §4). Clearance of a device is not approval of a treatment.`,
        [],
        [cite(F.prpDevice), cite(F.prpOffLabel)],
      );
    if (therapy === 'bmc')
      return out(
        negated ? 'supported' : 'contradicted',
        `Read as: BMC is${negated ? ' not' : ''} FDA-approved. Minimally manipulated same-procedure BMC may be excluded from premarket review, which is contested; it is not an approved product (docs/reference/regulatory.md §4).`,
        [],
        [cite(F.bmcContested)],
      );
  }
  if (/\bcleared\b|\bclearance\b/i.test(t) && (therapy === 'prp' || therapy === 'prf'))
    return out(
      'overstated',
      'Read as: PRP is FDA-cleared. The preparation device is cleared through 510(k), typically for mixing with bone graft; the clearance is not for back pain, where its use is off-label (docs/reference/regulatory.md §4).',
      [],
      [cite(F.prpDevice), cite(F.prpOffLabel)],
    );
  if (
    /\bnot allowed\b|\bnot lawful\b|\billegal\b|\bonly (?:with|within|in|under) (?:a |an )?(?:clinical )?(?:trials?|IND)\b/i.test(
      t,
    ) &&
    STEM_FAMILY.has(therapy)
  )
    return out(
      'supported',
      `Read as: culture-expanded or allogeneic ${therapy} may be used in the US only in a clinical trial under an IND. So the reference says: outside a trial this use is not lawful in the US (docs/reference/regulatory.md §4).`,
      [],
      [cite(F.mscPathway), cite(F.mscNotLawful)],
    );
  if (/\blegal\b|\blawful\b|\ballowed\b|\bpermitted\b/i.test(t) && STEM_FAMILY.has(therapy))
    return out(
      'contradicted',
      `Read as: ${therapy} may lawfully be offered in the US. Culture-expanded and allogeneic cell products need an IND: outside a trial this use is not lawful in the US (docs/reference/regulatory.md §4).`,
      [],
      [cite(F.mscPathway), cite(F.mscNotLawful), cite(F.allogeneic351)],
    );
  if (/\bHCT\/Ps?\b|\bhuman cells, tissues\b/i.test(t) && /\bregulat\w*/i.test(t))
    return out(
      'supported',
      'Read as: cell products are regulated by FDA under the HCT/P rules (21 CFR 1271). They are; a product that fails any section 361 criterion is regulated as a drug or biologic under section 351 (docs/reference/regulatory.md §2).',
      [],
      [cite(F.hctpFramework), cite(F.mscPathway)],
    );
  return out(
    'unverifiable',
    `A regulatory claim about ${therapy} that the vendored reference (docs/reference/regulatory.md: FDA pathways of PRP, BMC, culture-expanded and allogeneic cell products in the US) does not decide.`,
  );
}

function checkMechanism(ctx: Ctx, c: ClaimIn): Outcome {
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const preclinical = /\b(?:animal|preclinical|rabbits?|rats?|mice|sheep|in vitro|laboratory)\b/i.test(c.sentence);
  const r = checkEffect(
    ctx,
    c,
    ['imaging'],
    'regenerates, repairs or restores tissue (judged on imaging outcomes in people)',
  );
  if (r.verdict === 'unsupported')
    return {
      ...r,
      reason: `${r.reason}${preclinical ? ' The claim is about animal or laboratory studies, which the evidence base does not hold.' : ''} Only imaging of people treated could show tissue change; there is none for ${scope.label}.`,
    };
  return r;
}

const COMPARATORS: { re: RegExp; kinds: string[]; label: string }[] = [
  { re: /\b(?:cortico)?steroids?\b|\btriamcinolone\b|\bmethylprednisolone\b/i, kinds: ['active'], label: 'a steroid' },
  { re: /\bplacebo\b|\bsaline\b|\bsham\b/i, kinds: ['placebo'], label: 'placebo, sham or vehicle' },
  {
    re: /\bconventional\b|\bstandard (?:care|treatment)\b|\bphysical therapy\b|\bexercise\b/i,
    kinds: ['conventional-care'],
    label: 'conventional care',
  },
  { re: /\bcontrol\b/i, kinds: ['placebo', 'active', 'conventional-care', 'control-unspecified'], label: 'control' },
];

function checkComparison(ctx: Ctx, c: ClaimIn): Outcome {
  const after = /\b(?:than|to|with|versus|vs\.?|over)\b(.*)$/i.exec(c.text)?.[1] ?? '';
  const cmpTherapy = therapyIn(after);
  if (cmpTherapy && cmpTherapy !== c.therapy)
    return out(
      'unsupported',
      `Read as: ${c.therapy} compared head to head with ${cmpTherapy}. No study in the evidence base compares them directly (a registered trial may, but has no results).`,
    );
  const cmp = COMPARATORS.find((x) => x.re.test(after));
  if (!cmp)
    return out(
      'not-checkable',
      `The comparator in "${after.trim() || c.text}" is not one the evidence base records (steroid, placebo, conventional care).`,
    );
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const qs = sofOf(ctx, c.therapy!).filter((q) => cmp.kinds.includes(q.comparison_kind));
  const ds = domainsIn(c.text);
  const e = evidenceFor(qs, scope.studies, ds.length ? ds : EFFICACY_DOMAINS);
  const read = `Read as: ${therapyLabel(c.therapy!)} does better than ${cmp.label}, in ${scope.label}.`;
  if (e.questions.length === 0)
    return out(
      'unsupported',
      `${read} No study in scope compares it with ${cmp.label}.`,
      scope.studies.map((s) => s.id),
    );
  const ids = [...new Set(e.questions.flatMap((q) => q.study_ids))];
  const evidence = [...findingEvidence([...e.favourable, ...e.against]), ...certaintyEvidence(e.questions)];
  const facts = `${e.favourable.length ? ` Favouring ${c.therapy}: ${sentencesOf(e.favourable)}.` : ''}${e.against.length ? ` Not favouring it: ${sentencesOf(e.against)}.` : ''} ${certaintySentence(e.questions)}`;
  const cert = bestCertainty(e.questions)!;
  if (e.favourable.length && e.against.length)
    return out('overstated', `${read} The results are mixed.${facts}`, ids, evidence);
  if (e.favourable.length)
    return out(
      WORDING_RANK[c.wording === 'report' ? 'possible' : c.wording] <= ALLOWED[cert] || c.wording === 'report'
        ? 'supported'
        : 'overstated',
      `${read}${facts}`,
      ids,
      evidence,
    );
  if (e.against.length) return out('contradicted', `${read}${facts}`, ids, evidence);
  return out('unsupported', `${read} The comparisons in scope state no direction.${facts}`, ids, evidence);
}

function checkResponder(ctx: Ctx, c: ClaimIn): Outcome {
  const scope = scopeOf(ctx, c.therapy!, c.sentence);
  const pct = numbersIn(c.text).find((x) => x.percent)?.value;
  const frac = /\b(\d+)\s+(?:of|out of)\s+(?:the\s+)?(\d+)\b/.exec(c.text);
  const claimed = pct ?? (frac ? (100 * Number(frac[1])) / Number(frac[2]) : null);
  const rows = scope.studies.flatMap((s) =>
    s.outcomes
      .filter(
        (o) =>
          (o.statistic === 'responder_pct' || o.statistic === 'pct') &&
          (o.arm === null || treatedArms(s, therapyMembers(c.therapy!)).some((a) => a.id === o.arm)),
      )
      .map((o) => ({ s, o, value: o.value })),
  );
  const counts = scope.studies.flatMap((s) =>
    s.outcomes
      .filter((o) => o.statistic === 'responder_n' || (o.statistic === 'count' && o.instrument === 'MRI'))
      .flatMap((o) => {
        const n = s.outcomes.find(
          (x) => x.statistic === 'n' && x.instrument === o.instrument && (x.measure ?? '') === (o.measure ?? ''),
        );
        return n ? [{ s, o, value: (100 * o.value) / n.value, frac: `${o.value} of ${n.value}` }] : [];
      }),
  );
  const all = [...rows.map((r) => ({ ...r, frac: `${r.value}%` })), ...counts];
  const shown = list(
    all.map(
      (r) =>
        `${r.s.id} ${r.frac}${r.o.timepoint_months !== null ? ` at ${r.o.timepoint_months} months` : ''} (${r.o.definition ?? r.o.instrument})`,
    ),
  );
  if (claimed === null) {
    if (/\b(?:majority|most)\b/i.test(c.text) && all.length) {
      const over = all.filter((r) => r.value > 50);
      return out(
        over.length === all.length ? 'supported' : over.length ? 'overstated' : 'contradicted',
        `Read as: most patients treated with ${c.therapy} respond, in ${scope.label}. ${over.length} of ${all.length} reported responder rates exceed 50%: ${shown}.`,
        all.map((r) => r.s.id),
        all.map((r) => ev(r.s.id, r.o.provenance)),
      );
    }
    return out('not-checkable', 'No responder percentage or count could be read from the claim.');
  }
  const hit = all.filter((r) => Math.abs(r.value - claimed) < 0.5 || Math.round(r.value) === Math.round(claimed));
  if (hit.length)
    return out(
      'supported',
      `Read as: ${Math.round(claimed)}% of patients treated with ${c.therapy} responded, in ${scope.label}. ${list(hit.map((r) => `${r.s.id} reports ${r.frac}${r.o.timepoint_months !== null ? ` at ${r.o.timepoint_months} months` : ''} (${r.o.definition ?? r.o.instrument})`))}.${hit.some((r) => scope.studies.find((s) => s.id === r.s.id)?.design !== 'rct' && r.o.comparator_arm == null) ? ' A responder rate without a control group does not show how many would have improved anyway.' : ''}`,
      hit.map((r) => r.s.id),
      hit.map((r) => ev(r.s.id, r.o.provenance)),
    );
  const named = namedStudies(c.text, ctx.data.studies);
  return out(
    named.length && all.length ? 'contradicted' : 'unsupported',
    `Read as: ${Math.round(claimed)}% of patients treated with ${c.therapy} responded, in ${scope.label}. No reported responder rate is ${Math.round(claimed)}%${all.length ? `; the reported ones are ${shown}` : ''}.`,
    all.map((r) => r.s.id),
    all.map((r) => ev(r.s.id, r.o.provenance)),
  );
}

function checkDesign(ctx: Ctx, c: ClaimIn): Outcome {
  const t = c.text;
  const scope = scopeOf(ctx, c.therapy!, c.text);
  const named = namedStudies(t, ctx.data.studies);
  if (named.length && /randomi[sz]ed|\bRCT\b|placebo|open[- ]label|controlled/i.test(t)) {
    const s = named[0]!;
    const claimsRct = /\brandomi[sz]ed\b|\bRCT\b/i.test(t) && !/\bnon-?randomi[sz]ed\b/i.test(t);
    const claimsPlacebo = /placebo/i.test(t);
    const isPlacebo = s.arms.some(
      (a) => a.role === 'control' && a.therapies.some((x) => ['saline', 'sham', 'ha', 'contrast'].includes(x)),
    );
    const ok =
      (!claimsRct || s.design === 'rct') &&
      (!claimsPlacebo || isPlacebo) &&
      (!/\bnon-?randomi[sz]ed\b/i.test(t) || s.design !== 'rct');
    return out(
      ok ? 'supported' : 'contradicted',
      `Read as: ${s.id} is ${t.match(/randomi[sz]ed|placebo[- ]controlled|open[- ]label|non-?randomi[sz]ed|controlled/gi)?.join(', ')}. The evidence base records its design as ${s.design}${isPlacebo ? ' with a placebo, vehicle or sham control' : ''}.`,
      [s.id],
      [ev(s.id, s.design_provenance), ...s.rob_inputs.map((r) => ev(s.id, r.provenance))],
    );
  }
  const level = /\blevel (I|II|III|IV|V)\b/i.exec(t)?.[1]?.toUpperCase();
  if (level) {
    const members = therapyMembers(c.therapy!);
    const st = ctx.data.statements.filter(
      (x): x is Extract<Statement, { kind: 'evidence-level' }> =>
        x.kind === 'evidence-level' &&
        x.therapies.some((th) => members.includes(th) || (th === 'msc-other' && STEM_FAMILY.has(c.therapy!))),
    );
    if (st.length === 0)
      return out('unverifiable', `No evidence-level statement for ${c.therapy} is in the evidence base.`);
    const same = st.filter((x) => x.level === level);
    return out(
      same.length ? 'supported' : 'contradicted',
      `Read as: the evidence for ${c.therapy} is level ${level}. ${list(st.map((x) => `${x.body} level ${x.level} for ${x.targets.join(', ')} (${x.reported_by})`))}.`,
      [],
      st.map((x) => ev(null, x.provenance)),
    );
  }
  const strong =
    /\bhigh[- ]quality\b|\bstrong\b|\brobust\b|\bproven\b|\bwell[- ]established\b|\bconclusive\b|\brigorous\b/i.test(t);
  const weak =
    /\blimited\b|\bweak\b|\blow[- ]quality\b|\bscarce\b|\bvery low\b|\buncertain\w*|\binsufficient\b|\bpreliminary\b|\bsmall\b/i.test(
      t,
    );
  if (strong || weak) {
    const qs = sofOf(ctx, c.therapy!).filter((q) => q.study_ids.some((id) => scope.studies.some((s) => s.id === id)));
    const cert = bestCertainty(qs);
    if (!cert) return out('unsupported', `The Summary of Findings has no graded question for ${scope.label}.`);
    const i = CERTAINTY.indexOf(cert);
    const verdict: Verdict = strong
      ? i === 3
        ? 'supported'
        : i === 2
          ? 'overstated'
          : 'contradicted'
      : i <= 1
        ? 'supported'
        : 'contradicted';
    return out(
      verdict,
      `Read as: the evidence for ${therapyLabel(c.therapy!)} is ${strong ? 'strong (high quality)' : 'limited (low quality)'}, in ${scope.label}. ${certaintySentence(qs)}`,
      [...new Set(qs.flatMap((q) => q.study_ids))],
      certaintyEvidence(qs),
    );
  }
  if (/randomi[sz]ed|\bRCTs?\b|controlled/i.test(t)) {
    const rcts = scope.studies.filter((s) => s.design === 'rct');
    const q = quantifierIn(t);
    const { need, words } = needed(q, scope.studies.length);
    return out(
      rcts.length >= need && rcts.length > 0 ? 'supported' : rcts.length ? 'overstated' : 'contradicted',
      `Read as: ${words} of ${scope.label} are randomised trials. ${rcts.length} ${rcts.length === 1 ? 'is' : 'are'}: ${list(rcts.map((s) => s.id)) || 'none'}; the others are ${list(scope.studies.filter((s) => s.design !== 'rct').map((s) => `${s.id} (${s.design})`))}.`,
      scope.studies.map((s) => s.id),
      scope.studies.map((s) => ev(s.id, s.design_provenance)),
    );
  }
  return out('not-checkable', 'A statement about design or quality this checker has no rule for.');
}

function checkOther(ctx: Ctx, c: ClaimIn): Outcome {
  const F = REFERENCE_FACTS;
  // what a "stem cell" product contains (docs/reference/products.md §2–3): BMC is mostly not MSCs
  if (/\bnot (?:every|all)\b.{0,80}\bstem[- ]cell\b.{0,80}\b(?:true|actual(?:ly)?|real|genuine)\b/i.test(c.text))
    return out(
      'supported',
      'Read as: some products sold as "stem cell" therapy contain few true stem cells. So the reference says: bone marrow concentrate is a minimally manipulated preparation in which MSCs are a tiny fraction of nucleated cells (0.001%–0.01% of nucleated marrow cells), unlike culture-expanded MSC products.',
      [],
      [cite(F.bmcFewMscs), cite(F.mscFrequency)],
    );
  if (
    (c.therapy === 'bmc' || /\bbone marrow\b/i.test(c.text)) &&
    /\bstem[- ]cells?\b|\bMSCs?\b/i.test(c.text) &&
    /\b(?:rich in|full of|packed with|loaded with|high (?:number|concentration|dose) of|concentrated)\b/i.test(c.text)
  )
    return out(
      'contradicted',
      'Read as: bone marrow concentrate is rich in stem cells. MSCs are a tiny fraction of the nucleated cells in marrow (0.001%–0.01%), and BMC is a minimally manipulated concentrate of them, not a culture-expanded MSC product.',
      [],
      [cite(F.mscFrequency), cite(F.bmcFewMscs)],
    );
  if (/\bminimally invasive\b/i.test(c.text)) {
    const scope = scopeOf(ctx, c.therapy!, c.sentence);
    const members = therapyMembers(c.therapy!);
    const by = scope.studies.map((s) => {
      const p = s.products.find(
        (x) => members.includes(x.therapy) && /inject/i.test(`${x.provenance.quote} ${x.description}`),
      );
      return { s, p };
    });
    const missing = by.filter((x) => !x.p);
    const harvest = by.filter((x) => x.p && (x.p.therapy === 'bmc' || x.p.origin === 'autologous'));
    return out(
      missing.length ? 'unverifiable' : 'supported',
      `Read as: the procedure is minimally invasive (an injection, not open surgery), in ${scope.label}. ${by.filter((x) => x.p).length} of ${by.length} deliver the product by injection${missing.length ? `; how ${list(missing.map((x) => x.s.id))} deliver it is not in the data` : ''}.${harvest.length ? ` Autologous products also need a harvest (bone-marrow aspiration or liposuction): ${list(harvest.map((x) => x.s.id))}.` : ''}`,
      scope.studies.map((s) => s.id),
      by.flatMap((x) => (x.p ? [ev(x.s.id, x.p.provenance)] : [])),
    );
  }
  return out(
    'not-checkable',
    'No checkable statement about the therapies was recognised (no count, effect, safety, durability, regulatory, mechanism, comparison or cost claim).',
  );
}

// ---- the driver -----------------------------------------------------------------------------------------

interface ClaimIn {
  text: string;
  sentence: string;
  kind: ClaimKind;
  therapy: string | null;
  wording: Wording;
}

const CHECKS: Record<ClaimKind, (ctx: Ctx, c: ClaimIn) => Outcome> = {
  'study-count': checkStudyCount,
  'patient-count': checkPatientCount,
  'design-quality': checkDesign,
  efficacy: checkEfficacy,
  'responder-rate': checkResponder,
  durability: checkDurability,
  safety: checkSafety,
  'opioid-use': checkOpioid,
  regulatory: checkRegulatory,
  mechanism: checkMechanism,
  comparison: checkComparison,
  'cost-access': () =>
    out(
      'unsupported',
      'The evidence base holds no cost, price or insurance data, so a claim about cost or access has nothing to be checked against. (seed 000 only says, without figures, that the price is high.)',
      [],
      [cite(REFERENCE_FACTS.noCostData)],
    ),
  other: checkOther,
};

/** Input out of bounds (size, number of claims, empty): an AppError naming the field, 400 or 413. */
export class ClaimLimitError extends AppError {
  declare readonly field: 'text';
  declare readonly status: 400 | 413;
  constructor(message: string, field: 'text', status: 400 | 413) {
    super(message, { field, status });
  }
}

/** Bytes of a text in UTF-8. */
export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Checks the input bounds: a ClaimLimitError naming the limit, or null. */
export function inputProblem(text: string): ClaimLimitError | null {
  const bytes = utf8Bytes(text);
  if (bytes > MAX_INPUT_BYTES)
    return new ClaimLimitError(
      `the text is ${bytes} bytes; at most ${MAX_INPUT_BYTES} bytes (32 KiB) can be checked at once`,
      'text',
      413,
    );
  if (text.trim() === '') return new ClaimLimitError('the text is empty: give the claims to check', 'text', 400);
  return null;
}

/** Splits and checks every claim of a text. Throws ClaimLimitError when the input is out of bounds. */
export function checkClaims(text: string, data: ClaimData, opts: CheckOptions = {}): CheckedClaim[] {
  const problem = inputProblem(text);
  if (problem) throw problem;
  const condition = conditionKey(opts.condition ?? 'chronic low back pain');
  const segments = splitClaims(text);
  if (segments.length > MAX_CLAIMS)
    throw new ClaimLimitError(
      `the text has ${segments.length} claims; at most ${MAX_CLAIMS} can be checked at once`,
      'text',
      400,
    );
  const refs = segments.filter((s) => s.role === 'reference');
  const cited: Study[] = [];
  const unresolvedRefs: string[] = [];
  for (const r of refs) {
    const s = resolveReference(r.text, data.studies);
    if (s) cited.push(s);
    else unresolvedRefs.push(r.text);
  }
  const ctx: Ctx = { data, condition, cited, unresolvedRefs, sofs: new Map() };
  const given = opts.therapy ? opts.therapy.toLowerCase() : null;
  if (given && !THERAPY_GROUPS[given])
    throw new ClaimLimitError(
      `unknown therapy "${opts.therapy}"; use one of: ${Object.keys(THERAPY_GROUPS).join(', ')}`,
      'text',
      400,
    );
  const textDefault = segments.map((s) => therapyIn(s.text)).find((t) => t !== null) ?? null;
  return segments.map((seg) => checkSegment(ctx, seg, given ?? textDefault, given !== null));
}

function checkSegment(ctx: Ctx, seg: Segment, fallback: string | null, givenByUser: boolean): CheckedClaim {
  const kind = kindOf(seg);
  const own = therapyIn(seg.text) ?? therapyIn(seg.sentence);
  const therapy = own ?? fallback;
  const base = { text: seg.text, kind, start: seg.start, end: seg.end };
  const done = (therapyOut: string | null, o: Outcome): CheckedClaim => ({ ...base, therapy: therapyOut, ...o });
  if (seg.role === 'heading') return done(null, out('not-checkable', 'A heading, not a claim.'));
  if (seg.role === 'reference') {
    const s = resolveReference(seg.text, ctx.data.studies);
    return done(
      null,
      s
        ? out(
            'not-checkable',
            `A reference, not a claim. It is ${s.id} in the evidence base; the text's claims about "the studies" are checked against the studies it cites.`,
            [s.id],
            [ev(s.id, s.citation_provenance)],
          )
        : out(
            'not-checkable',
            'A reference, not a claim; no study of the evidence base matches its PMID, DOI or first author and year.',
          ),
    );
  }
  if (/\?\s*$/.test(seg.text)) return done(therapy, out('not-checkable', 'A question, not a claim.'));
  if (kind === 'other' && !/\bminimally invasive\b|\bstem[- ]cells?\b|\bMSCs?\b/i.test(seg.text))
    return done(
      therapy,
      CHECKS.other(ctx, { text: seg.text, sentence: seg.sentence, kind, therapy, wording: 'certain' }),
    );
  if (!therapy)
    return done(
      null,
      out(
        'not-checkable',
        'The claim names no therapy the evidence base covers (PRP, BMC, MSCs …) and none was given with --therapy.',
      ),
    );
  const c: ClaimIn = { text: seg.text, sentence: seg.sentence, kind, therapy, wording: wordingOf(seg.text) };
  const o = CHECKS[kind](ctx, c);
  const how = own
    ? ''
    : givenByUser
      ? ` (therapy ${therapy}: given with --therapy)`
      : ` (therapy ${therapy}: the claim names none, so the text's first-named therapy)`;
  return done(therapy, { ...o, reason: `${o.reason}${how}` });
}

/** The issue's JSON contract: {claims: [{text, kind, therapy, verdict, reason, study_ids, evidence}], summary}. */
export function toReport(claims: CheckedClaim[]): CheckReport {
  const summary = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of claims) summary[c.verdict]++;
  return {
    claims: claims.map(({ text, kind, therapy, verdict, reason, study_ids, evidence }) => ({
      text,
      kind,
      therapy,
      verdict,
      reason,
      study_ids,
      evidence,
    })),
    summary,
  };
}

export type { ClaimResult };
