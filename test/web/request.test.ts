// One same-origin rule for every form that changes data (src/web/request.ts). An origin is scheme, host and
// port (RFC 6454 §4–5), so an https:// page on the same host is another origin than this http:// server —
// the security review's 7 "control" requests with an https Origin were accepted when only the host was compared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { clientAddress, sameOrigin } from '../../src/web/request.ts';

function app(trustProxy: boolean) {
  const a = new Hono();
  a.post('/x', (c) => c.text(sameOrigin(c, trustProxy) ? 'same' : 'other'));
  a.get('/ip', (c) => c.text(String(clientAddress(c, trustProxy))));
  return a;
}
const post = async (a: Hono, url: string, headers: Record<string, string>) =>
  (await a.request(url, { method: 'POST', headers })).text();

test('same origin means same scheme and host; no Origin passes, "null" does not', async () => {
  const a = app(false);
  assert.equal(await post(a, 'http://localhost/x', { origin: 'http://localhost' }), 'same');
  assert.equal(await post(a, 'http://localhost/x', {}), 'same');
  assert.equal(await post(a, 'http://localhost/x', { origin: 'https://localhost' }), 'other');
  assert.equal(await post(a, 'http://localhost/x', { origin: 'http://localhost:8080' }), 'other');
  assert.equal(await post(a, 'http://localhost/x', { origin: 'http://evil.example' }), 'other');
  assert.equal(await post(a, 'http://localhost/x', { origin: 'null' }), 'other');
  assert.equal(await post(a, 'http://localhost/x', { origin: 'not a url' }), 'other');
});

test('behind a trusted proxy its X-Forwarded-Proto and -Host stand for the connection, otherwise they are ignored', async () => {
  const fwd = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'registry.example.org' };
  assert.equal(await post(app(true), 'http://127.0.0.1/x', { ...fwd, origin: 'https://registry.example.org' }), 'same');
  assert.equal(await post(app(true), 'http://127.0.0.1/x', { ...fwd, origin: 'http://registry.example.org' }), 'other');
  assert.equal(
    await post(app(false), 'http://127.0.0.1/x', { ...fwd, origin: 'https://registry.example.org' }),
    'other',
  );
  assert.equal(
    await (await app(true).request('/ip', { headers: { 'x-forwarded-for': '10.0.0.1, 192.0.2.7' } })).text(),
    '192.0.2.7',
  );
  assert.equal(await (await app(false).request('/ip', { headers: { 'x-forwarded-for': '192.0.2.7' } })).text(), 'null');
});
