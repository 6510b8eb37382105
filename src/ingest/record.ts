// The imported record: what every reader (PubMed XML, MEDLINE, RIS, ClinicalTrials.gov, WoS) turns a source
// record into. Pure types and small normalizers, no I/O.

export const FORMATS = [
  'pubmed-xml', // PubmedArticleSet (PubmedArticle, PubmedBookArticle, DeleteCitation) and legacy MedlineCitationSet
  'medline', // PubMed/PMC MEDLINE text (.nbib)
  'ris',
  'ctgov-json', // ClinicalTrials.gov API v2 (single study or {studies:[…]}) and the classic FullStudiesResponse
  'ctgov-xml', // legacy clinical_study XML
  'wos', // Web of Science tagged plain text (FN/PT/ER)
] as const;
export type Format = (typeof FORMATS)[number];

// Registry statuses are the evidence model's study statuses (one list, in src/domain/vocabulary.ts).

import { STATUSES as REGISTRY_STATUSES, type Status } from '../domain/vocabulary.ts';

export { REGISTRY_STATUSES };
export type RegistryStatus = Status;

export interface RecordIds {
  pmid: string | null;
  /** Normalized: lower-case, trimmed, no https://doi.org/ or doi: prefix. */
  doi: string | null;
  nct: string[];
  pmcid: string | null;
}

export interface Enrollment {
  count: number | null;
  type: 'actual' | 'estimated' | null;
}

export interface RegistryArm {
  label: string;
  type: string | null;
  description: string | null;
  interventions: string[];
}

export interface RegistryIntervention {
  type: string | null;
  name: string;
  description: string | null;
  arms: string[];
}

export interface RegistryOutcome {
  kind: 'primary' | 'secondary' | 'other';
  measure: string;
  time_frame: string | null;
  description: string | null;
}

export interface RegistryDates {
  start: string | null;
  primary_completion: string | null;
  completion: string | null;
  first_posted: string | null;
  results_first_posted: string | null;
  last_update_posted: string | null;
}

/** Posted results, summarized. Values stay the registry's strings (they can be "NA"); counts are numbers. */
export interface ResultsSummary {
  participant_flow: {
    groups: { id: string; title: string; started: number | null; completed: number | null }[];
  } | null;
  outcome_measures: {
    type: string;
    title: string;
    time_frame: string | null;
    unit: string | null;
    param_type: string | null;
    dispersion_type: string | null;
    groups: { id: string; title: string }[];
    measurements: {
      group_id: string;
      class: string | null;
      category: string | null;
      value: string | null;
      spread: string | null;
      lower: string | null;
      upper: string | null;
    }[];
  }[];
  adverse_events: {
    groups: {
      id: string;
      title: string;
      serious_affected: number | null;
      serious_at_risk: number | null;
      other_affected: number | null;
      other_at_risk: number | null;
      deaths_affected: number | null;
      deaths_at_risk: number | null;
    }[];
    serious_terms: number;
    other_terms: number;
  } | null;
}

export interface RegistryInfo {
  status: RegistryStatus;
  /** The registry's own status words, e.g. "ACTIVE_NOT_RECRUITING" or "Available" (expanded access). */
  status_raw: string | null;
  study_type: string | null;
  /** e.g. ["phase1", "phase2"], or [] for "NA"/observational. */
  phases: string[];
  allocation: string | null;
  enrollment: Enrollment;
  conditions: string[];
  arms: RegistryArm[];
  interventions: RegistryIntervention[];
  outcomes: RegistryOutcome[];
  dates: RegistryDates;
  sponsor: string | null;
  /** PMIDs of the registry's references (background and results publications). */
  references: string[];
  has_results: boolean;
  results: ResultsSummary | null;
}

export interface ImportedRecord {
  format: Format;
  /** The record type of the source: "PubmedArticle", "JOUR", "Book", "INTERVENTIONAL", … */
  source_type: string | null;
  ids: RecordIds;
  title: string | null;
  year: number | null;
  /** Surname first, "Atluri S"; collective names kept as they are. */
  authors: string[];
  journal: string | null;
  /** Volume, issue and pages as the source gives them ("27", "3", "379-423" or "e0815"); null when not given. */
  volume: string | null;
  issue: string | null;
  pages: string | null;
  /** Structured abstracts keep their labels: one "LABEL: text" paragraph per section, separated by "\n". */
  abstract: string | null;
  publication_types: string[];
  mesh: string[];
  keywords: string[];
  language: string | null;
  /** Source database named inside the record (RIS DB/DP, MEDLINE SO…), when present. */
  database: string | null;
  registry: RegistryInfo | null;
  /** The record's source text, for audit. */
  raw: string;
  /** 1-based line of the input where the record starts. */
  line: number;
}

