// The claim checker over HTTP: GET/POST /check (a form that works without JavaScript; CSRF as the registry's
// sign-in form, src/web/form-token.ts; no login), /check/seed-004 (the seed's own card checked: the worked
// example), and POST /api/check-claims (the JSON contract of `regenspine check-claims --format json`). The checking
// is the same pure function (src/claims/check.ts); bad input gets 400/413 naming the limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Hono } from 'hono';
import {
  type ClaimData,
  ClaimLimitError,
  checkClaims,
  MAX_CLAIMS,
  MAX_INPUT_BYTES,
  toReport,
  utf8Bytes,
} from '../claims/check.ts';
import { VERDICT_LABEL } from '../claims/render.ts';
import { type CheckedClaim, VERDICTS } from '../claims/types.ts';
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { DEFAULT_SOURCES_DIR } from '../evidence/inputs.ts';
import { conditionKey, knownConditions } from '../evidence/select.ts';
import { CLAIM_STYLE, claimsToHtml } from './check-view.ts';
import type { EvidenceSource } from './evidence-source.ts';
import { FORM_FIELD, formTokens } from './form-token.ts';
import { html, page, type Raw, raw } from './html.ts';

const tokens = formTokens('rs_check', '/check');

/** Seed 004 as kept in the repository (data/sources/seed-004.txt; sources.json says where it comes from). */
export function seed004Text(sourcesDir = DEFAULT_SOURCES_DIR): string {
  return readFileSync(join(sourcesDir, 'seed-004.txt'), 'utf8');
}

function dataOf(source: EvidenceSource): ClaimData {
  const inputs = source.sofInputs?.() ?? { mcids: {}, judgements: [] };
  return { studies: source.studies(), statements: source.statements?.() ?? [], ...inputs };
}

const legend = html`<details><summary>What the verdicts mean</summary><ul>${VERDICTS.map(
  (v) =>
    html`<li><span class="claim v-${v}"><span aria-hidden="true">${VERDICT_LABEL[v].icon}</span> ${VERDICT_LABEL[v].word}</span>: ${
      {
        supported: 'the data say so.',
        contradicted: 'the data say otherwise.',
        overstated: 'true in part, but stronger than the data (or than the certainty of the evidence) allow.',
        unsupported: 'the evidence base has no data for it.',
        unverifiable: 'the data cannot decide, e.g. a total that depends on sizes no source gives.',
        'not-checkable':
          'not a factual claim (a heading, a reference, a question), or one the checker cannot read; it says why.',
      }[v]
    }</li>`,
)}</ul></details>`;

function form(token: string, text: string, therapy: string, message: Raw | null): Raw {
  const options = [
    html`<option value=""${therapy === '' ? raw(' selected') : ''}>the one the text names</option>`,
    ...Object.entries(THERAPY_GROUPS).map(
      ([k, g]) => html`<option value="${k}"${therapy === k ? raw(' selected') : ''}>${k}: ${g.label}</option>`,
    ),
  ];
  return html`<form method="post" action="/check"><input type="hidden" name="${FORM_FIELD}" value="${token}">
${message ?? ''}
<p><label for="claim-text">Text to check (a summary, an advert, a card; at most ${MAX_INPUT_BYTES / 1024} KiB and ${MAX_CLAIMS} claims)</label>
<textarea id="claim-text" name="text" rows="12" style="width:100%" required>${text}</textarea></p>
<p><label for="claim-therapy">Therapy, for claims that name none</label><select id="claim-therapy" name="therapy">${options}</select></p>
<p><button type="submit">Check the claims</button> <a href="/check/seed-004">See a worked example: seed 004's card</a></p></form>`;
}

