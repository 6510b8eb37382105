// De-duplication of imported records (pure). Exact on PMID, normalized DOI and NCT id; then fuzzy on the
// normalized title + year (±1) + first author's surname. Duplicates are linked to the record they repeat, never
// dropped: the caller stores the link and the reason.
import { foldText, type ImportedRecord, surnameKey } from './record.ts';

export type DedupeFields = Pick<ImportedRecord, 'ids' | 'title' | 'year' | 'authors'> &
  Partial<Pick<ImportedRecord, 'volume' | 'pages'>>;

export type DuplicateReason = 'pmid' | 'doi' | 'nct' | 'title-year-author' | 'title-year';

export interface DuplicateMatch<T> {
  /** The earlier record this one duplicates. */
  match: T;
  reason: DuplicateReason;
  /** The matching key: the PMID, DOI, NCT id or normalized title. */
  key: string;
}

/** Normalized title for matching: lower-case, no markup, diacritics or punctuation; a translation's brackets go. */
export function titleKey(title: string | null | undefined): string {
  if (!title) return '';
  return foldText(title);
}

/** Titles shorter than this (after normalization) are too generic to match without an author ("Editorial"). */
const MIN_TITLE_NO_AUTHOR = 40;
const MIN_TITLE = 12;

/**
 * The first page, comparable across sources: "1557-65" (MEDLINE), "1557-1565" (RIS SP-EP) and "1557" agree, and
 * an electronic article number "e0815" agrees with "0815".
 */
export function firstPage(pages: string | null | undefined): string {
  if (!pages) return '';
  return pages
    .split(/[-–—,;]/)[0]!
    .trim()
    .toLowerCase()
    .replace(/^e(?=\d)/, '')
    .replace(/^0+(?=\d)/, '');
}

function conflicting(a: DedupeFields, b: DedupeFields): boolean {
  // two different PMIDs or DOIs are two different records, however alike their titles
  if (a.ids.pmid && b.ids.pmid && a.ids.pmid !== b.ids.pmid) return true;
  if (a.ids.doi && b.ids.doi && a.ids.doi !== b.ids.doi) return true;
  // two different volumes, or two different first pages, are two papers ("Erratum" twice in one journal)
  const va = a.volume?.trim().toLowerCase();
  const vb = b.volume?.trim().toLowerCase();
  if (va && vb && va !== vb) return true;
  const pa = firstPage(a.pages);
  const pb = firstPage(b.pages);
  if (pa && pb && pa !== pb) return true;
  return false;
}

function fuzzyReason(a: DedupeFields, b: DedupeFields, ta: string, tb: string): DuplicateReason | null {
  if (ta.length < MIN_TITLE || ta !== tb) return null;
  if (conflicting(a, b)) return null;
  if (a.year != null && b.year != null && Math.abs(a.year - b.year) > 1) return null;
  const sa = surnameKey(a.authors[0]);
  const sb = surnameKey(b.authors[0]);
  if (sa && sb) return sa === sb ? 'title-year-author' : null;
  // one side has no author list: accept only long titles with both years known
  if (ta.length >= MIN_TITLE_NO_AUTHOR && a.year != null && b.year != null) return 'title-year';
  return null;
}

/** Whether two records are the same publication/study, and why. Exact identifiers first. */
export function duplicateReason(a: DedupeFields, b: DedupeFields): { reason: DuplicateReason; key: string } | null {
  if (a.ids.pmid && a.ids.pmid === b.ids.pmid) return { reason: 'pmid', key: a.ids.pmid };
  if (a.ids.doi && a.ids.doi === b.ids.doi && !(a.ids.pmid && b.ids.pmid)) return { reason: 'doi', key: a.ids.doi };
  // registry records: the same NCT id is the same study only when neither side is a publication with its own
  // PMID/DOI (a trial's several papers all cite its NCT id)
  if (a.ids.nct.length > 0 && b.ids.nct.length > 0) {
    const pubA = !!(a.ids.pmid || a.ids.doi);
    const pubB = !!(b.ids.pmid || b.ids.doi);
    if (!pubA && !pubB) {
      const shared = a.ids.nct.find((n) => b.ids.nct.includes(n));
      if (shared) return { reason: 'nct', key: shared };
    }
  }
  const ta = titleKey(a.title);
  const reason = fuzzyReason(a, b, ta, titleKey(b.title));
  return reason ? { reason, key: ta } : null;
}

