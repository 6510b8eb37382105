// "Your clinic" beside the literature on the public evidence pages (issue 13 §2): a visitor signed in to the
// registry (the session cookie, src/web/registry/middleware.ts sessionOf) with a role that may read outcome
// analyses sees, on /therapies/<t>, /therapies/<t>/evidence and /studies/<id>, the clinic's figure next to
// the published arms for the metrics on the same footing — the pairs src/registry/analysis/evidence.ts
// defines (ODI and NRS responders at a registry timepoint, opioid use), drawn by the outcomes dashboard's own
// section (src/web/registry/outcomes-view.tsx evidenceSection) with its caveats — and a link to /registry/outcomes.
// Anyone else gets the public page exactly as before: no session, a role without analyses, a request that
// another site started (Fetch Metadata, src/web/request.ts notFromAnotherSite), or any failure of the
// registry (the public page never depends on it). Thin adapter: the records come from
// src/store/registry-analysis.ts, every number from src/registry/analysis.
import type { Context } from 'hono';
import type { Study } from '../domain/evidence.ts';
import { THERAPY_GROUPS, type Therapy } from '../domain/vocabulary.ts';
import { knownConditions, selectStudies, treatedArms } from '../evidence/select.ts';
import { evidenceComparisons, opioidComparison } from '../registry/analysis/evidence.ts';
import type { Db } from '../store/db.ts';
import { listSites } from '../store/registry-accounts.ts';
import { type AnalysisAccess, analysisAccess } from '../store/registry-analysis.ts';
import { registryFor } from '../store/registry-repository.ts';
import { html, type Raw } from './html.ts';
import { sessionOf } from './registry/middleware.ts';
import { evidenceSection } from './registry/outcomes-view.tsx';
import { notFromAnotherSite } from './request.ts';

/**
 * The registry's therapies (src/registry/validation.ts THERAPIES) a public therapy stands for. PRF, exosomes
 * and conventional care have no registry counterpart; every MSC source (bone marrow, adipose, umbilical
 * cord, allogeneic precursor cells, other) is the registry's MSC, whose source the comparison does not split.
 */
const REGISTRY_THERAPY: Partial<Record<Therapy, 'PRP' | 'BMC' | 'MSC'>> = {
  prp: 'PRP',
  bmc: 'BMC',
  'bm-msc': 'MSC',
  'ad-msc': 'MSC',
  'uc-msc': 'MSC',
  mpc: 'MSC',
  'msc-other': 'MSC',
};

const registryTherapies = (ts: readonly Therapy[]): string[] =>
  [...new Set(ts.map((t) => REGISTRY_THERAPY[t]).filter((x): x is 'PRP' | 'BMC' | 'MSC' => x !== undefined))].sort();

/** Which page asks: a therapy group's pages (its primary studies), or one study. */
export type BesideScope = { therapy: string } | { study: Study };

export interface ClinicBeside {
  /** The "your clinic" section for this request and page, or null: the page is shown as to anyone. */
  panel(c: Context, scope: BesideScope): Promise<Raw | null>;
}

export interface PanelView {
  role: string;
  sites: string[];
  access: AnalysisAccess;
  therapies: string[];
  patients: number | null;
  asOf: string;
  /** The pairs; null when none exists (therapy pages say so; study pages then show no section at all). */
  section: Raw | null;
}

/** The section (pure). */
export function clinicPanel(v: PanelView): Raw {
  const who = v.therapies.length ? `${v.therapies.join(' and ')} patients` : 'patients';
  return html`<section class="clinic" aria-labelledby="clinic-h"><h2 id="clinic-h">Your clinic beside the literature</h2>
<p class="note">Shown to you because you are signed in to the registry (${v.role}, ${v.sites.join(', ') || 'no site'}); visitors who are not signed in see this page without it. Computed now from your clinic's ${who} with an index procedure (${v.patients ?? 'fewer than the small-cell limit'}), as of ${v.asOf}${v.access === 'deidentified' ? html`; de-identified: patients with a current research consent only, small counts withheld (—)` : ''}.</p>
<p class="warn">Not a like-for-like comparison: the registry has no control group, its patients were not selected as the studies' were, and the registry's definitions differ from each study's (each pair below says how).</p>
${v.section ?? html`<p>No study on this page reports a responder rate (ODI or NRS at 1, 3, 6, 12 or 24 months) or opioid use on the same footing as the registry.</p>`}
<p><a href="/registry/outcomes">Your clinic's outcomes in full: responder rates over time, treatment failure, adverse events</a></p></section>`;
}

export function clinicBeside(
  db: Db,
  studies: () => readonly Study[],
  opts: { today?: () => string } = {},
): ClinicBeside {
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  return {
    async panel(c, scope) {
      if (!notFromAnotherSite(c)) return null;
      try {
        const auth = await sessionOf(db, c);
        if (!auth) return null;
        const actor = auth.actor;
        let access: AnalysisAccess;
        try {
          access = analysisAccess(actor);
        } catch {
          return null; // a role that may not read analyses sees the public page
        }
        let published: Study[];
        let therapies: string[];
        if ('study' in scope) {
          published = [scope.study];
          // the therapies its treatment arms give (a study without arms: the study's therapies)
          const arms = treatedArms(scope.study, THERAPY_GROUPS.all!.members);
          therapies = registryTherapies(
            scope.study.arms.length ? arms.flatMap((x) => x.therapies) : scope.study.therapies,
          );
        } else {
          const group = THERAPY_GROUPS[scope.therapy];
          if (!group) return null;
          published = selectStudies([...studies()], knownConditions()[0]!, scope.therapy).primary;
          therapies = registryTherapies(group.members);
        }
        // No registry patient gets this therapy; or a study whose arms span two registry therapies, where one
        // clinic figure would mix them: no panel.
        if (therapies.length !== 1) return null;
        const asOf = today();
        // The dashboard's own analysis (stored facts, src/store/registry-analysis-facts.ts), for this therapy.
        // An analyst's de-identified read is logged by the repository, as on /registry/outcomes.
        const { overall: a } = await registryFor(db, actor).analysis(
          { today: asOf, asOf, where: { therapy: therapies[0]! } },
          { page: c.req.path, therapies },
        );
        const cmp = evidenceComparisons(a, published);
        const op = opioidComparison(a, published);
        const paired = cmp.length > 0 || op.published.length > 0;
        if ('study' in scope && !paired) return null;
        const siteCodes = (await listSites(db, actor.siteIds)).map((s) => s.code);
        return clinicPanel({
          role: actor.role,
          sites: siteCodes,
          access,
          therapies,
          patients: a.patients,
          asOf,
          section: paired ? evidenceSection(cmp, op) : null,
        });
      } catch (e) {
        // The public page never fails for the registry's sake (a database away, a bug): it is shown as to anyone.
        console.error(`clinic beside the evidence: ${c.req.path} failed: ${(e as Error).name ?? 'Error'}`);
        return null;
      }
    },
  };
}
