// PubMed XML records (PubmedArticle, PubmedBookArticle, legacy MedlineCitation, DeleteCitation) → ImportedRecord.
import { emptyRecord, findNctIds, type ImportedRecord, normalizeDoi, squash, yearOf } from './record.ts';
import { at, child, childrenNamed, textOf, textOrNull, type XNode } from './xml.ts';

/** Record-level elements of PubmedArticleSet / MedlineCitationSet. */
export const PUBMED_RECORD_NAMES = new Set(['PubmedArticle', 'PubmedBookArticle', 'MedlineCitation', 'DeleteCitation']);

/** Subtrees that are never read: skipping them keeps parsing cheap (reference lists are the bulk of some files). */
export const PUBMED_SKIP = new Set([
  'ReferenceList',
  'CommentsCorrectionsList',
  'GrantList',
  'ChemicalList',
  'SupplMeshList',
  'InvestigatorList',
  'PersonalNameSubjectList',
  'GeneSymbolList',
  'OtherAbstract',
  'OtherID',
  'AffiliationInfo',
  'Affiliation',
  'History',
  'ObjectList',
  'CoiStatement',
  'GeneralNote',
  'SpaceFlightMission',
  'Identifier',
]);

function authorName(a: XNode): string | null {
  const collective = textOrNull(child(a, 'CollectiveName'));
  if (collective) return collective;
  const last = textOrNull(child(a, 'LastName'));
  if (!last) return null;
  let ini = textOrNull(child(a, 'Initials'));
  if (!ini) {
    const fore = textOrNull(child(a, 'ForeName'));
    if (fore)
      ini = fore
        .split(/[\s.-]+/)
        .map((w) => w.charAt(0).toUpperCase())
        .join('');
  }
  const suffix = textOrNull(child(a, 'Suffix'));
  const base = ini ? `${last} ${ini}` : last;
  return suffix ? `${base} ${suffix}` : base;
}

function authorsOf(list: XNode | null): string[] {
  const out: string[] = [];
  for (const a of childrenNamed(list, 'Author')) {
    const n = authorName(a);
    if (n) out.push(n);
  }
  return out;
}

function abstractOf(abs: XNode | null): string | null {
  if (!abs) return null;
  const paras: string[] = [];
  for (const t of childrenNamed(abs, 'AbstractText')) {
    const text = textOf(t);
    const label = t.attrs?.Label?.trim();
    if (label && label.toUpperCase() !== 'UNLABELLED') paras.push(text ? `${label}: ${text}` : `${label}:`);
    else if (text) paras.push(text);
  }
  return paras.length > 0 ? paras.join('\n') : null;
}

function pubDateYear(pubDate: XNode | null): number | null {
  if (!pubDate) return null;
  const y = textOrNull(child(pubDate, 'Year'));
  if (y) return yearOf(y);
  return yearOf(textOrNull(child(pubDate, 'MedlineDate')));
}

function idsFromArticleIdList(rec: ImportedRecord, list: XNode | null): void {
  for (const id of childrenNamed(list, 'ArticleId')) {
    const type = id.attrs?.IdType;
    if (type === 'doi' && !rec.ids.doi) rec.ids.doi = normalizeDoi(textOf(id));
    else if (type === 'pmc' && !rec.ids.pmcid) rec.ids.pmcid = textOrNull(id);
    else if (type === 'pubmed' && !rec.ids.pmid) rec.ids.pmid = textOrNull(id);
  }
}

function listText(node: XNode | null, name: string, into: string[]): void {
  for (const c of childrenNamed(node, name)) {
    const t = textOf(c);
    if (t && !into.includes(t)) into.push(t);
  }
}

