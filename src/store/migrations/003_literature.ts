// Literature and trial-registry records imported from files (PubMed XML, MEDLINE, RIS, ClinicalTrials.gov).
// A record is stored once per distinct source text (raw_hash): re-importing a file adds nothing, and an
// import killed half-way is completed by running it again. Duplicates of the same work from another source
// are stored too and linked (duplicate_of), never dropped.
export const literature003 = `
CREATE TABLE import_file (
  id bigserial PRIMARY KEY,
  path text NOT NULL,
  sha256 text NOT NULL,
  format text NOT NULL,
  source text NOT NULL,
  bytes bigint NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  records integer NOT NULL DEFAULT 0,
  imported integer NOT NULL DEFAULT 0,
  duplicates integer NOT NULL DEFAULT 0,
  errors integer NOT NULL DEFAULT 0
);
CREATE INDEX import_file_sha_idx ON import_file (sha256);

CREATE TABLE literature_record (
  id bigserial PRIMARY KEY,
  raw_hash text NOT NULL UNIQUE,
  format text NOT NULL,
  source text NOT NULL,
  source_type text,
  pmid text,
  doi text,
  nct text[] NOT NULL DEFAULT '{}',
  pmcid text,
  title text,
  title_key text,
  year integer,
  authors text[] NOT NULL DEFAULT '{}',
  journal text,
  abstract text,
  publication_types text[] NOT NULL DEFAULT '{}',
  mesh text[] NOT NULL DEFAULT '{}',
  keywords text[] NOT NULL DEFAULT '{}',
  language text,
  registry jsonb,
  -- The record's source text, kept for audit, DEFLATE-compressed (RFC 1951, raw) in the application: storing
  -- it as text made the import 3-5x slower on the embedded engine. Read it with: regenspine records --json --raw.
  raw_deflate bytea NOT NULL,
  first_file_id bigint NOT NULL REFERENCES import_file(id),
  first_line integer NOT NULL,
  duplicate_of bigint REFERENCES literature_record(id),
  duplicate_reason text,
  deleted_in_source boolean NOT NULL DEFAULT false,
  screening_status text NOT NULL DEFAULT 'unscreened' CHECK (screening_status IN ('unscreened', 'included', 'excluded')),
  exclusion_reason text,
  screened_at timestamptz,
  imported_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((screening_status = 'excluded') = (exclusion_reason IS NOT NULL))
);
ALTER TABLE literature_record ALTER COLUMN raw_deflate SET STORAGE EXTERNAL;
CREATE INDEX literature_record_pmid_idx ON literature_record (pmid);
CREATE INDEX literature_record_doi_idx ON literature_record (doi);
CREATE INDEX literature_record_nct_idx ON literature_record USING gin (nct);
CREATE INDEX literature_record_dup_idx ON literature_record (duplicate_of);

-- Which import(s) brought a record: every file a record was seen in, not only the first.
CREATE TABLE record_source (
  record_id bigint NOT NULL REFERENCES literature_record(id) ON DELETE CASCADE,
  file_id bigint NOT NULL REFERENCES import_file(id),
  line integer NOT NULL,
  PRIMARY KEY (record_id, file_id, line)
);
`;
