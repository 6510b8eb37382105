// Unit tests of the ClinicalTrials.gov readers: API v2 JSON (field names from the ClinicalTrials.gov "Study Data
// Structure" of API v2: protocolSection.identificationModule.nctId, statusModule.overallStatus, designModule,
// armsInterventionsModule, outcomesModule, resultsSection.participantFlowModule, …), the retired classic API's
// FullStudiesResponse (the same data elements in PascalCase with XxxList/Xxx wrappers, as in the fixture
// NCT04780763_FullStudiesResponse.json) and the legacy clinical_study XML (public.xsd element names). The three
// hand-written forms below describe one and the same study, so one expected registry block serves all three.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ctgovClassicRecord, ctgovJsonRecord, ctgovV2Record, readCtgovJson } from '../../src/ingest/ctgov-json.ts';
import { ctgovXmlRecord } from '../../src/ingest/ctgov-xml.ts';
import type { ReadEvent, RegistryInfo } from '../../src/ingest/record.ts';
import { parseXml } from '../../src/ingest/xml.ts';
import { chunksOf } from './helpers.ts';

const V2 = {
  protocolSection: {
    identificationModule: {
      nctId: 'nct01234567',
      briefTitle: 'Brief',
      officialTitle: ' Official   title ',
      secondaryIdInfos: [{ id: 'NCT07654321' }, { id: 'ABC-1' }, null],
    },
    statusModule: {
      overallStatus: 'ACTIVE_NOT_RECRUITING',
      startDateStruct: { date: '2019-03' },
      primaryCompletionDateStruct: { date: '2021-01-01' },
      completionDateStruct: { date: '2022' },
      studyFirstPostDateStruct: { date: '2018-12-01' },
      resultsFirstPostDateStruct: { date: '2023-01-05' },
      lastUpdatePostDateStruct: { date: '2024-02-02' },
      studyFirstSubmitDate: '2017-01-01',
    },
    sponsorCollaboratorsModule: { leadSponsor: { name: 'University' } },
    descriptionModule: { briefSummary: 'Summary.' },
    conditionsModule: { conditions: ['Low Back Pain', '  ', 'Disc Degeneration'], keywords: ['PRP', ''] },
    designModule: {
      studyType: 'INTERVENTIONAL',
      phases: ['PHASE1', 'PHASE2'],
      designInfo: { allocation: 'RANDOMIZED' },
      enrollmentInfo: { count: 60, type: 'ACTUAL' },
    },
    armsInterventionsModule: {
      armGroups: [
        { label: 'PRP', type: 'EXPERIMENTAL', description: 'PRP injection', interventionNames: ['Biological: PRP'] },
        { label: 'Saline', type: 'PLACEBO_COMPARATOR', interventionNames: ['Drug: Saline'] },
      ],
      interventions: [
        { type: 'BIOLOGICAL', name: 'PRP', description: 'Platelets', armGroupLabels: ['PRP'] },
        { type: 'DRUG', name: 'Saline', armGroupLabels: ['Saline'] },
      ],
    },
    outcomesModule: {
      primaryOutcomes: [{ measure: 'Pain', timeFrame: '6 months', description: 'VAS' }, { measure: '' }],
      secondaryOutcomes: [{ measure: 'ODI' }],
      otherOutcomes: [{ measure: 'Imaging', timeFrame: '1 year' }],
    },
    referencesModule: { references: [{ pmid: '123' }, { pmid: '123' }, { citation: 'no pmid' }, { pmid: 456 }] },
  },
  derivedSection: { conditionBrowseModule: { meshes: [{ term: 'Back Pain' }, {}, null] } },
  hasResults: false,
};

