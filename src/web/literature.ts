// Imported literature pages: records with search and filters, and the PRISMA 2020 flow diagram.
import type { Hono } from 'hono';
import { prismaSvg } from '../ingest/prisma.ts';
import { recordCitation } from '../ingest/record.ts';
import type { Db } from '../store/db.ts';
import { prismaFromDb, queryRecords, recordJson } from '../store/literature.ts';
import { html, page, raw } from './html.ts';

const PAGE_SIZE = 50;

export function mountLiterature(app: Hono, db: Db): void {
  app.get('/records', async (c) => {
    const q = {
      search: c.req.query('search') ?? '',
      format: c.req.query('format') || undefined,
      screening: c.req.query('screening') || undefined,
      duplicates: (c.req.query('duplicates') as 'only' | 'exclude' | undefined) || undefined,
    };
    const pageNo = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const { total, records } = await queryRecords(db, { ...q, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    const opt = (value: string, label: string, current?: string) =>
      html`<option value="${value}"${current === value ? raw(' selected') : ''}>${label}</option>`;
    const qs = (p: number) =>
      new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([, v]) => v)), page: String(p) } as Record<
        string,
        string
      >).toString();
    const body = html`<h1>Imported records</h1>
<form class="inline" method="get" action="/records" role="search">
<div><label for="search">Search</label><input id="search" name="search" value="${q.search}" placeholder="words, PMID, DOI or NCT id"></div>
<div><label for="format">Format</label><select id="format" name="format">${opt('', 'any', q.format)}${['pubmed-xml', 'medline', 'ris', 'ctgov-json', 'ctgov-xml', 'wos'].map((f) => opt(f, f, q.format))}</select></div>
<div><label for="screening">Screening</label><select id="screening" name="screening">${opt('', 'any', q.screening)}${opt('unscreened', 'unscreened', q.screening)}${opt('included', 'included', q.screening)}${opt('excluded', 'excluded', q.screening)}</select></div>
<div><label for="duplicates">Duplicates</label><select id="duplicates" name="duplicates">${opt('', 'show', q.duplicates)}${opt('exclude', 'hide', q.duplicates)}${opt('only', 'only duplicates', q.duplicates)}</select></div>
<div><button type="submit">Filter</button></div></form>
<p>${total} records. <a href="/records/prisma">PRISMA 2020 flow diagram</a></p>
<table tabindex="0"><thead><tr><th scope="col" class="num">#</th><th scope="col">Title</th><th scope="col" class="num">Year</th><th scope="col">Identifiers</th><th scope="col">Source</th><th scope="col">Status</th></tr></thead><tbody>${records.map(
      (r) =>
        html`<tr><td class="num">${r.id}</td><td>${r.title ?? '(no title)'}${r.authors.length || r.journal ? html`<br><span class="note">${recordCitation({ ...r, title: null })}</span>` : ''}</td><td class="num">${r.year ?? ''}</td><td>${[r.ids.pmid ? `PMID ${r.ids.pmid}` : '', r.ids.doi ? `doi:${r.ids.doi}` : '', ...r.ids.nct].filter(Boolean).join('; ')}${r.status ? html`<br><span class="note">${r.status}${r.enrollment?.count != null ? `, ${r.enrollment.count} ${r.enrollment.type ?? ''}` : ''}</span>` : ''}${r.linked_studies.length ? html`<br>curated: ${r.linked_studies.map((id) => html`<a href="/studies/${id}">${id}</a> `)}` : ''}</td><td>${r.source}</td><td>${r.duplicate_of ? html`duplicate of #${r.duplicate_of} <span class="note">(${r.duplicate_reason})</span>` : r.screening_status}${r.exclusion_reason ? html`: ${r.exclusion_reason}` : ''}</td></tr>`,
    )}</tbody></table>
<nav aria-label="Pages">${pageNo > 1 ? html`<a href="/records?${qs(pageNo - 1)}">previous</a> ` : ''}${pageNo * PAGE_SIZE < total ? html`<a href="/records?${qs(pageNo + 1)}">next</a>` : ''}</nav>`;
    return c.html(page('Imported records', body));
  });

  app.get('/records/prisma', async (c) => {
    const counts = await prismaFromDb(db);
    return c.html(
      page(
        'PRISMA 2020',
        html`<h1>PRISMA 2020 flow diagram</h1><p>Computed from the imported records and their screening decisions.</p><figure><img src="/records/prisma.svg" alt="PRISMA 2020 flow: ${counts.identified.total} records identified, ${counts.duplicates_removed} duplicates removed, ${counts.screened} screened, ${counts.excluded_screening} excluded, ${counts.included} included"></figure>`,
      ),
    );
  });
  app.get('/records/prisma.svg', async (c) => {
    const svg = prismaSvg(await prismaFromDb(db));
    return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
  });
  app.get('/api/records', async (c) => {
    const limit = Math.min(Number.parseInt(c.req.query('limit') ?? '100', 10) || 100, 1000);
    const offset = Math.max(Number.parseInt(c.req.query('offset') ?? '0', 10) || 0, 0);
    const { total, records } = await queryRecords(db, {
      search: c.req.query('search') ?? '',
      format: c.req.query('format') || undefined,
      screening: c.req.query('screening') || undefined,
      limit,
      offset,
    });
    return c.json({ total, records: records.map(recordJson) });
  });
  app.get('/api/prisma', async (c) => c.json(await prismaFromDb(db)));
}
