// PRISMA 2020 flow counts and diagram (pure). Input: every imported record with its source, its duplicate link
// and its screening decision; output: the numbers of the PRISMA 2020 flow diagram for new systematic reviews
// (databases and registers), and the diagram itself as a standalone SVG string.

export type ScreeningStage = 'title-abstract' | 'retrieval' | 'full-text';

export type Screening =
  | { status: 'unscreened' }
  | { status: 'included' }
  | { status: 'excluded'; reason: string; stage?: ScreeningStage };

export interface PrismaRecord {
  id: string;
  /** Database or register the record was imported from ("PubMed", "Scopus", "ClinicalTrials.gov"). */
  source: string;
  /** Id of the record this one duplicates (records are linked, never dropped); null when it is the first. */
  duplicate_of: string | null;
  /** Decision on the record (only the decisions on first occurrences count). Default: unscreened. */
  screening?: Screening;
}

export interface PrismaOptions {
  /** Sources that are trial registers; default: names matching ClinicalTrials.gov / ICTRP / "register". */
  registers?: readonly string[];
}

export interface SourceCount {
  source: string;
  n: number;
}

export interface PrismaCounts {
  identified: { total: number; databases: SourceCount[]; registers: SourceCount[] };
  duplicates_removed: number;
  /** Unique records (first occurrences). */
  unique: number;
  awaiting_screening: number;
  screened: number;
  excluded_screening: number;
  excluded_screening_reasons: SourceCount[];
  sought_for_retrieval: number;
  not_retrieved: number;
  assessed_for_eligibility: number;
  excluded_full_text: number;
  /** Reasons for excluding reports at full text, most frequent first (the `source` field holds the reason). */
  excluded_reasons: { reason: string; n: number }[];
  awaiting_full_text: number;
  included: number;
}

const REGISTER_RE = /clinicaltrials|ictrp|register|registry|euctr|isrctn|anzctr|chictr/i;

