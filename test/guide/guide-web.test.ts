// The patient guides as a user meets them: a real HTTP server (/guide/:therapy, /api/guide/:therapy, the home
// page's links) and a real `regenspine guide` process, on the curated evidence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readJudgements, readMcids } from '../../src/cli/commands/sof.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { listen } from '../helpers/server.ts';

let srv: { url: string; close(): Promise<void> };
before(async () => {
  const base = await readEvidenceBase();
  const inputs = { mcids: await readMcids(), judgements: await readJudgements() };
  srv = await listen(
    createApp({ ...staticEvidence(base.studies, base.statements, base.documents), sofInputs: () => inputs }),
  );
});
after(() => srv.close());

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'regenspine.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('web', () => {
  test('the home page links the three guides', async () => {
    const body = await (await fetch(`${srv.url}/`)).text();
    for (const t of ['prp', 'bmc', 'msc']) assert.ok(body.includes(`href="/guide/${t}"`), t);
  });
  test('/guide/prp: icon arrays with text alternatives, benefits beside risks, reading level in the footer', async () => {
    const res = await fetch(`${srv.url}/guide/prp`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(
      body,
      /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*role="img" aria-labelledby="ia-1-t-t ia-1-t-d"/,
    );
    assert.match(body, /<desc id="ia-1-t-d">Out of 100 people drawn, \d+ are filled in/);
    assert.match(body, /class="balance">\s*<section class="benefits"/);
    assert.match(body, /<section class="risks"/);
    assert.match(
      body,
      /<footer><p class="reading" id="reading-level">Reading level: Flesch–Kincaid grade \d+(\.\d)? \(target 8 or lower\)/,
    );
    assert.match(body, /@media print\{/);
    assert.match(body, /href="\/studies\/akeda-2017"/);
  });
  test('/guide/bmc says there is no picture; /guide/nope is a 404 naming the guides', async () => {
    const bmc = await (await fetch(`${srv.url}/guide/bmc`)).text();
    assert.ok(!bmc.includes('<svg'));
    assert.match(bmc, /So there is no picture and no comparison/);
    const nope = await fetch(`${srv.url}/guide/nope`);
    assert.equal(nope.status, 404);
    assert.match(await nope.text(), /guides are prp, bmc, msc/);
  });
  test('/api/guide/msc is the same model as the CLI JSON; a bad therapy is a 400 naming the field', async () => {
    const api = (await (await fetch(`${srv.url}/api/guide/msc`)).json()) as {
      schema: string;
      readability: { grade: number };
    };
    assert.equal(api.schema, 'regenspine.guide/1');
    const spec = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(spec.paths['/api/guide/{therapy}'], 'in the OpenAPI document');
    const bad = await fetch(`${srv.url}/api/guide/xyz`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'therapy');
    // (spawnSync blocks this process's server: every request is made before the CLI runs)
    const cli = run(['guide', '--therapy', 'msc', '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), api);
  });
});

describe('regenspine guide', () => {
  test('markdown by default, html on request; bad --therapy and --format are one-line errors', () => {
    const md = run(['guide', '--therapy', 'bmc']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# Bone marrow concentrate \(BMC\) for chronic low back pain: a guide for patients/);
    const h = run(['guide', '--therapy', 'PRP', '--format', 'html']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^<!doctype html>/);
    const bad = run(['guide', '--therapy', 'ozone']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /^regenspine: --therapy must be one of: prp, bmc, msc \(got "ozone"\)\n$/);
    const fmt = run(['guide', '--therapy', 'prp', '--format', 'pdf']);
    assert.notEqual(fmt.code, 0);
    assert.match(fmt.stderr, /--format must be markdown or html or json/);
  });
});
