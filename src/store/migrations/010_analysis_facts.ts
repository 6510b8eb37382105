// Registry 010 (issue 13 §5): the outcomes analysis's per-patient facts, so that an analysis aggregates
// stored facts instead of rebuilding every patient's record (src/store/registry-analysis-facts.ts).
//
// The facts are derived data with no rule in SQL: src/registry/analysis/facts.ts recordFacts computes them in
// TypeScript from the same records `regenspine analyze` reads; SQL only stores, counts and compares a stored
// closing date with the as-of day. They carry no identifier (no registry id, name, birth year or free text),
// only the database patient id as the key, strata, outcome states, score changes, MME/day, window-closing
// dates and Kaplan–Meier days.
//
//  - analysis_config: one row per analysis plan key (digest of the settings the facts are derived with, see
//    facts.ts analysisPlan); facts name it by a small id. A settings change is a new key: stale facts are
//    never read (every query filters on the key) and are rebuilt.
//  - analysis_fact: one row per patient and key: strata, Kaplan–Meier observation, adverse-event counts per
//    category, and the days research use is allowed (src/registry/consent.ts researchPeriods).
//  - analysis_fact_point: per patient, key, measure (an instrument by its index in the plan, or −1 = the
//    visit itself: completeness and MME/day) and follow-up timepoint (−1 = "holds a score of the
//    instrument"): the state and its values.
//  - analysis_fact_site: which key a site's facts were last fully built with.
//  - analysis_dirty: patients whose facts must be recomputed. Statement-level triggers on every table an
//    analysis record is read from add the patients a statement touched (change tracking only); the next
//    analysis recomputes them in TypeScript before aggregating. seq changes on every mark, so a refresh
//    clears only the marks it has read (a change committed meanwhile stays marked).
//
// Row-level security as migration 008 (site_scope, owner_unscoped, FORCE), with the settings read once per
// query ("(SELECT regenspine_site_ids())" is an init plan, not a call per row: these tables hold some twenty
// rows per patient, and the aggregation reads them all). In addition an analyst's
// network-wide de-identified view (regenspine.research_day set, transaction-locally, by src/store/
// registry-analysis-facts.ts) may read the facts of any site's patient whose research use is allowed on that
// day — a comparison with the stored periods, not the consent rule.
export const ANALYSIS_FACT_TABLES = ['analysis_fact', 'analysis_fact_point', 'analysis_fact_site', 'analysis_dirty'];

/** The tables whose rows feed an analysis record, and the column naming the patient in each. */
const TRACKED: [string, string][] = [
  ['patient', 'id'],
  ['consent', 'patient_id'],
  ['procedure', 'patient_id'],
  ['followup_visit', 'patient_id'],
  ['prom_score', 'patient_id'],
  ['adverse_event', 'patient_id'],
];

export const analysisFacts010 = `
CREATE TABLE analysis_config (
  id serial PRIMARY KEY,
  key text NOT NULL UNIQUE CHECK (key ~ '^[0-9a-f]{32}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE analysis_fact (
  patient_id bigint NOT NULL,
  config_id integer NOT NULL REFERENCES analysis_config(id),
  site_id integer NOT NULL,
  therapy text,
  product_class text,
  target text,
  pain_generator text,
  km_days integer NOT NULL CHECK (km_days >= 0),
  km_event boolean NOT NULL,
  ae integer[],
  research datemultirange NOT NULL,
  PRIMARY KEY (patient_id, config_id)
);
CREATE INDEX analysis_fact_site_idx ON analysis_fact (site_id, config_id);

CREATE TABLE analysis_fact_point (
  patient_id bigint NOT NULL,
  config_id integer NOT NULL,
  site_id integer NOT NULL,
  measure smallint NOT NULL,
  tp smallint NOT NULL,
  state smallint NOT NULL,
  close_date date,
  withdrawn boolean,
  v1 double precision,
  v2 double precision,
  PRIMARY KEY (patient_id, config_id, measure, tp)
);
CREATE INDEX analysis_fact_point_site_idx ON analysis_fact_point (site_id, config_id);

CREATE TABLE analysis_fact_site (
  site_id integer PRIMARY KEY,
  config_id integer NOT NULL REFERENCES analysis_config(id),
  built_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE analysis_dirty_seq;
CREATE TABLE analysis_dirty (
  patient_id bigint PRIMARY KEY,
  site_id integer NOT NULL,
  seq bigint NOT NULL DEFAULT nextval('analysis_dirty_seq')
);
CREATE INDEX analysis_dirty_site_idx ON analysis_dirty (site_id);

CREATE FUNCTION regenspine_research_day() RETURNS date LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('regenspine.research_day', true), '')::date $$;

CREATE FUNCTION analysis_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO analysis_dirty (patient_id, site_id) SELECT DISTINCT %I, site_id FROM new_rows '
      'ON CONFLICT (patient_id) DO UPDATE SET seq = nextval(''analysis_dirty_seq'')', TG_ARGV[0]);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('INSERT INTO analysis_dirty (patient_id, site_id) SELECT DISTINCT %I, site_id FROM old_rows '
      'ON CONFLICT (patient_id) DO UPDATE SET seq = nextval(''analysis_dirty_seq'')', TG_ARGV[0]);
  END IF;
  RETURN NULL;
END
$$;

${TRACKED.map(
  ([
    t,
    col,
  ]) => `CREATE TRIGGER ${t}_analysis_ins AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analysis_mark_dirty('${col}');
CREATE TRIGGER ${t}_analysis_upd AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analysis_mark_dirty('${col}');
CREATE TRIGGER ${t}_analysis_del AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analysis_mark_dirty('${col}');`,
).join('\n')}

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[${ANALYSIS_FACT_TABLES.map((t) => `'${t}'`).join(', ')}] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY site_scope ON %I USING (site_id = ANY ((SELECT regenspine_site_ids())::int[])) '
      'WITH CHECK (site_id = ANY ((SELECT regenspine_site_ids())::int[]))', t);
    EXECUTE format('CREATE POLICY owner_unscoped ON %I TO CURRENT_USER USING ((SELECT regenspine_site_ids()) IS NULL) '
      'WITH CHECK ((SELECT regenspine_site_ids()) IS NULL)', t);
  END LOOP;
END
$$;

CREATE POLICY research_use ON analysis_fact FOR SELECT USING (research @> (SELECT regenspine_research_day()));
CREATE POLICY research_use ON analysis_fact_point FOR SELECT USING (patient_id IN (
  SELECT f.patient_id FROM analysis_fact f WHERE f.research @> (SELECT regenspine_research_day())));
`;