const CLASSIC = {
  ProtocolSection: {
    IdentificationModule: {
      NCTId: 'nct01234567',
      BriefTitle: 'Brief',
      OfficialTitle: ' Official   title ',
      SecondaryIdInfoList: { SecondaryIdInfo: [{ SecondaryId: 'NCT07654321' }, { SecondaryId: 'ABC-1' }, null] },
    },
    StatusModule: {
      OverallStatus: 'Active, not recruiting',
      StartDateStruct: { StartDate: 'March 2019' },
      PrimaryCompletionDateStruct: { PrimaryCompletionDate: 'January 1, 2021' },
      CompletionDateStruct: { CompletionDate: '2022' },
      StudyFirstPostDateStruct: { StudyFirstPostDate: 'December 1, 2018' },
      ResultsFirstPostDateStruct: { ResultsFirstPostDate: 'January 5, 2023' },
      LastUpdatePostDateStruct: { LastUpdatePostDate: 'February 2, 2024' },
    },
    SponsorCollaboratorsModule: { LeadSponsor: { LeadSponsorName: 'University' } },
    DescriptionModule: { BriefSummary: 'Summary.' },
    ConditionsModule: {
      ConditionList: { Condition: ['Low Back Pain', '  ', 'Disc Degeneration'] },
      KeywordList: { Keyword: ['PRP', ''] },
    },
    DesignModule: {
      StudyType: 'Interventional',
      PhaseList: { Phase: ['Phase 1', 'Phase 2'] },
      DesignInfo: { DesignAllocation: 'Randomized' },
      EnrollmentInfo: { EnrollmentCount: '60', EnrollmentType: 'Actual' },
    },
    ArmsInterventionsModule: {
      ArmGroupList: {
        ArmGroup: [
          {
            ArmGroupLabel: 'PRP',
            ArmGroupType: 'Experimental',
            ArmGroupDescription: 'PRP injection',
            ArmGroupInterventionList: { ArmGroupInterventionName: ['Biological: PRP'] },
          },
          {
            ArmGroupLabel: 'Saline',
            ArmGroupType: 'Placebo Comparator',
            ArmGroupInterventionList: { ArmGroupInterventionName: ['Drug: Saline'] },
          },
        ],
      },
      InterventionList: {
        Intervention: [
          {
            InterventionType: 'Biological',
            InterventionName: 'PRP',
            InterventionDescription: 'Platelets',
            InterventionArmGroupLabelList: { InterventionArmGroupLabel: ['PRP'] },
          },
          {
            InterventionType: 'Drug',
            InterventionName: 'Saline',
            InterventionArmGroupLabelList: { InterventionArmGroupLabel: ['Saline'] },
          },
        ],
      },
    },
    OutcomesModule: {
      PrimaryOutcomeList: {
        PrimaryOutcome: [
          { PrimaryOutcomeMeasure: 'Pain', PrimaryOutcomeTimeFrame: '6 months', PrimaryOutcomeDescription: 'VAS' },
          { PrimaryOutcomeMeasure: '' },
        ],
      },
      SecondaryOutcomeList: { SecondaryOutcome: [{ SecondaryOutcomeMeasure: 'ODI' }] },
      OtherOutcomeList: { OtherOutcome: [{ OtherOutcomeMeasure: 'Imaging', OtherOutcomeTimeFrame: '1 year' }] },
    },
    ReferencesModule: {
      ReferenceList: {
        Reference: [
          { ReferencePMID: '123' },
          { ReferencePMID: '123' },
          { ReferenceCitation: 'x' },
          { ReferencePMID: 456 },
        ],
      },
    },
  },
  DerivedSection: {
    ConditionBrowseModule: { ConditionMeshList: { ConditionMesh: [{ ConditionMeshTerm: 'Back Pain' }, {}, null] } },
  },
};

/** The registry block all three forms give (types and statuses in each form's own words are checked apart). */
const REGISTRY_COMMON = {
  status: 'active-not-recruiting',
  phases: ['phase1', 'phase2'],
  allocation: 'randomized',
  enrollment: { count: 60, type: 'actual' },
  conditions: ['Low Back Pain', 'Disc Degeneration'],
  outcomes: [
    { kind: 'primary', measure: 'Pain', time_frame: '6 months', description: 'VAS' },
    { kind: 'secondary', measure: 'ODI', time_frame: null, description: null },
    { kind: 'other', measure: 'Imaging', time_frame: '1 year', description: null },
  ],
  sponsor: 'University',
  references: ['123', '456'],
  has_results: false,
  results: null,
};

function common(r: RegistryInfo | null) {
  assert.ok(r);
  return {
    status: r.status,
    phases: r.phases,
    allocation: r.allocation,
    enrollment: r.enrollment,
    conditions: r.conditions,
    outcomes: r.outcomes,
    sponsor: r.sponsor,
    references: r.references,
    has_results: r.has_results,
    results: r.results,
  };
}

async function events(text: string, maxBytes?: number): Promise<ReadEvent[]> {
  const out: ReadEvent[] = [];
  for await (const e of readCtgovJson(chunksOf(Buffer.from(text, 'utf8'), 7), maxBytes)) out.push(e);
  return out;
}

