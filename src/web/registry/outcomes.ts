// The clinic outcomes dashboard (/registry/outcomes) and its API (/api/registry/analysis…): responder rates
// over time with CI bars, the Kaplan–Meier failure curve with its at-risk table, follow-up completeness, AE
// rates, the clinic beside the published arms, strata filters. Thin adapter: the statistics come from the
// stored facts (src/store/registry-analysis-facts.ts), every number from src/registry/analysis; the charts are
// server-rendered SVG with the numbers in a table beside each; the page is a component (./outcomes-view.tsx).
// Sign-in and CSRF are the registry's guard (src/web/registry/index.ts),
// which runs before these routes.

import type { Context, Hono } from 'hono';
import type { Study } from '../../domain/evidence.ts';
import { evidenceComparisons, opioidComparison } from '../../registry/analysis/evidence.ts';
import { parseStrata, STRATA, type Stratum } from '../../registry/analysis/strata.ts';
import type { Actor } from '../../registry/policy.ts';
import { parseIsoDate } from '../../registry/schedule.ts';
import { CommandError } from '../../registry/validation.ts';
import { type Db, isConnectionError } from '../../store/db.ts';
import { listSites, userEmail } from '../../store/registry-accounts.ts';
import type { RegistryRepository } from '../../store/registry-repository.ts';
import { permissionsOf } from './middleware.ts';
import { type AnalysisResponse, type OutcomesQuery, outcomesPage } from './outcomes-view.tsx';
import { messagePage, type ViewCtx } from './views.tsx';

export interface OutcomesOptions {
  /** The curated studies (for "beside the evidence"). */
  studies: () => readonly Study[];
  /** Today's date (tests); default the server's UTC date. */
  today?: () => string;
}

interface Auth {
  actor: Actor;
  session: { id: string; csrf: string } | null;
}

function parseQuery(c: Context, today: string): OutcomesQuery {
  const site = c.req.query('site_id');
  let siteId: number | undefined;
  if (site !== undefined && site !== '') {
    siteId = Number(site);
    if (!Number.isSafeInteger(siteId) || siteId <= 0) throw new CommandError('expected a site id', 'site_id');
  }
  const asOf = c.req.query('as_of') || today;
  try {
    parseIsoDate(asOf);
  } catch {
    throw new CommandError('expected a calendar date yyyy-mm-dd', 'as_of');
  }
  let by: Stratum[];
  try {
    by = parseStrata(c.req.query('by'));
  } catch (e) {
    throw new CommandError((e as Error).message, 'by');
  }
  const where: Partial<Record<Stratum, string>> = {};
  for (const s of STRATA) {
    const v = c.req.query(s);
    if (v !== undefined && v !== '') {
      if (v.length > 120) throw new CommandError('too long', s);
      where[s] = v;
    }
  }
  return { ...(siteId !== undefined ? { siteId } : {}), asOf, by, where };
}

export function mountRegistryOutcomes(app: Hono, db: Db, opts: OutcomesOptions): void {
  const today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  const authOf = (c: Context): Auth => (c as unknown as { get(k: string): Auth }).get('auth');
  // The actor-bound repository the registry middleware set (src/web/registry/middleware.ts).
  const repoOf = (c: Context): RegistryRepository =>
    (c as unknown as { get(k: string): RegistryRepository }).get('repo');

  async function run(c: Context): Promise<AnalysisResponse> {
    const q = parseQuery(c, today());
    const { access, sites, strata_values, ...result } = await repoOf(c).analysis(
      {
        ...(q.siteId !== undefined ? { siteId: q.siteId } : {}),
        today: today(),
        asOf: q.asOf,
        by: q.by,
        where: q.where,
      },
      { by: q.by, filters: q.where },
    );
    return { access, sites, filters: q.where, strata_values, ...result };
  }

  const fail = (c: Context, e: unknown) => {
    if (isConnectionError(e)) throw e;
    if (e instanceof CommandError) return c.json(e.toJSON(), e.status);
    console.error(`registry: ${c.req.method} ${c.req.routePath} failed: ${(e as Error).name ?? 'Error'}`);
    return c.json({ error: 'internal error' }, 500);
  };

  app.get('/api/registry/analysis', async (c) => {
    try {
      return c.json(await run(c));
    } catch (e) {
      return fail(c, e);
    }
  });
  app.get('/api/registry/analysis/evidence', async (c) => {
    try {
      const r = await run(c);
      return c.json({
        access: r.access,
        responders: evidenceComparisons(r.overall, opts.studies()),
        opioids: opioidComparison(r.overall, opts.studies()),
      });
    } catch (e) {
      return fail(c, e);
    }
  });

  app.get('/registry/outcomes', async (c) => {
    const auth = authOf(c);
    const ctx: ViewCtx = {
      email: (await userEmail(db, auth.actor.userId)) ?? '',
      role: auth.actor.role,
      csrf: auth.session?.csrf ?? '',
      can: permissionsOf(auth.actor),
    };
    try {
      const r = await run(c);
      const sites = await listSites(db, auth.actor.siteIds);
      return c.html(outcomesPage(ctx, r, sites, parseQuery(c, today()), opts.studies()));
    } catch (e) {
      if (e instanceof CommandError)
        return c.html(
          messagePage(ctx, e.status === 403 ? 'Not allowed' : 'Cannot show the outcomes', `${e.field}: ${e.message}`),
          e.status,
        );
      if (isConnectionError(e)) throw e;
      console.error(`registry: GET /registry/outcomes failed: ${(e as Error).name ?? 'Error'}`);
      return c.html(messagePage(ctx, 'Something went wrong', 'The outcomes could not be computed.'), 500);
    }
  });
}
