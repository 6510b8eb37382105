// The settings files are validated on load (src/instruments/config.ts): every value the reference allows is
// accepted and a bad edit fails loudly. Allowed values: docs/reference/instruments.md §1.2 (ODI multiple marks
// "highest" or configurable rejection), §5.1 (RMDQ, 24 items), §6 (responder rules "any" — the Ostelo 2008
// default — or "all"); docs/reference/medications.md §4 (factor sets CDC-2016 / CDC-2022), §5 (bands 50 / 90,
// increasing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import instrumentsJson from '../../config/instruments.json' with { type: 'json' };
import medicationsJson from '../../config/medications.json' with { type: 'json' };
import { parseInstrumentConfig, parseMedicationConfig } from '../../src/instruments/config.ts';

const edited = <T>(json: T, edit: (c: T) => void): T => {
  const c = structuredClone(json);
  edit(c);
  return c;
};

test('instrument settings: the alternatives the reference names are accepted, others refused', () => {
  const all = parseInstrumentConfig(
    edited(instrumentsJson, (c) => {
      c.responder.ODI.combine = 'all';
    }),
  );
  assert.equal(all.responder.ODI.combine, 'all');
  assert.throws(() =>
    parseInstrumentConfig(
      edited(instrumentsJson, (c) => {
        c.responder.ODI.combine = 'both';
      }),
    ),
  );
  const reject = parseInstrumentConfig(
    edited(instrumentsJson, (c) => {
      c.odi.multipleMarked.value = 'reject';
    }),
  );
  assert.equal(reject.odi.multipleMarked.value, 'reject');
  assert.throws(() =>
    parseInstrumentConfig(
      edited(instrumentsJson, (c) => {
        c.odi.multipleMarked.value = 'lowest';
      }),
    ),
  );
});

test('RMDQ missing items: 0–23 of the 24 items (at least one must be answered to score)', () => {
  const at = (n: number) =>
    edited(instrumentsJson, (c) => {
      c.rmdq.maxMissingItems.value = n;
    });
  assert.equal(parseInstrumentConfig(at(1)).rmdq.maxMissingItems.value, 1);
  assert.equal(parseInstrumentConfig(at(23)).rmdq.maxMissingItems.value, 23);
  assert.throws(() => parseInstrumentConfig(at(24)));
  assert.throws(() => parseInstrumentConfig(at(-1)));
});

test('medication settings: either CDC factor set as the default; bands must increase', () => {
  const s2016 = parseMedicationConfig(
    edited(medicationsJson, (c) => {
      c.defaultFactorSet.value = 'CDC-2016';
    }),
  );
  assert.equal(s2016.defaultFactorSet.value, 'CDC-2016');
  assert.throws(() =>
    parseMedicationConfig(
      edited(medicationsJson, (c) => {
        c.defaultFactorSet.value = 'CDC-2019';
      }),
    ),
  );
  const bands = (b: number[]) =>
    edited(medicationsJson, (c) => {
      c.bands.value = b;
    });
  assert.deepEqual(parseMedicationConfig(bands([50, 90])).bands.value, [50, 90]);
  for (const b of [
    [90, 50],
    [50, 50],
  ]) {
    assert.throws(() => parseMedicationConfig(bands(b)), { message: 'medications config: bands must be increasing' });
  }
});
