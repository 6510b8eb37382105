import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerScore } from '../../src/cli/commands/score.ts';

async function run(args: string[]): Promise<{ out: unknown; exitCode: number }> {
  const program = new Command('regenspine').exitOverride();
  registerScore(program);
  const lines: string[] = [];
  const log = console.log;
  const prior = process.exitCode;
  console.log = (s: string) => lines.push(s);
  try {
    await program.parseAsync(['node', 'regenspine', 'score', ...args]);
    assert.equal(lines.length, 1, 'one JSON object on stdout');
    return { out: JSON.parse(lines[0]!), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    console.log = log;
    process.exitCode = prior;
  }
}

test('regenspine score prints one JSON object; invalid input → {error, field} and non-zero exit', async () => {
  assert.deepEqual(await run(['ODI', '--input', '{"answers":[0,1,2,3,4,5,0,1,2,3]}']), {
    out: { score: 42, answered: 10, band: 'severe' },
    exitCode: 0,
  });
  assert.deepEqual(await run(['EQ-5D-3L', '--input', '{"state":"21232","vas":70}']), {
    out: { index_uk: 0.088, index_us: 0.3969679, vas: 70 },
    exitCode: 0,
  });
  const bad = await run(['odi', '--input', '{"answers":[0,1,2,9,4,5,0,1,2,3]}']);
  assert.equal(bad.exitCode, 1);
  assert.equal((bad.out as { field: string }).field, 'answers[3]');
  const notJson = await run(['NRS', '--input', '{value: 3}']);
  assert.equal(notJson.exitCode, 1);
  assert.equal((notJson.out as { field: string }).field, 'input');
  const noInput = await run(['NRS']);
  assert.deepEqual(noInput, { out: { error: 'missing --input JSON', field: 'input' }, exitCode: 1 });
});
