// GET /api/sof on a real HTTP server over the curated evidence, and its entry in the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readMcids } from '../../src/cli/commands/sof.ts';
import { readEvidenceBase } from '../../src/evidence/files.ts';
import { createApp, staticEvidence } from '../../src/web/server.ts';
import { listen } from '../helpers/server.ts';

let srv: { url: string; close(): Promise<void> };
before(async () => {
  const base = await readEvidenceBase();
  const inputs = { mcids: await readMcids(), judgements: [] };
  srv = await listen(createApp({ ...staticEvidence(base.studies, base.statements), sofInputs: () => inputs }));
});
after(() => srv.close());

describe('/api/sof', () => {
  test('the SoF JSON for bmc: Atluri arm sizes not given', async () => {
    const res = await fetch(`${srv.url}/api/sof?condition=chronic%20low%20back%20pain&therapy=bmc`);
    assert.equal(res.status, 200);
    const s = (await res.json()) as {
      therapy: string;
      questions: { not_computable: { study_id: string; kind: string }[] }[];
      asipp: unknown[];
    };
    assert.equal(s.therapy, 'bmc');
    assert.ok(
      s.questions.some((q) =>
        q.not_computable.some((n) => n.study_id === 'atluri-2022' && n.kind === 'arm-size-not-given'),
      ),
    );
    assert.ok(s.asipp.length > 0);
  });
  test('bad parameters name the field', async () => {
    for (const [q, field] of [
      ['therapy=snake-oil', 'therapy'],
      ['therapy=prp&condition=migraine', 'condition'],
      ['therapy=prp&target=knee', 'target'],
      ['therapy=prp&method=XYZ', 'method'],
    ]) {
      const res = await fetch(`${srv.url}/api/sof?${q}`);
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { field: string }).field, field);
    }
  });
  test('in the OpenAPI document', async () => {
    const spec = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(spec.paths['/api/sof']);
  });
});
