import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readValidStudies } from '../../src/app.ts';
import type { SourceDocument, Statement, Study } from '../../src/domain/evidence.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { makeStudy } from '../helpers/studies.ts';

let studies: Study[];
before(async () => {
  studies = await readValidStudies();
});

describe('web app over the curated evidence', () => {
  test('home shows the condition × therapy matrix', async () => {
    const app = createApp(staticEvidence(studies));
    const res = await app.request('/');
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /<table tabindex="0">/);
    assert.match(body, /href="\/therapies\/msc"/);
    assert.match(body, /<html lang="en">/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('therapy page carries the card and the studies table; study page shows provenance quotes', async () => {
    const app = createApp(staticEvidence(studies));
    const therapy = await (await app.request('/therapies/msc')).text();
    assert.match(therapy, /Evidence card/);
    assert.match(therapy, /amirdelfan-2021/);
    const study = await app.request('/studies/amirdelfan-2021');
    assert.equal(study.status, 200);
    const html = await study.text();
    assert.match(html, /<details class="prov">/);
    assert.match(html, /infection/i);
  });

  test('API: studies, one study, cards, OpenAPI; bad input names the field', async () => {
    const app = createApp(staticEvidence(studies));
    const list = (await (await app.request('/api/studies')).json()) as { id: string }[];
    assert.equal(list.length, studies.length);
    const one = (await (await app.request('/api/studies/atluri-2022')).json()) as { id: string; outcomes: unknown[] };
    assert.equal(one.id, 'atluri-2022');
    assert.ok(one.outcomes.length > 0);
    assert.equal((await app.request('/api/studies/nope')).status, 404);
    const card = (await (await app.request('/api/cards?condition=chronic%20low%20back%20pain&therapy=msc')).json()) as {
      study_ids: string[];
      safety: { events: unknown[] };
    };
    assert.ok(card.study_ids.length > 0);
    assert.ok(card.safety.events.length > 0);
    const bad = await app.request('/api/cards?therapy=snake-oil');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'therapy');
    const spec = (await (await app.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(spec.paths['/api/cards']);
  });

  test('evidence pages link citations, say what each source is, date registry status (issue 11 §2)', async () => {
    const base = await readEvidenceBase();
    const docs: SourceDocument[] = base.documents;
    const statements: Statement[] = base.statements;
    const app = createApp(staticEvidence(base.studies, statements, docs));
    // Citations link to the DOI resolver, PubMed and ClinicalTrials.gov.
    const msc = await (await app.request('/therapies/msc')).text();
    assert.match(msc, /href="https:\/\/doi\.org\/10\.1016\/j\.spinee\.2020\.10\.004"/); // Amirdelfan, seed-004
    assert.match(msc, /href="https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/35322978\/"/); // Atluri, seed-002
    assert.match(msc, /href="https:\/\/clinicaltrials\.gov\/study\/NCT03737461"/);
    const study = await (await app.request('/studies/atluri-2022')).text();
    assert.match(study, /href="https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/35322978\/"/);
    // /sources says what each document is and that review numbers are second-hand.
    const sources = await app.request('/sources');
    assert.equal(sources.status, 200);
    const src = await sources.text();
    assert.match(src, /id="seed-000"[\s\S]*?2022 narrative review/);
    assert.match(src, /id="seed-004"[\s\S]*?promotional/i);
    assert.match(src, /A number quoted from a review is second-hand/);
    assert.match(src, /6-year study/); // seed-000's unverifiable claim [51]
    // Trials: status as of the source date, with a registry link (seed-000 accepted 27 June 2022).
    const trials = await (await app.request('/trials')).text();
    assert.match(trials, /recruiting <span class="note">as of 27 June 2022/);
    assert.match(trials, /href="https:\/\/clinicaltrials\.gov\/study\/NCT04102761"/);
    // Home: unknown enrollment is "not reported", never "0+".
    const home = await (await app.request('/')).text();
    const bmcRow = /<tr><th scope="row"><a href="\/therapies\/bmc">[\s\S]*?<\/tr>/.exec(home)?.[0] ?? '';
    assert.match(bmcRow, /not reported/);
    assert.ok(!/>0\+</.test(home));
    // A study page shows derived arm sizes with their formula and the findings stated without numbers.
    const amir = await (await app.request('/studies/amirdelfan-2021')).text();
    assert.match(amir, /derived: 100 × 3 \/ \(3 \+ 3 \+ 2 \+ 2\)/);
    assert.match(amir, /modified Pfirrmann/);
  });

  test('text from the data is escaped (no HTML injection)', async () => {
    const evil = makeStudy('evil-1', { summary: '<script>alert(1)</script>' });
    evil.citation.title = '<img src=x onerror=alert(1)>';
    const app = createApp(staticEvidence([evil]));
    const html = await (await app.request('/studies/evil-1')).text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(!html.includes('<img src=x'));
    assert.match(html, /&lt;script&gt;/);
  });

  test('POST /api/score/:instrument scores like the CLI and names the bad field', async () => {
    const app = createApp(staticEvidence([]));
    const post = (instrument: string, body: string) =>
      app.request(`/api/score/${instrument}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    const ok = await post('EQ5D3L', JSON.stringify({ state: '21232', vas: 70 }));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { index_uk: 0.088, index_us: 0.3969679, vas: 70 });
    const bad = await post('ODI', JSON.stringify({ answers: [1, 2, 3, 4, 5, 0, 1, 2, 3, 6] }));
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'answers[9]');
    const notJson = await post('NRS', '{nope');
    assert.equal(notJson.status, 400);
  });

  test('a request body over 256 KiB is refused even when it streams without a length', async () => {
    const app = createApp(staticEvidence([]));
    const chunk = new TextEncoder().encode(`{"value": 5, "pad": "${'x'.repeat(64 * 1024)}`);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.request('/api/score/NRS', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { field: string }).field, 'body');
  });
});