function fromMedlineCitation(rec: ImportedRecord, mc: XNode): void {
  rec.ids.pmid = textOrNull(child(mc, 'PMID'));
  const art = child(mc, 'Article');
  rec.title = textOrNull(child(art, 'ArticleTitle')) ?? textOrNull(child(art, 'VernacularTitle'));
  const journal = child(art, 'Journal');
  rec.journal =
    textOrNull(child(journal, 'Title')) ??
    textOrNull(child(journal, 'ISOAbbreviation')) ??
    textOrNull(at(mc, 'MedlineJournalInfo/MedlineTA'));
  rec.year = pubDateYear(at(journal, 'JournalIssue/PubDate')) ?? yearOf(textOrNull(at(art, 'ArticleDate/Year')));
  rec.volume = textOrNull(at(journal, 'JournalIssue/Volume'));
  rec.issue = textOrNull(at(journal, 'JournalIssue/Issue'));
  const pg = child(art, 'Pagination');
  const start = textOrNull(child(pg, 'StartPage'));
  const end = textOrNull(child(pg, 'EndPage'));
  rec.pages =
    textOrNull(child(pg, 'MedlinePgn')) ?? (start ? (end && end !== start ? `${start}-${end}` : start) : null);
  rec.authors = authorsOf(child(art, 'AuthorList'));
  rec.abstract = abstractOf(child(art, 'Abstract'));
  listText(child(art, 'PublicationTypeList'), 'PublicationType', rec.publication_types);
  rec.language = textOrNull(child(art, 'Language'));
  for (const e of childrenNamed(art, 'ELocationID')) {
    if (e.attrs?.EIdType === 'doi' && e.attrs.ValidYN !== 'N') {
      rec.ids.doi = normalizeDoi(textOf(e));
      if (rec.ids.doi) break;
    }
  }
  for (const mh of childrenNamed(child(mc, 'MeshHeadingList'), 'MeshHeading')) {
    const d = textOf(child(mh, 'DescriptorName'));
    if (d && !rec.mesh.includes(d)) rec.mesh.push(d);
  }
  for (const kl of childrenNamed(mc, 'KeywordList')) listText(kl, 'Keyword', rec.keywords);
  for (const db of childrenNamed(child(art, 'DataBankList'), 'DataBank')) {
    if (!/clinicaltrials\.gov/i.test(textOf(child(db, 'DataBankName')))) continue;
    for (const acc of childrenNamed(child(db, 'AccessionNumberList'), 'AccessionNumber')) {
      findNctIds(textOf(acc), rec.ids.nct);
    }
  }
  findNctIds(rec.abstract, rec.ids.nct);
  rec.source_type = 'MedlineCitation';
}

function fromBookDocument(rec: ImportedRecord, bd: XNode): void {
  rec.ids.pmid = textOrNull(child(bd, 'PMID'));
  const book = child(bd, 'Book');
  const bookTitle = textOrNull(child(book, 'BookTitle'));
  rec.title = textOrNull(child(bd, 'ArticleTitle')) ?? bookTitle;
  rec.journal = textOrNull(child(bd, 'ArticleTitle')) ? bookTitle : textOrNull(at(book, 'Publisher/PublisherName'));
  rec.year =
    pubDateYear(child(book, 'PubDate')) ??
    pubDateYear(child(bd, 'ContributionDate')) ??
    pubDateYear(child(bd, 'DateRevised'));
  const lists = [...childrenNamed(bd, 'AuthorList'), ...childrenNamed(book, 'AuthorList')];
  const authorsList = lists.find((l) => (l.attrs?.Type ?? 'authors') === 'authors') ?? null;
  rec.authors = authorsOf(authorsList);
  rec.abstract = abstractOf(child(bd, 'Abstract'));
  listText(bd, 'PublicationType', rec.publication_types);
  listText(child(bd, 'PublicationTypeList'), 'PublicationType', rec.publication_types);
  rec.language = textOrNull(child(bd, 'Language'));
  for (const kl of childrenNamed(bd, 'KeywordList')) listText(kl, 'Keyword', rec.keywords);
  idsFromArticleIdList(rec, child(bd, 'ArticleIdList'));
  findNctIds(rec.abstract, rec.ids.nct);
  rec.source_type = 'PubmedBookArticle';
}

/** Maps one parsed record element. DeleteCitation is handled by `deletedPmids`. */
export function pubmedRecord(node: XNode, raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('pubmed-xml', raw, line);
  if (node.name === 'PubmedArticle') {
    const mc = child(node, 'MedlineCitation');
    if (mc) fromMedlineCitation(rec, mc);
    idsFromArticleIdList(rec, at(node, 'PubmedData/ArticleIdList'));
    rec.source_type = 'PubmedArticle';
  } else if (node.name === 'PubmedBookArticle') {
    const bd = child(node, 'BookDocument');
    if (bd) fromBookDocument(rec, bd);
    idsFromArticleIdList(rec, at(node, 'PubmedBookData/ArticleIdList'));
  } else if (node.name === 'MedlineCitation') {
    fromMedlineCitation(rec, node);
  }
  if (rec.title) rec.title = squash(rec.title);
  return rec;
}

export function deletedPmids(node: XNode): string[] {
  const out: string[] = [];
  for (const p of childrenNamed(node, 'PMID')) {
    const t = textOf(p);
    if (t) out.push(t);
  }
  return out;
}
