// /check, /check/seed-004 and POST /api/check-claims through app.request: the form works without JavaScript and
// refuses a post without its CSRF token or from another origin; the JSON keeps the contract; limits are named.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { MAX_INPUT_BYTES } from '../../src/claims/check.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { openApiDocument } from '../../src/web/openapi.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';

let app: ReturnType<typeof createApp>;
before(async () => {
  const b = await readEvidenceBase();
  app = createApp(staticEvidence(b.studies, b.statements, b.documents));
});

async function formSession() {
  const g = await app.request('http://localhost/check');
  assert.equal(g.status, 200);
  const setCookie = g.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /rs_check=[^;]+;.*HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  const page = await g.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(token, 'the form carries a token');
  return { cookie: setCookie.split(';')[0]!, token, page };
}

const post = (body: Record<string, string>, headers: Record<string, string>) =>
  app.request('http://localhost/check', {
    method: 'POST',
    body: new URLSearchParams(body),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

test('GET /check: a form with a labelled text box, posting to /check, no script', async () => {
  const { page } = await formSession();
  assert.match(page, /<form method="post" action="\/check">/);
  assert.match(page, /<label for="claim-text">/);
  assert.match(page, /<textarea id="claim-text" name="text"/);
  assert.doesNotMatch(page, /<script/);
});

test('POST /check with the token: the claims inline over the text, each with icon and word, reasons in <details>', async () => {
  const { cookie, token } = await formSession();
  const r = await post(
    {
      _csrf: token,
      text: 'PRP is safe. Stem cell therapy is FDA approved for back pain.\n<b>x</b> is a tag.',
      therapy: '',
    },
    { cookie, origin: 'http://localhost' },
  );
  assert.equal(r.status, 200);
  const page = await r.text();
  assert.match(
    page,
    /<mark class="claim v-overstated" id="t1">PRP is safe. <sup><span class="badge"><span aria-hidden="true">▲<\/span> overstated<\/span>/,
  );
  assert.match(
    page,
    /<mark class="claim v-contradicted" id="t2">Stem cell therapy is FDA approved for back pain. <sup>/,
  );
  assert.match(page, /<details><summary>Why contradicted · 3 sources<\/summary>/);
  assert.ok(!page.includes('<b>x</b>'), 'the text is escaped');
  assert.match(page, /&lt;b&gt;x&lt;\/b&gt;/);
  // the text stays in the box for another try
  assert.match(page, /<textarea[^>]*>PRP is safe\. Stem cell therapy/);
});

test('POST /check without the cookie, with a wrong token, or from another origin: 403, nothing checked', async () => {
  const { cookie, token } = await formSession();
  const text = 'PRP is safe.';
  for (const [body, headers] of [
    [{ _csrf: token, text }, {}],
    [{ _csrf: 'wrong', text }, { cookie }],
    [{ text }, { cookie }],
    [
      { _csrf: token, text },
      { cookie, origin: 'https://evil.example' },
    ],
  ] as [Record<string, string>, Record<string, string>][]) {
    const r = await post(body, headers);
    assert.equal(r.status, 403, JSON.stringify(headers));
    const page = await r.text();
    assert.match(page, /CSRF check failed/);
    assert.doesNotMatch(page, /<mark class="claim/);
  }
});

test('POST /check over the byte limit is 413, with too many claims 400, each naming the limit', async () => {
  const { cookie, token } = await formSession();
  const big = await post({ _csrf: token, text: 'a'.repeat(MAX_INPUT_BYTES + 10) }, { cookie });
  assert.equal(big.status, 413);
  assert.match(await big.text(), /at most 32768 bytes/);
  const many = await post({ _csrf: token, text: 'PRP is safe. '.repeat(201) }, { cookie });
  assert.equal(many.status, 400);
  assert.match(await many.text(), /at most 200 can be checked/);
});

test('GET /check/seed-004: the seed card checked, the safety claims contradicted', async () => {
  const r = await app.request('/check/seed-004');
  assert.equal(r.status, 200);
  const page = await r.text();
  assert.match(
    page,
    /<mark class="claim v-contradicted" id="t11">Excellent Safety Profile: Of 148 patients treated no treatment associated adverse event is reported\./,
  );
  assert.match(page, /<mark class="claim v-contradicted" id="t4">report stem cell therapy to be safe/);
  assert.match(page, /<mark class="claim v-unverifiable" id="t3">enrolling 148 patients/);
  assert.equal((page.match(/<mark class="claim /g) ?? []).length, 16);
});

test('POST /api/check-claims: the JSON contract; 400, 413 and 415 name the field', async () => {
  const api = (body: string, type = 'application/json') =>
    app.request('/api/check-claims', { method: 'POST', body, headers: { 'content-type': type } });
  const ok = await api(JSON.stringify({ text: 'No adverse events were reported with mesenchymal precursor cells.' }));
  assert.equal(ok.status, 200);
  const j = (await ok.json()) as { claims: Record<string, unknown>[]; summary: Record<string, number> };
  assert.deepEqual(Object.keys(j), ['claims', 'summary']);
  assert.equal(j.claims[0]!.verdict, 'contradicted');
  assert.deepEqual(j.claims[0]!.study_ids, ['amirdelfan-2021']);
  assert.equal(j.summary.contradicted, 1);
  assert.equal((await api('{')).status, 400);
  const noText = await api(JSON.stringify({ text: 3 }));
  assert.equal(noText.status, 400);
  assert.equal(((await noText.json()) as { field: string }).field, 'text');
  const badTherapy = await api(JSON.stringify({ text: 'x is safe', therapy: 'snake-oil' }));
  assert.equal(((await badTherapy.json()) as { field: string }).field, 'therapy');
  const big = await api(JSON.stringify({ text: 'é'.repeat(MAX_INPUT_BYTES / 2 + 1) }));
  assert.equal(big.status, 413);
  assert.match(((await big.json()) as { error: string }).error, /at most 32768 bytes/);
  assert.equal((await api('text=PRP', 'text/plain')).status, 415);
});

test('the OpenAPI document describes POST /api/check-claims with its verdicts', () => {
  const doc = openApiDocument() as { paths: Record<string, { post?: { responses: Record<string, unknown> } }> };
  const p = doc.paths['/api/check-claims']?.post;
  assert.ok(p);
  assert.ok(p.responses['200'] && p.responses['413'] && p.responses['400']);
  assert.match(JSON.stringify(p), /"not-checkable"/);
});
