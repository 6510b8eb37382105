// PubMed / PMC MEDLINE text format (.nbib, "PMID- …"): tag in columns 1–4, "- " in 5–6, continuation lines
// indented. Records are separated by blank lines (and a repeated PMID-/PMC - also starts a new one). Other
// databases write the same tagged format without PMIDs (ERIC: "OWN - ERIC", names as "van Groen, Maaike M.").

import {
  authorSurnameFirst,
  emptyRecord,
  findNctIds,
  type ImportedRecord,
  isEtAl,
  normalizeDoi,
  type ReadEvent,
  splitStructuredAbstract,
  squash,
  yearOf,
} from './record.ts';
import { readTagged, type TaggedGrammar } from './tagged.ts';

type Field = [tag: string, value: string];

// The s flag: U+2028/U+2029 inside a value are characters, not line ends.
const TAG_RE = /^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$/s;
const WIDE_TAG_RE = /^([A-Z][A-Z0-9]{3}) - ?(.*)$/s;

export function medlineRecord(fields: Field[], raw: string, line: number): ImportedRecord {
  const rec = emptyRecord('medline', raw, line);
  const fau: string[] = [];
  let tiParts: string | null = null;
  let bti: string | null = null;
  let jt: string | null = null;
  let ta: string | null = null;
  let dp: string | null = null;
  let dep: string | null = null;
  let owner: string | null = null;
  for (const [tag, v0] of fields) {
    const v = squash(v0);
    switch (tag) {
      case 'PMID':
        if (!rec.ids.pmid && /^\d+$/.test(v)) rec.ids.pmid = v;
        break;
      case 'PMC':
        if (!rec.ids.pmcid && v) rec.ids.pmcid = v;
        break;
      case 'TI':
        if (v) tiParts = v;
        break;
      case 'BTI':
        if (v) bti = v;
        break;
      case 'AB':
        if (v) rec.abstract = splitStructuredAbstract(v);
        break;
      case 'AU': {
        // PubMed writes "Gout I"; other owners (ERIC) write full names with a comma
        if (!v || isEtAl(v)) break;
        const a = v.includes(',') ? authorSurnameFirst(v) : v;
        if (a) rec.authors.push(a);
        break;
      }
      case 'OWN':
        if (!owner && v) owner = v;
        break;
      case 'VI':
        if (!rec.volume && v) rec.volume = v;
        break;
      case 'IP':
        if (!rec.issue && v) rec.issue = v;
        break;
      case 'PG':
        if (!rec.pages && v) rec.pages = v;
        break;
      case 'CN':
        if (v) rec.authors.push(v);
        break;
      case 'FAU':
        if (v && !isEtAl(v)) fau.push(v);
        break;
      case 'LID':
      case 'AID':
        if (!rec.ids.doi && /\[doi\]\s*$/.test(v)) rec.ids.doi = normalizeDoi(v.replace(/\s*\[doi\]\s*$/, ''));
        else if (!rec.ids.doi && /doi\.org\//i.test(v)) rec.ids.doi = normalizeDoi(v); // ERIC: http://dx.doi.org/…
        break;
      case 'PT':
        if (v && !rec.publication_types.includes(v)) rec.publication_types.push(v);
        break;
      case 'MH': {
        const d = v.replace(/^\*/, '').split('/')[0]!.replace(/\*$/, '').trim();
        if (d && !rec.mesh.includes(d)) rec.mesh.push(d);
        break;
      }
      case 'OT':
        if (v && !rec.keywords.includes(v)) rec.keywords.push(v);
        break;
      case 'LA':
        if (!rec.language && v) rec.language = v;
        break;
      case 'DP':
        if (!dp) dp = v;
        break;
      case 'DEP':
        if (!dep) dep = v;
        break;
      case 'JT':
        if (!jt && v) jt = v;
        break;
      case 'TA':
        if (!ta && v) ta = v;
        break;
      case 'SI':
        if (/clinicaltrials/i.test(v)) findNctIds(v, rec.ids.nct);
        break;
      case 'STAT':
        if (!rec.database && v) rec.database = `PubMed (${v})`;
        break;
    }
  }
  if (rec.authors.length === 0 && fau.length > 0) {
    for (const f of fau) {
      const a = authorSurnameFirst(f);
      if (a) rec.authors.push(a);
    }
  }
  rec.title = tiParts ?? bti;
  rec.journal = jt ?? ta ?? (tiParts && bti ? bti : null);
  // DEP is YYYYMMDD (NLM's element descriptions); yearOf wants a year not followed by digits, so the first four
  rec.year = yearOf(dp) ?? yearOf(dep && /^\d{8}$/.test(dep) ? dep.slice(0, 4) : dep);
  // The owners PubMed's records carry (NLM's "MEDLINE/PubMed Data Element Descriptions", Owner: NLM, NASA, PIP,
  // KIE, NOTNLM, HHS) are PubMed; another owner (ERIC) is the record's database
  const foreign = owner && !/^(NLM|NASA|PIP|KIE|NOTNLM|HHS|HMD|HSR|PUBMED)$/i.test(owner) ? owner : null;
  if (foreign) rec.database = foreign;
  rec.source_type = bti ? 'Book' : rec.ids.pmid ? 'PubMed' : rec.ids.pmcid ? 'PMC' : foreign;
  findNctIds(rec.abstract, rec.ids.nct);
  return rec;
}

/** MEDLINE grammar: a blank line ends a record, as does a second PMID- or PMC - tag; indented lines continue
 * the field before them. */
function medlineGrammar(): TaggedGrammar<Field> {
  let strayReported = false;
  return {
    record: medlineRecord,
    line(l, ln, r) {
      if (l.trim() === '') {
        r.close();
        return;
      }
      // '-' in column 5 ("PMID- ", "TI  - "); ERIC also writes four-letter tags followed by " - " ("ISSN - ")
      const m =
        l.length >= 5 && l.charCodeAt(4) === 45
          ? TAG_RE.exec(l)
          : l.length >= 6 && l.charCodeAt(5) === 45 && l.charCodeAt(4) === 32
            ? WIDE_TAG_RE.exec(l)
            : null;
      if (m) {
        const tag = m[1]!.trim();
        if ((tag === 'PMID' || tag === 'PMC') && r.fields?.some(([t]) => t === tag)) r.close();
        const fields = r.fields ?? r.open(ln);
        fields.push([tag, m[2]!]);
        r.raw.push(l);
        strayReported = false;
        return;
      }
      if (r.fields && r.fields.length > 0 && /^\s/.test(l)) {
        const last = r.fields[r.fields.length - 1]!;
        last[1] = `${last[1]} ${l.trim()}`;
        r.raw.push(l);
        return;
      }
      if (!strayReported) {
        strayReported = true;
        r.error(ln, `not a MEDLINE line: "${squash(l).slice(0, 40)}"`);
      }
    },
  };
}

export function readMedline(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  return readTagged(chunks, medlineGrammar);
}
