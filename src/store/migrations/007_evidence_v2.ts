// Evidence model v2 (issue 8) in SQL: the study's record kind and status date, derived arm sizes marked, and
// findings (results stated as direction and significance) flattened so researchers can query them beside
// study_outcome. The whole v2 document stays in study.doc.
export const evidence007 = `
ALTER TABLE study ADD COLUMN record_kind text NOT NULL DEFAULT 'publication'
  CHECK (record_kind IN ('publication', 'registration', 'protocol'));
ALTER TABLE study ADD COLUMN status_as_of text;
ALTER TABLE study_arm ADD COLUMN n_derived boolean NOT NULL DEFAULT false;

CREATE TABLE study_finding (
  study_id text NOT NULL REFERENCES study(id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  outcome text NOT NULL,
  instrument text,
  timepoint_value double precision,
  timepoint_unit text CHECK (timepoint_unit IN ('days', 'weeks', 'months')),
  time_window text,
  comparison text NOT NULL,
  arms text[] NOT NULL,
  favours text,
  change text,
  significant boolean,
  p text,
  analysis text,
  statement text NOT NULL,
  provenance jsonb NOT NULL,
  PRIMARY KEY (study_id, ordinal)
);
CREATE INDEX study_finding_instrument_idx ON study_finding (instrument);
`;