function checkPage(
  token: string,
  text: string,
  therapy: string,
  claims: CheckedClaim[] | null,
  message: Raw | null,
): string {
  return page(
    'Check a claim',
    html`<style>${raw(CLAIM_STYLE)}</style><h1>Check a claim against the evidence</h1>
<p>Paste what a summary or an advert says about PRP, bone marrow concentrate or stem cell therapy for chronic low back pain. Each sentence, clause and list item is checked against the curated studies, the Summary of Findings (the same certainty the <a href="/api/sof?therapy=msc">SoF</a> shows) and the regulatory reference, with the quotes behind each verdict.</p>
${legend}
${claims ? claimsToHtml(text, claims) : ''}
<h2>${claims ? 'Check another text' : 'The text'}</h2>
${form(token, text, therapy, message)}`,
  );
}

const errorBox = (msg: string) => html`<p class="warn" role="alert">${msg}</p>`;

export function mountCheck(app: Hono, source: EvidenceSource, opts: { seedText?: () => string } = {}): void {
  const seed = opts.seedText ?? (() => seed004Text());
  const noStore = (c: Context) => c.header('cache-control', 'no-store');

  app.get('/check', (c) => {
    noStore(c);
    return c.html(checkPage(tokens.issue(c), '', '', null, null));
  });

  app.post('/check', async (c) => {
    noStore(c);
    const length = Number(c.req.header('content-length') ?? 0);
    // a form-encoded text grows up to 3× (percent-encoding); the text itself is checked again below
    if (length > 3 * MAX_INPUT_BYTES + 4096)
      return c.html(
        checkPage(
          tokens.issue(c),
          '',
          '',
          null,
          errorBox(
            `The form is over ${MAX_INPUT_BYTES / 1024} KiB of text: at most ${MAX_INPUT_BYTES} bytes can be checked at once.`,
          ),
        ),
        413,
      );
    const body = await c.req.parseBody();
    const text = typeof body.text === 'string' ? body.text.replace(/\r\n/g, '\n') : '';
    const therapy = typeof body.therapy === 'string' ? body.therapy : '';
    const given = typeof body[FORM_FIELD] === 'string' ? (body[FORM_FIELD] as string) : '';
    if (!tokens.verify(c, given))
      return c.html(
        checkPage(
          tokens.issue(c),
          text,
          therapy,
          null,
          errorBox('The form was not sent from this page (CSRF check failed). Press “Check the claims” again.'),
        ),
        403,
      );
    if (therapy !== '' && !THERAPY_GROUPS[therapy])
      return c.html(checkPage(tokens.issue(c), text, '', null, errorBox(`Unknown therapy "${therapy}".`)), 400);
    try {
      const claims = checkClaims(text, dataOf(source), { therapy: therapy || null });
      return c.html(checkPage(tokens.issue(c), text, therapy, claims, null));
    } catch (e) {
      if (!(e instanceof ClaimLimitError)) throw e;
      return c.html(
        checkPage(
          tokens.issue(c),
          text.slice(0, MAX_INPUT_BYTES),
          therapy,
          null,
          errorBox(`${e.message[0]!.toUpperCase()}${e.message.slice(1)}.`),
        ),
        e.status,
      );
    }
  });

  // the worked example depends only on the evidence version: checked once per version
  let example: { version: number; html: string } | null = null;
  app.get('/check/seed-004', (c) => {
    if (example?.version === source.version()) return c.html(example.html);
    const text = seed();
    const claims = checkClaims(text, dataOf(source));
    example = {
      version: source.version(),
      html: page(
        "Seed 004's card, checked",
        html`<style>${raw(CLAIM_STYLE)}</style><h1>Worked example: a stem cell therapy card, checked claim by claim</h1>
<p>This is seed 004 as RegenSpine keeps it (<a href="/sources#seed-004">data/sources/seed-004.txt</a>, a promotional evidence card). It says the four studies it cites show stem cell therapy to be safe, effective and durable and that no treatment-associated adverse event was reported in 148 patients. Below, each of its claims is checked against those four studies as curated. <a href="/check">Check your own text</a>.</p>
${legend}
${claimsToHtml(text, claims)}`,
      ),
    };
    return c.html(example.html);
  });

  app.post('/api/check-claims', async (c) => {
    const bad = (status: 400 | 413 | 415, error: string, field: string) => c.json({ error, field }, status);
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
      return bad(415, 'send the request as application/json: {"text": "…"}', 'content-type');
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > 2 * MAX_INPUT_BYTES + 4096)
      return bad(
        413,
        `request body over ${2 * MAX_INPUT_BYTES + 4096} bytes; the text may have at most ${MAX_INPUT_BYTES} bytes`,
        'text',
      );
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      return bad(400, 'request body is not valid JSON', 'body');
    }
    const o = (input ?? {}) as Record<string, unknown>;
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return bad(400, 'send an object: {"text": "…"}', 'body');
    if (typeof o.text !== 'string') return bad(400, 'text must be a string: the claims to check', 'text');
    if (
      o.therapy !== undefined &&
      o.therapy !== null &&
      (typeof o.therapy !== 'string' || !THERAPY_GROUPS[o.therapy.toLowerCase()])
    )
      return bad(400, `therapy must be one of: ${Object.keys(THERAPY_GROUPS).join(', ')}`, 'therapy');
    if (
      o.condition !== undefined &&
      (typeof o.condition !== 'string' || !knownConditions().includes(conditionKey(o.condition)))
    )
      return bad(400, `condition must be one of: ${knownConditions().join(', ')}`, 'condition');
    if (utf8Bytes(o.text) > MAX_INPUT_BYTES)
      return bad(
        413,
        `text is ${utf8Bytes(o.text)} bytes; at most ${MAX_INPUT_BYTES} bytes (32 KiB) can be checked at once`,
        'text',
      );
    try {
      const claims = checkClaims(o.text, dataOf(source), {
        therapy: (o.therapy as string | null | undefined) ?? null,
        condition: (o.condition as string | undefined) ?? 'chronic low back pain',
      });
      return c.json(toReport(claims));
    } catch (e) {
      if (e instanceof ClaimLimitError) return bad(e.status, e.message, e.field);
      throw e;
    }
  });
}

