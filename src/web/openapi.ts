// The OpenAPI 3.1 document of the HTTP API, with schemas generated from the zod models.
import { z } from 'zod';
import { StudySchema } from '../domain/evidence.ts';
import { THERAPY_GROUPS } from '../domain/vocabulary.ts';
import { checkClaimsPath } from './check.ts';
import { guidePath } from './guide.ts';
import { registryPaths, registrySecuritySchemes } from './registry/openapi.ts';
import { sofPath } from './sof.ts';

export function openApiDocument() {
  const study = z.toJSONSchema(StudySchema, { io: 'input', unrepresentable: 'any' });
  return {
    openapi: '3.1.0',
    info: {
      title: 'RegenSpine API',
      version: '0.1.0',
      description: 'Evidence on regenerative therapies for chronic low back pain, with provenance for every number.',
    },
    paths: {
      '/api/studies': {
        get: {
          summary: 'All curated studies (export form: numbers flattened, provenance beside them)',
          responses: {
            '200': {
              description: 'studies',
              content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
            },
          },
        },
      },
      '/api/studies/{id}': {
        get: {
          summary: 'One study',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'the study', content: { 'application/json': { schema: { type: 'object' } } } },
            '404': { description: 'no such study' },
          },
        },
      },
      '/api/cards': {
        get: {
          summary: 'The evidence card for a condition and therapy, computed from the data',
          parameters: [
            {
              name: 'condition',
              in: 'query',
              required: false,
              schema: { type: 'string', default: 'chronic low back pain' },
            },
            {
              name: 'therapy',
              in: 'query',
              required: true,
              schema: { type: 'string', enum: Object.keys(THERAPY_GROUPS) },
            },
          ],
          responses: {
            '200': { description: 'the card', content: { 'application/json': { schema: { type: 'object' } } } },
            '400': { description: 'unknown therapy or condition; `field` names it' },
          },
        },
      },
      '/api/sof': sofPath(),
      '/api/check-claims': checkClaimsPath(),
      '/api/guide/{therapy}': guidePath(),
      '/api/score/{instrument}': {
        post: {
          summary:
            'Score one PROM (ODI, EQ5D3L, PROMIS10, NRS, VAS, RMDQ, FRI) from its answers; no login, nothing stored',
          parameters: [{ name: 'instrument', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '200': { description: 'the score', content: { 'application/json': { schema: { type: 'object' } } } },
            '400': { description: '{error, field}: the field that is wrong' },
          },
        },
      },
      ...registryPaths(),
    },
    components: { schemas: { CuratedStudy: study }, securitySchemes: registrySecuritySchemes },
  };
}
