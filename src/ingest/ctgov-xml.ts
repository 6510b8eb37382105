// Legacy ClinicalTrials.gov <clinical_study> XML (the pre-2024 bulk / "displayxml" format) → ImportedRecord.
import {
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  normalizePhases,
  normalizeStatus,
  type RegistryOutcome,
  type ResultsSummary,
  yearOf,
} from './record.ts';
import { at, child, childrenNamed, paragraphsOf, textOf, textOrNull, type XNode } from './xml.ts';

const num = (s: string | null | undefined): number | null =>
  s != null && /^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : null;

function results(cr: XNode | null): ResultsSummary | null {
  if (!cr) return null;
  const pf = child(cr, 'participant_flow');
  let participant_flow: ResultsSummary['participant_flow'] = null;
  if (pf) {
    const periods = childrenNamed(child(pf, 'period_list'), 'period');
    const milestone = (p: XNode | undefined, title: string) =>
      childrenNamed(child(p, 'milestone_list'), 'milestone').find(
        (m) => textOf(child(m, 'title')).toUpperCase() === title,
      );
    const started = milestone(periods[0], 'STARTED');
    const completed = milestone(periods[periods.length - 1], 'COMPLETED');
    const count = (m: XNode | undefined, gid: string) =>
      num(
        childrenNamed(child(m, 'participants_list'), 'participants').find((p) => p.attrs?.group_id === gid)?.attrs
          ?.count,
      );
    participant_flow = {
      groups: childrenNamed(child(pf, 'group_list'), 'group').map((g) => {
        const gid = g.attrs?.group_id ?? '';
        return {
          id: gid,
          title: textOf(child(g, 'title')),
          started: count(started, gid),
          completed: count(completed, gid),
        };
      }),
    };
  }
  const outcome_measures: ResultsSummary['outcome_measures'] = childrenNamed(child(cr, 'outcome_list'), 'outcome').map(
    (o) => {
      const m = child(o, 'measure');
      const measurements: ResultsSummary['outcome_measures'][number]['measurements'] = [];
      for (const cl of childrenNamed(child(m, 'class_list'), 'class')) {
        for (const cat of childrenNamed(child(cl, 'category_list'), 'category')) {
          for (const x of childrenNamed(child(cat, 'measurement_list'), 'measurement')) {
            const a = x.attrs ?? {};
            measurements.push({
              group_id: a.group_id ?? '',
              class: textOrNull(child(cl, 'title')),
              category: textOrNull(child(cat, 'title')),
              value: a.value ?? null,
              spread: a.spread ?? null,
              lower: a.lower_limit ?? null,
              upper: a.upper_limit ?? null,
            });
          }
        }
      }
      return {
        type: textOf(child(o, 'type')).toLowerCase(),
        title: textOf(child(o, 'title')),
        time_frame: textOrNull(child(o, 'time_frame')),
        unit: textOrNull(child(m, 'units')),
        param_type: textOrNull(child(m, 'param')),
        dispersion_type: textOrNull(child(m, 'dispersion')),
        groups: childrenNamed(child(o, 'group_list'), 'group').map((g) => ({
          id: g.attrs?.group_id ?? '',
          title: textOf(child(g, 'title')),
        })),
        measurements,
      };
    },
  );
  const re = child(cr, 'reported_events');
  let adverse_events: ResultsSummary['adverse_events'] = null;
  if (re) {
    const events = (kind: string) =>
      childrenNamed(child(child(re, kind), 'category_list'), 'category').flatMap((c) =>
        childrenNamed(child(c, 'event_list'), 'event'),
      );
    const serious = events('serious_events');
    const other = events('other_events');
    const total = (evs: XNode[], gid: string, attr: string) => {
      const t = evs.find((e) => /^total/i.test(textOf(child(e, 'sub_title'))));
      return num(childrenNamed(t, 'counts').find((c) => c.attrs?.group_id === gid)?.attrs?.[attr]);
    };
    adverse_events = {
      groups: childrenNamed(child(re, 'group_list'), 'group').map((g) => {
        const gid = g.attrs?.group_id ?? '';
        return {
          id: gid,
          title: textOf(child(g, 'title')),
          serious_affected: total(serious, gid, 'subjects_affected'),
          serious_at_risk: total(serious, gid, 'subjects_at_risk'),
          other_affected: total(other, gid, 'subjects_affected'),
          other_at_risk: total(other, gid, 'subjects_at_risk'),
          deaths_affected: null,
          deaths_at_risk: null,
        };
      }),
      serious_terms: serious.filter((e) => !/^total/i.test(textOf(child(e, 'sub_title')))).length,
      other_terms: other.filter((e) => !/^total/i.test(textOf(child(e, 'sub_title')))).length,
    };
  }
  return { participant_flow, outcome_measures, adverse_events };
}