export function checkClaimsPath() {
  const evidence = {
    type: 'object',
    required: ['study_id', 'quote', 'document', 'locator'],
    properties: {
      study_id: { type: ['string', 'null'], description: 'null for a vendored reference passage' },
      quote: { type: 'string' },
      document: { type: 'string', description: 'a data/sources document id, or a docs/reference path' },
      locator: { type: 'string' },
    },
  };
  return {
    post: {
      summary:
        'Check each claim of a text (sentences, clauses, list items) against the evidence: supported, contradicted, overstated, unsupported, unverifiable or not-checkable, with the reason and the quotes behind it; no login, nothing stored',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['text'],
              properties: {
                text: {
                  type: 'string',
                  description: `at most ${MAX_INPUT_BYTES} bytes (UTF-8) and ${MAX_CLAIMS} claims`,
                },
                therapy: {
                  type: ['string', 'null'],
                  enum: [...Object.keys(THERAPY_GROUPS), null],
                  description: 'for claims that name no therapy',
                },
                condition: { type: 'string', default: 'chronic low back pain' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'the claims, each with its verdict, and a count per verdict',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['claims', 'summary'],
                properties: {
                  claims: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['text', 'kind', 'therapy', 'verdict', 'reason', 'study_ids', 'evidence'],
                      properties: {
                        text: { type: 'string' },
                        kind: { type: 'string' },
                        therapy: { type: ['string', 'null'] },
                        verdict: { type: 'string', enum: [...VERDICTS] },
                        reason: { type: 'string' },
                        study_ids: { type: 'array', items: { type: 'string' } },
                        evidence: { type: 'array', items: evidence },
                      },
                    },
                  },
                  summary: {
                    type: 'object',
                    properties: Object.fromEntries(VERDICTS.map((v) => [v, { type: 'integer' }])),
                  },
                },
              },
            },
          },
        },
        '400': {
          description: `{error, field}: empty text, more than ${MAX_CLAIMS} claims, unknown therapy or condition, not JSON`,
        },
        '413': { description: `{error, field}: the text is over ${MAX_INPUT_BYTES} bytes` },
        '415': { description: 'the body is not application/json' },
      },
    },
  };
}
