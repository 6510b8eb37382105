// ClinicalTrials.gov JSON: API v2 studies (single study or a {studies:[…]} page) and the retired classic API's
// FullStudiesResponse (PascalCase modules, XxxList:{Xxx:[…]} wrappers) → ImportedRecord with registry info.
import { splitJsonStudies } from './json-split.ts';
import {
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  normalizePhases,
  normalizeStatus,
  type ReadEvent,
  type RegistryInfo,
  type RegistryOutcome,
  type ResultsSummary,
  squash,
  yearOf,
} from './record.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON of a foreign schema, read defensively
type J = any;

const str = (v: J): string | null =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;
const num = (v: J): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
};
const arr = (v: J): J[] => (Array.isArray(v) ? v : []);
const strs = (v: J): string[] =>
  arr(v)
    .map(str)
    .filter((x): x is string => x !== null);
/** Classic API list wrapper: {ConditionList: {Condition: [...]}} → [...] */
const list = (wrapper: J, inner: string): J[] => arr(wrapper?.[inner]);

function enrollmentType(t: string | null): 'actual' | 'estimated' | null {
  if (!t) return null;
  const k = t.toLowerCase();
  if (k.startsWith('actual')) return 'actual';
  if (k.startsWith('estimat') || k.startsWith('anticipated')) return 'estimated';
  return null;
}

// ---------------------------------------------------------------- API v2

function v2Results(rs: J): ResultsSummary | null {
  if (!rs || typeof rs !== 'object') return null;
  const pf = rs.participantFlowModule;
  let participant_flow: ResultsSummary['participant_flow'] = null;
  if (pf) {
    const periods = arr(pf.periods);
    const milestone = (period: J, type: string) => arr(period?.milestones).find((m: J) => m?.type === type);
    const started = milestone(periods[0], 'STARTED');
    const completed = milestone(periods[periods.length - 1], 'COMPLETED');
    const count = (m: J, id: string) => num(arr(m?.achievements).find((a: J) => a?.groupId === id)?.numSubjects);
    participant_flow = {
      groups: arr(pf.groups).map((g: J) => ({
        id: str(g.id) ?? '',
        title: str(g.title) ?? '',
        started: count(started, g.id),
        completed: count(completed, g.id),
      })),
    };
  }
  const outcome_measures: ResultsSummary['outcome_measures'] = arr(rs.outcomeMeasuresModule?.outcomeMeasures).map(
    (om: J) => ({
      type: (str(om.type) ?? '').toLowerCase(),
      title: str(om.title) ?? '',
      time_frame: str(om.timeFrame),
      unit: str(om.unitOfMeasure),
      param_type: str(om.paramType),
      dispersion_type: str(om.dispersionType),
      groups: arr(om.groups).map((g: J) => ({ id: str(g.id) ?? '', title: str(g.title) ?? '' })),
      measurements: arr(om.classes).flatMap((cl: J) =>
        arr(cl.categories).flatMap((cat: J) =>
          arr(cat.measurements).map((m: J) => ({
            group_id: str(m.groupId) ?? '',
            class: str(cl.title),
            category: str(cat.title),
            value: str(m.value),
            spread: str(m.spread),
            lower: str(m.lowerLimit),
            upper: str(m.upperLimit),
          })),
        ),
      ),
    }),
  );
  const ae = rs.adverseEventsModule;
  const adverse_events: ResultsSummary['adverse_events'] = ae
    ? {
        groups: arr(ae.eventGroups).map((g: J) => ({
          id: str(g.id) ?? '',
          title: str(g.title) ?? '',
          serious_affected: num(g.seriousNumAffected),
          serious_at_risk: num(g.seriousNumAtRisk),
          other_affected: num(g.otherNumAffected),
          other_at_risk: num(g.otherNumAtRisk),
          deaths_affected: num(g.deathsNumAffected),
          deaths_at_risk: num(g.deathsNumAtRisk),
        })),
        serious_terms: arr(ae.seriousEvents).length,
        other_terms: arr(ae.otherEvents).length,
      }
    : null;
  return { participant_flow, outcome_measures, adverse_events };
}

