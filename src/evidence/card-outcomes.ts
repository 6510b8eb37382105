// The card's per-outcome insights, read from the synthesis (src/synthesis/sof.ts) so that one number has one
// computation: per main outcome and comparison, what changed against what comparator, how sure (the GRADE
// suggestion), and in how many patients. Pure.
import type { Study } from '../domain/evidence.ts';
import type { Certainty } from '../synthesis/grade.ts';
import { COMPARISON_LABEL, type Comparison } from '../synthesis/questions.ts';
import { absoluteCell } from '../synthesis/render.ts';
import type { Sof, SofQuestion } from '../synthesis/sof.ts';
import { directionWords } from '../synthesis/statement.ts';

/** Outcome domains a card speaks to per outcome; adverse events have the card's own safety section. */
const MAIN = new Set([
  'pain',
  'function',
  'responder',
  'quality-of-life',
  'opioid-use',
  'imaging',
  'treatment-failure',
]);

const CERT_WORDS: Record<Certainty, string> = {
  high: 'high',
  moderate: 'moderate',
  low: 'low',
  'very-low': 'very low',
};

const n2 = (x: number, d = 2) => Number(x.toFixed(d)).toString().replace(/^-/, '−');

/** What one question says, in a phrase, without a number the data do not give. */
function questionPhrase(q: SofQuestion, intervention: string): string {
  const e = q.effect;
  if (e) {
    if (e.body === 'single-arm') {
      const counts = q.study_effects
        .filter((x) => x.measure === 'PLO' && x.events !== null)
        .map((x) => `${x.events} of ${x.n}, ${x.study_id}`);
      return `${n2(e.estimate * 100, 0)}% of treated patients (95% CI ${n2(e.ci_lb * 100, 0)}% to ${n2(e.ci_ub * 100, 0)}%; ${counts.join('; ')}) — single-arm, no comparison with control`;
    }
    const abs = q.absolute ? `; ${absoluteCell(q)}` : '';
    return `${e.measure} ${n2(e.estimate)} (95% CI ${n2(e.ci_lb)} to ${n2(e.ci_ub)}; ${e.k === 1 ? `one study, ${q.study_effects[0]?.study_id}` : `pooled from ${e.k} studies`}${abs})`;
  }
  const r = q.reported_analyses[0];
  if (r)
    return `${r.measure} ${n2(r.estimate)}${r.ci_lb !== null && r.ci_ub !== null ? ` (95% CI ${n2(r.ci_lb)} to ${n2(r.ci_ub)})` : ''}, as reported by ${r.study_id}`;
  const words = directionWords(intervention, q.findings, q.comparison_kind === 'unclear');
  if (words.length) return `direction only, no size of effect: ${words.join('; ')}`;
  // control-arm responses and review vote counts: worded from their fields (src/evidence/results.ts)
  if (q.findings.length) return q.findings.map((f) => `${f.study_id}: ${f.sentence.replace(/\.$/, '')}`).join('; ');
  if (q.not_computable.length)
    return `no estimate can be computed (${[...new Set(q.not_computable.map((n) => n.kind.replace(/-/g, ' ')))].join('; ')})`;
  return 'no result with a direction';
}

/** Patients enrolled in the studies of a set of questions: the sum of known enrollments, and who is unknown. */
function patientsIn(ids: string[], studies: readonly Study[]): string {
  const ss = ids.map((id) => studies.find((s) => s.id === id)).filter((s): s is Study => !!s && !s.review);
  const reviews = ids.filter((id) => studies.find((s) => s.id === id)?.review);
  const known = ss.filter((s) => s.enrolled.value !== null);
  const sum = known.reduce((a, s) => a + (s.enrolled.value ?? 0), 0);
  const parts: string[] = [];
  if (ss.length && known.length === 0)
    parts.push(
      `${ss.length} ${ss.length === 1 ? 'study' : 'studies'} whose enrollment is not reported (${ss.map((s) => s.id).join(', ')})`,
    );
  else if (ss.length)
    parts.push(
      `${ss.length} ${ss.length === 1 ? 'study' : 'studies'} with ${known.length < ss.length ? 'at least ' : ''}${sum} patients enrolled${
        known.length < ss.length
          ? ` (enrollment not reported for ${ss
              .filter((s) => s.enrolled.value === null)
              .map((s) => s.id)
              .join(', ')})`
          : ''
      }`,
    );
  if (reviews.length)
    parts.push(`${reviews.length === 1 ? 'a review' : `${reviews.length} reviews`} (${reviews.join(', ')})`);
  return parts.join(' and ');
}

export interface OutcomeInsight {
  text: string;
  study_ids: string[];
}

/**
 * One insight per main outcome × comparison: each time window's result, the certainty (with the domains rated
 * down), and the patients in the studies. `graded` false (the cross-therapy card) leaves the certainty out.
 */
export function outcomeInsights(
  sof: Sof,
  studies: readonly Study[],
  intervention: string,
  graded = true,
): OutcomeInsight[] {
  const groups = new Map<string, SofQuestion[]>();
  for (const q of sof.questions) {
    if (!MAIN.has(q.domain)) continue;
    const key = `${q.outcome}|${q.comparison_kind}`;
    groups.set(key, [...(groups.get(key) ?? []), q]);
  }
  const out: OutcomeInsight[] = [];
  for (const qs of groups.values()) {
    const q0 = qs[0]!;
    const comparators = [
      ...new Set(qs.flatMap((q) => q.findings.map((f) => f.comparator_label).filter((x): x is string => !!x))),
    ];
    const vs =
      q0.comparison_kind === 'none'
        ? 'without a comparator (single arm or change from baseline)'
        : `${COMPARISON_LABEL[q0.comparison_kind as Comparison]}${comparators.length ? ` (${comparators.join('; ')})` : ''}`;
    const perWindow = qs.map(
      (q) =>
        `${q.timepoint}${q.target !== 'disc' ? `, target ${q.target.replace(/-/g, ' ')}` : ''}: ${questionPhrase(q, intervention)}`,
    );
    const certs = [...new Set(qs.map((q) => q.certainty))];
    const down = [
      ...new Set(
        qs.flatMap((q) =>
          q.domains.filter((d) => d.steps > 0 && d.domain !== 'large-effect').map((d) => d.domain.replace(/-/g, ' ')),
        ),
      ),
    ];
    const overrides = qs.filter((q) => q.override).length;
    const sure = graded
      ? ` How sure: ${certs.length === 1 ? `${CERT_WORDS[certs[0]!]} certainty` : `certainty ${certs.map((c) => CERT_WORDS[c]).join(' to ')}`} (computed GRADE suggestion${down.length ? `; rated down for ${down.join(', ')}` : ''})${overrides ? `; a reviewer judgement is on file for ${overrides} of these` : ''}.`
      : ' Certainty is not graded across different interventions.';
    const ids = [...new Set(qs.flatMap((q) => q.study_ids))].sort();
    out.push({
      text: `${q0.outcome}, ${intervention} ${vs}: ${perWindow.join('. ')}.${sure} In ${patientsIn(ids, studies)}.`,
      study_ids: ids,
    });
  }
  return out;
}

/** The best certainty of any main-outcome question with a result, or 'none' (for the card's `certainty.level`). */
export function bestMainCertainty(sof: Sof): Certainty | null {
  const order: Certainty[] = ['high', 'moderate', 'low', 'very-low'];
  const cs = sof.questions
    .filter((q) => MAIN.has(q.domain) && (q.effect || q.reported_analyses.length || q.findings.length))
    .map((q) => q.certainty);
  return order.find((c) => cs.includes(c)) ?? null;
}
