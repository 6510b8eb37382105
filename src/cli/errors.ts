// How the `regenspine` command talks about failure, in one place: every message goes to stderr with the
// same prefix ("regenspine: "); an error the user can act on is one line (no stack); anything else is a bug
// and prints its stack so it can be reported. Also the conventions every sub-command shares: one output
// flag (`--format`, with `--json` as an alias) and `--version`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import { REPO_ROOT } from '../repo-root.ts';

/** The prefix of every line the command writes to stderr about a failure. */
export const ERROR_PREFIX = 'regenspine: ';

/** An error the user can act on, raised by the command itself (options, files): one line, no stack trace. */
export class UserError extends AppError {
  constructor(message: string, exitCode = 1) {
    super(message, { exitCode });
  }
}

/** One line: a message that spans lines (a nested error, commander's "Did you mean") is joined with "; ". */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}

/** Prints a user error: `regenspine: <message>`, one line. */
export function printUserError(message: string): void {
  process.stderr.write(`${ERROR_PREFIX}${oneLine(message)}\n`);
}

/** Prints an unexpected error (a bug) with its stack, under the same prefix; returns the exit code. */
export function printBug(e: unknown): number {
  const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  process.stderr.write(
    `${ERROR_PREFIX}internal error (a bug in RegenSpine; please report it with this text)\n${detail}\n`,
  );
  return 70; // EX_SOFTWARE (sysexits.h): an internal software error, distinct from the user's exit 1
}

/**
 * Reports an error that ended a command and returns the exit status. One class decides (src/errors.ts): an
 * AppError (bad option, file, data a model cannot use, database away) is the user's to fix and is one line
 * with its own exit status; anything else is a bug and prints its stack, exit 70.
 */
export function reportError(e: unknown): number {
  if (e instanceof AppError) {
    printUserError(e.message);
    return e.exitCode;
  }
  return printBug(e);
}

/** The version in package.json (the single place it is kept). */
export function programVersion(): string {
  try {
    return String(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/**
 * `--json` is an alias of `--format json` on every command: rewritten before parsing so each command needs only
 * its `--format` option. Arguments after a bare `--` are left alone.
 */
export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (rest) out.push(a);
    else if (a === '--') {
      rest = true;
      out.push(a);
    } else if (a === '--json') out.push('--format', 'json');
    else out.push(a);
  }
  return out;
}

/**
 * Process-wide hooks of the command (main() installs them; not the library code): `regenspine … | head`
 * closes stdout early, which ends the output and is not an error (no EPIPE stack); and an error no command
 * caught (it happened outside the command's own promise, e.g. a server's listen) gets the same treatment as
 * the rest: one line when the user can act on it, the stack under the prefix if not.
 */
export function installProcessHandlers(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.on('uncaughtException', (e) => process.exit(reportUncaught(e)));
  process.on('unhandledRejection', (e) => process.exit(reportUncaught(e)));
}

/** Prints an error that escaped every command (see configureProgram); returns the exit code. */
export function reportUncaught(e: unknown): number {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.syscall === 'listen' && (err.code === 'EADDRINUSE' || err.code === 'EACCES')) {
    const where = `${err.address ?? 'the address'}:${err.port ?? '?'}`;
    printUserError(
      err.code === 'EADDRINUSE'
        ? `cannot listen on ${where}: the port is in use (another program, or a running regenspine serve); choose another with --port`
        : `cannot listen on ${where}: no permission for that port; choose one above 1023 with --port`,
    );
    return 1;
  }
  return reportError(e);
}

/**
 * Commander's own messages (unknown option, missing argument, …) get the common prefix and stay on one
 * line, with a pointer to --help instead of the whole help text. Call before adding sub-commands: commander
 * copies these settings into each sub-command when it is created.
 */
export function configureProgram(program: Command): Command {
  return program
    .version(programVersion(), '-V, --version', 'print the version')
    .showHelpAfterError(false)
    .configureOutput({
      outputError: (str, write) => {
        const msg = oneLine(str.replace(/^error:\s*/i, ''));
        write(`${ERROR_PREFIX}${msg} (--help lists the options)\n`);
      },
    });
}

/** Checks a `--format` value against the formats a command offers. */
export function checkFormat<T extends string>(value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v))
    throw new UserError(`--format must be ${allowed.join(' or ')} (got "${value}")`);
  return v as T;
}
