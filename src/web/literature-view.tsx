/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// (the pragma: tsx started outside the checkout, e.g. by bin/regenspine.js in another folder, reads no tsconfig.json)
// The imported-literature pages as hono/jsx components (the route, src/web/literature.ts, only reads the query
// and the store): the records list with its search and filters, and the PRISMA 2020 page. JSX escapes every
// value (titles, authors and identifiers come from imported files).
import type { PrismaCounts } from '../ingest/prisma.ts';
import { recordCitation } from '../ingest/record.ts';
import type { RecordRow } from '../store/literature.ts';
import { page } from './html.ts';
import { jsxRaw } from './jsx.ts';

export const FORMATS = ['pubmed-xml', 'medline', 'ris', 'ctgov-json', 'ctgov-xml', 'wos'] as const;

/** The records page's filters, validated by the route. */
export interface RecordFilters {
  search: string;
  format: string | undefined;
  screening: string | undefined;
  duplicates: 'only' | 'exclude' | undefined;
}

const Opt = ({ value, label, current }: { value: string; label: string; current: string | undefined }) => (
  <option value={value} selected={current === value}>
    {label}
  </option>
);

function RecordLine({ r }: { r: RecordRow }) {
  const ids = [r.ids.pmid ? `PMID ${r.ids.pmid}` : '', r.ids.doi ? `doi:${r.ids.doi}` : '', ...r.ids.nct]
    .filter(Boolean)
    .join('; ');
  return (
    <tr>
      <td class="num">{r.id}</td>
      <td>
        {r.title ?? '(no title)'}
        {r.authors.length || r.journal ? (
          <>
            <br />
            <span class="note">{recordCitation({ ...r, title: null })}</span>
          </>
        ) : null}
      </td>
      <td class="num">{r.year ?? ''}</td>
      <td>
        {ids}
        {r.status ? (
          <>
            <br />
            <span class="note">
              {r.status}
              {r.enrollment?.count != null ? `, ${r.enrollment.count} ${r.enrollment.type ?? ''}` : ''}
            </span>
          </>
        ) : null}
        {r.linked_studies.length ? (
          <>
            <br />
            curated:{' '}
            {r.linked_studies.map((id) => (
              <>
                <a href={`/studies/${id}`}>{id}</a>{' '}
              </>
            ))}
          </>
        ) : null}
      </td>
      <td>{r.source}</td>
      <td>
        {r.duplicate_of ? (
          <>
            duplicate of #{r.duplicate_of} <span class="note">({r.duplicate_reason})</span>
          </>
        ) : (
          r.screening_status
        )}
        {r.exclusion_reason ? `: ${r.exclusion_reason}` : ''}
      </td>
    </tr>
  );
}

export function recordsPage(
  q: RecordFilters,
  result: { total: number; records: RecordRow[] },
  pageNo: number,
  pageSize: number,
): string {
  const qs = (p: number) =>
    new URLSearchParams({
      ...Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))),
      page: String(p),
    }).toString();
  const body = (
    <>
      <h1>Imported records</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: the page keeps its markup (a search-role form, as the tests and axe know it) */}
      <form class="inline" method="get" action="/records" role="search">
        <div>
          <label for="search">Search</label>
          <input id="search" name="search" value={q.search} placeholder="words, PMID, DOI or NCT id" />
        </div>
        <div>
          <label for="format">Format</label>
          <select id="format" name="format">
            <Opt value="" label="any" current={q.format} />
            {FORMATS.map((f) => (
              <Opt value={f} label={f} current={q.format} />
            ))}
          </select>
        </div>
        <div>
          <label for="screening">Screening</label>
          <select id="screening" name="screening">
            <Opt value="" label="any" current={q.screening} />
            <Opt value="unscreened" label="unscreened" current={q.screening} />
            <Opt value="included" label="included" current={q.screening} />
            <Opt value="excluded" label="excluded" current={q.screening} />
          </select>
        </div>
        <div>
          <label for="duplicates">Duplicates</label>
          <select id="duplicates" name="duplicates">
            <Opt value="" label="show" current={q.duplicates} />
            <Opt value="exclude" label="hide" current={q.duplicates} />
            <Opt value="only" label="only duplicates" current={q.duplicates} />
          </select>
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <p>
        {result.total} records. <a href="/records/prisma">PRISMA 2020 flow diagram</a>
      </p>
      {/* tabindex: a table that scrolls sideways on narrow screens must be reachable by keyboard (WCAG 2.1.1, src/web/html.ts) */}
      <table tabindex={0}>
        <thead>
          <tr>
            <th scope="col" class="num">
              #
            </th>
            <th scope="col">Title</th>
            <th scope="col" class="num">
              Year
            </th>
            <th scope="col">Identifiers</th>
            <th scope="col">Source</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {result.records.map((r) => (
            <RecordLine r={r} />
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages">
        {pageNo > 1 ? (
          <>
            <a href={`/records?${qs(pageNo - 1)}`}>previous</a>{' '}
          </>
        ) : null}
        {pageNo * pageSize < result.total ? <a href={`/records?${qs(pageNo + 1)}`}>next</a> : null}
      </nav>
    </>
  );
  return page('Imported records', jsxRaw(body));
}

export function prismaPage(counts: PrismaCounts): string {
  const body = (
    <>
      <h1>PRISMA 2020 flow diagram</h1>
      <p>Computed from the imported records and their screening decisions.</p>
      <figure>
        <img
          src="/records/prisma.svg"
          alt={`PRISMA 2020 flow: ${counts.identified.total} records identified, ${counts.duplicates_removed} duplicates removed, ${counts.screened} screened, ${counts.excluded_screening} excluded, ${counts.included} included`}
        />
      </figure>
    </>
  );
  return page('PRISMA 2020', jsxRaw(body));
}
