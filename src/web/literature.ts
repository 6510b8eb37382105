// Imported literature pages: records with search and filters, and the PRISMA 2020 flow diagram. The routes read
// the query and the store; the pages are components (./literature-view.tsx).
import type { Hono } from 'hono';
import { prismaSvg } from '../ingest/prisma.ts';
import type { Db } from '../store/db.ts';
import { prismaFromDb, queryRecords, recordJson } from '../store/literature.ts';
import { prismaPage, type RecordFilters, recordsPage } from './literature-view.tsx';

const PAGE_SIZE = 50;

export function mountLiterature(app: Hono, db: Db): void {
  app.get('/records', async (c) => {
    const dup = c.req.query('duplicates');
    const q: RecordFilters = {
      search: c.req.query('search') ?? '',
      format: c.req.query('format') || undefined,
      screening: c.req.query('screening') || undefined,
      // Anything but the two filters shows all records (as the form's "show" does).
      duplicates: dup === 'only' || dup === 'exclude' ? dup : undefined,
    };
    const pageNo = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const result = await queryRecords(db, { ...q, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    return c.html(recordsPage(q, result, pageNo, PAGE_SIZE));
  });

  app.get('/records/prisma', async (c) => c.html(prismaPage(await prismaFromDb(db))));
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