export function ctgovV2Record(study: J, raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('ctgov-json', raw, line);
  const ps = study?.protocolSection ?? {};
  const id = ps.identificationModule ?? {};
  const st = ps.statusModule ?? {};
  const de = ps.designModule ?? {};
  const nct = str(id.nctId);
  if (nct) rec.ids.nct.push(nct.toUpperCase());
  for (const s of arr(id.secondaryIdInfos)) findNctIds(str(s?.id), rec.ids.nct);
  rec.title = str(id.officialTitle) ?? str(id.briefTitle);
  rec.abstract = str(ps.descriptionModule?.briefSummary);
  rec.keywords = strs(ps.conditionsModule?.keywords);
  rec.mesh = arr(study?.derivedSection?.conditionBrowseModule?.meshes)
    .map((m: J) => str(m?.term))
    .filter((x: string | null): x is string => x !== null);
  rec.source_type = str(de.studyType);
  const date = (s: J): string | null => str(s?.date);
  const dates = {
    start: date(st.startDateStruct),
    primary_completion: date(st.primaryCompletionDateStruct),
    completion: date(st.completionDateStruct),
    first_posted: date(st.studyFirstPostDateStruct),
    results_first_posted: date(st.resultsFirstPostDateStruct),
    last_update_posted: date(st.lastUpdatePostDateStruct),
  };
  rec.year = yearOf(dates.start) ?? yearOf(dates.first_posted) ?? yearOf(str(st.studyFirstSubmitDate));
  const outcomes: RegistryOutcome[] = [];
  for (const [kind, key] of [
    ['primary', 'primaryOutcomes'],
    ['secondary', 'secondaryOutcomes'],
    ['other', 'otherOutcomes'],
  ] as const) {
    for (const o of arr(ps.outcomesModule?.[key])) {
      const measure = str(o?.measure);
      if (measure) outcomes.push({ kind, measure, time_frame: str(o.timeFrame), description: str(o.description) });
    }
  }
  const refs: string[] = [];
  for (const r of arr(ps.referencesModule?.references)) {
    const p = str(r?.pmid);
    if (p && !refs.includes(p)) refs.push(p);
  }
  const registry: RegistryInfo = {
    status: normalizeStatus(str(st.overallStatus)),
    status_raw: str(st.overallStatus),
    study_type: str(de.studyType)?.toLowerCase() ?? null,
    phases: normalizePhases(strs(de.phases)),
    allocation: str(de.designInfo?.allocation)?.toLowerCase() ?? null,
    enrollment: { count: num(de.enrollmentInfo?.count), type: enrollmentType(str(de.enrollmentInfo?.type)) },
    conditions: strs(ps.conditionsModule?.conditions),
    arms: arr(ps.armsInterventionsModule?.armGroups).map((a: J) => ({
      label: str(a.label) ?? '',
      type: str(a.type),
      description: str(a.description),
      interventions: strs(a.interventionNames),
    })),
    interventions: arr(ps.armsInterventionsModule?.interventions).map((iv: J) => ({
      type: str(iv.type),
      name: str(iv.name) ?? '',
      description: str(iv.description),
      arms: strs(iv.armGroupLabels),
    })),
    outcomes,
    dates,
    sponsor: str(ps.sponsorCollaboratorsModule?.leadSponsor?.name),
    references: refs,
    has_results: study?.hasResults === true || !!study?.resultsSection,
    results: v2Results(study?.resultsSection),
  };
  rec.registry = registry;
  rec.journal = null;
  if (rec.title) rec.title = squash(rec.title);
  rec.database = 'ClinicalTrials.gov';
  return rec;
}

// ---------------------------------------------------------------- classic API (FullStudiesResponse)

