#!/usr/bin/env node
// Entry point for `npx regenspine`. Runs the bundle in dist/ (built by `npm ci` via the "prepare" script)
// when it is newer than every file under src/ and config/; otherwise registers tsx and runs the TypeScript
// sources directly, so an edited checkout never runs stale code. REGENSPINE_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// The embedded database is PostgreSQL compiled to WebAssembly (9 MB). V8 runs it with its baseline compiler
// (Liftoff) and recompiles the functions that get hot with its optimising one (TurboFan) on background threads;
// a command that lasts a second or two pays for that recompilation and exits before it pays back. Liftoff only
// (V8's --liftoff-only, set here before any WebAssembly is compiled) cut a registry command (`token list`)
// from 1.65 to 0.95 CPU s and a 40 MB PubMed import (1,961 records) from 8.0 to 5.9 CPU s, measured
// 2026-12-01 with /usr/bin/time (issue 11 "Tests"). `serve` runs for hours, so it keeps the optimising tier.
if (!process.argv.slice(2).includes('serve')) setFlagsFromString('--liftoff-only');

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/regenspine.mjs`;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.REGENSPINE_FROM_SOURCE || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return built >= newestMtime(`${root}src`) && built >= newestMtime(`${root}config`);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
