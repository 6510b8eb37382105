// The Summary-of-Findings for condition × therapy: questions with study effects, pooled effects, reported
// analyses, findings without numbers, GRADE suggestions, overrides, plain-language statements, and ASIPP levels.
// Pure: the caller passes studies, statements, MCIDs and judgement files (issue 9 §4 JSON contract).
import type { EvidenceLevel, Provenance, Statement, Study } from '../domain/evidence.ts';
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { knownConditions, selectStudies } from '../evidence/select.ts';
import type { Method } from '../stats/rma.ts';
import { type AbsoluteEffect, absoluteEffect } from './absolute.ts';
import { type AsippRow, asippRows } from './asipp.ts';
import {
  adverseEventItems,
  type FindingItem,
  findingItems,
  type NotComputable,
  outcomeItems,
  type PlacedItem,
  type ReportedAnalysis,
  reviewItems,
  type StudyEffect,
} from './effects.ts';
import { type Certainty, type DomainJudgement, gradeQuestion, type Mcid } from './grade.ts';
import type { JudgementFile } from './judgements.ts';
import { type PooledEffect, poolEffects } from './pool.ts';
import {
  COMPARISON_LABEL,
  type Comparison,
  compareKeys,
  outcomeLabel,
  type QuestionKey,
  questionId,
  targetKey,
  WINDOW_LABEL,
  type Window,
} from './questions.ts';
import { plainLanguage } from './statement.ts';

export interface SofQuestion {
  id: string;
  outcome: string;
  domain: string;
  target: string;
  timepoint: string;
  comparison: string;
  comparison_kind: Comparison;
  study_ids: string[];
  participants: number | null;
  effect: PooledEffect | null;
  /** anticipated absolute effect per 1,000 (binary outcomes with a comparator), else null and `absolute_reason` */
  absolute: AbsoluteEffect | null;
  absolute_reason: string | null;
  study_effects: (Omit<StudyEffect, 'yi' | 'vi'> & { derived_from: StudyEffect['derived_from'] })[];
  not_computable: NotComputable[];
  findings: FindingItem[];
  reported_analyses: (ReportedAnalysis & { provenance: Provenance })[];
  certainty: Certainty;
  start: Certainty;
  start_reason: string;
  domains: DomainJudgement[];
  override: { file: JudgementFile; stale: string[] } | null;
  statement: string;
  warnings: string[];
}

export interface Sof {
  schema: 'regenspine.sof/1';
  condition: string;
  therapy: string;
  target: string | null;
  method: Method;
  questions: SofQuestion[];
  asipp: AsippRow[];
}

export interface SofOptions {
  condition: string;
  therapy: string;
  target?: string | null;
  method?: Method;
  /** MCIDs by instrument (config/instruments.json responder.<instrument>.absolute) */
  mcids?: Record<string, Mcid>;
  judgements?: JudgementFile[];
}

const fmt = (x: number, d = 2) => Number(x.toFixed(d)).toString().replace(/^-/, '−');

function effectWords(e: PooledEffect): string {
  if (e.measure === 'PLO')
    return `${fmt(e.estimate * 100, 0)}% (95% CI ${fmt(e.ci_lb * 100, 0)}% to ${fmt(e.ci_ub * 100, 0)}%)`;
  return `${e.measure} ${fmt(e.estimate)} (95% CI ${fmt(e.ci_lb)} to ${fmt(e.ci_ub)})`;
}

