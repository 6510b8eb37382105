// Registry 006 (issue 11): consent scopes and withdrawal, patient status, login throttling per (account,
// client) with in-flight reservations, API-token scopes, an append-only security-event log, plausibility
// CHECK constraints, and an index for the paged de-identified export.
//
// Consent scopes: care (consent to the treatment; FHIR R4 consentscope "treatment"), registry (participation
// in the registry: data collection and follow-up) and research (use of the registry data for research, the
// de-identified export; FHIR "research"). docs/reference/interoperability.md §3 (vendored in docs/reference/registry.md).
// The rows recorded before 006 were entered on a form that said "registry participation (research)" or
// "treatment": they become "registry" and "care". Research use is NOT assumed from the old label — such
// patients are left out of research exports until a research consent is recorded (privacy first).
//
// CHECK constraints are the absolute envelope of what can be stored (finite numbers, calendar range, string
// lengths); the tighter data-entry plausibility ranges are settings (config/registry.json plausibility) that
// validation enforces. They are added NOT VALID: existing rows are not rewritten or refused by the
// migration, every new or changed row is checked.
export const registry006 = `
SELECT set_config('regenspine.reason', 'migration 006: consent scopes care/registry/research', true);
SELECT set_config('regenspine.via', 'migration', true);

ALTER TABLE consent DROP CONSTRAINT consent_scope_check;
UPDATE consent SET scope = CASE scope WHEN 'treatment' THEN 'care' ELSE 'registry' END WHERE scope IN ('treatment', 'research');
ALTER TABLE consent ADD CONSTRAINT consent_scope_check CHECK (scope IN ('care', 'registry', 'research'));
ALTER TABLE consent ADD COLUMN withdrawal_reason text;
ALTER TABLE consent ADD CONSTRAINT consent_withdrawal_check CHECK (
  (withdrawn_date IS NULL) = (withdrawal_reason IS NULL) AND (withdrawn_date IS NULL OR withdrawn_date >= consent_date)) NOT VALID;
ALTER TABLE consent ADD CONSTRAINT consent_dates_check CHECK (
  consent_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31' AND length(form_version) <= 50 AND length(obtained_by) <= 120) NOT VALID;
CREATE INDEX consent_active_idx ON consent (patient_id, scope) WHERE withdrawn_date IS NULL;

ALTER TABLE patient ADD COLUMN status text NOT NULL DEFAULT 'active';
ALTER TABLE patient ADD CONSTRAINT patient_status_check CHECK (status IN ('active', 'withdrawn', 'lost_to_follow_up', 'deceased'));
ALTER TABLE patient ADD COLUMN status_date date;
ALTER TABLE patient ADD COLUMN status_reason text;
ALTER TABLE patient ADD CONSTRAINT patient_status_date_check CHECK ((status = 'active') = (status_date IS NULL)) NOT VALID;
ALTER TABLE patient ADD CONSTRAINT patient_plausible_check CHECK (
  year_of_birth BETWEEN 1900 AND 2199 AND (bmi IS NULL OR (bmi >= 5 AND bmi <= 250))
  AND pain_duration_months <= 1200) NOT VALID;

ALTER TABLE procedure ADD CONSTRAINT procedure_plausible_check CHECK (
  procedure_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'
  AND injectate_volume_ml > 0 AND injectate_volume_ml <= 1000
  AND length(operator) <= 120
  AND length(coalesce(product ->> 'device', '')) <= 120
  AND length(coalesce(product -> 'preparation' ->> 'device', '')) <= 120
  AND length(coalesce(product ->> 'cd34_gating', '')) <= 200) NOT VALID;

ALTER TABLE followup_visit ADD CONSTRAINT followup_visit_plausible_check CHECK (
  visit_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'
  AND (mme_per_day IS NULL OR (mme_per_day >= 0 AND mme_per_day <= 100000))
  AND length(coalesce(imaging_note, '')) <= 2000) NOT VALID;

ALTER TABLE prom_score ADD CONSTRAINT prom_score_finite_check CHECK (score BETWEEN -1000 AND 1000) NOT VALID;

ALTER TABLE adverse_event ADD CONSTRAINT adverse_event_plausible_check CHECK (
  onset_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'
  AND (resolution_date IS NULL OR resolution_date >= onset_date)
  AND length(term) <= 200) NOT VALID;

CREATE INDEX prom_score_export_idx ON prom_score (site_id, patient_id, id);

ALTER TABLE login_failure ADD COLUMN pending integer NOT NULL DEFAULT 0;
ALTER TABLE login_failure ADD COLUMN pending_at timestamptz;

ALTER TABLE api_token ADD COLUMN scopes text[] NOT NULL DEFAULT ARRAY['read', 'write', 'export']::text[];
ALTER TABLE api_token ADD CONSTRAINT api_token_scopes_check CHECK (scopes <@ ARRAY['read', 'write', 'export']::text[] AND cardinality(scopes) > 0);

CREATE TABLE security_event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('sign-in', 'sign-in-failed', 'sign-in-throttled', 'sign-out', 'csrf-refused',
    'access-denied', 'record-read', 'export', 'token-refused')),
  user_id bigint,
  email text,
  via text,
  client text,
  site_id integer,
  patient_id bigint,
  detail jsonb
);
CREATE INDEX security_event_at_idx ON security_event (at);
CREATE INDEX security_event_user_idx ON security_event (user_id, id);

CREATE FUNCTION security_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.at := now();
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'security_event is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER security_event_stamp BEFORE INSERT ON security_event FOR EACH ROW EXECUTE FUNCTION security_event_guard();
CREATE TRIGGER security_event_no_update_delete BEFORE UPDATE OR DELETE ON security_event FOR EACH ROW EXECUTE FUNCTION security_event_guard();
CREATE TRIGGER security_event_no_truncate BEFORE TRUNCATE ON security_event FOR EACH STATEMENT EXECUTE FUNCTION security_event_guard();
`;