describe('ClinicalTrials.gov API v2 JSON', () => {
  test('a study, every field', () => {
    const r = ctgovV2Record(V2, 'raw', 2);
    assert.deepEqual(
      { ...r, registry: null },
      {
        format: 'ctgov-json',
        source_type: 'INTERVENTIONAL',
        ids: { pmid: null, doi: null, nct: ['NCT01234567', 'NCT07654321'], pmcid: null },
        title: 'Official title',
        year: 2019,
        authors: [],
        journal: null,
        volume: null,
        issue: null,
        pages: null,
        abstract: 'Summary.',
        publication_types: [],
        mesh: ['Back Pain'],
        keywords: ['PRP'],
        language: null,
        database: 'ClinicalTrials.gov',
        registry: null,
        raw: 'raw',
        line: 2,
      },
    );
    assert.deepEqual(common(r.registry), REGISTRY_COMMON);
    assert.deepEqual(
      [r.registry?.status_raw, r.registry?.study_type, r.registry?.arms, r.registry?.interventions, r.registry?.dates],
      [
        'ACTIVE_NOT_RECRUITING',
        'interventional',
        [
          { label: 'PRP', type: 'EXPERIMENTAL', description: 'PRP injection', interventions: ['Biological: PRP'] },
          { label: 'Saline', type: 'PLACEBO_COMPARATOR', description: null, interventions: ['Drug: Saline'] },
        ],
        [
          { type: 'BIOLOGICAL', name: 'PRP', description: 'Platelets', arms: ['PRP'] },
          { type: 'DRUG', name: 'Saline', description: null, arms: ['Saline'] },
        ],
        {
          start: '2019-03',
          primary_completion: '2021-01-01',
          completion: '2022',
          first_posted: '2018-12-01',
          results_first_posted: '2023-01-05',
          last_update_posted: '2024-02-02',
        },
      ],
    );
  });

  test('the year: start date, else first posted, else first submitted', () => {
    const withDates = (st: object) => ctgovV2Record({ protocolSection: { statusModule: st } }, '', 1).year;
    assert.equal(withDates({ studyFirstPostDateStruct: { date: '2018-12' }, studyFirstSubmitDate: '2017' }), 2018);
    assert.equal(withDates({ studyFirstSubmitDate: '2017-05-01' }), 2017);
    assert.equal(withDates({}), null);
  });

  test('the title falls back to the brief title; a study without sections is empty', () => {
    const r = ctgovV2Record({ protocolSection: { identificationModule: { briefTitle: 'Brief  one' } } }, '', 1);
    assert.equal(r.title, 'Brief one');
    const e = ctgovV2Record(null, '', 1);
    assert.deepEqual(
      [e.ids.nct, e.title, e.source_type, e.registry?.status, e.registry?.enrollment, e.registry?.has_results],
      [[], null, null, 'unknown', { count: null, type: null }, false],
    );
  });

  test('enrollment: counts as numbers or numeric strings; ESTIMATED and ANTICIPATED are estimated', () => {
    const enr = (info: object) =>
      ctgovV2Record({ protocolSection: { designModule: { enrollmentInfo: info } } }, '', 1).registry?.enrollment;
    assert.deepEqual(enr({ count: ' 12 ', type: 'ESTIMATED' }), { count: 12, type: 'estimated' });
    assert.deepEqual(enr({ count: '-3.5', type: 'Anticipated' }), { count: -3.5, type: 'estimated' });
    assert.deepEqual(enr({ count: 'NA', type: 'OTHER' }), { count: null, type: null });
    assert.deepEqual(enr({ count: Number.POSITIVE_INFINITY }), { count: null, type: null });
    assert.deepEqual(enr({ count: '1e3' }), { count: null, type: null });
    assert.deepEqual(enr({ count: 0, type: 'ACTUAL' }), { count: 0, type: 'actual' });
  });

  test('has results: hasResults true, or a results section', () => {
    assert.equal(ctgovV2Record({ protocolSection: {}, hasResults: true }, '', 1).registry?.has_results, true);
    assert.equal(ctgovV2Record({ protocolSection: {}, hasResults: 'true' }, '', 1).registry?.has_results, false);
    const r = ctgovV2Record({ protocolSection: {}, resultsSection: {} }, '', 1).registry;
    assert.deepEqual(
      [r?.has_results, r?.results],
      [true, { participant_flow: null, outcome_measures: [], adverse_events: null }],
    );
    assert.equal(ctgovV2Record({ protocolSection: {}, resultsSection: 'x' }, '', 1).registry?.results, null);
  });

  test('posted results: participants started in the first period and completed in the last; outcomes; adverse events', () => {
    const resultsSection = {
      participantFlowModule: {
        groups: [
          { id: 'FG000', title: 'PRP' },
          { id: 'FG001', title: 'Saline' },
        ],
        periods: [
          {
            milestones: [
              {
                type: 'STARTED',
                achievements: [
                  { groupId: 'FG000', numSubjects: '30' },
                  { groupId: 'FG001', numSubjects: '31' },
                ],
              },
              { type: 'COMPLETED', achievements: [{ groupId: 'FG000', numSubjects: '1' }] },
            ],
          },
          {
            milestones: [
              { type: 'STARTED', achievements: [{ groupId: 'FG000', numSubjects: '2' }] },
              {
                type: 'COMPLETED',
                achievements: [
                  { groupId: 'FG000', numSubjects: '28' },
                  { groupId: 'FG001', numSubjects: 'NA' },
                ],
              },
            ],
          },
        ],
      },
      outcomeMeasuresModule: {
        outcomeMeasures: [
          {
            type: 'PRIMARY',
            title: 'Pain',
            timeFrame: '6 months',
            unitOfMeasure: 'mm',
            paramType: 'MEAN',
            dispersionType: 'STANDARD_DEVIATION',
            groups: [{ id: 'OG000', title: 'PRP' }],
            classes: [
              {
                title: 'All',
                categories: [
                  {
                    measurements: [
                      { groupId: 'OG000', value: '12.5', spread: '3.1' },
                      { groupId: 'OG001', value: 'NA', lowerLimit: '1', upperLimit: '2' },
                    ],
                  },
                  { title: 'Women', measurements: [{ groupId: 'OG000', value: 7 }] },
                ],
              },
            ],
          },
          {},
        ],
      },
      adverseEventsModule: {
        eventGroups: [
          {
            id: 'EG000',
            title: 'PRP',
            seriousNumAffected: 1,
            seriousNumAtRisk: 30,
            otherNumAffected: 5,
            otherNumAtRisk: 30,
            deathsNumAffected: 0,
            deathsNumAtRisk: 30,
          },
        ],
        seriousEvents: [{}, {}],
        otherEvents: [{}],
      },
    };
    const r = ctgovV2Record({ protocolSection: {}, resultsSection }, '', 1).registry;
    assert.deepEqual(r?.results, {
      participant_flow: {
        groups: [
          { id: 'FG000', title: 'PRP', started: 30, completed: 28 },
          { id: 'FG001', title: 'Saline', started: 31, completed: null },
        ],
      },
      outcome_measures: [
        {
          type: 'primary',
          title: 'Pain',
          time_frame: '6 months',
          unit: 'mm',
          param_type: 'MEAN',
          dispersion_type: 'STANDARD_DEVIATION',
          groups: [{ id: 'OG000', title: 'PRP' }],
          measurements: [
            { group_id: 'OG000', class: 'All', category: null, value: '12.5', spread: '3.1', lower: null, upper: null },
            { group_id: 'OG001', class: 'All', category: null, value: 'NA', spread: null, lower: '1', upper: '2' },
            { group_id: 'OG000', class: 'All', category: 'Women', value: '7', spread: null, lower: null, upper: null },
          ],
        },
        {
          type: '',
          title: '',
          time_frame: null,
          unit: null,
          param_type: null,
          dispersion_type: null,
          groups: [],
          measurements: [],
        },
      ],
      adverse_events: {
        groups: [
          {
            id: 'EG000',
            title: 'PRP',
            serious_affected: 1,
            serious_at_risk: 30,
            other_affected: 5,
            other_at_risk: 30,
            deaths_affected: 0,
            deaths_at_risk: 30,
          },
        ],
        serious_terms: 2,
        other_terms: 1,
      },
    });
  });
});

