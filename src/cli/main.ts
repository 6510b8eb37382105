// The `regenspine` command. Each sub-command lives in src/cli/commands/ and is a thin adapter over the
// pure modules (src/evidence, src/stats, src/instruments) and the store.
import { Command, CommanderError } from 'commander';
import { EvidenceInvalidError } from '../app.ts';
import { DatabaseLockedError, DatabaseUnavailableError } from '../store/db.ts';
import { registerEvidence } from './commands/evidence.ts';
import { registerLiterature } from './commands/literature.ts';
import { registerMeta } from './commands/meta.ts';
import { registerRegistry } from './commands/registry.ts';
import { registerScore } from './commands/score.ts';
import { registerServe } from './commands/serve.ts';
import { registerSof } from './commands/sof.ts';
import { registerValidate } from './commands/validate.ts';
import { UserError } from './errors.ts';

export { UserError };

export function buildProgram(): Command {
  const program = new Command('regenspine')
    .description(
      'RegenSpine: the evidence on regenerative therapies for chronic low back pain, and a registry of outcomes',
    )
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerEvidence(program);
  registerServe(program);
  registerScore(program);
  registerRegistry(program);
  registerMeta(program);
  registerLiterature(program);
  registerSof(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (
      e instanceof UserError ||
      e instanceof EvidenceInvalidError ||
      e instanceof DatabaseLockedError ||
      e instanceof DatabaseUnavailableError
    ) {
      console.error(`regenspine: ${e.message}`);
      process.exitCode = e instanceof UserError ? e.exitCode : 1;
      return;
    }
    throw e;
  }
}
