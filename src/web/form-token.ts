// CSRF protection for forms that need no login (the claim checker). The same mechanism as the registry's sign-in
// form (src/web/registry/index.ts, GET/POST /registry/login): a random token in a short-lived HttpOnly SameSite=Lax
// cookie, echoed in a hidden form field, compared in constant time, and a cross-origin Origin header refused. The
// registry keeps its own copy inside mountRegistry (not exported); this module is the reusable form of it.

import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { randomToken } from '../registry/auth.ts';
import { isHttps, sameOrigin, trustProxyFromEnv } from './request.ts';

export const FORM_FIELD = '_csrf';

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface FormTokens {
  /** Sets a fresh token cookie on the response and returns the token for the form's hidden field. */
  issue(c: Context): string;
  /** True when the form's token matches the cookie and the request is same-origin. */
  verify(c: Context, given: string): boolean;
}

/** Form tokens under one cookie name and path (e.g. `rs_check` for /check), valid for `maxAgeSeconds`. */
export function formTokens(cookie: string, path: string, maxAgeSeconds = 3600): FormTokens {
  return {
    issue(c) {
      const token = randomToken(24);
      const secure = isHttps(c, trustProxyFromEnv());
      setCookie(c, cookie, token, { httpOnly: true, sameSite: 'Lax', secure, path, maxAge: maxAgeSeconds });
      return token;
    },
    verify(c, given) {
      const expected = getCookie(c, cookie) ?? '';
      return sameOrigin(c, trustProxyFromEnv()) && expected !== '' && given !== '' && sameToken(given, expected);
    },
  };
}