describe('ClinicalTrials.gov classic JSON (FullStudiesResponse)', () => {
  test('the same study in the classic form gives the same registry data', () => {
    const r = ctgovClassicRecord(CLASSIC, 'raw', 3);
    assert.deepEqual(
      [r.format, r.source_type, r.ids.nct, r.title, r.year, r.abstract, r.mesh, r.keywords, r.database, r.line],
      [
        'ctgov-json',
        'Interventional',
        ['NCT01234567', 'NCT07654321'],
        'Official title',
        2019,
        'Summary.',
        ['Back Pain'],
        ['PRP'],
        'ClinicalTrials.gov',
        3,
      ],
    );
    assert.deepEqual(common(r.registry), REGISTRY_COMMON);
    assert.deepEqual(
      [r.registry?.status_raw, r.registry?.study_type, r.registry?.arms, r.registry?.interventions, r.registry?.dates],
      [
        'Active, not recruiting',
        'interventional',
        [
          { label: 'PRP', type: 'Experimental', description: 'PRP injection', interventions: ['Biological: PRP'] },
          { label: 'Saline', type: 'Placebo Comparator', description: null, interventions: ['Drug: Saline'] },
        ],
        [
          { type: 'Biological', name: 'PRP', description: 'Platelets', arms: ['PRP'] },
          { type: 'Drug', name: 'Saline', description: null, arms: ['Saline'] },
        ],
        {
          start: 'March 2019',
          primary_completion: 'January 1, 2021',
          completion: '2022',
          first_posted: 'December 1, 2018',
          results_first_posted: 'January 5, 2023',
          last_update_posted: 'February 2, 2024',
        },
      ],
    );
  });

  test('the year: start date, else first posted; the brief title when there is no official one', () => {
    const r = ctgovClassicRecord(
      {
        ProtocolSection: {
          IdentificationModule: { BriefTitle: 'Brief' },
          StatusModule: { StudyFirstPostDateStruct: { StudyFirstPostDate: 'May 2, 2016' } },
        },
      },
      '',
      1,
    );
    assert.deepEqual([r.year, r.title], [2016, 'Brief']);
    const e = ctgovClassicRecord({}, '', 1);
    assert.deepEqual([e.year, e.title, e.registry?.has_results, e.registry?.results], [null, null, false, null]);
  });

  test('posted results in the classic form', () => {
    const ResultsSection = {
      ParticipantFlowModule: {
        FlowGroupList: {
          FlowGroup: [
            { FlowGroupId: 'FG000', FlowGroupTitle: 'PRP' },
            { FlowGroupId: 'FG001', FlowGroupTitle: 'Saline' },
          ],
        },
        FlowPeriodList: {
          FlowPeriod: [
            {
              FlowMilestoneList: {
                FlowMilestone: [
                  {
                    FlowMilestoneType: 'Started',
                    FlowAchievementList: {
                      FlowAchievement: [
                        { FlowAchievementGroupId: 'FG000', FlowAchievementNumSubjects: '30' },
                        { FlowAchievementGroupId: 'FG001', FlowAchievementNumSubjects: '31' },
                      ],
                    },
                  },
                ],
              },
            },
            {
              FlowMilestoneList: {
                FlowMilestone: [
                  {
                    FlowMilestoneType: 'COMPLETED',
                    FlowAchievementList: {
                      FlowAchievement: [{ FlowAchievementGroupId: 'FG000', FlowAchievementNumSubjects: '28' }],
                    },
                  },
                ],
              },
            },
          ],
        },
      },
      OutcomeMeasuresModule: {
        OutcomeMeasureList: {
          OutcomeMeasure: [
            {
              OutcomeMeasureType: 'Secondary',
              OutcomeMeasureTitle: 'ODI',
              OutcomeMeasureTimeFrame: '1 year',
              OutcomeMeasureUnitOfMeasure: 'points',
              OutcomeMeasureParamType: 'Median',
              OutcomeMeasureDispersionType: 'Full Range',
              OutcomeGroupList: { OutcomeGroup: [{ OutcomeGroupId: 'OG000', OutcomeGroupTitle: 'PRP' }] },
              OutcomeClassList: {
                OutcomeClass: [
                  {
                    OutcomeCategoryList: {
                      OutcomeCategory: [
                        {
                          OutcomeCategoryTitle: 'Men',
                          OutcomeMeasurementList: {
                            OutcomeMeasurement: [
                              {
                                OutcomeMeasurementGroupId: 'OG000',
                                OutcomeMeasurementValue: '20',
                                OutcomeMeasurementSpread: '4',
                                OutcomeMeasurementLowerLimit: '10',
                                OutcomeMeasurementUpperLimit: '30',
                              },
                            ],
                          },
                        },
                      ],
                    },
                  },
                ],
              },
            },
          ],
        },
      },
      AdverseEventsModule: {
        EventGroupList: {
          EventGroup: [
            {
              EventGroupId: 'EG000',
              EventGroupTitle: 'PRP',
              EventGroupSeriousNumAffected: '1',
              EventGroupSeriousNumAtRisk: '30',
              EventGroupOtherNumAffected: '5',
              EventGroupOtherNumAtRisk: '30',
              EventGroupDeathsNumAffected: '0',
              EventGroupDeathsNumAtRisk: '30',
            },
          ],
        },
        SeriousEventList: { SeriousEvent: [{}] },
        OtherEventList: { OtherEvent: [{}, {}, {}] },
      },
    };
    const r = ctgovClassicRecord({ ProtocolSection: {}, ResultsSection }, '', 1).registry;
    assert.equal(r?.has_results, true);
    assert.deepEqual(r?.results, {
      participant_flow: {
        groups: [
          { id: 'FG000', title: 'PRP', started: 30, completed: 28 },
          { id: 'FG001', title: 'Saline', started: 31, completed: null },
        ],
      },
      outcome_measures: [
        {
          type: 'secondary',
          title: 'ODI',
          time_frame: '1 year',
          unit: 'points',
          param_type: 'Median',
          dispersion_type: 'Full Range',
          groups: [{ id: 'OG000', title: 'PRP' }],
          measurements: [
            { group_id: 'OG000', class: null, category: 'Men', value: '20', spread: '4', lower: '10', upper: '30' },
          ],
        },
      ],
      adverse_events: {
        groups: [
          {
            id: 'EG000',
            title: 'PRP',
            serious_affected: 1,
            serious_at_risk: 30,
            other_affected: 5,
            other_at_risk: 30,
            deaths_affected: 0,
            deaths_at_risk: 30,
          },
        ],
        serious_terms: 1,
        other_terms: 3,
      },
    });
  });

  test('ctgovJsonRecord tells the forms apart: protocolSection, Study.ProtocolSection, ProtocolSection', () => {
    assert.equal(ctgovJsonRecord(V2, '', 1)?.registry?.status_raw, 'ACTIVE_NOT_RECRUITING');
    assert.equal(ctgovJsonRecord({ Rank: 1, Study: CLASSIC }, '', 1)?.registry?.status_raw, 'Active, not recruiting');
    assert.equal(ctgovJsonRecord(CLASSIC, '', 1)?.registry?.status_raw, 'Active, not recruiting');
    assert.equal(ctgovJsonRecord({ Study: {} }, '', 1), null);
    assert.equal(ctgovJsonRecord(null, '', 1), null);
  });
});

