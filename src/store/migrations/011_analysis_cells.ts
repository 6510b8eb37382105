// Registry 011 (issue 13 §5): the outcomes analysis's facts pre-counted per site, strata and value.
//
// A site's analysis counted its point facts afresh on every request: with 100,000 patients that is a scan of
// some 1.7 million rows under row-level security and a hash by seven columns, ≈ 1.0–1.2 s of the 1 s goal
// (EXPLAIN ANALYZE, 2026-12-01). analysis_cell holds the same counts, already made: one row per site, plan
// key, strata (therapy, product class, target, pain generator) and the detail the aggregation groups by.
// An analysis of a site's own patients sums these cells (a few thousand rows) instead of counting facts.
//
// The cells are derived from the facts and nothing else (src/store/registry-analysis-facts.ts cellDelta):
//  - part 'p': a point fact (analysis_fact_point) by measure (i1), timepoint (i2), state (i3), withdrawn (b1),
//    window-closing date (close_date: the as-of comparison stays a query-time comparison), values (x, y);
//  - part 'k': the Kaplan–Meier observation by day (i1) and event (i2);
//  - part 'a': an adverse-event category (i1): patients with an event of it (n) and events (m).
// n counts patients. They are kept current in the refresh's transaction, under its per-site lock: a
// rebuilt site's cells are counted from its new facts; a recomputed patient's old facts are subtracted
// before they are deleted and the new ones added after they are written; cells left at zero are deleted.
// (n ≥ 0 cannot be a CHECK: PostgreSQL checks the row an INSERT … ON CONFLICT DO UPDATE proposes, the
// negative delta itself, before it finds the conflict; test/registry/analysis-facts.test.ts compares the
// cells after edits with a fresh count instead.)
//
// No research-use filter can be applied to a pre-count (research use is per patient and per day), so an
// analyst's network-wide de-identified analysis still counts the facts it may read (migration 010's
// research_use policy); cells have no such policy and an analyst's research scope reads none of them.
// Row-level security as migration 010.
//
// Facts built before this migration have no cells. They are never trusted: src/store/registry-analysis-facts.ts
// stores facts under a key that names this way of storing them (STORAGE there), so a site built by older code,
// before this migration or by an older process still running after it, is rebuilt with its cells on its next
// analysis. (Emptying analysis_fact_site here would not do: under FORCE ROW LEVEL SECURITY its owner_unscoped
// policy belongs to the role that ran migration 010, which need not be the one running this one.)
export const ANALYSIS_CELL_TABLES = ['analysis_cell'];

export const analysisCells011 = `
CREATE TABLE analysis_cell (
  site_id integer NOT NULL,
  config_id integer NOT NULL REFERENCES analysis_config(id),
  therapy text,
  product_class text,
  target text,
  pain_generator text,
  part "char" NOT NULL CHECK (part IN ('p', 'k', 'a')),
  i1 integer NOT NULL,
  i2 integer NOT NULL,
  i3 integer NOT NULL,
  b1 boolean,
  close_date date,
  x double precision,
  y double precision,
  n bigint NOT NULL,
  m bigint,
  CONSTRAINT analysis_cell_key UNIQUE NULLS NOT DISTINCT
    (site_id, config_id, therapy, product_class, target, pain_generator, part, i1, i2, i3, b1, close_date, x, y)
);

ALTER TABLE analysis_cell ENABLE ROW LEVEL SECURITY;
ALTER TABLE analysis_cell FORCE ROW LEVEL SECURITY;
CREATE POLICY site_scope ON analysis_cell USING (site_id = ANY ((SELECT regenspine_site_ids())::int[]))
  WITH CHECK (site_id = ANY ((SELECT regenspine_site_ids())::int[]));
CREATE POLICY owner_unscoped ON analysis_cell TO CURRENT_USER USING ((SELECT regenspine_site_ids()) IS NULL)
  WITH CHECK ((SELECT regenspine_site_ids()) IS NULL);
`;
