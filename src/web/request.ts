// What a request says about where it comes from, for the forms that change data (registry, ePRO links, the
// claim checker): one rule for all of them. `trustProxy` (REGENSPINE_TRUST_PROXY=1) lets a reverse proxy's
// X-Forwarded-Proto / -Host / -For stand for the connection.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export const trustProxyFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean => env.REGENSPINE_TRUST_PROXY === '1';

/** The request was made over HTTPS (directly, or at a trusted proxy). */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  return new URL(c.req.url).protocol === 'https:' || (trustProxy && c.req.header('x-forwarded-proto') === 'https');
}

/**
 * Unsafe requests from another origin are refused when the browser says where they come from; an Origin of
 * "null" (sandboxed frames, some redirects) is refused too. Scheme and host must both match (RFC 6454 §5: an
 * origin is scheme, host and port): the security review found an `https://` Origin accepted on an `http://`
 * server because only the host was compared.
 */
export function sameOrigin(c: Context, trustProxy: boolean): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  const host = (trustProxy && c.req.header('x-forwarded-host')) || c.req.header('host') || new URL(c.req.url).host;
  const scheme = isHttps(c, trustProxy) ? 'https:' : 'http:';
  try {
    const o = new URL(origin);
    return o.host === host && o.protocol === scheme;
  } catch {
    return false;
  }
}

/**
 * The browser says the request was not started by another site (Fetch Metadata, Sec-Fetch-Site: same-origin,
 * or none for a typed address or bookmark); a client that sends no Sec-Fetch-Site (not a browser, or an old
 * one) is taken at its word. Pages that add a signed-in user's registry figures to a public page
 * (src/web/clinic-beside.ts) add them only then: a link or form from another site gets the public page.
 */
export function notFromAnotherSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The client address for throttling: the socket's peer, or (behind a trusted proxy) X-Forwarded-For's last hop. */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // not served by @hono/node-server (e.g. app.request in tests): one shared counter
  }
}