describe('readCtgovJson', () => {
  const study = (nct: string) => JSON.stringify({ protocolSection: { identificationModule: { nctId: nct } } });

  test('a single study document, a {studies:[…]} page and a classic FullStudies page', async () => {
    const kinds = (ev: ReadEvent[]) =>
      ev.map((e) =>
        e.type === 'record' ? `${e.record.ids.nct[0]}@${e.record.line}` : e.type === 'error' ? e.message : e.type,
      );
    assert.deepEqual(kinds(await events(study('NCT00000001'))), ['NCT00000001@1']);
    assert.deepEqual(kinds(await events(`{"studies": [\n${study('NCT00000002')},\n${study('NCT00000003')}\n]}`)), [
      'NCT00000002@2',
      'NCT00000003@3',
    ]);
    assert.deepEqual(
      kinds(await events(JSON.stringify({ FullStudiesResponse: { FullStudies: [{ Rank: 1, Study: CLASSIC }] } }))),
      ['NCT01234567@1'],
    );
  });

  test('a study without an NCT id is an error naming the key for its API', async () => {
    const msgs = async (t: string) => (await events(t)).map((e) => (e.type === 'error' ? [e.line, e.message] : e.type));
    assert.deepEqual(await msgs('\n{"protocolSection": {}}'), [
      [1, 'study has no NCT id (protocolSection.identificationModule.nctId); skipped'],
    ]);
    assert.deepEqual(await msgs('[\n{"ProtocolSection": {}}]'), [
      [2, 'study has no NCT id (ProtocolSection.IdentificationModule.NCTId); skipped'],
    ]);
  });

  test('objects that are not studies', async () => {
    const msgs = async (t: string) => (await events(t)).map((e) => (e.type === 'error' ? [e.line, e.message] : e.type));
    assert.deepEqual(await msgs('{"foo": 1}'), [[1, 'JSON is not a ClinicalTrials.gov study']]);
    assert.deepEqual(await msgs('{"studies": {}}'), []);
    assert.deepEqual(await msgs('{"FullStudiesResponse": {"NStudiesFound": 0}}'), []);
    assert.deepEqual(await msgs('[{"a": 1}]'), [[1, 'array element is not a ClinicalTrials.gov study']]);
  });

  test('invalid JSON is reported with its line, and the next study is still read', async () => {
    const ev = await events(`[\n{"protocolSection": {"x": tru}},\n${study('NCT00000009')}]`);
    assert.equal(ev.length, 2);
    assert.equal(ev[0]?.type, 'error');
    if (ev[0]?.type === 'error') {
      assert.equal(ev[0].line, 2);
      assert.match(ev[0].message, /^invalid JSON: /);
    }
    assert.equal(ev[1]?.type === 'record' ? ev[1].record.ids.nct[0] : '', 'NCT00000009');
  });

  test('splitter errors are passed on', async () => {
    assert.deepEqual(await events('[{"a": 1}]]'), [
      { type: 'error', line: 1, message: 'array element is not a ClinicalTrials.gov study' },
      { type: 'error', line: 1, message: 'unbalanced JSON: unexpected closing bracket' },
    ]);
  });
});

