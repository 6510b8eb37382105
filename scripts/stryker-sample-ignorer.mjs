// Stryker plugin for a sampled run (scripts/mutation-sample.mjs): MUTATE_SAMPLE names a JSON file with the picked
// mutants, and only those are tested. Stryker generates mutants only inside the `mutate` ranges (each a picked
// mutant's location), but a picked location holds others: a picked block statement holds every mutant of its
// block, and a picked node has the mutants of other mutators too (`a < b` gives `a <= b`, `a >= b`, `true`,
// `false`). Stryker's ignorer plugins work on whole syntax nodes, not on single mutants, so this module also marks
// every mutant that is not picked as ignored when Stryker's instrumenter collects it (MutantCollector.collect in
// @stryker-mutator/instrumenter 9.x, an internal class: if a Stryker upgrade moves it, loading this file fails
// loudly rather than testing the wrong mutants). Ignored mutants are reported as "Ignored" and never run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { sampleKey } from './mutation-sample.mjs';

const picked = process.env.MUTATE_SAMPLE ? JSON.parse(readFileSync(process.env.MUTATE_SAMPLE, 'utf8')).picked : [];
const keys = new Set(picked.map(sampleKey));

// the instrumenter Stryker's core loads (resolved from core, as core resolves it)
const fromCore = createRequire(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json'));
const instrumenterDir = dirname(fromCore.resolve('@stryker-mutator/instrumenter/package.json'));
const { MutantCollector } = await import(
  pathToFileURL(join(instrumenterDir, 'dist', 'src', 'transformers', 'mutant-collector.js')).href
);
if (typeof MutantCollector?.prototype?.collect !== 'function') {
  throw new Error('@stryker-mutator/instrumenter has no MutantCollector.collect: the sampled run cannot pick mutants');
}
const collect = MutantCollector.prototype.collect;
MutantCollector.prototype.collect = function collectPicked(...args) {
  const mutant = collect.apply(this, args);
  if (keys.size > 0 && !mutant.ignoreReason) {
    const api = mutant.toApiMutant();
    if (!keys.has(sampleKey({ ...api, fileName: relative(process.cwd(), api.fileName).split('\\').join('/') }))) {
      mutant.ignoreReason = 'not in the sample';
    }
  }
  return mutant;
};

// Registered so that Stryker loads this module; every node is left to the collector above.
export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'sample', { shouldIgnore: () => undefined })];
