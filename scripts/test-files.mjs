// The test files, and which of them open something heavy: shared by the test runner (scripts/test.mjs) and
// mutation testing (scripts/mutate.mjs).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every *.test.ts under `dir`, in the order the folder lists them. */
export function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/**
 * A test file's text opens a database, browser, server, worker or child process, here or through a test
 * helper: such a file costs seconds, and keeps a process of its own in `npm test`.
 */
export const OPENS =
  /openDb\(|startPostgres|bothEngines|pgliteWorld|buildWorld|browser|chromium|spawn|execFile|fork\(|worker|listen\(|serve\(/i;
