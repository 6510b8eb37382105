// One error taxonomy (issue 12 item 6): every error the user can act on is an AppError carrying field, HTTP
// status and exit code; the CLI prints it as one line and a bug with its stack (exit 70, EX_SOFTWARE in
// sysexits.h); the HTTP layer maps by class in one function. Expectations come from the issue and from the
// HTTP semantics (RFC 9110: 400 bad request, 404 not found, 422 unprocessable content, 503 + Retry-After).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { reportError, UserError } from '../../src/cli/errors.ts';
import { AppError } from '../../src/errors.ts';
import { FetchError } from '../../src/ingest/fetch.ts';
import { XmlError } from '../../src/ingest/xml.ts';
import { InputError } from '../../src/instruments/input.ts';
import { CommandError } from '../../src/registry/validation.ts';
import { escalc } from '../../src/stats/escalc.ts';
import { MetaError } from '../../src/stats/meta-error.ts';
import { rma } from '../../src/stats/rma.ts';
import { DatabaseUnavailableError } from '../../src/store/db.ts';
import { ScreeningError } from '../../src/store/literature.ts';
import { errorResponse, mapError } from '../../src/web/errors.ts';

function captureStderr<T>(fn: () => T): { value: T; text: string } {
  const chunks: string[] = [];
  const write0 = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => {
    chunks.push(s);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: fn(), text: chunks.join('') };
  } finally {
    process.stderr.write = write0;
  }
}

describe('AppError is the base of every user-facing error', () => {
  test('each class carries field, status and exit code', () => {
    const cases: [AppError, string | undefined, number][] = [
      [new InputError('11 is outside 0–10', 'value'), 'value', 400],
      [new CommandError('not found', 'id', 404), 'id', 404],
      [new MetaError('Processing terminated since k = 0.'), undefined, 422],
      [new UserError('--level must be between 0 and 100'), undefined, 400],
      [new FetchError('--query is empty'), undefined, 502],
      [new ScreeningError('no record 9', 404), undefined, 404],
      [new DatabaseUnavailableError('cannot connect to PostgreSQL'), undefined, 503],
      [new XmlError('unterminated comment', 4), undefined, 400],
    ];
    for (const [e, field, status] of cases) {
      assert.ok(e instanceof AppError, e.name);
      assert.ok(e instanceof Error);
      assert.equal(e.field, field, e.name);
      assert.equal(e.status, status, e.name);
      assert.equal(e.exitCode, 1, e.name);
      assert.deepEqual(e.toJSON(), field === undefined ? { error: e.message } : { error: e.message, field });
    }
    assert.equal(new UserError('bad file', 2).exitCode, 2);
    assert.equal(new InputError('x', 'y').name, 'InputError');
  });

  test('escalc and rma refuse bad data with MetaError, never a bare Error', () => {
    // metafor's escalc.r: "One or more counts are negative." / rma.uni.r: "Processing terminated since k = 0."
    assert.throws(
      () => escalc('RR', [{ ai: -1, bi: 10, ci: 2, di: 10 }]),
      (e) => e instanceof MetaError && /counts are negative/.test(e.message),
    );
    assert.throws(
      () => rma([], []),
      (e) => e instanceof MetaError,
    );
  });
});

describe('the CLI reports by class', () => {
  test('an AppError is one line with the prefix and its exit code', () => {
    for (const e of [new MetaError('One or more counts are negative.'), new UserError('cannot read x.csv', 2)]) {
      const { value, text } = captureStderr(() => reportError(e));
      assert.equal(value, e.exitCode);
      assert.equal(text, `regenspine: ${e.message}\n`);
    }
  });

  test('anything else is a bug: the stack, exit 70', () => {
    const { value, text } = captureStderr(() => reportError(new TypeError('cannot read properties of undefined')));
    assert.equal(value, 70);
    assert.match(text, /^regenspine: internal error/);
    assert.match(text, /TypeError: cannot read properties of undefined\n\s+at /);
  });
});

describe('the HTTP layer maps by class, once', () => {
  const app = new Hono();
  let thrown: unknown;
  app.get('/api/x', () => {
    throw thrown;
  });
  app.get('/page', () => {
    throw thrown;
  });
  app.onError((err, c) => errorResponse(c, err));

  async function get(path: string, err: unknown) {
    thrown = err;
    const lines: string[] = [];
    const error0 = console.error;
    console.error = (...a: unknown[]) => lines.push(a.join(' '));
    try {
      const res = await app.request(path);
      return { res, log: lines.join('\n') };
    } finally {
      console.error = error0;
    }
  }

  test('an AppError answers its own status and {error, field}', async () => {
    const { res, log } = await get('/api/x', new CommandError('not found', 'id', 404));
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not found', field: 'id' });
    assert.equal(log, '');
    const r2 = await get('/api/x', new InputError('expected exactly 10 entries', 'answers'));
    assert.equal(r2.res.status, 400);
    assert.deepEqual(await r2.res.json(), { error: 'expected exactly 10 entries', field: 'answers' });
    const r3 = await get('/api/x', new MetaError('Processing terminated since k = 0.'));
    assert.equal(r3.res.status, 422);
  });

  test('a page shows the message of an AppError in HTML', async () => {
    const { res } = await get('/page', new ScreeningError('no record 12', 404));
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /no record 12/);
  });

  test('a bug answers 500 without details; the log names the class, never the message', async () => {
    const { res, log } = await get('/api/x', new TypeError('patient Jane Doe has no visit'));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: 'internal error' });
    assert.match(log, /GET \/api\/x: TypeError/);
    assert.doesNotMatch(log, /Jane Doe/);
  });

  test('the database away: 503 with Retry-After', async () => {
    const { res } = await get('/api/x', new DatabaseUnavailableError('PostgreSQL is unavailable (query)'));
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(mapError(new DatabaseUnavailableError('x')).status, 503);
  });
});
