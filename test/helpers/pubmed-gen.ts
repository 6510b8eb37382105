// Builds a large PubMed XML file by repeating real fixture records with new PMIDs (and DOIs), for the
// import benchmark and the interrupted-import test. Streams to disk: constant memory.
import { createWriteStream, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function fixtureArticles(path: string): string[] {
  let text = readFileSync(path);
  if (text[0] === 0x1f && text[1] === 0x8b) text = gunzipSync(text);
  const xml = text.toString('utf8');
  return [...xml.matchAll(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)].map((m) => m[0]);
}

/** Writes a PubmedArticleSet of about `targetBytes`, every record with a unique PMID; returns the record count. */
export async function writeLargePubmed(
  out: string,
  articles: string[],
  targetBytes: number,
  firstPmid = 90_000_000,
): Promise<number> {
  const ws = createWriteStream(out);
  const write = (s: string) =>
    ws.write(s) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r()));
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n');
  let bytes = 0;
  let n = 0;
  while (bytes < targetBytes) {
    const a = articles[n % articles.length]!;
    const pmid = String(firstPmid + n);
    const rec = a
      .replace(/<PMID Version="(\d+)">\d+<\/PMID>/, `<PMID Version="$1">${pmid}</PMID>`)
      .replace(/<ArticleId IdType="pubmed">\d+<\/ArticleId>/, `<ArticleId IdType="pubmed">${pmid}</ArticleId>`)
      .replace(/(<ArticleId IdType="doi">)([^<]+)(<\/ArticleId>)/, `$1$2.r${n}$3`)
      .replace(/(<ELocationID EIdType="doi"[^>]*>)([^<]+)(<\/ELocationID>)/, `$1$2.r${n}$3`)
      // a unique title so that fuzzy de-duplication does not link the copies
      .replace(/<ArticleTitle>/, `<ArticleTitle>[copy ${n}] `);
    await write(`${rec}\n`);
    bytes += Buffer.byteLength(rec) + 1;
    n++;
  }
  await write('</PubmedArticleSet>\n');
  await new Promise<void>((r) => ws.end(() => r()));
  return n;
}