describe('ClinicalTrials.gov legacy XML (clinical_study)', () => {
  const XML = `<clinical_study rank="1">
  <id_info><org_study_id>X-1</org_study_id><secondary_id>NCT07654321</secondary_id><nct_id>nct01234567</nct_id></id_info>
  <brief_title>Brief</brief_title>
  <official_title>Official title</official_title>
  <sponsors><lead_sponsor><agency>University</agency></lead_sponsor></sponsors>
  <brief_summary><textblock>
      Summary first
      paragraph.

      Second paragraph.
  </textblock></brief_summary>
  <overall_status>Active, not recruiting</overall_status>
  <start_date type="Actual">March 2019</start_date>
  <completion_date>2022</completion_date>
  <primary_completion_date>January 1, 2021</primary_completion_date>
  <phase>Phase 1/Phase 2</phase>
  <study_type>Interventional</study_type>
  <study_design_info><allocation>Randomized</allocation></study_design_info>
  <primary_outcome><measure>Pain</measure><time_frame>6 months</time_frame><description>VAS
in mm</description></primary_outcome>
  <primary_outcome><measure></measure></primary_outcome>
  <secondary_outcome><measure>ODI</measure></secondary_outcome>
  <other_outcome><measure>Imaging</measure><time_frame>1 year</time_frame></other_outcome>
  <enrollment type="Actual">60</enrollment>
  <condition>Low Back Pain</condition>
  <condition></condition>
  <condition>Disc Degeneration</condition>
  <arm_group><arm_group_label>PRP</arm_group_label><arm_group_type>Experimental</arm_group_type>
    <description>PRP injection</description></arm_group>
  <arm_group><arm_group_label>Saline</arm_group_label></arm_group>
  <intervention><intervention_type>Biological</intervention_type><intervention_name>PRP</intervention_name>
    <description>Platelets</description><arm_group_label>PRP</arm_group_label></intervention>
  <intervention><intervention_name>Saline</intervention_name><arm_group_label>Saline</arm_group_label></intervention>
  <keyword>PRP</keyword><keyword></keyword>
  <condition_browse><mesh_term>Back Pain</mesh_term></condition_browse>
  <reference><citation>a</citation><PMID>123</PMID></reference>
  <reference><citation>b</citation></reference>
  <results_reference><citation>c</citation><PMID>456</PMID></results_reference>
  <results_reference><PMID>123</PMID></results_reference>
  <study_first_submitted>January 1, 2017</study_first_submitted>
  <study_first_posted type="Actual">December 1, 2018</study_first_posted>
  <results_first_posted>January 5, 2023</results_first_posted>
  <last_update_posted type="Actual">February 2, 2024</last_update_posted>
</clinical_study>`;

  test('a study, every field; arms list their interventions as "Type: name"', () => {
    const r = ctgovXmlRecord(parseXml(XML), XML, 5);
    assert.deepEqual(
      [r.format, r.source_type, r.ids.nct, r.title, r.year, r.abstract, r.mesh, r.keywords, r.database, r.raw, r.line],
      [
        'ctgov-xml',
        'Interventional',
        ['NCT01234567', 'NCT07654321'],
        'Official title',
        2019,
        'Summary first paragraph.\n\nSecond paragraph.',
        ['Back Pain'],
        ['PRP'],
        'ClinicalTrials.gov',
        XML,
        5,
      ],
    );
    assert.deepEqual(common(r.registry), {
      ...REGISTRY_COMMON,
      outcomes: [
        { kind: 'primary', measure: 'Pain', time_frame: '6 months', description: 'VAS\n\nin mm' },
        { kind: 'secondary', measure: 'ODI', time_frame: null, description: null },
        { kind: 'other', measure: 'Imaging', time_frame: '1 year', description: null },
      ],
    });
    assert.deepEqual(
      [r.registry?.status_raw, r.registry?.study_type, r.registry?.arms, r.registry?.interventions, r.registry?.dates],
      [
        'Active, not recruiting',
        'interventional',
        [
          { label: 'PRP', type: 'Experimental', description: 'PRP injection', interventions: ['Biological: PRP'] },
          { label: 'Saline', type: null, description: null, interventions: ['Saline'] },
        ],
        [
          { type: 'Biological', name: 'PRP', description: 'Platelets', arms: ['PRP'] },
          { type: null, name: 'Saline', description: null, arms: ['Saline'] },
        ],
        {
          start: 'March 2019',
          primary_completion: 'January 1, 2021',
          completion: '2022',
          first_posted: 'December 1, 2018',
          results_first_posted: 'January 5, 2023',
          last_update_posted: 'February 2, 2024',
        },
      ],
    );
  });

  test('the year: start date, else first posted, else first submitted; the brief title as fallback', () => {
    const y = (x: string) => ctgovXmlRecord(parseXml(`<clinical_study>${x}</clinical_study>`), '', 1);
    assert.equal(
      y('<study_first_posted>May 2016</study_first_posted><study_first_submitted>2015</study_first_submitted>').year,
      2016,
    );
    assert.equal(y('<study_first_submitted>April 2015</study_first_submitted>').year, 2015);
    const e = y('<brief_title>Only brief</brief_title>');
    assert.deepEqual(
      [
        e.year,
        e.title,
        e.ids.nct,
        e.registry?.status,
        e.registry?.enrollment,
        e.registry?.allocation,
        e.registry?.has_results,
      ],
      [null, 'Only brief', [], 'unknown', { count: null, type: null }, null, false],
    );
  });

  test('enrollment types: Anticipated and Estimated are estimated; a count must be a number', () => {
    const enr = (x: string) =>
      ctgovXmlRecord(parseXml(`<clinical_study>${x}</clinical_study>`), '', 1).registry?.enrollment;
    assert.deepEqual(enr('<enrollment type="Anticipated">40</enrollment>'), { count: 40, type: 'estimated' });
    assert.deepEqual(enr('<enrollment type="ESTIMATED"> 4.5 </enrollment>'), { count: 4.5, type: 'estimated' });
    assert.deepEqual(enr('<enrollment type="Other">about 40</enrollment>'), { count: null, type: null });
    assert.deepEqual(enr('<enrollment>-2</enrollment>'), { count: -2, type: null });
  });

  test('posted results: participant flow, outcome measurements, totals of adverse events', () => {
    const xml = `<clinical_study><clinical_results>
      <participant_flow>
        <group_list><group group_id="P1"><title>PRP</title></group><group group_id="P2"><title>Saline</title></group></group_list>
        <period_list>
          <period><title>Overall</title><milestone_list>
            <milestone><title>Started</title><participants_list><participants group_id="P1" count="30"/><participants group_id="P2" count="31"/></participants_list></milestone>
            <milestone><title>COMPLETED</title><participants_list><participants group_id="P1" count="1"/></participants_list></milestone>
          </milestone_list></period>
          <period><title>Follow-up</title><milestone_list>
            <milestone><title>completed</title><participants_list><participants group_id="P1" count="28"/><participants group_id="P2" count="x"/></participants_list></milestone>
          </milestone_list></period>
        </period_list>
      </participant_flow>
      <outcome_list><outcome>
        <type>Primary</type><title>Pain</title><time_frame>6 months</time_frame>
        <group_list><group group_id="O1"><title>PRP</title></group></group_list>
        <measure><units>mm</units><param>Mean</param><dispersion>Standard Deviation</dispersion>
          <class_list><class><title>All</title><category_list>
            <category><measurement_list><measurement group_id="O1" value="12.5" spread="3.1"/><measurement value="NA" lower_limit="1" upper_limit="2"/></measurement_list></category>
            <category><title>Women</title><measurement_list><measurement group_id="O1" value="7"/></measurement_list></category>
          </category_list></class></class_list>
        </measure>
      </outcome><outcome/></outcome_list>
      <reported_events>
        <group_list><group group_id="E1"><title>PRP</title></group><group><title>No id</title></group></group_list>
        <serious_events><category_list>
          <category><title>Total</title><event_list><event><sub_title>Total, serious adverse events</sub_title><counts group_id="E1" subjects_affected="1" subjects_at_risk="30"/></event></event_list></category>
          <category><title>Cardiac</title><event_list><event><sub_title>Angina</sub_title><counts group_id="E1" subjects_affected="1" subjects_at_risk="30"/></event><event><sub_title>Stroke</sub_title></event></event_list></category>
        </category_list></serious_events>
        <other_events><category_list>
          <category><event_list><event><sub_title>Total, other adverse events</sub_title><counts group_id="E1" subjects_affected="5" subjects_at_risk="30"/></event><event><sub_title>Pain</sub_title></event></event_list></category>
        </category_list></other_events>
      </reported_events>
    </clinical_results></clinical_study>`;
    const r = ctgovXmlRecord(parseXml(xml), '', 1).registry;
    assert.equal(r?.has_results, true);
    assert.deepEqual(r?.results, {
      participant_flow: {
        groups: [
          { id: 'P1', title: 'PRP', started: 30, completed: 28 },
          { id: 'P2', title: 'Saline', started: 31, completed: null },
        ],
      },
      outcome_measures: [
        {
          type: 'primary',
          title: 'Pain',
          time_frame: '6 months',
          unit: 'mm',
          param_type: 'Mean',
          dispersion_type: 'Standard Deviation',
          groups: [{ id: 'O1', title: 'PRP' }],
          measurements: [
            { group_id: 'O1', class: 'All', category: null, value: '12.5', spread: '3.1', lower: null, upper: null },
            { group_id: '', class: 'All', category: null, value: 'NA', spread: null, lower: '1', upper: '2' },
            { group_id: 'O1', class: 'All', category: 'Women', value: '7', spread: null, lower: null, upper: null },
          ],
        },
        {
          type: '',
          title: '',
          time_frame: null,
          unit: null,
          param_type: null,
          dispersion_type: null,
          groups: [],
          measurements: [],
        },
      ],
      adverse_events: {
        groups: [
          {
            id: 'E1',
            title: 'PRP',
            serious_affected: 1,
            serious_at_risk: 30,
            other_affected: 5,
            other_at_risk: 30,
            deaths_affected: null,
            deaths_at_risk: null,
          },
          {
            id: '',
            title: 'No id',
            serious_affected: null,
            serious_at_risk: null,
            other_affected: null,
            other_at_risk: null,
            deaths_affected: null,
            deaths_at_risk: null,
          },
        ],
        serious_terms: 2,
        other_terms: 1,
      },
    });
  });

  test('results without flow or events', () => {
    const r = ctgovXmlRecord(parseXml('<clinical_study><clinical_results/></clinical_study>'), '', 1).registry;
    assert.deepEqual(r?.results, { participant_flow: null, outcome_measures: [], adverse_events: null });
  });
});
