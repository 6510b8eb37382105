// The analysis input contract (src/registry/analysis/input.ts, the JSON lines of `regenspine analyze`) and the
// analysis settings (src/registry/analysis/config.ts, config/analysis.json): what is accepted, what is refused
// and which line and field an error names. Scales: docs/reference/instruments.md §0 (ODI 0–100, NRS 0–10);
// relatedness grouping: Hillman 2010, docs/reference/safety.md §4.1 (possible/probable/definite = related).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_ANALYSIS_CONFIG, parseAnalysisConfig } from '../../src/registry/analysis/config.ts';
import { AnalysisInputError, parseJsonl, parseRecord, relatednessOf } from '../../src/registry/analysis/input.ts';

const BASE = { patient: 'P1', procedure_date: '2025-01-10', therapy: 'PRP', visits: [] };

/** [line, field, message] of the error a value raises. */
const bad = (fn: () => unknown): [number, string, string] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnalysisInputError) return [e.line, e.field, e.message];
    throw e;
  }
  assert.fail('accepted');
};
const badRecord = (json: unknown, line = 1) => bad(() => parseRecord(json, line));

describe('a record', () => {
  test('the smallest record: defaults for events, adverse events, dates and strata are empty or null', () => {
    assert.deepEqual(parseRecord(BASE, 1), {
      patient: 'P1',
      procedure_date: '2025-01-10',
      therapy: 'PRP',
      visits: [],
      events: [],
      last_contact: null,
      withdrawn: null,
      site: null,
      product_class: null,
      target: null,
      pain_generator: null,
      adverse_events: [],
    });
  });

  test('every field given: labels trimmed, score names normalised, an unrecorded MME stays null', () => {
    const r = parseRecord(
      {
        patient: ' P7 ',
        procedure_date: '2025-01-10',
        therapy: ' BMC ',
        visits: [
          { date: '2025-01-05', scores: { odi: 40, 'NRS-11': 6 }, mme_per_day: 30 },
          { date: '2025-04-10', scores: { ODI: 28 }, mme_per_day: 0 },
          { date: '2025-07-10' },
          { date: '2025-08-01', scores: {}, mme_per_day: null },
        ],
        events: [{ type: 'reintervention', date: '2025-06-01' }],
        last_contact: '2025-09-01',
        withdrawn: '2025-10-01',
        site: 'A',
        product_class: 'leukocyte-poor PRP',
        target: 'disc',
        pain_generator: 'discogenic',
        adverse_events: [
          { grade: 2, serious: false, attribution_procedure: 'probable' },
          { grade: 3, serious: true, attribution_procedure: 'unrelated', attribution_product: 'unlikely' },
          { grade: 1, serious: false },
          { grade: 5, serious: true, attribution_procedure: null, attribution_product: 'definite' },
        ],
      },
      3,
    );
    assert.deepEqual(r, {
      patient: 'P7',
      procedure_date: '2025-01-10',
      therapy: 'BMC',
      visits: [
        { date: '2025-01-05', scores: { ODI: 40, NRS: 6 }, mme_per_day: 30 },
        { date: '2025-04-10', scores: { ODI: 28 }, mme_per_day: 0 },
        { date: '2025-07-10', scores: {}, mme_per_day: null },
        { date: '2025-08-01', scores: {}, mme_per_day: null },
      ],
      events: [{ type: 'reintervention', date: '2025-06-01' }],
      last_contact: '2025-09-01',
      withdrawn: '2025-10-01',
      site: 'A',
      product_class: 'leukocyte-poor PRP',
      target: 'disc',
      pain_generator: 'discogenic',
      adverse_events: [
        { grade: 2, serious: false, related: 'related' },
        { grade: 3, serious: true, related: 'not-related' },
        { grade: 1, serious: false, related: 'not-assessed' },
        { grade: 5, serious: true, related: 'related' },
      ],
    });
  });

  test('relatedness: related on either scale; not related when judged and unrelated; else not assessed', () => {
    assert.equal(relatednessOf(null, undefined), 'not-assessed');
    assert.equal(relatednessOf('possible', null), 'related');
    assert.equal(relatednessOf(null, 'definite'), 'related');
    assert.equal(relatednessOf('unlikely', 'probable'), 'related');
    assert.equal(relatednessOf('unrelated', 'unlikely'), 'not-related');
    assert.equal(relatednessOf(undefined, 'unrelated'), 'not-related');
  });

  test('a bad date names the field and says a calendar date is expected', () => {
    assert.deepEqual(badRecord({ ...BASE, procedure_date: '2025-02-30' }, 4), [
      4,
      'procedure_date',
      'line 4: procedure_date: a calendar date yyyy-mm-dd',
    ]);
    assert.deepEqual(badRecord({ ...BASE, visits: [{ date: '2025-01-05' }, { date: '10/01/2025' }] }), [
      1,
      'visits[1].date',
      'line 1: visits[1].date: a calendar date yyyy-mm-dd',
    ]);
  });

  test('patient and labels must be non-blank after trimming', () => {
    assert.deepEqual(badRecord({ ...BASE, patient: '   ' }).slice(0, 2), [1, 'patient']);
    assert.deepEqual(badRecord({ ...BASE, therapy: '  ' }).slice(0, 2), [1, 'therapy']);
    assert.deepEqual(badRecord({ ...BASE, site: ' ' }).slice(0, 2), [1, 'site']);
    assert.deepEqual(badRecord({ ...BASE, patient: 'x'.repeat(121) }).slice(0, 2), [1, 'patient']);
    assert.equal(parseRecord({ ...BASE, patient: ` ${'x'.repeat(120)} ` }, 1).patient, 'x'.repeat(120));
  });

  test('an event type is a lower-case slug, whole', () => {
    const ev = (type: string) => ({ ...BASE, events: [{ type, date: '2025-02-01' }] });
    assert.deepEqual(parseRecord(ev('re-intervention_2'), 1).events, [
      { type: 're-intervention_2', date: '2025-02-01' },
    ]);
    for (const type of ['Reintervention', 'reintervention X', '2nd', 'x y']) {
      assert.deepEqual(
        badRecord(ev(type)),
        [1, 'events[0].type', 'line 1: events[0].type: a lower-case event type'],
        type,
      );
    }
  });

  test('scores: a whole scale is accepted, outside it refused with the range; one value per instrument', () => {
    const v = (scores: Record<string, number>) => ({ ...BASE, visits: [{ date: '2025-01-05', scores }] });
    assert.deepEqual(parseRecord(v({ ODI: 0, NRS: 10 }), 1).visits[0]!.scores, { ODI: 0, NRS: 10 });
    assert.deepEqual(parseRecord(v({ ODI: 100, NRS: 0 }), 1).visits[0]!.scores, { ODI: 100, NRS: 0 });
    assert.deepEqual(badRecord(v({ ODI: 100.5 }), 2), [
      2,
      'visits[0].scores.ODI',
      'line 2: visits[0].scores.ODI: ODI must be between 0 and 100 (got 100.5)',
    ]);
    assert.deepEqual(badRecord(v({ NRS: -1 })), [
      1,
      'visits[0].scores.NRS',
      'line 1: visits[0].scores.NRS: NRS must be between 0 and 10 (got -1)',
    ]);
    assert.deepEqual(badRecord(v({ ODI: 40, odi: 30 })), [
      1,
      'visits[0].scores.odi',
      'line 1: visits[0].scores.odi: ODI is given twice',
    ]);
    assert.deepEqual(badRecord(v({ colour: 3 })).slice(0, 2), [1, 'visits[0].scores.colour']);
  });

  test('an event or the last contact on the procedure day is accepted; a day before is refused', () => {
    const ok = parseRecord(
      { ...BASE, events: [{ type: 'reintervention', date: '2025-01-10' }], last_contact: '2025-01-10' },
      1,
    );
    assert.deepEqual([ok.events, ok.last_contact], [[{ type: 'reintervention', date: '2025-01-10' }], '2025-01-10']);
    assert.deepEqual(
      badRecord({
        ...BASE,
        events: [
          { type: 'reintervention', date: '2025-01-10' },
          { type: 'surgery', date: '2025-01-09' },
        ],
      }),
      [1, 'events[1].date', 'line 1: events[1].date: an event cannot be before the procedure'],
    );
    assert.deepEqual(badRecord({ ...BASE, last_contact: '2025-01-09' }), [
      1,
      'last_contact',
      'line 1: last_contact: last contact cannot be before the procedure',
    ]);
  });

  test('an unknown field or a field of the wrong type is refused (the record or the field named)', () => {
    assert.deepEqual(badRecord({ ...BASE, colour: 'red' }).slice(0, 2), [1, '(record)']);
    assert.deepEqual(badRecord({ ...BASE, visits: 'none' }).slice(0, 2), [1, 'visits']);
    assert.deepEqual(badRecord({ ...BASE, adverse_events: [{ grade: 6, serious: false }] }).slice(0, 2), [
      1,
      'adverse_events[0].grade',
    ]);
    assert.deepEqual(badRecord(null).slice(0, 2), [1, '(record)']);
  });

  test('bounds: labels up to 120 characters, up to 1000 visits, events and adverse events, MME 0 to 100000', () => {
    assert.deepEqual(badRecord({ ...BASE, therapy: 'x'.repeat(121) }).slice(0, 2), [1, 'therapy']);
    assert.equal(parseRecord({ ...BASE, site: 'x'.repeat(120) }, 1).site, 'x'.repeat(120));
    const many = (n: number, item: unknown) => Array.from({ length: n }, () => item);
    assert.deepEqual(badRecord({ ...BASE, visits: many(1001, { date: '2025-01-05' }) }).slice(0, 2), [1, 'visits']);
    assert.equal(parseRecord({ ...BASE, visits: many(1000, { date: '2025-01-05' }) }, 1).visits.length, 1000);
    assert.deepEqual(badRecord({ ...BASE, events: many(1001, { type: 'surgery', date: '2025-02-01' }) }).slice(0, 2), [
      1,
      'events',
    ]);
    assert.deepEqual(badRecord({ ...BASE, adverse_events: many(1001, { grade: 1, serious: false }) }).slice(0, 2), [
      1,
      'adverse_events',
    ]);
    const mme = (mme_per_day: number) => ({ ...BASE, visits: [{ date: '2025-01-05', mme_per_day }] });
    assert.equal(parseRecord(mme(100_000), 1).visits[0]!.mme_per_day, 100_000);
    assert.deepEqual(badRecord(mme(100_001)).slice(0, 2), [1, 'visits[0].mme_per_day']);
    assert.deepEqual(badRecord(mme(-1)).slice(0, 2), [1, 'visits[0].mme_per_day']);
  });

  test('adverse events: CTCAE grade a whole number 1–5, seriousness a boolean, attributions from the scale', () => {
    const one = (a: Record<string, unknown>) => ({ ...BASE, adverse_events: [a] });
    for (const grade of [0, 6, 2.5])
      assert.deepEqual(badRecord(one({ grade, serious: false })).slice(0, 2), [1, 'adverse_events[0].grade']);
    assert.deepEqual(badRecord(one({ grade: 1, serious: 'no' })).slice(0, 2), [1, 'adverse_events[0].serious']);
    assert.deepEqual(badRecord(one({ grade: 1, serious: false, attribution_procedure: 'maybe' })).slice(0, 2), [
      1,
      'adverse_events[0].attribution_procedure',
    ]);
    assert.deepEqual(badRecord(one({ grade: 1, serious: false, onset: '2025-02-01' })).slice(0, 2), [
      1,
      'adverse_events[0]',
    ]);
  });

  test('a visit or an event with an unknown field is refused', () => {
    assert.deepEqual(badRecord({ ...BASE, visits: [{ date: '2025-01-05', note: 'x' }] }).slice(0, 2), [1, 'visits[0]']);
    assert.deepEqual(
      badRecord({ ...BASE, events: [{ type: 'surgery', date: '2025-02-01', site: 'L4' }] }).slice(0, 2),
      [1, 'events[0]'],
    );
  });

  test('the error serialises as {error, line, field}', () => {
    const e = new AnalysisInputError('bad', 7, 'visits[0].date');
    assert.deepEqual(e.toJSON(), { error: 'line 7: visits[0].date: bad', line: 7, field: 'visits[0].date' });
  });
});

