// Credentials and the sign-in throttle, pure: scrypt hashes checked against the RFC 7914 test vectors, SHA-256
// against FIPS 180-4, token lengths from the base64url arithmetic, the throttle from config/registry.json auth
// and the README ("5 free, then 2 s, 4 s … up to 15 min"; an address refused for the rest of its 15-minute
// window), client keys from the address arithmetic of RFC 4291 (/64 prefixes) and RFC 4291 §2.5.5.2
// (IPv4-mapped ::ffff:a.b.c.d). Password hashing here runs at scrypt N = 2^10 (lowered for this file only).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  API_TOKEN_PREFIX,
  addressDelaySeconds,
  clientThrottleKey,
  dummyHash,
  EMAIL_RE,
  hashPassword,
  loginDecision,
  loginDelaySeconds,
  lowerScryptCostForTests,
  MIN_PASSWORD_LENGTH,
  newApiToken,
  normalizeEmail,
  pairThrottleKey,
  randomToken,
  SCRYPT,
  sha256,
  verifyPassword,
} from '../../src/registry/auth.ts';

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
// RFC 7914 §12, first and second test vectors.
const RFC_EMPTY =
  '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906';
const RFC_NACL =
  'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640';
// scrypt("", "", N=16, r=1, p=1, dkLen=64); the salt "" is the empty fifth field
const EMPTY_STORED = `scrypt$16$1$1$$${b64(RFC_EMPTY)}`;
// scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64); base64("NaCl") = "TmFDbA=="
const NACL_STORED = `scrypt$1024$8$16$TmFDbA==$${b64(RFC_NACL)}`;

describe('password hashes (scrypt, RFC 7914; OWASP minimum N = 2^17, r = 8, p = 1)', () => {
  test('the test-only cost may be lowered to a power of two from 2^10 up to the OWASP 2^17, nothing else', () => {
    assert.deepEqual(SCRYPT, { N: 131072, r: 8, p: 1, keylen: 64 });
    for (const bad of [2 ** 10 - 1, 2 ** 9, 3 * 2 ** 10, 2 ** 18])
      assert.throws(() => lowerScryptCostForTests(bad), /power of 2 from 2\^10 to 131072/);
    lowerScryptCostForTests(2 ** 17); // the top of the range is allowed (it is the default)
    lowerScryptCostForTests(2 ** 10); // and so is the bottom: the rest of this file hashes at 2^10
  });

  test('a stored hash verifies with the parameters it records (RFC 7914 test vectors)', async () => {
    assert.equal(await verifyPassword('', EMPTY_STORED), true);
    assert.equal(await verifyPassword('password', NACL_STORED), true);
    assert.equal(await verifyPassword('Password', NACL_STORED), false);
    assert.equal(await verifyPassword('x', EMPTY_STORED), false);
  });

  test('anything but six $-separated fields named scrypt is not a password hash', async () => {
    const body = `$16$1$1$$${b64(RFC_EMPTY)}`;
    assert.equal(await verifyPassword('', `xcrypt${body}`), false);
    assert.equal(await verifyPassword('', `scrypt${body}$`), false, 'seven fields');
    assert.equal(await verifyPassword('', `scrypt$16$1$$${b64(RFC_EMPTY)}`), false, 'five fields');
  });

  test(`a password needs at least ${MIN_PASSWORD_LENGTH} characters (NIST SP 800-63B §5.1.1.2)`, async () => {
    assert.equal(MIN_PASSWORD_LENGTH, 8);
    await assert.rejects(hashPassword('1234567'), { message: 'the password needs at least 8 characters' });
    const h = await hashPassword('12345678');
    // scrypt$N$r$p$salt$key: 16 salt bytes → 24 base64 characters, 64 key bytes → 88
    assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    assert.equal(await verifyPassword('12345678', h), true);
    assert.equal(await verifyPassword('12345679', h), false);
    assert.notEqual(await hashPassword('12345678'), h, 'a fresh random salt each time');
  });

  test('the dummy hash for unknown accounts is made once and is a real scrypt hash', async () => {
    const p = dummyHash();
    assert.equal(dummyHash(), p);
    const h = await p;
    assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    assert.equal(await verifyPassword('correct horse battery', h), false);
  });
});