export function computeSof(studies: Study[], statements: Statement[], o: SofOptions): Sof {
  const method = o.method ?? 'REML';
  const sel = selectStudies(studies, o.condition, o.therapy);
  const target = o.target ?? null;
  const keep = (s: Study) => target === null || s.targets.includes(target as never);
  const placed: { s: Study; p: PlacedItem }[] = [];
  for (const s of [...sel.primary, ...sel.reviews].filter(keep)) {
    const items = s.review
      ? reviewItems(s, sel.members)
      : [...outcomeItems(s, sel.members), ...findingItems(s, sel.members), ...adverseEventItems(s, sel.members)];
    for (const p of items) placed.push({ s, p });
  }
  const groups = new Map<string, { key: QuestionKey; items: { s: Study; p: PlacedItem }[] }>();
  for (const x of placed) {
    for (const w of x.p.windows) {
      const key: QuestionKey = {
        condition: sel.condition,
        therapy: sel.therapy,
        target: targetKey(x.s),
        domain: x.p.domain,
        sub: x.p.sub,
        comparison: x.p.comparison,
        window: w as Window,
      };
      const id = questionId(key);
      const g = groups.get(id) ?? { key, items: [] };
      g.items.push(x);
      groups.set(id, g);
    }
  }
  const questions: SofQuestion[] = [];
  const judgements = new Map((o.judgements ?? []).map((j) => [j.question, j]));
  for (const [id, g] of [...groups.entries()].sort((a, b) => compareKeys(a[1].key, b[1].key))) {
    const effects = g.items.flatMap((x) => (x.p.item.type === 'effect' ? [x.p.item.effect] : []));
    const notComputable = g.items.flatMap((x) => (x.p.item.type === 'not-computable' ? [x.p.item.value] : []));
    const findings = g.items.flatMap((x) => (x.p.item.type === 'finding' ? [x.p.item.value] : []));
    const reported = g.items.flatMap((x) => (x.p.item.type === 'reported-analysis' ? [x.p.item.value] : []));
    const warnings: string[] = [];
    // one effect per study and measure in a question: the first; others are listed as a warning
    const byMeasure = new Map<string, StudyEffect[]>();
    for (const e of effects) {
      const list = byMeasure.get(e.measure) ?? [];
      if (list.some((x) => x.study_id === e.study_id))
        warnings.push(
          `${e.study_id}: a second ${e.measure} in this question (${e.definition ?? e.instrument}) is shown but not pooled`,
        );
      else list.push(e);
      byMeasure.set(e.measure, list);
    }
    // pool the measure with the most studies (comparative before single-arm on ties)
    const main =
      [...byMeasure.values()].sort((a, b) => b.length - a.length || (a[0]!.measure === 'PLO' ? 1 : -1))[0] ?? [];
    if (byMeasure.size > 1) warnings.push(`effects of ${byMeasure.size} measures: only ${main[0]!.measure} is pooled`);
    const defs = new Set(main.map((e) => e.definition ?? ''));
    if (main.length > 1 && defs.size > 1)
      warnings.push(`pooled effects have different definitions: ${[...defs].map((d) => `"${d}"`).join('; ')}`);
    const pooled = main.length ? poolEffects(main, method) : null;
    const ids = [...new Set(g.items.map((x) => x.s.id))].sort();
    // No double counting: a review's reported analysis stands beside the studies it includes, never pooled with them.
    for (const r of reported) {
      const both = r.included_study_ids.filter((x) => ids.includes(x));
      if (both.length)
        warnings.push(
          `${r.study_id} includes ${both.join(', ')}: its reported analysis is shown beside them, not pooled with them`,
        );
      else if (r.included_study_ids.length === 0)
        warnings.push(`${r.study_id}: the sources do not say which studies it includes`);
    }
    const mcidKey = main[0]?.instrument;
    const grade = gradeQuestion({
      domain: g.key.domain,
      comparison: g.key.comparison,
      target: g.key.target,
      studies: [...new Map(g.items.map((x) => [x.s.id, x.s])).values()],
      effects: main,
      pooled,
      findings,
      reported,
      mcid: pooled && pooled.measure === 'MD' && mcidKey ? (o.mcids?.[mcidKey] ?? null) : null,
      sd: null,
    });
    const j = judgements.get(id) ?? null;
    const stale = j
      ? j.overrides
          .filter((ov) => {
            if (ov.domain === 'overall') return ov.from !== grade.certainty;
            const d = grade.domains.find((x) => x.domain === ov.domain);
            return d ? d.steps !== ov.from : true;
          })
          .map(
            (ov) =>
              `${ov.domain}: the override was made from ${ov.from}; the suggestion is now ${ov.domain === 'overall' ? grade.certainty : grade.domains.find((x) => x.domain === ov.domain)?.steps}`,
          )
      : [];
    const outcome = outcomeLabel(g.key);
    const ra = reported[0];
    const effText = pooled
      ? effectWords(pooled)
      : ra
        ? `${ra.measure} ${fmt(ra.estimate)}${ra.ci_lb !== null && ra.ci_ub !== null ? ` (95% CI ${fmt(ra.ci_lb)} to ${fmt(ra.ci_ub)})` : ''}, as reported by ${ra.study_id}`
        : null;
    const direction =
      pooled && pooled.measure !== 'PLO'
        ? (pooled.measure === 'MD' || pooled.measure === 'RD' ? pooled.estimate < 0 : pooled.estimate < 1)
          ? 'reduces'
          : 'increases'
        : ra
          ? ra.estimate < 0
            ? 'reduces'
            : 'increases'
          : null;
    const participants = pooled?.participants ?? null;
    const abs = absoluteEffect(pooled, main);
    questions.push({
      id,
      outcome,
      domain: g.key.domain,
      target: g.key.target,
      timepoint: WINDOW_LABEL[g.key.window],
      comparison: COMPARISON_LABEL[g.key.comparison],
      comparison_kind: g.key.comparison,
      study_ids: ids,
      participants,
      effect: pooled,
      absolute: abs.value,
      absolute_reason: abs.reason,
      study_effects: effects.map(({ yi: _yi, vi: _vi, ...rest }) => rest),
      not_computable: notComputable,
      findings,
      reported_analyses: reported,
      certainty: grade.certainty,
      start: grade.start,
      start_reason: grade.start_reason,
      domains: grade.domains,
      override: j ? { file: j, stale } : null,
      statement: plainLanguage({
        intervention: o.therapy.toUpperCase(),
        outcome: outcome.toLowerCase(),
        certainty: grade.certainty,
        effect: effText,
        direction,
        singleArm: pooled?.body === 'single-arm',
        findings,
        comparison: g.key.comparison,
      }),
      warnings: [...warnings, ...(pooled?.warnings ?? [])],
    });
  }
  const levels = statements.filter((x): x is EvidenceLevel => x.kind === 'evidence-level');
  return {
    schema: 'regenspine.sof/1',
    condition: sel.condition,
    therapy: sel.therapy,
    target,
    method,
    questions,
    asipp: asippRows(sel.primary.filter(keep), levels, sel.members),
  };
}

/**
 * A question by id, computed from the evidence base (no target filter, REML, no judgements), for validating
 * judgement files; null when the id names no question. The SoF of each condition × therapy is computed once.
 */
export function questionLookup(
  studies: Study[],
  statements: Statement[],
  mcids: Record<string, Mcid> = {},
): (id: string) => SofQuestion | null {
  const cache = new Map<string, Sof>();
  const slug = (x: string) =>
    x
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return (id) => {
    const [c, t] = id.split('.');
    const condition = knownConditions().find((k) => slug(k) === c);
    if (!condition || !t || !THERAPY_GROUPS[t]) return null;
    const key = `${condition}|${t}`;
    let sof = cache.get(key);
    if (!sof) {
      sof = computeSof(studies, statements, { condition, therapy: t, mcids });
      cache.set(key, sof);
    }
    return sof.questions.find((q) => q.id === id) ?? null;
  };
}