describe('JSON lines', () => {
  const line = (patient: string) => JSON.stringify({ ...BASE, patient });

  test('blank and white-space lines are skipped, CRLF accepted, lines numbered from 1', () => {
    const rs = parseJsonl(`${line('P1')}\r\n   \n\n  ${line('P2')}  \n`);
    assert.deepEqual(
      rs.map((r) => r.patient),
      ['P1', 'P2'],
    );
    assert.deepEqual(parseJsonl(''), []);
  });

  test('the line number of a bad record counts the skipped lines', () => {
    assert.deepEqual(
      bad(() => parseJsonl(`${line('P1')}\n\n${JSON.stringify({ ...BASE, patient: 'P2', therapy: '' })}`)).slice(0, 2),
      [3, 'therapy'],
    );
  });

  test('not JSON: the line and "(line)"', () => {
    const [l, field, msg] = bad(() => parseJsonl(`${line('P1')}\n{"patient":`));
    assert.deepEqual([l, field], [2, '(line)']);
    assert.match(msg, /^line 2: \(line\): not valid JSON \(/);
  });

  test('one record per patient: a repeat names the first line', () => {
    assert.deepEqual(
      bad(() => parseJsonl(`${line('P1')}\n\n${line('P2')}\n${line('P1')}`)),
      [4, 'patient', 'line 4: patient: patient "P1" is already on line 1'],
    );
    assert.deepEqual(
      bad(() => parseJsonl(`\n${line('P1')}\n${line('P1')}`)),
      [3, 'patient', 'line 3: patient: patient "P1" is already on line 2'],
    );
  });
});

describe('analysis settings (config/analysis.json)', () => {
  const json = JSON.parse(readFileSync(new URL('../../config/analysis.json', import.meta.url), 'utf8'));
  const withValue = (key: string, value: unknown) => ({ ...json, [key]: { ...json[key], value } });
  const refused = (j: unknown) => assert.throws(() => parseAnalysisConfig(j));

  test('the shipped settings: five instruments, NRS without the 30 % alternative, re-intervention, log-log, 5, 95 %', () => {
    assert.deepEqual(DEFAULT_ANALYSIS_CONFIG, json);
    assert.deepEqual(DEFAULT_ANALYSIS_CONFIG.instruments.value, ['ODI', 'NRS', 'VAS', 'RMDQ', 'EQ5D3L']);
    assert.deepEqual(DEFAULT_ANALYSIS_CONFIG.responderOverrides.value, { NRS: { relativePct: null } });
    assert.deepEqual(DEFAULT_ANALYSIS_CONFIG.failureEvents.value, ['reintervention']);
    assert.equal(DEFAULT_ANALYSIS_CONFIG.confType.value, 'log-log');
    assert.equal(DEFAULT_ANALYSIS_CONFIG.smallCell.value, 5);
    assert.equal(DEFAULT_ANALYSIS_CONFIG.level.value, 0.95);
  });

  test('responder overrides: a relative threshold up to 100 %, combine any or all', () => {
    for (const o of [{ relativePct: 100 }, { relativePct: 50 }, { combine: 'all' }, { combine: 'any', absolute: 3 }])
      assert.deepEqual(parseAnalysisConfig(withValue('responderOverrides', { ODI: o })).responderOverrides.value, {
        ODI: o,
      });
    refused(withValue('responderOverrides', { ODI: { relativePct: 100.5 } }));
    refused(withValue('responderOverrides', { ODI: { relativePct: 0 } }));
    refused(withValue('responderOverrides', { ODI: { absolute: -1 } }));
    refused(withValue('responderOverrides', { ODI: { combine: 'none' } }));
    refused(withValue('responderOverrides', { ODI: { combine: '' } }));
  });

  test('failure events: one or more lower-case slugs', () => {
    assert.deepEqual(
      parseAnalysisConfig(withValue('failureEvents', ['reintervention', 'surgery'])).failureEvents.value,
      ['reintervention', 'surgery'],
    );
    refused(withValue('failureEvents', []));
    refused(withValue('failureEvents', ['Surgery']));
    refused(withValue('failureEvents', ['surgery X']));
  });

  test('interval type log-log, log or plain', () => {
    for (const c of ['log-log', 'log', 'plain'])
      assert.equal(parseAnalysisConfig(withValue('confType', c)).confType.value, c);
    refused(withValue('confType', 'arcsine'));
    refused(withValue('confType', ''));
  });

  test('small cell 1 to 100, level strictly between 0 and 1, an unknown key refused', () => {
    assert.equal(parseAnalysisConfig(withValue('smallCell', 1)).smallCell.value, 1);
    assert.equal(parseAnalysisConfig(withValue('smallCell', 100)).smallCell.value, 100);
    refused(withValue('smallCell', 0));
    refused(withValue('smallCell', 101));
    refused(withValue('smallCell', 2.5));
    refused(withValue('level', 1));
    refused(withValue('level', 0));
    refused({ ...json, extra: 1 });
    refused(withValue('instruments', []));
    refused(withValue('instruments', ['PROMIS_GPH_X']));
  });
});
