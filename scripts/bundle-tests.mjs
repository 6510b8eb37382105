// Bundles test files with esbuild into one folder of ES modules, for `npm test` (scripts/test.mjs) and for
// mutation testing (stryker.config.mjs's buildCommand, in Stryker's sandbox after it has instrumented src/).
//
// Why: the test processes then run JavaScript without tsx. tsx transpiles from its cache, but its loader hooks
// run in a thread of their own and every module a test loads, node_modules included, takes a round trip through
// them: a test process spent ≈ 2 CPU s before its first test (test/registry/views.test.ts: 5.5 CPU s with tsx,
// 3.5 s bundled, `node --test` alone, 2026-12-01).
//
// The bundle is made the way tsx transpiles (esbuild, with the CLI bundle's settings: scripts/esbuild-node-esm.mjs),
// code split, so modules that several test files import are one chunk, loaded once in a process that runs
// several files. Packages stay external. Each module's import.meta.url / dirname / filename is replaced by its source file's, so paths a
// module reads beside itself, and src/workers.ts's choice of running workers from source, are as under tsx.
// The output folder must be inside the checkout, where Node finds node_modules from it.
//
// As a command (Stryker's buildCommand): `node scripts/bundle-tests.mjs OUTDIR`, the test files taken from the
// MUTATE_TESTS environment variable (a JSON list, set by scripts/mutate.mjs); each test/x.test.ts becomes
// OUTDIR/test/x.test.mjs (bundledName).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_ESM } from './esbuild-node-esm.mjs';

/** The bundle's name for a test file: test/a/b.test.ts → test/a/b.test (written as OUTDIR/test/a/b.test.mjs). */
export const bundledName = (file) => file.split('\\').join('/').replace(/\.ts$/, '');

const asUnderTsx = {
  name: 'as-under-tsx',
  setup(b) {
    b.onLoad({ filter: /\.(ts|tsx)$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8').replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, k) =>
        JSON.stringify(k === 'url' ? pathToFileURL(a.path).href : k === 'dirname' ? dirname(a.path) : a.path),
      );
      return { contents: text, loader: a.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
    // packages stay external, except a package's JSON file: esbuild drops the import's `with { type: 'json' }`
    // from an external import, without which Node refuses to load it (test/helpers/fhir-validate.ts)
    b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.endsWith('.json') ? undefined : { path: a.path, external: true }));
  },
};

/**
 * Bundles `entries` ({ outputName: sourceFile }) into `outdir` as outputName.mjs. `sourcemap`: inline source
 * maps, so that with node --enable-source-maps a failure's stack names the .ts file and line. Throws (esbuild
 * has printed the error with its file and line) when a file does not compile.
 */
export async function bundleTests(entries, outdir, { sourcemap = true } = {}) {
  await build({
    entryPoints: entries,
    outdir,
    ...NODE_ESM,
    sourcemap: sourcemap ? 'inline' : false,
    plugins: [asUnderTsx],
    logLevel: 'error',
  });
}

/**
 * Which source files each test file's bundle holds, its dynamic imports included: { testFile: Set of paths
 * relative to the project }. Mutation testing picks the test files that reach the code it mutates this way,
 * through test helpers and src/web/server.ts as well as direct imports (scripts/mutate.mjs). Nothing is written.
 */
export async function reachedSources(files) {
  const { metafile } = await build({
    entryPoints: Object.fromEntries(files.map((f) => [bundledName(f), f])),
    outdir: '.tmp/reach',
    ...NODE_ESM,
    splitting: false,
    write: false,
    metafile: true,
    plugins: [asUnderTsx],
    logLevel: 'error',
  });
  const out = {};
  for (const o of Object.values(metafile.outputs)) {
    if (o.entryPoint) out[o.entryPoint] = new Set(Object.keys(o.inputs));
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outdir = process.argv[2];
  const tests = JSON.parse(process.env.MUTATE_TESTS ?? '[]');
  if (!outdir || tests.length === 0) {
    console.error('usage: MUTATE_TESTS=\'["test/a.test.ts", …]\' node scripts/bundle-tests.mjs OUTDIR');
    process.exit(2);
  }
  try {
    await bundleTests(Object.fromEntries(tests.map((f) => [bundledName(f), f])), outdir, { sourcemap: false });
  } catch {
    process.exit(1);
  }
}
