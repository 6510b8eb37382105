// Evidence base: a study is stored whole (the validated JSON, with its provenance) and also flattened
// into arms, outcomes and adverse events so researchers can query it in SQL.
export const evidence001 = `
CREATE TABLE study (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  content_hash text NOT NULL,
  design text NOT NULL,
  status text NOT NULL,
  phase text,
  year integer,
  title text,
  therapies text[] NOT NULL,
  targets text[] NOT NULL,
  conditions text[] NOT NULL,
  enrolled integer,
  followup_months double precision,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX study_therapies_idx ON study USING gin (therapies);
CREATE INDEX study_targets_idx ON study USING gin (targets);

CREATE TABLE study_arm (
  study_id text NOT NULL REFERENCES study(id) ON DELETE CASCADE,
  arm_id text NOT NULL,
  label text NOT NULL,
  role text NOT NULL CHECK (role IN ('treatment', 'control')),
  therapies text[] NOT NULL,
  n integer,
  intervention text NOT NULL,
  PRIMARY KEY (study_id, arm_id)
);

CREATE TABLE study_outcome (
  study_id text NOT NULL REFERENCES study(id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  instrument text NOT NULL,
  timepoint_months double precision,
  arm_id text,
  statistic text NOT NULL,
  value double precision NOT NULL,
  definition text,
  provenance jsonb NOT NULL,
  PRIMARY KEY (study_id, ordinal)
);
CREATE INDEX study_outcome_instrument_idx ON study_outcome (instrument);

CREATE TABLE study_adverse_event (
  study_id text NOT NULL REFERENCES study(id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  description text NOT NULL,
  arm_id text,
  count integer,
  serious boolean,
  relatedness text NOT NULL,
  provenance jsonb NOT NULL,
  PRIMARY KEY (study_id, ordinal)
);

CREATE TABLE evidence_load (
  id bigserial PRIMARY KEY,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  inserted integer NOT NULL,
  updated integer NOT NULL,
  deleted integer NOT NULL,
  unchanged integer NOT NULL
);
`;
