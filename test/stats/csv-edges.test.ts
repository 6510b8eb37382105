// CSV edge cases (code review T17: "CSV last line without newline dropped" survived). RFC 4180 §2 rule 2: "The
// last record in the file may or may not have an ending line break"; rule 6/7: quoted fields may hold commas,
// line breaks and doubled quotes; CRLF ends a record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv } from '../../src/stats/csv.ts';

test('the last record is kept with or without a final line break', () => {
  assert.deepEqual(parseCsv('yi,vi\n0.1,0.02\n0.3,0.04'), [
    ['yi', 'vi'],
    ['0.1', '0.02'],
    ['0.3', '0.04'],
  ]);
  assert.deepEqual(parseCsv('yi,vi\r\n0.1,0.02\r\n'), [
    ['yi', 'vi'],
    ['0.1', '0.02'],
  ]);
  // a last record whose final field is empty is still a record
  assert.deepEqual(parseCsv('a,b\n1,'), [
    ['a', 'b'],
    ['1', ''],
  ]);
});

test('quoted fields keep commas, line breaks and doubled quotes', () => {
  assert.deepEqual(parseCsv('study,note\n"Smith, 2001","said ""yes""\nthen left"'), [
    ['study', 'note'],
    ['Smith, 2001', 'said "yes"\nthen left'],
  ]);
});
