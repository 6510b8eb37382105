// Format detection from the first bytes of an (already decompressed) input.
import type { Format } from './record.ts';

/** True when the bytes start with the gzip magic number. */
export function isGzip(first: Uint8Array): boolean {
  return first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
}

/**
 * Detects the format from the first bytes (a few KB is plenty; 64 KB covers long DOCTYPEs). Returns null when
 * unknown. Gzipped bytes are not looked into: decompress first (readRecords does).
 */
export function detectFormat(first: Uint8Array): Format | null {
  if (isGzip(first)) return null;
  let s = Buffer.from(first.buffer, first.byteOffset, Math.min(first.byteLength, 65536)).toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const t = s.trimStart();
  if (t.startsWith('<')) {
    // first element name after the prolog
    const re = /<([A-Za-z_][\w.:-]*)/g;
    let name: string | null = null;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const before = t.slice(Math.max(0, m.index - 9), m.index);
      if (before.endsWith('<!DOCTYPE ')) continue;
      name = m[1]!;
      break;
    }
    const doctype = /<!DOCTYPE\s+([\w.:-]+)/.exec(t)?.[1];
    const root = name ?? doctype ?? '';
    if (/^(PubmedArticleSet|PubmedArticle|PubmedBookArticle|MedlineCitationSet|MedlineCitation)$/.test(root)) {
      return 'pubmed-xml';
    }
    if (root === 'clinical_study') return 'ctgov-xml';
    if (/PubmedArticleSet|MedlineCitationSet/.test(t)) return 'pubmed-xml';
    if (/<clinical_study[\s>]/.test(t)) return 'ctgov-xml';
    return null;
  }
  if (t.startsWith('{') || t.startsWith('[')) {
    if (/"(protocolSection|studies|FullStudiesResponse|ProtocolSection|nctId|FullStudies)"/.test(t))
      return 'ctgov-json';
    return null;
  }
  // tagged text formats: look at the first non-empty lines
  const lines = t.split(/\r\n|\r|\n/, 200);
  for (const l of lines) {
    if (/^\s*(\d+\.\s*)?TY {1,2}- ?/.test(l)) return 'ris';
    if (/^(PMID|PMC )- /.test(l) || /^PMID-\s*\d/.test(l)) return 'medline';
    // MEDLINE-tagged records without a PMID (ERIC, other NLM-format exporters) start with their owner tag
    if (/^OWN - \S/.test(l)) return 'medline';
    if (/^FN [A-Za-z]/.test(l) || /^PT [A-Z]\s*$/.test(l)) return 'wos';
  }
  return null;
}