describe('tokens (256-bit random values; only their SHA-256 is stored)', () => {
  test('SHA-256 gives the FIPS 180-4 test vectors in lower-case hex', () => {
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(
      sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  test('a random token is base64url: 32 bytes → 43 characters, 16 bytes → 22, never the same twice', () => {
    // ceil(32 × 8 / 6) = 43, ceil(16 × 8 / 6) = 22; base64url has no padding (RFC 4648 §5)
    const a = randomToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.match(randomToken(16), /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(randomToken(), a);
  });

  test('an API token is the recognisable prefix and 256 random bits; its stored hash is its SHA-256', () => {
    assert.match(API_TOKEN_PREFIX, /^[a-z]+_$/);
    const { token, hash } = newApiToken();
    assert.ok(token.startsWith(API_TOKEN_PREFIX));
    assert.match(token.slice(API_TOKEN_PREFIX.length), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(hash, sha256(token));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(newApiToken().token, token);
  });
});

// config/registry.json auth: loginFreeFailures 5, loginMaxDelaySeconds 900, loginAddressMaxFailures 20,
// loginAddressWindowMinutes 15 (= 900 s).
const cfg = { free: 5, maxDelay: 900, addressMax: 20, addressWindowSeconds: 900 };
const quiet = { failures: 0, sinceLast: 1e9, pending: 0 };

describe('sign-in throttle (README: 5 free, then 2 s, 4 s … up to 15 min)', () => {
  test('no delay for the first free failures, then 2, 4, 8 … seconds, capped', () => {
    assert.equal(loginDelaySeconds(0, 5, 900), 0);
    assert.equal(loginDelaySeconds(4, 5, 900), 0);
    assert.equal(loginDelaySeconds(5, 5, 900), 2);
    assert.equal(loginDelaySeconds(6, 5, 900), 4);
    assert.equal(loginDelaySeconds(7, 5, 900), 8);
    assert.equal(loginDelaySeconds(13, 5, 900), 512); // 2^(13 − 5 + 1)
    assert.equal(loginDelaySeconds(14, 5, 900), 900); // 2^10 = 1024, capped at 900
  });

  test('an address waits once it has the maximum failures, until a window after its last one', () => {
    assert.equal(addressDelaySeconds(19, 0, 20, 900), 0, 'under the threshold');
    assert.equal(addressDelaySeconds(20, 0, 20, 900), 900);
    assert.equal(addressDelaySeconds(20, 899, 20, 900), 1);
    assert.equal(addressDelaySeconds(25, 900, 20, 900), 0, 'a pause of a whole window starts over');
    assert.equal(addressDelaySeconds(25, 1000, 20, 900), 0, 'never a negative wait');
  });

  test('a delay that has run out lets the next attempt be checked, also at the thresholds', () => {
    // pair: 5 failures → 2 s, and 2 s have passed
    assert.deepEqual(loginDecision({ failures: 5, sinceLast: 2, pending: 0 }, quiet, cfg), { kind: 'check' });
    assert.deepEqual(loginDecision({ failures: 5, sinceLast: 1.5, pending: 0 }, quiet, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 1,
    });
    // address: 20 failures, the window has passed
    assert.deepEqual(loginDecision(quiet, { failures: 20, sinceLast: 900, pending: 0 }, cfg), { kind: 'check' });
    assert.deepEqual(loginDecision(quiet, { failures: 20, sinceLast: 899.5, pending: 0 }, cfg), {
      kind: 'throttled',
      retryAfterSeconds: 1,
    });
  });

  test('attempts in flight only make a client wait when they would reach a threshold', () => {
    assert.deepEqual(loginDecision({ failures: 4, sinceLast: 0, pending: 1 }, quiet, cfg), { kind: 'wait' });
    assert.deepEqual(loginDecision({ failures: 3, sinceLast: 0, pending: 1 }, quiet, cfg), { kind: 'check' });
    assert.deepEqual(loginDecision(quiet, { failures: 19, sinceLast: 0, pending: 1 }, cfg), { kind: 'wait' });
    assert.deepEqual(loginDecision(quiet, { failures: 0, sinceLast: 0, pending: 1 }, cfg), { kind: 'check' });
    assert.deepEqual(loginDecision(quiet, { failures: 18, sinceLast: 0, pending: 1 }, cfg), { kind: 'check' });
  });

  test('the pair key is the e-mail alone without a client, else e-mail, space, client key', () => {
    assert.equal(pairThrottleKey('a@x.org', null), 'a@x.org');
    assert.equal(pairThrottleKey('a@x.org', 'IP 192.0.2.1'), 'a@x.org IP 192.0.2.1');
  });
});

describe('client throttle keys: IPv4 as is, IPv6 by its /64, anything else one shared key', () => {
  test('IPv4, also IPv4-mapped (RFC 4291 §2.5.5.2) in either case, with spaces or a zone', () => {
    assert.equal(clientThrottleKey('192.0.2.1'), 'IP 192.0.2.1');
    assert.equal(clientThrottleKey(' 192.0.2.1 '), 'IP 192.0.2.1');
    assert.equal(clientThrottleKey('::ffff:192.168.10.20'), 'IP 192.168.10.20');
    assert.equal(clientThrottleKey('::FFFF:192.168.10.20'), 'IP 192.168.10.20');
    assert.equal(clientThrottleKey('::ffff:192.168.10.20%eth0'), 'IP 192.168.10.20');
  });

  test('IPv6 by its first four groups, :: expanded, leading zeros and case dropped', () => {
    assert.equal(clientThrottleKey('2001:db8:1:2:3:4:5:6'), 'IP 2001:db8:1:2::/64');
    assert.equal(clientThrottleKey('2001:0DB8:000a:0002:ffff:4:5:6'), 'IP 2001:db8:a:2::/64');
    assert.equal(clientThrottleKey('2001:db8::1'), 'IP 2001:db8:0:0::/64');
    // 1::2:3:4:5:6:7 = 1:0:2:3:4:5:6:7 (one zero group)
    assert.equal(clientThrottleKey('1::2:3:4:5:6:7'), 'IP 1:0:2:3::/64');
    assert.equal(clientThrottleKey('::1'), 'IP 0:0:0:0::/64');
    assert.equal(clientThrottleKey('fe80::1%eth0'), 'IP fe80:0:0:0::/64');
    // a dotted tail (NAT64 64:ff9b::/96, RFC 6052) is the last two groups
    assert.equal(clientThrottleKey('64:ff9b::192.0.2.1'), 'IP 64:ff9b:0:0::/64');
    // ::ffff: only maps IPv4 at the very start: 1::ffff:a.b.c.d is an IPv6 address of 1::/64
    assert.equal(clientThrottleKey('1::ffff:192.0.2.1'), 'IP 1:0:0:0::/64');
  });

  test('one /64 is one key, another /64 another', () => {
    assert.equal(clientThrottleKey('2001:db8:1:2::a'), clientThrottleKey('2001:db8:1:2:ffff::b'));
    assert.notEqual(clientThrottleKey('2001:db8:1:2::a'), clientThrottleKey('2001:db8:1:3::a'));
  });

  test('no address, or not an address, is one shared key that still starts with "IP "', () => {
    const shared = clientThrottleKey(null);
    assert.match(shared, /^IP \S/);
    assert.equal(clientThrottleKey(undefined), shared);
    assert.equal(clientThrottleKey(''), shared);
    assert.equal(clientThrottleKey('localhost'), shared);
    assert.equal(clientThrottleKey('::ffff:192.0.2.1x'), shared);
    assert.equal(clientThrottleKey('%eth0'), shared);
    assert.notEqual(shared, clientThrottleKey('192.0.2.1'));
  });
});

describe('e-mail addresses', () => {
  test('normalised by trimming and lower-casing', () => {
    assert.equal(normalizeEmail('  Alice.Smith@Clinic.EXAMPLE \n'), 'alice.smith@clinic.example');
  });

  test('one @, a dot in the domain, no spaces', () => {
    for (const ok of ['a@b.c', 'alice@clinic.example', 'coord+1@mail.clinic.example'])
      assert.equal(EMAIL_RE.test(ok), true, ok);
    for (const bad of [
      '',
      'alice',
      'alice@clinic',
      '@clinic.example',
      'alice@.example',
      'alice@clinic.',
      'al ice@clinic.example',
      'x alice@clinic.example',
      'alice@clinic.example x',
      'alice@cli nic.example',
      'alice@clinic.exa mple',
      'alice@@clinic.example',
      'a@b@clinic.example',
      ' @ . ',
    ])
      assert.equal(EMAIL_RE.test(bad), false, JSON.stringify(bad));
  });
});
