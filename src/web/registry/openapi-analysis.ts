// OpenAPI paths of the outcomes analysis (src/web/registry/outcomes.ts), spread into the registry's paths.
import { STRATA } from '../../registry/analysis/strata.ts';

const query = [
  {
    name: 'site_id',
    in: 'query',
    schema: { type: 'integer' },
    description: 'one of your sites (default: all of them)',
  },
  {
    name: 'as_of',
    in: 'query',
    schema: { type: 'string', format: 'date' },
    description: 'windows closing after this day are "not yet due" (default today, UTC)',
  },
  {
    name: 'by',
    in: 'query',
    schema: { type: 'string' },
    description: `one or two strata, comma-separated: ${STRATA.join(', ')}`,
  },
  ...STRATA.map((s) => ({
    name: s,
    in: 'query',
    schema: { type: 'string' },
    description: `only records with this ${s}`,
  })),
];
const responses = {
  '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
  '400': { description: '{error, field}: a bad query parameter' },
  '401': { description: 'no valid API token or session' },
  '403': { description: 'role may not read analyses, or not a member of the site' },
};
const common = { tags: ['registry'], security: [{ bearer: [] }, { session: [] }], parameters: query, responses };

export function analysisPaths() {
  return {
    '/api/registry/analysis': {
      get: {
        ...common,
        summary:
          'Outcomes analysis of your sites: responders per instrument and timepoint (exact and Wilson 95% CI, complete and worst case), change from baseline, opioids, treatment failure (Kaplan–Meier, log-log CI, numbers at risk), AE rates per 100 procedures, completeness; strata. Analysts: research-consented patients only, small cells suppressed.',
      },
    },
    '/api/registry/analysis/evidence': {
      get: {
        ...common,
        summary:
          "The clinic's responder rates and opioid figures beside the curated studies' arms on the same metric, with provenance and caveats",
      },
    },
  };
}
