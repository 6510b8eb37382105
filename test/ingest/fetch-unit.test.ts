// fetchPubmed and fetchCtgov (src/ingest/fetch.ts) without a network: the checks before any request, the
// message for a request that got no answer, and the exact document assembled from the answers. The answers
// come from a fetch function passed in (FetchOptions.fetchImpl); test/literature/fetch.test.ts runs the same
// code against a real local HTTP server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FetchError, fetchCtgov, fetchPubmed } from '../../src/ingest/fetch.ts';

/** A fetch that answers by URL and records what was asked. */
function answering(answers: Record<string, string>) {
  const asked: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const hit = Object.entries(answers).find(([prefix]) => url.startsWith(prefix));
    return hit ? new Response(hit[1], { status: 200 }) : new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { asked, fetchImpl };
}

test('an empty or blank --query is refused before any request', async () => {
  for (const q of ['', '   ']) {
    const { asked, fetchImpl } = answering({});
    await assert.rejects(
      fetchPubmed(q, 10, { fetchImpl }),
      (e: unknown) => e instanceof FetchError && e.message === '--query is empty',
    );
    assert.deepEqual(asked, []);
  }
});

test('a request aborted without an answer says so, with the time waited (AbortError as well as TimeoutError)', async () => {
  for (const name of ['AbortError', 'TimeoutError']) {
    const fetchImpl = (async () => {
      throw new DOMException('The operation was aborted.', name);
    }) as typeof fetch;
    await assert.rejects(
      fetchPubmed('prp', 5, { fetchImpl, timeoutMs: 2000, eutilsBase: 'https://eutils.example.org/e' }),
      (e: unknown) =>
        e instanceof FetchError &&
        e.message ===
          'cannot reach eutils.example.org (no answer within 2 s); check the network, or import a file exported from the website instead',
    );
  }
});

test('PubMed: the records of every efetch answer, and nothing else, inside one PubmedArticleSet', async () => {
  const base = 'https://eutils.example.org/e';
  const { asked, fetchImpl } = answering({
    [`${base}/esearch.fcgi`]: '{"esearchresult":{"idlist":["111","222"]}}',
    [`${base}/efetch.fcgi`]:
      '<?xml version="1.0"?><PubmedArticleSet><PubmedArticle>A</PubmedArticle></PubmedArticleSet>',
  });
  const r = await fetchPubmed('back pain', 2, { fetchImpl, eutilsBase: base });
  assert.deepEqual(r.pmids, ['111', '222']);
  assert.equal(
    r.xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet><PubmedArticle>A</PubmedArticle></PubmedArticleSet>\n',
  );
  assert.deepEqual(asked, [
    `${base}/esearch.fcgi?db=pubmed&retmode=json&retmax=2&term=back%20pain`,
    `${base}/efetch.fcgi?db=pubmed&retmode=xml&id=111,222`,
  ]);
});

test('ClinicalTrials.gov: {studies: [...]} of the answers, in the order asked, ids upper-cased', async () => {
  const base = 'https://ctgov.example.org/api/v2';
  const { asked, fetchImpl } = answering({
    [`${base}/studies/NCT04102761`]: '{"protocolSection":{"identificationModule":{"nctId":"NCT04102761"}}}',
  });
  const text = await fetchCtgov(['nct04102761'], { fetchImpl, ctgovBase: base });
  assert.equal(text, '{"studies":[{"protocolSection":{"identificationModule":{"nctId":"NCT04102761"}}}]}');
  assert.deepEqual(asked, [`${base}/studies/NCT04102761?format=json`]);
});

test('--max must be a whole number from 1 to 10000: checked before any request', async () => {
  for (const max of [0, -1, 10_001, 1.5, Number.NaN]) {
    const { asked, fetchImpl } = answering({});
    await assert.rejects(
      fetchPubmed('prp', max, { fetchImpl }),
      (e: unknown) => e instanceof FetchError && e.message === '--max must be 1–10000',
      String(max),
    );
    assert.deepEqual(asked, []);
  }
  for (const max of [1, 10_000]) {
    const { fetchImpl } = answering({ 'https://e.example.org/esearch.fcgi': '{"esearchresult":{"idlist":[]}}' });
    const r = await fetchPubmed('prp', max, { fetchImpl, eutilsBase: 'https://e.example.org' });
    // no match: an empty set, and no efetch
    assert.deepEqual(r, { pmids: [], xml: '<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>\n' });
  }
});

test('an answer that is not the API’s JSON, or an HTTP error, is a FetchError naming the host', async () => {
  const base = 'https://e.example.org';
  const notJson = answering({ [`${base}/esearch.fcgi`]: '<html>maintenance</html>' });
  await assert.rejects(
    fetchPubmed('prp', 5, { fetchImpl: notJson.fetchImpl, eutilsBase: base }),
    (e: unknown) => e instanceof FetchError && e.message === 'PubMed esearch answered something that is not its JSON',
  );
  const missing = answering({});
  await assert.rejects(
    fetchPubmed('prp', 5, { fetchImpl: missing.fetchImpl, eutilsBase: base }),
    (e: unknown) =>
      e instanceof FetchError &&
      e.message === `e.example.org answered HTTP 404 for ${base}/esearch.fcgi?db=pubmed&retmode=json&retmax=5&term=prp`,
  );
  const ct = answering({ 'https://c.example.org/studies/': 'not json' });
  await assert.rejects(
    fetchCtgov(['NCT04102761'], { fetchImpl: ct.fetchImpl, ctgovBase: 'https://c.example.org' }),
    (e: unknown) =>
      e instanceof FetchError && e.message === 'ClinicalTrials.gov answered something that is not JSON for NCT04102761',
  );
});

test('a network error names its code (undici puts it on the cause), else its message', async () => {
  const withCode = (async () => {
    throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
  }) as typeof fetch;
  await assert.rejects(
    fetchCtgov(['NCT04102761'], { fetchImpl: withCode, ctgovBase: 'https://c.example.org' }),
    (e: unknown) => e instanceof FetchError && e.message.startsWith('cannot reach c.example.org (ENOTFOUND);'),
  );
  const bare = (async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch;
  await assert.rejects(
    fetchCtgov(['NCT04102761'], { fetchImpl: bare, ctgovBase: 'https://c.example.org' }),
    (e: unknown) => e instanceof FetchError && e.message.startsWith('cannot reach c.example.org (fetch failed);'),
  );
});

test('--nct: NCT and eight digits, any case; none, or any other id, is refused naming the bad ones', async () => {
  const cases: [string[], string][] = [
    [[], 'none'],
    [['NCT1234567'], 'NCT1234567'],
    [['XNCT04102761', 'NCT04102761'], 'XNCT04102761'],
    [['NCT041027610'], 'NCT041027610'],
  ];
  for (const [ids, got] of cases) {
    const { asked, fetchImpl } = answering({});
    await assert.rejects(
      fetchCtgov(ids, { fetchImpl }),
      (e: unknown) => e instanceof FetchError && e.message === `--nct needs NCT ids like NCT04102761 (got ${got})`,
      JSON.stringify(ids),
    );
    assert.deepEqual(asked, []);
  }
});