/** Every candidate the record duplicates, best reason first (pmid, doi, nct, then fuzzy). */
export function findDuplicates<T extends DedupeFields>(
  record: DedupeFields,
  candidates: Iterable<T>,
): DuplicateMatch<T>[] {
  const order: DuplicateReason[] = ['pmid', 'doi', 'nct', 'title-year-author', 'title-year'];
  const out: DuplicateMatch<T>[] = [];
  for (const c of candidates) {
    if ((c as DedupeFields) === record) continue;
    const r = duplicateReason(record, c);
    if (r) out.push({ match: c, reason: r.reason, key: r.key });
  }
  return out.sort((x, y) => order.indexOf(x.reason) - order.indexOf(y.reason));
}

/**
 * An index of records seen so far. `add` returns the earlier record the new one duplicates (exact identifiers
 * first, then fuzzy) and indexes the new record either way, so that a third copy also finds the first.
 * Cost per record is a few map lookups.
 */
export class DedupeIndex<T extends DedupeFields> {
  private readonly byPmid = new Map<string, T>();
  private readonly byDoi = new Map<string, T>();
  private readonly byNct = new Map<string, T>();
  private readonly byTitle = new Map<string, T[]>();
  private readonly parent = new Map<T, T>();
  readonly items: T[] = [];

  /** The duplicate match for a record, without indexing it. */
  find(rec: DedupeFields): DuplicateMatch<T> | null {
    const { pmid, doi, nct } = rec.ids;
    if (pmid) {
      const m = this.byPmid.get(pmid);
      if (m) return { match: m, reason: 'pmid', key: pmid };
    }
    if (doi) {
      const m = this.byDoi.get(doi);
      if (m && !(pmid && m.ids.pmid && m.ids.pmid !== pmid)) return { match: m, reason: 'doi', key: doi };
    }
    if (nct.length > 0 && !pmid && !doi) {
      for (const n of nct) {
        const m = this.byNct.get(n);
        if (m) return { match: m, reason: 'nct', key: n };
      }
    }
    const tk = titleKey(rec.title);
    if (tk.length >= MIN_TITLE) {
      for (const c of this.byTitle.get(tk) ?? []) {
        const reason = fuzzyReason(rec, c, tk, tk);
        if (reason) return { match: c, reason, key: tk };
      }
    }
    return null;
  }

  /** Indexes the record; returns what it duplicates, or null for a first occurrence. */
  add(rec: T): DuplicateMatch<T> | null {
    const m = this.find(rec);
    this.items.push(rec);
    if (m) this.parent.set(rec, this.canonical(m.match));
    const { pmid, doi, nct } = rec.ids;
    if (pmid && !this.byPmid.has(pmid)) this.byPmid.set(pmid, rec);
    if (doi && !this.byDoi.has(doi)) this.byDoi.set(doi, rec);
    if (!pmid && !doi) for (const n of nct) if (!this.byNct.has(n)) this.byNct.set(n, rec);
    const tk = titleKey(rec.title);
    if (tk.length >= MIN_TITLE) {
      const list = this.byTitle.get(tk);
      if (list) list.push(rec);
      else this.byTitle.set(tk, [rec]);
    }
    return m;
  }

  /** The first record of the duplicate group a record belongs to (itself when it is unique). */
  canonical(rec: T): T {
    let r = rec;
    for (let p = this.parent.get(r); p; p = this.parent.get(r)) r = p;
    return r;
  }

  /** Duplicate groups, each starting with its canonical record, in order of first appearance. */
  groups(): T[][] {
    const by = new Map<T, T[]>();
    for (const it of this.items) {
      const c = this.canonical(it);
      const g = by.get(c);
      if (g) g.push(it);
      else by.set(c, [it]);
    }
    return [...by.values()];
  }
}
