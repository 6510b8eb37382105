// GET /api/sof?condition=&therapy=[&target=&method=]: the Summary-of-Findings JSON of `regenspine sof`
// (src/synthesis/sof.ts), the same pure computation; bad parameters get 400 with the field named.
import type { Hono } from 'hono';
import { TARGETS, THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { conditionKey, knownConditions } from '../evidence/select.ts';
import { METHODS, type Method } from '../stats/rma.ts';
import { computeSof } from '../synthesis/sof.ts';
import type { EvidencePage, EvidenceSource } from './evidence-source.ts';
import { renderNotFound } from './render.ts';
import { renderSofPage } from './sof-page.ts';

export function mountSof(
  app: Hono,
  source: EvidenceSource,
  cachedBody: (key: string, contentType: string, render: () => string) => Response,
  evidencePage: EvidencePage,
): void {
  // "What the evidence shows" per therapy, beside the therapy page (/therapies/:therapy).
  app.get('/therapies/:therapy/evidence', (c) => {
    const therapy = c.req.param('therapy').toLowerCase();
    if (!THERAPY_GROUPS[therapy]) return c.html(renderNotFound(`No therapy "${therapy}".`), 404);
    const condition = knownConditions()[0]!;
    const inputs = source.sofInputs?.() ?? { mcids: {}, judgements: [] };
    return evidencePage(c, { therapy }, `/therapies/${therapy}/evidence`, (clinic) =>
      renderSofPage(
        computeSof(source.studies(), source.statements?.() ?? [], {
          condition,
          therapy,
          mcids: inputs.mcids,
          judgements: inputs.judgements,
        }),
        clinic,
      ),
    );
  });
  app.get('/api/sof', (c) => {
    const condition = c.req.query('condition') ?? 'chronic low back pain';
    const therapy = (c.req.query('therapy') ?? '').toLowerCase();
    const target = c.req.query('target') ?? null;
    const method = (c.req.query('method') ?? 'REML').toUpperCase();
    const bad = (field: string, error: string) => c.json({ error, field }, 400);
    if (!THERAPY_GROUPS[therapy])
      return bad('therapy', `therapy must be one of: ${Object.keys(THERAPY_GROUPS).join(', ')}`);
    if (!knownConditions().includes(conditionKey(condition)))
      return bad('condition', `condition must be one of: ${knownConditions().join(', ')}`);
    if (target !== null && !TARGETS.includes(target as never))
      return bad('target', `target must be one of: ${TARGETS.join(', ')}`);
    if (!METHODS.includes(method as Method)) return bad('method', `method must be one of: ${METHODS.join(', ')}`);
    const inputs = source.sofInputs?.() ?? { mcids: {}, judgements: [] };
    return cachedBody(`sof:${conditionKey(condition)}:${therapy}:${target}:${method}`, 'application/json', () =>
      JSON.stringify(
        computeSof(source.studies(), source.statements?.() ?? [], {
          condition,
          therapy,
          target,
          method: method as Method,
          mcids: inputs.mcids,
          judgements: inputs.judgements,
        }),
      ),
    );
  });
}

export function sofPath() {
  return {
    get: {
      summary:
        'Summary of Findings: outcome questions with study effects, pooled effects, reported analyses, GRADE suggestion with rule trace, reviewer overrides, and ASIPP levels',
      parameters: [
        {
          name: 'condition',
          in: 'query',
          required: false,
          schema: { type: 'string', default: 'chronic low back pain' },
        },
        { name: 'therapy', in: 'query', required: true, schema: { type: 'string', enum: Object.keys(THERAPY_GROUPS) } },
        { name: 'target', in: 'query', required: false, schema: { type: 'string', enum: [...TARGETS] } },
        {
          name: 'method',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: [...METHODS], default: 'REML' },
        },
      ],
      responses: {
        '200': {
          description:
            '{condition, therapy, questions: [{id, outcome, timepoint, comparison, study_ids, participants, effect, absolute, absolute_reason, study_effects, not_computable, findings, reported_analyses, certainty, domains, override, statement}], asipp: [{target, level, trace, stated}]}',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        '400': { description: 'unknown therapy, condition, target or method; `field` names it' },
      },
    },
  };
}
