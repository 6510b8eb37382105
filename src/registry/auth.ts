// Credentials: scrypt password hashes, random session ids and API tokens (only their SHA-256 is stored),
// and the login slow-down rule. Tokens are 256-bit random values, so a fast hash is enough for them;
// passwords get scrypt with OWASP's minimum parameters (N = 2^17, r = 8, p = 1; OWASP Password Storage
// Cheat Sheet), stored with their parameters so a later cost change keeps old hashes verifiable.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 64 } as const;
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
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
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

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