function tally(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sorted(map: Map<string, number>): SourceCount[] {
  return [...map].map(([source, n]) => ({ source, n })).sort((a, b) => b.n - a.n || a.source.localeCompare(b.source));
}

export function prismaCounts(records: readonly PrismaRecord[], opts: PrismaOptions = {}): PrismaCounts {
  const isRegister = (s: string) => (opts.registers ? opts.registers.includes(s) : REGISTER_RE.test(s));
  const db = new Map<string, number>();
  const reg = new Map<string, number>();
  const taReasons = new Map<string, number>();
  const ftReasons = new Map<string, number>();
  let duplicates = 0;
  let unscreened = 0;
  let exclTA = 0;
  let notRetrieved = 0;
  let exclFT = 0;
  let included = 0;
  for (const r of records) {
    tally(isRegister(r.source) ? reg : db, r.source);
    if (r.duplicate_of !== null) {
      duplicates++;
      continue;
    }
    const s = r.screening ?? { status: 'unscreened' };
    if (s.status === 'unscreened') unscreened++;
    else if (s.status === 'included') included++;
    else {
      const stage = s.stage ?? 'title-abstract';
      const reason = s.reason.trim() || 'no reason given';
      if (stage === 'title-abstract') {
        exclTA++;
        tally(taReasons, reason);
      } else if (stage === 'retrieval') notRetrieved++;
      else {
        exclFT++;
        tally(ftReasons, reason);
      }
    }
  }
  const unique = records.length - duplicates;
  const screened = unique - unscreened;
  const sought = screened - exclTA;
  const assessed = sought - notRetrieved;
  return {
    identified: { total: records.length, databases: sorted(db), registers: sorted(reg) },
    duplicates_removed: duplicates,
    unique,
    awaiting_screening: unscreened,
    screened,
    excluded_screening: exclTA,
    excluded_screening_reasons: sorted(taReasons),
    sought_for_retrieval: sought,
    not_retrieved: notRetrieved,
    assessed_for_eligibility: assessed,
    excluded_full_text: exclFT,
    excluded_reasons: sorted(ftReasons).map(({ source, n }) => ({ reason: source, n })),
    awaiting_full_text: assessed - exclFT - included,
    included,
  };
}

// ---------------------------------------------------------------- SVG

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const FONT = 13;
const LINE = 17;
const PAD = 10;

/** Greedy word wrap at roughly `width` pixels of 13px sans-serif (≈ 6.6 px per character). */
function wrap(text: string, width: number): string[] {
  const max = Math.max(10, Math.floor((width - 2 * PAD) / 6.6));
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (!w) continue;
    if (cur && cur.length + 1 + w.length > max) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
}

interface Box {
  x: number;
  y: number;
  w: number;
  lines: string[];
  h: number;
}

function box(x: number, y: number, w: number, paragraphs: string[], minH = 0): Box {
  const lines: string[] = [];
  for (const p of paragraphs) lines.push(...(p === '' ? [''] : wrap(p, w)));
  return { x, y, w, lines, h: Math.max(minH, lines.length * LINE + 2 * PAD) };
}

function drawBox(b: Box, fill = '#ffffff'): string {
  const text = b.lines
    .map((l, i) => `<tspan x="${b.x + PAD}" y="${b.y + PAD + (i + 1) * LINE - 4}">${esc(l)}</tspan>`)
    .join('');
  return (
    `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${fill}" stroke="#000000" stroke-width="1"/>` +
    `<text font-family="Arial, Helvetica, sans-serif" font-size="${FONT}" fill="#000000">${text}</text>`
  );
}

function arrow(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#000000" stroke-width="1.2" marker-end="url(#arrow)"/>`;
}

function band(x: number, y: number, h: number, label: string): string {
  const cx = x + 14;
  const cy = y + h / 2;
  return (
    `<rect x="${x}" y="${y}" width="28" height="${h}" rx="6" fill="#a9c6e8" stroke="#6b8fb8"/>` +
    `<text x="${cx}" y="${cy}" font-family="Arial, Helvetica, sans-serif" font-size="${FONT}" font-weight="bold" ` +
    `text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 ${cx} ${cy})">${esc(label)}</text>`
  );
}

/** The PRISMA 2020 flow diagram (new reviews: databases and registers) as a standalone SVG document. */
export function prismaSvg(c: PrismaCounts, title = 'Identification of studies via databases and registers'): string {
  const left = 50;
  const colW = 360;
  const gap = 60;
  const right = left + colW + gap;
  const total = right + colW + 20;
  const parts: string[] = [];
  let y = 60;

  const identLines = [
    'Records identified from:',
    `Databases (n = ${c.identified.databases.reduce((a, s) => a + s.n, 0)})`,
    ...c.identified.databases.map((s) => `• ${s.source} (n = ${s.n})`),
    `Registers (n = ${c.identified.registers.reduce((a, s) => a + s.n, 0)})`,
    ...c.identified.registers.map((s) => `• ${s.source} (n = ${s.n})`),
  ];
  const ident = box(left, y, colW, identLines);
  const removed = box(right, y, colW, [
    'Records removed before screening:',
    `Duplicate records removed (n = ${c.duplicates_removed})`,
    'Records marked as ineligible by automation tools (n = 0)',
    'Records removed for other reasons (n = 0)',
  ]);
  const h1 = Math.max(ident.h, removed.h);
  ident.h = removed.h = h1;
  const identTop = y;
  y += h1 + 40;

  const screenedLines = [`Records screened (n = ${c.screened})`];
  if (c.awaiting_screening > 0) screenedLines.push(`Awaiting screening (n = ${c.awaiting_screening})`);
  const screened = box(left, y, colW, screenedLines, 50);
  const excl = box(right, y, colW, [`Records excluded (n = ${c.excluded_screening})`], 50);
  excl.h = screened.h = Math.max(screened.h, excl.h);
  const screenTop = y;
  y += screened.h + 30;
  const sought = box(left, y, colW, [`Reports sought for retrieval (n = ${c.sought_for_retrieval})`], 50);
  const notRet = box(right, y, colW, [`Reports not retrieved (n = ${c.not_retrieved})`], 50);
  y += sought.h + 30;
  const assessedLines = [`Reports assessed for eligibility (n = ${c.assessed_for_eligibility})`];
  if (c.awaiting_full_text > 0) assessedLines.push(`Awaiting decision (n = ${c.awaiting_full_text})`);
  const assessed = box(left, y, colW, assessedLines, 50);
  const ftLines = [
    `Reports excluded (n = ${c.excluded_full_text})`,
    ...c.excluded_reasons.map((r) => `${r.reason} (n = ${r.n})`),
  ];
  const ft = box(right, y, colW, ftLines, 50);
  assessed.h = ft.h = Math.max(assessed.h, ft.h);
  y += assessed.h + 40;
  const screenBottom = y - 40;
  const incl = box(left, y, colW, [
    `Studies included in review (n = ${c.included})`,
    `Reports of included studies (n = ${c.included})`,
  ]);
  const inclTop = y;
  y += incl.h + 30;

  parts.push(
    `<rect x="${left}" y="16" width="${total - left - 20}" height="30" rx="6" fill="#f2c14e" stroke="#b8912d"/>`,
    `<text x="${(left + total - 20) / 2}" y="36" font-family="Arial, Helvetica, sans-serif" font-size="14" font-weight="bold" text-anchor="middle">${esc(title)}</text>`,
  );
  parts.push(band(10, identTop, h1, 'Identification'));
  parts.push(band(10, screenTop, screenBottom - screenTop, 'Screening'));
  parts.push(band(10, inclTop, incl.h, 'Included'));
  for (const b of [ident, removed, screened, excl, sought, notRet, assessed, ft, incl]) parts.push(drawBox(b));
  const mid = left + colW / 2;
  parts.push(arrow(left + colW, identTop + h1 / 2, right, identTop + h1 / 2));
  parts.push(arrow(mid, ident.y + ident.h, mid, screened.y));
  parts.push(arrow(left + colW, screened.y + screened.h / 2, right, excl.y + excl.h / 2));
  parts.push(arrow(mid, screened.y + screened.h, mid, sought.y));
  parts.push(arrow(left + colW, sought.y + sought.h / 2, right, notRet.y + notRet.h / 2));
  parts.push(arrow(mid, sought.y + sought.h, mid, assessed.y));
  parts.push(arrow(left + colW, assessed.y + assessed.h / 2, right, ft.y + ft.h / 2));
  parts.push(arrow(mid, assessed.y + assessed.h, mid, incl.y));

  const height = y;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height}" viewBox="0 0 ${total} ${height}" role="img" aria-label="PRISMA 2020 flow diagram">` +
    `<title>PRISMA 2020 flow diagram</title>` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#000000"/></marker></defs>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}</svg>`
  );
}
