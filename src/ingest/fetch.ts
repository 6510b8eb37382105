import { AppError } from '../errors.ts';
// Optional online fetch from the public APIs: PubMed E-utilities (esearch + efetch, XML) and
// ClinicalTrials.gov API v2. Each request has a hard timeout, so with no network the user gets a clear
// error, never a hang. NCBI asks for at most 3 requests per second without an API key
// (https://www.ncbi.nlm.nih.gov/books/NBK25497/ "Usage Guidelines and Requirements"); we wait 350 ms
// between requests. Results are written to a file that `regenspine import` then reads like any export.
/** The public API could not be reached or answered nonsense, or the query is unusable: HTTP 502, exit 1. */
export class FetchError extends AppError {
  constructor(message: string) {
    super(message, { status: 502 });
  }
}

export interface FetchOptions {
  timeoutMs?: number;
  /** Base URLs, overridable for tests and mirrors. */
  eutilsBase?: string;
  ctgovBase?: string;
  fetchImpl?: typeof fetch;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(url: string, opts: FetchOptions): Promise<string> {
  const f = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let res: Response;
  try {
    res = await f(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'regenspine (open-source evidence engine)' },
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why =
      err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (err.cause?.code ?? err.message);
    throw new FetchError(
      `cannot reach ${new URL(url).host} (${why}); check the network, or import a file exported from the website instead`,
    );
  }
  if (!res.ok) throw new FetchError(`${new URL(url).host} answered HTTP ${res.status} for ${url}`);
  return res.text();
}

/** PMIDs matching a PubMed query (esearch), then their records as PubMed XML (efetch). */
export async function fetchPubmed(
  query: string,
  max: number,
  opts: FetchOptions = {},
): Promise<{ pmids: string[]; xml: string }> {
  if (!query.trim()) throw new FetchError('--query is empty');
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new FetchError('--max must be 1–10000');
  const base = opts.eutilsBase ?? 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
  const search = await get(
    `${base}/esearch.fcgi?db=pubmed&retmode=json&retmax=${max}&term=${encodeURIComponent(query)}`,
    opts,
  );
  let pmids: string[];
  try {
    pmids = (JSON.parse(search) as { esearchresult: { idlist: string[] } }).esearchresult.idlist;
  } catch {
    throw new FetchError('PubMed esearch answered something that is not its JSON');
  }
  if (pmids.length === 0) return { pmids, xml: '<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>\n' };
  const parts: string[] = [];
  for (let i = 0; i < pmids.length; i += 200) {
    await sleep(350);
    const xml = await get(`${base}/efetch.fcgi?db=pubmed&retmode=xml&id=${pmids.slice(i, i + 200).join(',')}`, opts);
    const body = /<PubmedArticleSet>([\s\S]*)<\/PubmedArticleSet>/.exec(xml)?.[1] ?? '';
    parts.push(body);
  }
  return {
    pmids,
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>${parts.join('\n')}</PubmedArticleSet>\n`,
  };
}

/** ClinicalTrials.gov API v2 study records, as a JSON document {studies: [...]}. */
export async function fetchCtgov(ncts: string[], opts: FetchOptions = {}): Promise<string> {
  const bad = ncts.filter((n) => !/^NCT\d{8}$/i.test(n));
  if (ncts.length === 0 || bad.length > 0)
    throw new FetchError(`--nct needs NCT ids like NCT04102761 (got ${bad.join(', ') || 'none'})`);
  const base = opts.ctgovBase ?? 'https://clinicaltrials.gov/api/v2';
  const studies: unknown[] = [];
  for (const nct of ncts) {
    const text = await get(`${base}/studies/${nct.toUpperCase()}?format=json`, opts);
    try {
      studies.push(JSON.parse(text));
    } catch {
      throw new FetchError(`ClinicalTrials.gov answered something that is not JSON for ${nct}`);
    }
    await sleep(100);
  }
  return JSON.stringify({ studies });
}
