// The one error taxonomy. An AppError is a failure the user (or the client) caused and can act on: bad input,
// a model the data cannot fit, a record that does not exist, a database that is away. It carries what each
// adapter needs to report it without knowing the class:
//   field     the JSON path / column / option at fault, when there is one (`answers[3]`, `--level`)
//   status    the HTTP status the web layer answers with (src/web/errors.ts maps it, in one place)
//   exitCode  the `regenspine` exit status (src/cli/main.ts prints the message as one line and exits with it)
// Anything that is not an AppError is a bug: the HTTP layer answers 500 without details and the CLI prints
// the stack and exits 70 (EX_SOFTWARE, sysexits.h).
// This module imports nothing, so the pure folders (stats, instruments, …) may depend on it.

/** The `{error, field}` body of every rejection the API and the CLI's JSON output give. */
export interface ErrorBody {
  error: string;
  field?: string;
}

export interface AppErrorOptions {
  field?: string | undefined;
  /** HTTP status; 400 (the request is at fault) unless said. */
  status?: number;
  /** Process exit status; 1 unless said. */
  exitCode?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly field: string | undefined;
  readonly status: number;
  readonly exitCode: number;

  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options.field;
    this.status = options.status ?? 400;
    this.exitCode = options.exitCode ?? 1;
  }

  toJSON(): ErrorBody {
    return this.field === undefined ? { error: this.message } : { error: this.message, field: this.field };
  }
}
