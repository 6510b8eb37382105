// OpenAPI paths of the registry API, request schemas generated from the zod command schemas.
import { z } from 'zod';
import {
  AdverseEventSchema,
  ConsentSchema,
  CorrectConsentSchema,
  CorrectionSchema,
  DeleteSchema,
  EnrolPatientSchema,
  FollowUpSchema,
  PatientStatusSchema,
  ProcedureSchema,
  UpdateAdverseEventSchema,
  UpdatePatientSchema,
  WithdrawConsentSchema,
} from '../../registry/validation.ts';
import { analysisPaths } from './openapi-analysis.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });
const idParam = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer' } });
const json = { content: { 'application/json': { schema: { type: 'object' } } } };
const security = [{ bearer: [] }, { session: [] }];
const errors = {
  '400': { description: '{error, field}: the field that is wrong; nothing was written' },
  '401': { description: 'no valid API token or session' },
  '403': { description: 'role not allowed, not a member of the site, or (session) CSRF check failed' },
  '404': { description: 'no such record at your sites' },
};
const op = (
  summary: string,
  extra: Record<string, unknown> = {},
  ok: Record<string, unknown> = { '200': { description: 'ok', ...json } },
) => ({
  summary,
  tags: ['registry'],
  security,
  ...extra,
  responses: { ...ok, ...errors },
});
const created = { '201': { description: 'created', ...json } };
const conflict = { '409': { description: 'version conflict (optimistic locking) or duplicate: reload and retry' } };
const unprocessable = {
  '422': {
    description:
      'refused by a rule: e.g. no consent, not eligible, a procedure dated in the future, a follow-up dated before the index procedure',
  },
};