export function emptyRecord(format: Format, raw: string, line: number): ImportedRecord {
  return {
    format,
    source_type: null,
    ids: { pmid: null, doi: null, nct: [], pmcid: null },
    title: null,
    year: null,
    authors: [],
    journal: null,
    volume: null,
    issue: null,
    pages: null,
    abstract: null,
    publication_types: [],
    mesh: [],
    keywords: [],
    language: null,
    database: null,
    registry: null,
    raw,
    line,
  };
}

// ---------------------------------------------------------------- normalizers

// A DOI's suffix may hold any printable character (DOI Handbook §2.5.2); "<" and ">" are kept when they form a
// SICI segment such as "86:8<1557::AID-CNCR24>3.0.CO;2-2" (Wiley, about 1995–2005), and end the DOI otherwise
// (markup around it).
const DOI_IN_TEXT = /10\.\d{4,9}\/(?:[^\s"<>]|<[^\s"<>/]*::[^\s"<>]*>)+/;

/**
 * Lower-cases and trims a DOI and strips resolver prefixes (https://doi.org/, dx.doi.org, doi:). Returns null
 * when the text holds no DOI. Trailing punctuation that a citation adds (".", ",", ";") is dropped.
 */
export function normalizeDoi(text: string | null | undefined): string | null {
  if (!text) return null;
  let s = text.trim();
  if (/%(2F|3C|3E)/i.test(s)) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // keep as is
    }
  }
  if (s.indexOf('&') >= 0) s = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const m = DOI_IN_TEXT.exec(s);
  if (!m) return null;
  let doi = m[0].toLowerCase();
  // a glued MEDLINE "[doi]" marker goes first: the punctuation strip below would eat its "]" and leave "[doi"
  doi = doi.replace(/\[doi\][.,;:)\]]*$/, '');
  doi = doi.replace(/[.,;:)\]]+$/, '');
  return doi.length > 8 ? doi : null;
}

const NCT_RE = /\bNCT\s?(\d{8})\b/gi;

/** Every distinct NCT id in a text, upper-case, in order of appearance. */
export function findNctIds(text: string | null | undefined, into: string[] = []): string[] {
  if (!text) return into;
  NCT_RE.lastIndex = 0;
  for (let m = NCT_RE.exec(text); m; m = NCT_RE.exec(text)) {
    const id = `NCT${m[1]}`;
    if (!into.includes(id)) into.push(id);
  }
  return into;
}

const YEAR_RE = /(?:^|[^0-9])((?:1[5-9]|20)\d\d)(?![0-9])/;

/** The first plausible four-digit year (1500–2099) in a date text such as "2018 May 17", "1998 Dec-1999 Jan". */
export function yearOf(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = YEAR_RE.exec(text);
  return m ? Number(m[1]) : null;
}

/** Collapses runs of white space to one space and trims. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Kebab-case ClinicalTrials.gov status from v2 ("ACTIVE_NOT_RECRUITING") or classic ("Active, not recruiting"). */
export function normalizeStatus(raw: string | null | undefined): RegistryStatus {
  if (!raw) return 'unknown';
  const k = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (k === 'unknown-status') return 'unknown';
  return (REGISTRY_STATUSES as readonly string[]).includes(k) ? (k as RegistryStatus) : 'unknown';
}