function classicResults(rs: J): ResultsSummary | null {
  if (!rs || typeof rs !== 'object') return null;
  const pf = rs.ParticipantFlowModule;
  let participant_flow: ResultsSummary['participant_flow'] = null;
  if (pf) {
    const periods = list(pf.FlowPeriodList, 'FlowPeriod');
    const milestone = (period: J, type: string) =>
      list(period?.FlowMilestoneList, 'FlowMilestone').find(
        (m: J) => str(m?.FlowMilestoneType)?.toUpperCase() === type,
      );
    const started = milestone(periods[0], 'STARTED');
    const completed = milestone(periods[periods.length - 1], 'COMPLETED');
    const count = (m: J, gid: string) =>
      num(
        list(m?.FlowAchievementList, 'FlowAchievement').find((a: J) => a?.FlowAchievementGroupId === gid)
          ?.FlowAchievementNumSubjects,
      );
    participant_flow = {
      groups: list(pf.FlowGroupList, 'FlowGroup').map((g: J) => ({
        id: str(g.FlowGroupId) ?? '',
        title: str(g.FlowGroupTitle) ?? '',
        started: count(started, g.FlowGroupId),
        completed: count(completed, g.FlowGroupId),
      })),
    };
  }
  const outcome_measures: ResultsSummary['outcome_measures'] = list(
    rs.OutcomeMeasuresModule?.OutcomeMeasureList,
    'OutcomeMeasure',
  ).map((om: J) => ({
    type: (str(om.OutcomeMeasureType) ?? '').toLowerCase(),
    title: str(om.OutcomeMeasureTitle) ?? '',
    time_frame: str(om.OutcomeMeasureTimeFrame),
    unit: str(om.OutcomeMeasureUnitOfMeasure),
    param_type: str(om.OutcomeMeasureParamType),
    dispersion_type: str(om.OutcomeMeasureDispersionType),
    groups: list(om.OutcomeGroupList, 'OutcomeGroup').map((g: J) => ({
      id: str(g.OutcomeGroupId) ?? '',
      title: str(g.OutcomeGroupTitle) ?? '',
    })),
    measurements: list(om.OutcomeClassList, 'OutcomeClass').flatMap((cl: J) =>
      list(cl.OutcomeCategoryList, 'OutcomeCategory').flatMap((cat: J) =>
        list(cat.OutcomeMeasurementList, 'OutcomeMeasurement').map((m: J) => ({
          group_id: str(m.OutcomeMeasurementGroupId) ?? '',
          class: str(cl.OutcomeClassTitle),
          category: str(cat.OutcomeCategoryTitle),
          value: str(m.OutcomeMeasurementValue),
          spread: str(m.OutcomeMeasurementSpread),
          lower: str(m.OutcomeMeasurementLowerLimit),
          upper: str(m.OutcomeMeasurementUpperLimit),
        })),
      ),
    ),
  }));
  const ae = rs.AdverseEventsModule;
  const adverse_events: ResultsSummary['adverse_events'] = ae
    ? {
        groups: list(ae.EventGroupList, 'EventGroup').map((g: J) => ({
          id: str(g.EventGroupId) ?? '',
          title: str(g.EventGroupTitle) ?? '',
          serious_affected: num(g.EventGroupSeriousNumAffected),
          serious_at_risk: num(g.EventGroupSeriousNumAtRisk),
          other_affected: num(g.EventGroupOtherNumAffected),
          other_at_risk: num(g.EventGroupOtherNumAtRisk),
          deaths_affected: num(g.EventGroupDeathsNumAffected),
          deaths_at_risk: num(g.EventGroupDeathsNumAtRisk),
        })),
        serious_terms: list(ae.SeriousEventList, 'SeriousEvent').length,
        other_terms: list(ae.OtherEventList, 'OtherEvent').length,
      }
    : null;
  return { participant_flow, outcome_measures, adverse_events };
}