export function ctgovXmlRecord(cs: XNode, raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('ctgov-xml', raw, line);
  const nct = textOrNull(at(cs, 'id_info/nct_id'));
  if (nct) rec.ids.nct.push(nct.toUpperCase());
  for (const s of childrenNamed(child(cs, 'id_info'), 'secondary_id')) findNctIds(textOf(s), rec.ids.nct);
  rec.title = textOrNull(child(cs, 'official_title')) ?? textOrNull(child(cs, 'brief_title'));
  rec.abstract = paragraphsOf(at(cs, 'brief_summary/textblock'));
  rec.keywords = childrenNamed(cs, 'keyword').map(textOf).filter(Boolean);
  rec.mesh = childrenNamed(child(cs, 'condition_browse'), 'mesh_term').map(textOf).filter(Boolean);
  rec.source_type = textOrNull(child(cs, 'study_type'));
  const dates = {
    start: textOrNull(child(cs, 'start_date')),
    primary_completion: textOrNull(child(cs, 'primary_completion_date')),
    completion: textOrNull(child(cs, 'completion_date')),
    first_posted: textOrNull(child(cs, 'study_first_posted')),
    results_first_posted: textOrNull(child(cs, 'results_first_posted')),
    last_update_posted: textOrNull(child(cs, 'last_update_posted')),
  };
  rec.year =
    yearOf(dates.start) ?? yearOf(dates.first_posted) ?? yearOf(textOrNull(child(cs, 'study_first_submitted')));
  const outcomes: RegistryOutcome[] = [];
  for (const [kind, tag] of [
    ['primary', 'primary_outcome'],
    ['secondary', 'secondary_outcome'],
    ['other', 'other_outcome'],
  ] as const) {
    for (const o of childrenNamed(cs, tag)) {
      const measure = textOrNull(child(o, 'measure'));
      if (measure) {
        outcomes.push({
          kind,
          measure,
          time_frame: textOrNull(child(o, 'time_frame')),
          description: paragraphsOf(child(o, 'description'), 'line'),
        });
      }
    }
  }
  const refs: string[] = [];
  for (const r of [...childrenNamed(cs, 'reference'), ...childrenNamed(cs, 'results_reference')]) {
    const p = textOrNull(child(r, 'PMID'));
    if (p && !refs.includes(p)) refs.push(p);
  }
  const enrollment = child(cs, 'enrollment');
  const et = enrollment?.attrs?.type?.toLowerCase() ?? null;
  const statusRaw = textOrNull(child(cs, 'overall_status'));
  const cr = child(cs, 'clinical_results');
  rec.registry = {
    status: normalizeStatus(statusRaw),
    status_raw: statusRaw,
    study_type: rec.source_type?.toLowerCase() ?? null,
    phases: normalizePhases(textOrNull(child(cs, 'phase'))),
    allocation: textOrNull(at(cs, 'study_design_info/allocation'))?.toLowerCase() ?? null,
    enrollment: {
      count: num(textOrNull(enrollment)),
      type: et === 'actual' ? 'actual' : et === 'anticipated' || et === 'estimated' ? 'estimated' : null,
    },
    conditions: childrenNamed(cs, 'condition').map(textOf).filter(Boolean),
    arms: childrenNamed(cs, 'arm_group').map((a) => ({
      label: textOf(child(a, 'arm_group_label')),
      type: textOrNull(child(a, 'arm_group_type')),
      description: paragraphsOf(child(a, 'description')),
      interventions: [],
    })),
    interventions: childrenNamed(cs, 'intervention').map((iv) => ({
      type: textOrNull(child(iv, 'intervention_type')),
      name: textOf(child(iv, 'intervention_name')),
      description: paragraphsOf(child(iv, 'description')),
      arms: childrenNamed(iv, 'arm_group_label').map(textOf),
    })),
    outcomes,
    dates,
    sponsor: textOrNull(at(cs, 'sponsors/lead_sponsor/agency')),
    references: refs,
    has_results: cr !== null,
    results: results(cr),
  };
  // arms list their interventions through the interventions' arm labels, named "Type: name" as the JSON API
  // names them (armGroups[].interventionNames), so that the XML and the JSON of one study agree
  for (const arm of rec.registry.arms) {
    for (const iv of rec.registry.interventions) {
      if (iv.arms.includes(arm.label)) arm.interventions.push(iv.type ? `${iv.type}: ${iv.name}` : iv.name);
    }
  }
  rec.database = 'ClinicalTrials.gov';
  return rec;
}