/** "PHASE1", "Phase 1/Phase 2", "Early Phase 1", "N/A" → ["phase1"], ["phase1","phase2"], ["early-phase1"], []. */
export function normalizePhases(raw: string | readonly string[] | null | undefined): string[] {
  if (!raw) return [];
  const split = (p: string) => (/^\s*n\/a\s*$/i.test(p) ? [] : p.split('/'));
  const parts = typeof raw === 'string' ? split(raw) : raw.flatMap(split);
  const out: string[] = [];
  for (const p of parts) {
    const k = p.toLowerCase().replace(/[^a-z0-9]+/g, '');
    if (!k || k === 'na' || k === 'notapplicable') continue;
    const v = k.startsWith('early') ? `early-${k.slice(5)}` : k;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

const PARTICLES = new Set([
  'van',
  'von',
  'de',
  'der',
  'den',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'dos',
  'das',
]);

function initialsOf(given: string): string {
  // "John Paul" → "JP", "J. P." → "JP", "Jean-Luc" → "JL", "JH" → "JH" (already initials)
  const g = given.trim();
  if (/^[A-Z]{1,4}$/.test(g)) return g;
  let out = '';
  for (const w of g.split(/[\s.\-‐]+/)) {
    if (!w) continue;
    const c = w[0]!;
    if (c.toUpperCase() !== c.toLowerCase() && c === c.toUpperCase()) out += c;
    else if (c.toUpperCase() !== c.toLowerCase() && !PARTICLES.has(w.toLowerCase())) out += c.toUpperCase();
  }
  return out;
}

/** "et al.", "et al", "and others": a truncation mark in an author list, never an author. */
export function isEtAl(name: string): boolean {
  return /^\s*(?:et\.?\s*al\.?|and others|\[?others\]?)\s*$/i.test(name);
}

/** Words that make a comma-less name a group ("SYGMA 1 Investigators", "Cochrane Back Review Group"). */
const COLLECTIVE =
  /\b(?:group|investigators?|society|committee|consortium|collaborat\w*|trial|study|association|organi[sz]ation|network|team|council|institute|working|panel|foundation|college|department|university|hospital|centre|center|academy|board|agency|ministry|federation|registry|programme|program|force|members|writing|participants|for|of|and|the|on)\b/i;
const SUFFIX = /^(?:jr|sr|ii|iii|iv|2nd|3rd)\.?$/i;
/** A word of initials: "R.", "D.G.", "DG", "J.-P.". */
const INITIALS_WORD = /^(?:[A-Z]\.?-?){1,4}$/;
/** A capitalised name word: "Smith", "Author-One", "O'Brien", "Müller". */
const NAME_WORD = /^\p{Lu}[\p{L}'’-]*$/u;

function initialsOnly(w: string): string {
  return w.replace(/[^A-Z]/g, '');
}

/**
 * A name written without a comma: "Liu R.", "Adler D.G." (Embase), "A. Author-One" (IEEE), "John Smith",
 * "Maaike M. van Groen". Returns "Surname I", or null when the name does not look like a person's (it is then
 * kept as written: a group or an already normalised "Smith JH").
 */
function personWithoutComma(s: string): string | null {
  if (/\d|&|\//.test(s) || COLLECTIVE.test(s)) return null;
  const words = s.split(' ').filter((w) => !SUFFIX.test(w));
  if (words.length < 2 || words.length > 5) return null;
  const last = words[words.length - 1]!;
  // surname first, initials last: "Liu R.", "Adler D.G.", "Adler D. G.", "Smith JH"
  let k = words.length;
  while (k > 1 && INITIALS_WORD.test(words[k - 1]!)) k--;
  if (k < words.length && words.slice(0, k).every((w) => NAME_WORD.test(w) || PARTICLES.has(w.toLowerCase()))) {
    if (!/\./.test(words.slice(k).join('')) && k === words.length - 1 && /^[A-Z]{1,4}$/.test(last)) {
      return `${words.slice(0, k).join(' ')} ${last}`; // already "Smith JH"
    }
    return `${words.slice(0, k).join(' ')} ${words.slice(k).map(initialsOnly).join('')}`;
  }
  // given names or initials first, surname last: "A. Author-One", "John Smith", "Maaike M. van Groen"
  let j = words.length - 1;
  while (j > 1 && PARTICLES.has(words[j - 1]!.toLowerCase())) j--;
  const surname = words.slice(j).join(' ');
  const given = words.slice(0, j);
  if (!NAME_WORD.test(last) || given.length === 0) return null;
  if (!given.every((w) => INITIALS_WORD.test(w) || NAME_WORD.test(w))) return null;
  const ini = initialsOf(given.join(' '));
  return ini ? `${surname} ${ini}` : null;
}

/**
 * Surname-first "Atluri S" from "Atluri, Sairam", "Atluri, S.", "Atluri S", "Atluri,S", and from comma-less
 * forms ("Liu R.", "A. Author-One", "John Smith"). A name that does not look like a person's is kept as it is
 * (a collective name such as "SYGMA 1 Investigators"). "et al." gives null.
 */
export function authorSurnameFirst(name: string): string | null {
  const s = squash(name);
  if (!s || s === 'NA' || s === 'Anonymous' || s === '[Anonymous]' || isEtAl(s)) return null;
  const comma = s.indexOf(',');
  if (comma < 0) return personWithoutComma(s) ?? s;
  const surname = s.slice(0, comma).trim();
  const rest = s.slice(comma + 1).trim();
  if (!surname) return rest || null;
  // "Smith, Jr., John" — skip suffix parts
  const given = rest
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x && !SUFFIX.test(x))
    .join(' ');
  const ini = initialsOf(given);
  return ini ? `${surname} ${ini}` : surname;
}

/** Surname of a surname-first author string ("Atluri S" → "atluri"), lower-case, diacritics removed. */
export function surnameKey(author: string | undefined): string {
  if (!author) return '';
  const comma = author.indexOf(',');
  if (comma > 0) return foldText(author.slice(0, comma)).replace(/ /g, '');
  const sp = author.lastIndexOf(' ');
  const tail = sp > 0 ? author.slice(sp + 1) : '';
  const surname = sp > 0 && /^[A-Z]{1,4}$/.test(tail) ? author.slice(0, sp) : author;
  return foldText(surname).replace(/ /g, '');
}

/** Lower-case, no diacritics, no markup, punctuation to spaces, squashed. Used for fuzzy matching. */
export function foldText(s: string): string {
  return s
    .replace(/<[^>]{0,40}>/g, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Splits a MEDLINE-style run-on structured abstract ("BACKGROUND: … METHODS: …") into labelled paragraphs. */
export function splitStructuredAbstract(text: string): string {
  const re = /(?:^|(?<=[.?!)\]]\s))([A-Z][A-Z0-9 ,/&()-]{2,60}):\s/g;
  const starts: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1]!;
    if (/[A-Z]{3}/.test(label)) starts.push(m.index);
  }
  if (starts.length < 2 || starts[0] !== 0) return text;
  const parts: string[] = [];
  for (let i = 0; i < starts.length; i++) parts.push(text.slice(starts[i], starts[i + 1] ?? text.length).trim());
  return parts.join('\n');
}

/**
 * A Vancouver (NLM "Citing Medicine") reference for an imported record: up to six authors then "et al.",
 * title, journal, year;volume(issue):pages. NLM's sample: "Halpern SD, Ubel PA, Caplan AL. Solid-organ
 * transplantation in HIV-infected patients. N Engl J Med. 2002 Jul 25;347(4):284-7." (records keep the year
 * only, so the month and day are not given). Parts the record lacks are left out, never invented.
 */
export function recordCitation(
  r: Pick<ImportedRecord, 'authors' | 'title' | 'journal' | 'year' | 'volume' | 'issue' | 'pages'>,
): string {
  const parts: string[] = [];
  if (r.authors.length > 0) {
    const shown = r.authors.slice(0, 6).join(', ');
    parts.push(`${shown}${r.authors.length > 6 ? ', et al' : ''}.`);
  }
  if (r.title) parts.push(/[.?!]$/.test(r.title) ? r.title : `${r.title}.`);
  let where = r.journal ? `${r.journal.replace(/\.$/, '')}.` : '';
  const vip = `${r.volume ?? ''}${r.issue ? `(${r.issue})` : ''}${r.pages ? `:${r.pages}` : ''}`;
  // the ";" separates the year from the volume: without a year there is none ("Spine. 12:e5.", not "Spine. ;12:e5.")
  const sep = r.year != null && vip ? ';' : '';
  if (r.year != null || vip) where += `${where ? ' ' : ''}${r.year ?? ''}${sep}${vip}.`;
  if (where) parts.push(where);
  return parts.join(' ');
}

/** What a reader yields as it goes: the detected format, a record, PubMed deletions, or an error with its line. */
export type ReadEvent =
  | { type: 'format'; format: Format }
  | { type: 'record'; record: ImportedRecord }
  | { type: 'delete'; pmids: string[]; line: number }
  | { type: 'error'; line: number; message: string };
