// The `regenspine` command. Each sub-command lives in src/cli/commands/ and is a thin adapter over the
// pure modules (src/evidence, src/stats, src/instruments) and the store.
import { Command, CommanderError } from 'commander';
import { registerValidate } from './commands/validate.ts';

export function buildProgram(): Command {
  const program = new Command('regenspine')
    .description(
      'RegenSpine: the evidence on regenerative therapies for chronic low back pain, and a registry of outcomes',
    )
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
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
    if (e instanceof UserError) {
      console.error(`regenspine: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    throw e;
  }
}

/** An error the user can act on: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
