#!/usr/bin/env node
// Stand-alone runner for `regenspine meta` (same code path as bin/regenspine.js once registerMeta is wired
// into src/cli/main.ts). Usage: node scripts/metafor/run-meta.mjs meta FILE.csv --measure RR ...
import { register } from 'tsx/esm/api';

register();
const { Command, CommanderError } = await import('commander');
const { registerMeta } = await import('../../src/cli/commands/meta.ts');
const { UserError } = await import('../../src/cli/main.ts');
const program = new Command('regenspine').exitOverride();
registerMeta(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else if (e instanceof UserError) {
    console.error(`regenspine: ${e.message}`);
    process.exitCode = e.exitCode;
  } else throw e;
}