export function registryPaths() {
  return {
    ...analysisPaths(),
    '/api/registry/me': { get: op('The signed-in user or token owner: role and sites') },
    '/api/registry/sites': { get: op("The caller's sites") },
    '/api/registry/patients': {
      get: op(
        "Patients of the caller's sites (pseudonymous); with q, status, before or limit: one page and next_before",
        {
          parameters: [
            { name: 'site_id', in: 'query', schema: { type: 'integer' } },
            { name: 'q', in: 'query', schema: { type: 'string' }, description: 'part of the registry id' },
            { name: 'status', in: 'query', schema: { type: 'string' } },
            {
              name: 'before',
              in: 'query',
              schema: { type: 'integer' },
              description: 'next_before of the previous page',
            },
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 200 } },
          ],
        },
      ),
      post: op('Enrol a patient with the eligibility checklist', { requestBody: body(EnrolPatientSchema) }, created),
    },
    '/api/registry/patients/{id}': {
      get: op('A patient with consents, procedures, visits (scores) and adverse events', { parameters: [idParam()] }),
      patch: op(
        'Correct a patient (version + reason required)',
        { parameters: [idParam()], requestBody: body(UpdatePatientSchema) },
        { '200': { description: 'ok' }, ...conflict },
      ),
    },
    '/api/registry/patients/{id}/consents': {
      post: op('Record consent', { parameters: [idParam()], requestBody: body(ConsentSchema) }, created),
    },
    '/api/registry/patients/{id}/procedures': {
      post: op(
        'Record a procedure with product characterisation (refused without eligibility and consent; product warnings returned)',
        { parameters: [idParam()], requestBody: body(ProcedureSchema) },
        { ...created, ...unprocessable },
      ),
    },
    '/api/registry/patients/{id}/visits': {
      post: op(
        'Submit a follow-up: PROMs scored and stored with versions, MME, re-intervention, imaging',
        { parameters: [idParam()], requestBody: body(FollowUpSchema) },
        { ...created, ...conflict, ...unprocessable },
      ),
    },
    '/api/registry/patients/{id}/adverse-events': {
      post: op(
        'Report an adverse event (CTCAE grade, ICH E2A seriousness, attribution)',
        { parameters: [idParam()], requestBody: body(AdverseEventSchema) },
        created,
      ),
    },
    '/api/registry/adverse-events/{id}': {
      patch: op(
        'Update an adverse event (version + reason)',
        { parameters: [idParam()], requestBody: body(UpdateAdverseEventSchema) },
        { '200': { description: 'ok' }, ...conflict },
      ),
      delete: op(
        'Mark an adverse event entered in error (logical; version + reason)',
        { parameters: [idParam()], requestBody: body(DeleteSchema) },
        { '200': { description: 'ok' }, ...conflict },
      ),
    },
    '/api/registry/adverse-events/{id}/acknowledge': {
      post: op('Acknowledge a serious adverse event for the site (clinician, admin)', {
        parameters: [idParam()],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { version: { type: 'integer' } }, required: ['version'] },
            },
          },
        },
      }),
    },
    '/api/registry/sites/{id}/adverse-events/unacknowledged': {
      get: op('Serious adverse events the site has not acknowledged', { parameters: [idParam()] }),
    },
    '/api/registry/sites/{id}/follow-ups': {
      get: op('Follow-up status of a site: counts per timepoint and the due / overdue / missed lists', {
        parameters: [
          idParam(),
          { name: 'today', in: 'query', schema: { type: 'string', format: 'date' } },
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
        ],
      }),
    },
    '/api/registry/patients/{id}/audit': {
      get: op("Audit history of a patient's records (who, when, old → new, reason)", { parameters: [idParam()] }),
    },
    '/api/registry/audit': {
      get: op('Audit history of one record', {
        parameters: [
          { name: 'entity', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'id', in: 'query', required: true, schema: { type: 'string' } },
        ],
      }),
    },
    '/api/registry/deidentified/outcomes': {
      get: op(
        'De-identified outcome rows (token scope "export"): no registry ids, no dates, no free text; only patients whose research consent holds today; streamed as a JSON array',
        {},
        {
          '200': { description: 'ok', ...json },
          '429': { description: 'an export with this credential, or the server maximum, is already running' },
        },
      ),
    },
    '/api/registry/patients/{id}/status': {
      patch: op(
        'Set the patient status (active, withdrawn, lost_to_follow_up, deceased) with its date and a reason',
        { parameters: [idParam()], requestBody: body(PatientStatusSchema) },
        { '200': { description: 'ok' }, ...conflict, ...unprocessable },
      ),
    },
    '/api/registry/consents/{id}': {
      patch: op(
        'Correct a mistyped consent (version + reason)',
        { parameters: [idParam()], requestBody: body(CorrectConsentSchema) },
        { '200': { description: 'ok' }, ...conflict },
      ),
    },
    '/api/registry/consents/{id}/withdraw': {
      post: op(
        'Record the withdrawal of a consent: date and reason; registry consent → patient withdrawn',
        { parameters: [idParam()], requestBody: body(WithdrawConsentSchema) },
        { '200': { description: 'ok' }, ...conflict, ...unprocessable },
      ),
    },
    '/api/registry/procedures/{id}': {
      put: op(
        'Correct a procedure: {version, reason, record} with the whole corrected procedure',
        { parameters: [idParam()], requestBody: body(CorrectionSchema) },
        { '200': { description: 'ok' }, ...conflict, ...unprocessable },
      ),
    },
    '/api/registry/visits/{id}': {
      put: op(
        'Correct a follow-up visit: {version, reason, record} with the whole corrected visit (re-scored)',
        { parameters: [idParam()], requestBody: body(CorrectionSchema) },
        { '200': { description: 'ok' }, ...conflict, ...unprocessable },
      ),
    },
    // Issue 13: questionnaire links (src/web/registry/epro.ts) and registry exports (src/web/registry/export.ts).
    '/api/registry/epro/links': {
      post: op(
        'Issue a single-use questionnaire link for one patient-visit: {patient_id, timepoint, hours?, email?} → {invitation_id, url (shown once), expires_at, queued}',
        { requestBody: { required: true, ...json } },
        { ...created, ...conflict, ...unprocessable },
      ),
    },
    '/api/registry/sites/{id}/epro/links': {
      get: op('The questionnaire links of a site with their state (never the secrets)', { parameters: [idParam()] }),
    },
    '/api/registry/epro/reminders': {
      post: op('Queue reminders for open links of due or overdue visits (config/epro.json)'),
    },
    '/api/registry/export': {
      get: op(
        'Registry export, streamed and audited: format=fhir (R4 Bundle) or csv (table=scores|procedures|adverse_events|summary|dictionary); deidentified=true for pseudonymous, research-consented data (analysts: required); site_id to limit',
        {
          parameters: [
            { name: 'format', in: 'query', required: true, schema: { type: 'string', enum: ['fhir', 'csv'] } },
            {
              name: 'table',
              in: 'query',
              schema: { type: 'string', enum: ['scores', 'procedures', 'adverse_events', 'summary', 'dictionary'] },
            },
            { name: 'deidentified', in: 'query', schema: { type: 'boolean' } },
            { name: 'site_id', in: 'query', schema: { type: 'integer' } },
          ],
        },
        {
          '200': { description: 'application/fhir+json Bundle or text/csv' },
          '429': { description: 'the server is running as many exports as it may' },
        },
      ),
    },
  };
}

export const registrySecuritySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'API token from `regenspine token create`' },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'rs_session',
    description: 'browser session; unsafe methods need X-CSRF-Token',
  },
};
