#!/usr/bin/env node
// Bundles the CLI and its worker entry points into dist/ with esbuild (run by `npm ci` through the
// "prepare" script). bin/regenspine.js runs the bundle when it is newer than every source file, and the
// TypeScript sources through tsx otherwise, so an edited checkout never runs stale code. Why bundle at all:
// transpiling ~100 modules on every start cost ~0.6 s a command.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: {
    regenspine: 'src/cli/main.ts',
    'meta-worker': 'src/cli/commands/meta-worker.ts',
    'prepare-worker': 'src/ingest/prepare-worker.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Code split at dynamic imports: a command loads only what it uses (the HTTP stack only for `serve`).
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// A freshly initialised, migrated embedded database cluster for first starts (see EMBEDDED_TEMPLATE in
// src/store/db.ts): copying it is several times faster than running initdb and the migrations inside WASM.
const { writeEmbeddedTemplate } = await import('../dist/regenspine.mjs');
await writeEmbeddedTemplate(new URL('../dist/pgdata-template', import.meta.url).pathname);
