// Validation against the official HL7 FHIR R4 JSON Schema (vendor/fhir-r4/fhir.schema.json, see its README)
// with Ajv. The schema is draft-06 with a draft-04 style top-level "id"; Ajv 8 wants "$id", so the id is
// moved (nothing else is changed). Compiling it takes several seconds: one validator per test process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };

const SCHEMA_PATH = join(import.meta.dirname, '..', '..', 'vendor', 'fhir-r4', 'fhir.schema.json');
const ID = 'http://hl7.org/fhir/json-schema/4.0';

let ajv: Ajv | null = null;
const byType = new Map<string, ValidateFunction>();

function validatorFor(resourceType: string): ValidateFunction {
  if (!ajv) {
    const { id: _id, ...schema } = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    ajv = new Ajv({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false } });
    ajv.addMetaSchema(draft6);
    ajv.addSchema({ ...schema, $id: ID });
  }
  let v = byType.get(resourceType);
  if (!v) {
    const fn = ajv.getSchema(`${ID}#/definitions/${resourceType}`);
    if (!fn) throw new Error(`no FHIR R4 definition for resourceType "${resourceType}"`);
    v = fn;
    byType.set(resourceType, v);
  }
  return v;
}

/**
 * Required (1..1) primitive elements of the resources the registry exports. The JSON Schema cannot require
 * a primitive (it may come as the "_element" extension form instead), so they are checked here; the
 * cardinalities are those of the R4 resource pages (https://hl7.org/fhir/R4/<resource>.html).
 */
const REQUIRED_PRIMITIVES: Record<string, string[]> = {
  AdverseEvent: ['actuality'],
  Bundle: ['type'],
  Consent: ['status'],
  MedicationStatement: ['status'],
  Observation: ['status'],
  Procedure: ['status'],
  QuestionnaireResponse: ['status'],
};

/** The schema's complaints about one resource (empty when valid), and missing required primitives. */
export function fhirErrors(resource: { resourceType?: unknown } & Record<string, unknown>): string[] {
  const type = String(resource.resourceType);
  const v = validatorFor(type);
  const missing = (REQUIRED_PRIMITIVES[type] ?? [])
    .filter((k) => resource[k] === undefined && resource[`_${k}`] === undefined)
    .map((k) => `${type}: required element ${k} is missing`);
  if (v(resource)) return missing;
  return missing.concat(
    (v.errors ?? []).map(
      (e) => `${type}${e.instancePath}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    ),
  );
}
