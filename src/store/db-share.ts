// Sharing the embedded database of a running `regenspine serve` with CLI commands (issue 11 §2: the lock
// kept a clinic from adding a site or user while the registry ran). Only one process may open a PGlite
// folder, so the server listens on a Unix socket in the data folder (regenspine.sock, mode 0600: only the
// folder's OS user can connect — the filesystem is the credential) and runs the CLI's statements and
// transactions on its own database. The protocol is one JSON object per line; values that JSON cannot carry
// (Date, bytes, bigint) are tagged. A transaction holds the server's transaction queue while the CLI runs
// it (milliseconds for an admin command); a client that goes away mid-transaction is rolled back.
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Db, Queryable, QueryResult, TransactionOptions } from './db-types.ts';

export const SOCKET_NAME = 'regenspine.sock';

type Msg =
  | { id: number; op: 'query'; sql: string; params?: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'begin'; settings?: Record<string, string> }
  | { id: number; op: 'commit' }
  | { id: number; op: 'rollback' };
type Reply = { id: number; result?: unknown; error?: { message: string; code?: string } };

function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    return v;
  });
}

function decode(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1) {
        if (keys[0] === '$date') return new Date(v.$date);
        if (keys[0] === '$bytes') return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
        if (keys[0] === '$bigint') return BigInt(v.$bigint);
      }
    }
    return v;
  });
}

function lines(sock: Socket, onLine: (line: string) => void): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line) onLine(line);
    }
  });
}

const errorOf = (e: unknown) => ({
  message: (e as Error).message ?? String(e),
  ...(typeof (e as { code?: unknown }).code === 'string' ? { code: (e as { code: string }).code } : {}),
});

class Rollback extends Error {}

/** Serves `db` on a Unix socket at `path` (the caller holds the folder's lock, so a file there is stale). */
export async function shareDb(db: Db, path: string): Promise<Server> {
  rmSync(path, { force: true });
  const server = createServer((sock) => {
    const inbox: Msg[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    lines(sock, (line) => {
      try {
        inbox.push(decode(line) as Msg);
      } catch {
        sock.destroy();
      }
      wake?.();
    });
    sock.on('close', () => {
      closed = true;
      wake?.();
    });
    sock.on('error', () => {});
    const next = async (): Promise<Msg | null> => {
      while (inbox.length === 0) {
        if (closed) return null;
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = null;
      }
      return inbox.shift()!;
    };
    const reply = (r: Reply) => {
      if (!closed) sock.write(`${encode(r)}\n`);
    };
    const run = async (q: Queryable, m: Msg) => {
      if (m.op === 'query') return q.query(m.sql, m.params);
      if (m.op === 'exec') return db.exec(m.sql);
      throw new Error(`"${m.op}" outside a transaction`);
    };
    void (async () => {
      for (let m = await next(); m; m = await next()) {
        if (m.op !== 'begin') {
          try {
            reply({ id: m.id, result: (await run(db, m)) ?? null });
          } catch (e) {
            reply({ id: m.id, error: errorOf(e) });
          }
          continue;
        }
        let endId = m.id;
        try {
          await db.transaction(
            async (tx) => {
              reply({ id: m.id, result: null });
              for (;;) {
                const q = await next();
                if (!q) throw new Rollback('client went away');
                endId = q.id;
                if (q.op === 'commit') return;
                if (q.op === 'rollback') throw new Rollback();
                try {
                  reply({ id: q.id, result: (await run(tx, q)) ?? null });
                } catch (e) {
                  reply({ id: q.id, error: errorOf(e) });
                }
              }
            },
            m.settings ? { settings: m.settings } : undefined,
          );
          reply({ id: endId, result: null });
        } catch (e) {
          reply(e instanceof Rollback ? { id: endId, result: null } : { id: endId, error: errorOf(e) });
        }
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(path, () => ok());
  });
  chmodSync(path, 0o600);
  server.unref();
  return server;
}

/** A Db that runs everything in the process serving `path`; rejects if nobody serves it. */
export async function connectSharedDb(path: string): Promise<Db> {
  const sock = connect(path);
  await new Promise<void>((ok, fail) => {
    sock.once('connect', ok);
    sock.once('error', fail);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let lastId = 0;
  let gone: Error | null = null;
  lines(sock, (line) => {
    const r = decode(line) as Reply;
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (!p) return;
    if (r.error) p.reject(Object.assign(new Error(r.error.message), r.error.code ? { code: r.error.code } : {}));
    else p.resolve(r.result);
  });
  const fail = (e: Error) => {
    gone = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  sock.on('error', fail);
  sock.on('close', () => fail(new Error('the serving process closed the shared database')));
  const call = (m: Record<string, unknown> & { op: Msg['op'] }): Promise<unknown> => {
    if (gone) return Promise.reject(gone);
    const id = ++lastId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      sock.write(`${encode({ ...m, id })}\n`);
    });
  };
  const query = async <T>(sql: string, params?: unknown[]) =>
    (await call({ op: 'query', sql, params: params ?? [] })) as QueryResult<T>;
  let chain: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    query,
    transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const run = chain.then(async () => {
        await call({ op: 'begin', ...(opts?.settings ? { settings: opts.settings } : {}) });
        let result: T;
        try {
          result = await fn({ query });
        } catch (e) {
          await call({ op: 'rollback' }).catch(() => {});
          throw e;
        }
        await call({ op: 'commit' });
        return result;
      });
      chain = run.catch(() => {});
      return run;
    },
    async exec(sql: string) {
      await call({ op: 'exec', sql });
    },
    async close() {
      gone = new Error('closed');
      sock.end();
    },
  };
}
