// The `regenspine` command. Each sub-command lives in src/cli/commands/ and is a thin adapter over the
// pure modules (src/evidence, src/stats, src/instruments) and the store.
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './commands/analyze.ts';
import { registerCheckClaims } from './commands/check-claims.ts';
import { registerDb } from './commands/db.ts';
import { registerEpro } from './commands/epro.ts';
import { registerEvidence } from './commands/evidence.ts';
import { registerGuide } from './commands/guide.ts';
import { registerLiterature } from './commands/literature.ts';
import { registerMeta } from './commands/meta.ts';
import { registerRegistry } from './commands/registry.ts';
import { registerRegistryExport } from './commands/registry-export.ts';
import { registerScore } from './commands/score.ts';
import { registerServe } from './commands/serve.ts';
import { registerSof } from './commands/sof.ts';
import { registerValidate } from './commands/validate.ts';
import { configureProgram, installProcessHandlers, normaliseArgv, reportError } from './errors.ts';

/** For scripts/build.mjs: the embedded template is written with the bundle's own PGlite. */
export { writeEmbeddedTemplate, writeMemoryTemplate } from '../store/db.ts';

export function buildProgram(): Command {
  const program = configureProgram(new Command('regenspine'))
    .description(
      'RegenSpine: the evidence on regenerative therapies for chronic low back pain, and a registry of outcomes',
    )
    .exitOverride();
  registerValidate(program);
  registerEvidence(program);
  registerServe(program);
  registerScore(program);
  registerRegistry(program);
  registerDb(program);
  registerMeta(program);
  registerLiterature(program);
  registerSof(program);
  registerCheckClaims(program);
  registerGuide(program);
  registerAnalyze(program);
  registerEpro(program);
  registerRegistryExport(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  installProcessHandlers();
  const program = buildProgram();
  try {
    await program.parseAsync(normaliseArgv(argv));
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    process.exitCode = reportError(e);
  }
}
