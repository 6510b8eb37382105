// Credentials: scrypt password hashes, random session ids and API tokens (only their SHA-256 is stored),
// and the login slow-down rule. Tokens are 256-bit random values, so a fast hash is enough for them;
// passwords get scrypt with OWASP's minimum parameters (N = 2^17, r = 8, p = 1; OWASP Password Storage
// Cheat Sheet), stored with their parameters so a later cost change keeps old hashes verifiable.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 64 } as const;

/**
 * The N that new hashes are made with: SCRYPT.N, except in a test file that hashes dozens of passwords to test
 * something else (sign-in races, throttling) and lowers it first, as Django's documentation advises for test
 * suites ("Writing and running tests", Speeding up the tests: "use a faster hashing algorithm"). Each hash
 * records its own N, so verification follows whatever made it. Only code in this process can change it: no
 * environment variable or setting does, so a deployment always hashes with SCRYPT.
 */
let hashN: number = SCRYPT.N;
export function lowerScryptCostForTests(N: number): void {
  if (!Number.isInteger(Math.log2(N)) || N < 2 ** 10 || N > SCRYPT.N)
    throw new Error(`scrypt N must be a power of 2 from 2^10 to ${SCRYPT.N}`);
  hashN = N;
}
const MAXMEM = 256 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { N, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Minimum password length: NIST SP 800-63B §5.1.1.2 requires at least 8 characters for user-chosen secrets. */
export const MIN_PASSWORD_LENGTH = 8;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new Error(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, hashN, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${hashN}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scryptAsync(password, salt, N, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** A hash to verify against when the account does not exist, so the reply time does not reveal it. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not-a-real-password-0000');
  return dummy;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** API tokens are prefixed so leaked ones are recognisable in secret scanners. */
export const API_TOKEN_PREFIX = 'rst_';
export function newApiToken(): { token: string; hash: string } {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  return { token, hash: sha256(token) };
}

/**
 * Seconds to wait before the next login attempt after `failures` consecutive failures: none for the first
 * `free` failures, then 2, 4, 8 … seconds, capped at `maxDelay` (config/registry.json auth).
 */
export function loginDelaySeconds(failures: number, free: number, maxDelay: number): number {
  if (failures < free) return 0;
  return Math.min(maxDelay, 2 ** (failures - free + 1));
}

/**
 * Seconds a client address must wait (config auth.loginAddress*; OWASP Authentication Cheat Sheet: lockout
 * threshold, observation window, lockout duration): none until it has `maxFailures` failures, each within
 * `windowSeconds` of the one before; then until `windowSeconds` after its last failure. `failures` is the
 * count so far and `sinceLast` the seconds since the last of them; a pause of a whole window starts over.
 */
export function addressDelaySeconds(
  failures: number,
  sinceLast: number,
  maxFailures: number,
  windowSeconds: number,
): number {
  if (sinceLast >= windowSeconds || failures < maxFailures) return 0;
  return windowSeconds - sinceLast;
}

/** A login_failure counter as the decision sees it. */
export interface ThrottleCounter {
  /** Failed password checks counted so far (the address counter: within its window). */
  failures: number;
  /** Seconds since the last of them. */
  sinceLast: number;
  /** Password checks in flight now (reserved, not yet known to fail or succeed). */
  pending: number;
}

export type LoginDecision =
  | { kind: 'check' }
  | { kind: 'throttled'; retryAfterSeconds: number }
  /** Only attempts in flight stand in the way: wait for them to finish and decide again. */
  | { kind: 'wait' };

/**
 * The sign-in throttle (security review M4, L3), pure. `pair` is the counter of this (account, client)
 * pair: after `free` failures from that client, that client waits a doubling delay (loginDelaySeconds),
 * while the same account signs in from any other client at once — no outsider can lock an account.
 * `address` is the client's counter across all accounts (password spraying, addressDelaySeconds); null
 * when the sign-in has no network address. Attempts in flight count as failures for the decision, so
 * parallel guesses cannot all be checked; but when they alone stand in the way the answer is "wait", not a
 * refusal, so concurrent correct sign-ins are never refused.
 */
export function loginDecision(
  pair: ThrottleCounter,
  address: ThrottleCounter | null,
  cfg: { free: number; maxDelay: number; addressMax: number; addressWindowSeconds: number },
): LoginDecision {
  const pairWait = loginDelaySeconds(pair.failures, cfg.free, cfg.maxDelay) - pair.sinceLast;
  const addressWait = address
    ? addressDelaySeconds(address.failures, address.sinceLast, cfg.addressMax, cfg.addressWindowSeconds)
    : 0;
  const wait = Math.max(pairWait, addressWait);
  if (wait > 0) return { kind: 'throttled', retryAfterSeconds: Math.ceil(wait) };
  const pairBusy = pair.pending > 0 && pair.failures + pair.pending >= cfg.free;
  const addressBusy = address !== null && address.pending > 0 && address.failures + address.pending >= cfg.addressMax;
  return pairBusy || addressBusy ? { kind: 'wait' } : { kind: 'check' };
}

/** The login_failure key of an (account, client) pair; client keys start with upper-case "IP". */
export const pairThrottleKey = (email: string, clientKey: string | null): string =>
  clientKey === null ? email : `${email} ${clientKey}`;

/** API-token scopes (security review L6): what a script may do, within its user's role. */
export const TOKEN_SCOPES = ['read', 'write', 'export'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let s = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => Number.parseInt(x, 16));
}

/**
 * The login-throttling key of a client address: IPv4 as is (also when IPv4-mapped, ::ffff:a.b.c.d), IPv6
 * by its /64 prefix (one host usually holds a whole /64, so counting single addresses would be trivial to
 * sidestep), anything else (no address) one shared key. Keys start with upper-case "IP ": normalizeEmail
 * lower-cases, so no e-mail can name an address's counter in login_failure.
 */
export function clientThrottleKey(address: string | null | undefined): string {
  let a = (address ?? '').trim();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  if (isIPv4(a)) return `IP ${a}`;
  if (isIPv6(a))
    return `IP ${ipv6Groups(a)
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(':')}::/64`;
  return 'IP unknown';
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
