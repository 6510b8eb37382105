// The one place the HTTP layer turns an exception into a response, by class (src/errors.ts):
//   * the database is away (a connection error, DatabaseUnavailableError): 503 + Retry-After, RFC 9110 §15.6.4
//     and §10.2.3 — temporary, not a bug, nothing lost;
//   * an AppError: its own status and its `{error, field}` body (a page shows the message);
//   * anything else is a bug: 500 with no detail to the client, and only the method, path and error class in the
//     log (never the message, which may carry what a user typed — the registry's logging rule).
// server.ts installs it as the app's onError; a sub-app (the registry) calls the same function.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors.ts';
import { isConnectionError } from '../store/db.ts';
import { renderNotFound } from './render.ts';

/** Seconds a client is asked to wait when the database is away: about one server restart. */
export const RETRY_AFTER_SECONDS = 5;

const isApi = (c: Context): boolean => c.req.path.startsWith('/api/');

export interface MappedError {
  status: ContentfulStatusCode;
  body: { error: string; field?: string };
  /** Retry-After seconds, for a temporary condition. */
  retryAfter?: number;
}

/** The response an exception deserves (pure: no logging, no Context). */
export function mapError(err: unknown): MappedError {
  if (isConnectionError(err))
    return {
      status: 503,
      body: { error: 'the database is unavailable; try again shortly' },
      retryAfter: RETRY_AFTER_SECONDS,
    };
  if (err instanceof AppError) {
    const status = (err.status >= 400 && err.status <= 599 ? err.status : 500) as ContentfulStatusCode;
    return { status, body: err.toJSON() };
  }
  return { status: 500, body: { error: 'internal error' } };
}

/** Answers `err` as JSON under /api/ and as a page elsewhere; logs what is not the client's doing. */
export function errorResponse(c: Context, err: unknown): Response {
  const m = mapError(err);
  if (m.retryAfter !== undefined) {
    console.error(`database unavailable on ${c.req.method} ${c.req.path}`);
    c.header('retry-after', String(m.retryAfter));
  } else if (m.status >= 500) {
    const code = (err as { code?: unknown } | null)?.code;
    const name = err instanceof Error ? err.name : typeof err;
    console.error(`error on ${c.req.method} ${c.req.path}: ${name}${typeof code === 'string' ? ` ${code}` : ''}`);
  }
  if (isApi(c)) return c.json(m.body, m.status);
  const page =
    m.retryAfter !== undefined
      ? 'The database is unavailable just now; nothing was lost. Try again shortly.'
      : m.status >= 500
        ? 'Something went wrong.'
        : m.body.error;
  return c.html(renderNotFound(page), m.status);
}
