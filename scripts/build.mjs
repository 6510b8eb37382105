#!/usr/bin/env node
// Bundles the CLI and its worker entry points into dist/ with esbuild (run by `npm ci` through the
// "prepare" script). bin/regenspine.js runs the bundle when it is newer than every source file, and the
// TypeScript sources through tsx otherwise, so an edited checkout never runs stale code. Why bundle at all:
// transpiling ~100 modules on every start cost ~0.6 s a command.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { NODE_ESM } from './esbuild-node-esm.mjs';

// Packages stay external (loaded from node_modules) except zod, which every command loads at start: it is
// bundled, tree-shaken, because Node compiling zod's ~150 separate ES modules was ≈ 0.25 s of a 0.55 s
// `studies` (CPU profile, 2026-12-01). (commander, the other one, is CommonJS and costs ≈ 20 ms.)
// The @stdlib special functions (src/stats/dist.ts) are bundled too: each is a CommonJS package that requires
// dozens of others (228 packages in node_modules/@stdlib), and Node resolving and compiling them one file and
// one package.json at a time was ≈ 0.27 s of every command that touches the statistics (CPU profile of
// `studies`, 2026-12-01: wrapSafe 157 ms + package_json_reader 115 ms).
const BUNDLED = new Set(['zod']);
const bundled = (name) => BUNDLED.has(name) || name.startsWith('@stdlib/');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((name) => !bundled(name))
  .flatMap((name) => [name, `${name}/*`]);

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: {
    regenspine: 'src/cli/main.ts',
    'meta-worker': 'src/cli/commands/meta-worker.ts',
    'prepare-worker': 'src/ingest/prepare-worker.ts',
  },
  outdir: 'dist',
  ...NODE_ESM,
  external,
  sourcemap: 'linked',
  // Bundled CommonJS (the @stdlib packages, and `debug` under them) calls require() for Node built-ins
  // (e.g. require('tty')); an ES module has no require, so each chunk gets one.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The bundle's identity: a digest of every file of it. The read commands' evidence cache (src/evidence/cache.ts)
// is keyed by it, so a validation done by one build is never reused by another.
const dist = new URL('../dist/', import.meta.url);
const buildHash = createHash('sha256');
for (const name of readdirSync(dist)
  .filter((n) => n.endsWith('.mjs'))
  .sort()) {
  buildHash
    .update(`${name}\0`)
    .update(readFileSync(new URL(name, dist)))
    .update('\0');
}
writeFileSync(new URL('build-id', dist), `${buildHash.digest('hex')}\n`);

// A freshly initialised, migrated embedded database cluster for first starts (see EMBEDDED_TEMPLATE in
// src/store/db.ts): copying it is several times faster than running initdb and the migrations inside WASM.
const { writeEmbeddedTemplate, writeMemoryTemplate } = await import('../dist/regenspine.mjs');
await writeEmbeddedTemplate(new URL('../dist/pgdata-template', import.meta.url).pathname);
// An initialised, empty in-memory cluster image for the tests' in-memory databases (MEMORY_TEMPLATE), and the
// same with every migration applied, with the digest of the migrations it holds (MIGRATED_MEMORY_TEMPLATE).
await writeMemoryTemplate(
  new URL('../dist/pgdata-empty.tar', import.meta.url).pathname,
  new URL('../dist/pgdata-migrated.tar', import.meta.url).pathname,
);
