// Outcomes registry: sites, users and credentials, pseudonymous patients, consent, procedures with product
// characterisation, follow-up visits with scored PROMs and MME, adverse events, and the audit trail.
//
// Audit (docs/reference/regulatory.md §5): an AFTER trigger on every registry table writes who / when / what / old → new /
// why into audit_log in the same transaction as the change. Who and why come from transaction-local settings
// (regenspine.user_id, .role, .via, .reason) that the store sets at the start of each command; clinical
// updates and deletes without a reason are refused by the database itself (ICH E6 4.9.3). audit_log is
// append-only: a trigger refuses UPDATE, DELETE and TRUNCATE for every role, including the owner.
// Secrets (password_hash, token_hash) never enter the audit trail. audit_log lives in its own schema
// "audit" so that `regenspine audit harden` can hand schema and table to a separate owner role: the owner
// of the public schema (the application) could otherwise DROP any table in it.
export const registry002 = `
CREATE TABLE registry_site (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text,
  role text NOT NULL CHECK (role IN ('admin', 'clinician', 'coordinator', 'analyst')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_site (
  user_id bigint NOT NULL REFERENCES app_user(id),
  site_id integer NOT NULL REFERENCES registry_site(id),
  PRIMARY KEY (user_id, site_id)
);

CREATE TABLE user_session (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user(id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user(id),
  token_hash text NOT NULL UNIQUE,
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE login_failure (
  email text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);

CREATE TABLE patient (
  id bigserial PRIMARY KEY,
  site_id integer NOT NULL REFERENCES registry_site(id),
  registry_id text NOT NULL UNIQUE,
  year_of_birth integer NOT NULL,
  sex text NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  bmi double precision,
  smoking text NOT NULL CHECK (smoking IN ('never', 'former', 'current', 'unknown')),
  pain_duration_months integer NOT NULL CHECK (pain_duration_months >= 0),
  prior_treatments text[] NOT NULL,
  pain_generators text[] NOT NULL,
  pain_generator_group text NOT NULL,
  baseline_opioid_use boolean NOT NULL,
  eligibility jsonb NOT NULL,
  eligible boolean NOT NULL,
  index_procedure_id bigint,
  index_procedure_date date,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  UNIQUE (id, site_id)
);
CREATE INDEX patient_site_idx ON patient (site_id, id);

CREATE TABLE consent (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  scope text NOT NULL CHECK (scope IN ('research', 'treatment')),
  form_version text NOT NULL,
  consent_date date NOT NULL,
  obtained_by text NOT NULL,
  withdrawn_date date,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id)
);
CREATE INDEX consent_patient_idx ON consent (patient_id);

CREATE TABLE procedure (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  procedure_date date NOT NULL,
  operator text NOT NULL,
  therapy text NOT NULL CHECK (therapy IN ('PRP', 'BMC', 'MSC')),
  product jsonb NOT NULL,
  characterization jsonb NOT NULL,
  product_warnings text[] NOT NULL,
  product_config_version text,
  targets jsonb NOT NULL,
  image_guidance text NOT NULL,
  injectate_volume_ml double precision NOT NULL,
  adjuncts text[] NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id)
);
CREATE INDEX procedure_patient_idx ON procedure (patient_id);

CREATE TABLE followup_visit (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  timepoint text NOT NULL,
  visit_date date NOT NULL,
  target_date date,
  in_window boolean,
  opioids jsonb,
  mme_per_day double precision,
  mme_config_version text,
  reintervention jsonb,
  imaging_note text,
  schedule_config_version text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  UNIQUE (patient_id, timepoint),
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id)
);

CREATE TABLE prom_score (
  id bigserial PRIMARY KEY,
  visit_id bigint NOT NULL REFERENCES followup_visit(id),
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  instrument text NOT NULL,
  instrument_version text NOT NULL,
  config_version text NOT NULL,
  value_set text,
  input jsonb NOT NULL,
  result jsonb NOT NULL,
  score double precision NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  UNIQUE (visit_id, instrument),
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id)
);
CREATE INDEX prom_score_patient_idx ON prom_score (patient_id);

CREATE TABLE adverse_event (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  procedure_id bigint REFERENCES procedure(id),
  term text NOT NULL,
  onset_date date NOT NULL,
  grade integer NOT NULL CHECK (grade BETWEEN 1 AND 5),
  ctcae_version text NOT NULL,
  seriousness_criteria text[] NOT NULL,
  serious boolean NOT NULL,
  attribution_procedure text,
  attribution_product text,
  action text NOT NULL,
  outcome text,
  resolution_date date,
  expected boolean,
  acknowledged_at timestamptz,
  acknowledged_by bigint,
  deleted_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id)
);
CREATE INDEX adverse_event_patient_idx ON adverse_event (patient_id);
CREATE INDEX adverse_event_unacknowledged_idx ON adverse_event (site_id) WHERE serious AND acknowledged_at IS NULL AND deleted_at IS NULL;

CREATE SCHEMA audit;

CREATE TABLE audit.audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint,
  user_role text,
  via text,
  site_id integer,
  patient_id bigint,
  entity text NOT NULL,
  entity_id text NOT NULL,
  action text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  old_values jsonb,
  new_values jsonb,
  reason text,
  txid bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX audit_log_patient_idx ON audit.audit_log (patient_id, id);
CREATE INDEX audit_log_entity_idx ON audit.audit_log (entity, entity_id, id);

CREATE FUNCTION audit.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit.audit_log FOR EACH ROW EXECUTE FUNCTION audit.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit.audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit.audit_log_append_only();

CREATE FUNCTION registry_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o jsonb;
  n jsonb;
  r jsonb;
  why text := nullif(current_setting('regenspine.reason', true), '');
BEGIN
  IF TG_OP = 'INSERT' THEN
    n := to_jsonb(NEW) - 'password_hash' - 'token_hash';
    r := n;
  ELSIF TG_OP = 'UPDATE' THEN
    o := to_jsonb(OLD) - 'password_hash' - 'token_hash';
    r := to_jsonb(NEW) - 'password_hash' - 'token_hash';
    SELECT coalesce(jsonb_object_agg(e.key, o -> e.key), '{}'::jsonb), coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
      INTO o, n
      FROM jsonb_each(r) AS e
      WHERE (o -> e.key) IS DISTINCT FROM e.value;
  ELSE
    o := to_jsonb(OLD) - 'password_hash' - 'token_hash';
    r := o;
  END IF;
  IF TG_OP <> 'INSERT' AND TG_ARGV[0] = 'clinical' AND why IS NULL THEN
    RAISE EXCEPTION 'a reason for the change is required for % of %', lower(TG_OP), TG_TABLE_NAME USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO audit.audit_log (user_id, user_role, via, site_id, patient_id, entity, entity_id, action, old_values, new_values, reason)
  VALUES (
    nullif(current_setting('regenspine.user_id', true), '')::bigint,
    nullif(current_setting('regenspine.role', true), ''),
    nullif(current_setting('regenspine.via', true), ''),
    CASE WHEN TG_TABLE_NAME = 'registry_site' THEN (r ->> 'id')::integer ELSE (r ->> 'site_id')::integer END,
    CASE WHEN TG_TABLE_NAME = 'patient' THEN (r ->> 'id')::bigint ELSE (r ->> 'patient_id')::bigint END,
    TG_TABLE_NAME,
    coalesce(r ->> 'id', (r ->> 'user_id') || ':' || (r ->> 'site_id')),
    CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
    o,
    n,
    why
  );
  RETURN NULL;
END
$$;

CREATE TRIGGER registry_site_audit AFTER INSERT OR UPDATE OR DELETE ON registry_site FOR EACH ROW EXECUTE FUNCTION registry_audit('account');
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app_user FOR EACH ROW EXECUTE FUNCTION registry_audit('account');
CREATE TRIGGER user_site_audit AFTER INSERT OR UPDATE OR DELETE ON user_site FOR EACH ROW EXECUTE FUNCTION registry_audit('account');
CREATE TRIGGER api_token_audit AFTER INSERT OR UPDATE OR DELETE ON api_token FOR EACH ROW EXECUTE FUNCTION registry_audit('account');
CREATE TRIGGER patient_audit AFTER INSERT OR UPDATE OR DELETE ON patient FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
CREATE TRIGGER consent_audit AFTER INSERT OR UPDATE OR DELETE ON consent FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
CREATE TRIGGER procedure_audit AFTER INSERT OR UPDATE OR DELETE ON procedure FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
CREATE TRIGGER followup_visit_audit AFTER INSERT OR UPDATE OR DELETE ON followup_visit FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
CREATE TRIGGER prom_score_audit AFTER INSERT OR UPDATE OR DELETE ON prom_score FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
CREATE TRIGGER adverse_event_audit AFTER INSERT OR UPDATE OR DELETE ON adverse_event FOR EACH ROW EXECUTE FUNCTION registry_audit('clinical');
`;