export function ctgovClassicRecord(study: J, raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('ctgov-json', raw, line);
  const ps = study?.ProtocolSection ?? {};
  const id = ps.IdentificationModule ?? {};
  const st = ps.StatusModule ?? {};
  const de = ps.DesignModule ?? {};
  const nct = str(id.NCTId);
  if (nct) rec.ids.nct.push(nct.toUpperCase());
  for (const s of list(id.SecondaryIdInfoList, 'SecondaryIdInfo')) findNctIds(str(s?.SecondaryId), rec.ids.nct);
  rec.title = str(id.OfficialTitle) ?? str(id.BriefTitle);
  rec.abstract = str(ps.DescriptionModule?.BriefSummary);
  rec.keywords = strs(ps.ConditionsModule?.KeywordList?.Keyword);
  rec.mesh = list(study?.DerivedSection?.ConditionBrowseModule?.ConditionMeshList, 'ConditionMesh')
    .map((m: J) => str(m?.ConditionMeshTerm))
    .filter((x: string | null): x is string => x !== null);
  rec.source_type = str(de.StudyType);
  const dates = {
    start: str(st.StartDateStruct?.StartDate),
    primary_completion: str(st.PrimaryCompletionDateStruct?.PrimaryCompletionDate),
    completion: str(st.CompletionDateStruct?.CompletionDate),
    first_posted: str(st.StudyFirstPostDateStruct?.StudyFirstPostDate),
    results_first_posted: str(st.ResultsFirstPostDateStruct?.ResultsFirstPostDate),
    last_update_posted: str(st.LastUpdatePostDateStruct?.LastUpdatePostDate),
  };
  rec.year = yearOf(dates.start) ?? yearOf(dates.first_posted);
  const outcomes: RegistryOutcome[] = [];
  for (const [kind, wrap, inner, pre] of [
    ['primary', 'PrimaryOutcomeList', 'PrimaryOutcome', 'PrimaryOutcome'],
    ['secondary', 'SecondaryOutcomeList', 'SecondaryOutcome', 'SecondaryOutcome'],
    ['other', 'OtherOutcomeList', 'OtherOutcome', 'OtherOutcome'],
  ] as const) {
    for (const o of list(ps.OutcomesModule?.[wrap], inner)) {
      const measure = str(o?.[`${pre}Measure`]);
      if (measure) {
        outcomes.push({
          kind,
          measure,
          time_frame: str(o[`${pre}TimeFrame`]),
          description: str(o[`${pre}Description`]),
        });
      }
    }
  }
  const refs: string[] = [];
  for (const r of list(ps.ReferencesModule?.ReferenceList, 'Reference')) {
    const p = str(r?.ReferencePMID);
    if (p && !refs.includes(p)) refs.push(p);
  }
  const ai = ps.ArmsInterventionsModule ?? {};
  rec.registry = {
    status: normalizeStatus(str(st.OverallStatus)),
    status_raw: str(st.OverallStatus),
    study_type: str(de.StudyType)?.toLowerCase() ?? null,
    phases: normalizePhases(strs(de.PhaseList?.Phase)),
    allocation: str(de.DesignInfo?.DesignAllocation)?.toLowerCase() ?? null,
    enrollment: {
      count: num(de.EnrollmentInfo?.EnrollmentCount),
      type: enrollmentType(str(de.EnrollmentInfo?.EnrollmentType)),
    },
    conditions: strs(ps.ConditionsModule?.ConditionList?.Condition),
    arms: list(ai.ArmGroupList, 'ArmGroup').map((a: J) => ({
      label: str(a.ArmGroupLabel) ?? '',
      type: str(a.ArmGroupType),
      description: str(a.ArmGroupDescription),
      interventions: strs(a.ArmGroupInterventionList?.ArmGroupInterventionName),
    })),
    interventions: list(ai.InterventionList, 'Intervention').map((iv: J) => ({
      type: str(iv.InterventionType),
      name: str(iv.InterventionName) ?? '',
      description: str(iv.InterventionDescription),
      arms: strs(iv.InterventionArmGroupLabelList?.InterventionArmGroupLabel),
    })),
    outcomes,
    dates,
    sponsor: str(ps.SponsorCollaboratorsModule?.LeadSponsor?.LeadSponsorName),
    references: refs,
    has_results: !!study?.ResultsSection,
    results: classicResults(study?.ResultsSection),
  };
  if (rec.title) rec.title = squash(rec.title);
  rec.database = 'ClinicalTrials.gov';
  return rec;
}

/** Maps one JSON study of either API, or returns null when the object is not a study. */
export function ctgovJsonRecord(obj: J, raw: string, line: number): ImportedRecord | null {
  if (obj?.protocolSection) return ctgovV2Record(obj, raw, line);
  if (obj?.Study?.ProtocolSection) return ctgovClassicRecord(obj.Study, raw, line);
  if (obj?.ProtocolSection) return ctgovClassicRecord(obj, raw, line);
  return null;
}

/** A study object without its NCT id is reported, never stored as an empty record. */
function withNct(rec: ImportedRecord, line: number): ReadEvent {
  if (rec.ids.nct.length > 0) return { type: 'record', record: rec };
  return {
    type: 'error',
    line,
    message:
      rec.format === 'ctgov-json' && rec.raw.includes('"ProtocolSection"')
        ? 'study has no NCT id (ProtocolSection.IdentificationModule.NCTId); skipped'
        : 'study has no NCT id (protocolSection.identificationModule.nctId); skipped',
  };
}

export async function* readCtgovJson(chunks: AsyncIterable<Buffer>, maxBytes?: number): AsyncGenerator<ReadEvent> {
  for await (const ev of splitJsonStudies(chunks, maxBytes)) {
    if (ev.kind === 'error') {
      yield { type: 'error', line: ev.line, message: ev.message };
      continue;
    }
    let obj: J;
    try {
      obj = JSON.parse(ev.text);
    } catch (e) {
      yield { type: 'error', line: ev.line, message: `invalid JSON: ${(e as Error).message}` };
      continue;
    }
    if (ev.kind === 'document') {
      // a single study, or an envelope without a studies array
      const items: J[] = Array.isArray(obj) ? obj : [obj];
      for (const it of items) {
        const rec = ctgovJsonRecord(it, ev.text, ev.line);
        if (rec) yield withNct(rec, ev.line);
        else if (!(it?.studies || it?.FullStudiesResponse)) {
          yield { type: 'error', line: ev.line, message: 'JSON is not a ClinicalTrials.gov study' };
        }
      }
      continue;
    }
    const rec = ctgovJsonRecord(obj, ev.text, ev.line);
    if (rec) yield withNct(rec, ev.line);
    else yield { type: 'error', line: ev.line, message: 'array element is not a ClinicalTrials.gov study' };
  }
}
