// Minimal RFC 4180 CSV parsing (quoted fields, doubled quotes, CRLF). Pure: takes the file text.
import { MetaError } from './meta-error.ts';
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export const STUDY_COLUMNS = [
  'ai',
  'bi',
  'ci',
  'di',
  'n1i',
  'n2i',
  'm1i',
  'sd1i',
  'm2i',
  'sd2i',
  'xi',
  'mi',
  'sdi',
  'ni',
  'ri',
  'yi',
  'vi',
  'sei',
] as const;

export interface CsvStudies {
  labels: string[];
  rows: Record<string, number | null>[];
  /** other columns (moderators, subgroup variables), raw strings */
  extra: Record<string, string[]>;
  /** the header as written (trimmed) */
  header: string[];
  /** the file line each data row starts on (1-based), for messages that name a row */
  lines: number[];
}

/** Where a row starts: line numbers of the rows parseCsv returns (blank lines skipped, quoted newlines kept). */
function rowStartLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let quoted = false;
  let rowStart = 1;
  let rowHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (rowHasContent) out.push(rowStart);
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      rowStart = line;
      rowHasContent = false;
      continue;
    }
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
    rowHasContent = true;
  }
  if (rowHasContent) out.push(rowStart);
  return out;
}

/** Options for reading a CSV of studies. */
export interface StudiesCsvOptions {
  /**
   * The label column(s) (metafor's `slab`): one name, or several joined by commas ("author,year" gives
   * "Aronson 1948"). Default: the first of `slab`, `study`, `author` (then with `year` appended, as metafor's
   * examples label dat.bcg) that the header has.
   */
  slab?: string;
}

/** The label columns used when no --slab is given, in order of preference. */
export const LABEL_COLUMNS = ['slab', 'study', 'author'] as const;

/**
 * Says what is wrong with a header that names none of the study columns: the usual causes are a semicolon or
 * tab separated file (a spreadsheet's "CSV" in many locales) and capitalised names (metafor's argument names
 * are lower-case). Returns null when nothing specific is wrong.
 */
export function headerProblem(header: readonly string[]): string | null {
  const known = new Set<string>(STUDY_COLUMNS);
  if (header.length === 1) {
    const only = header[0]!;
    for (const [sep, name] of [
      [';', 'semicolons'],
      ['\t', 'tabs'],
    ] as const) {
      if (only.includes(sep))
        return `the header "${only}" is one field: the file separates its fields with ${name}; RegenSpine reads comma-separated values (save the sheet as "CSV (comma delimited)", with a point as the decimal mark)`;
    }
  }
  const capitalised = header.filter((h) => !known.has(h) && known.has(h.toLowerCase()));
  if (capitalised.length > 0)
    return `column names are lower-case, as metafor's arguments: rename ${capitalised.map((h) => `"${h}" to "${h.toLowerCase()}"`).join(', ')}`;
  return null;
}

/** Reads a CSV of studies with columns named as metafor's arguments plus an optional label column. */
export function studiesFromCsv(text: string, opts: StudiesCsvOptions = {}): CsvStudies {
  const body = text.replace(/^\uFEFF/, '');
  const rows = parseCsv(body);
  if (rows.length < 1) throw new MetaError('the file is empty (expected a header row, then one row per study)');
  const lines = rowStartLines(body).slice(1);
  const header = rows[0]!.map((h) => h.trim());
  const problem = headerProblem(header);
  if (problem) throw new MetaError(problem);
  if (rows.length < 2)
    throw new MetaError(`the file has a header (${header.join(', ')}) but no data rows: add one row per study`);
  const seen = new Set<string>();
  for (const h of header) {
    if (h !== '' && seen.has(h)) throw new MetaError(`column "${h}" appears twice in the header`);
    seen.add(h);
  }
  const slabCols = opts.slab
    ? opts.slab
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '')
    : (() => {
        const first = LABEL_COLUMNS.find((c) => header.includes(c));
        if (!first) return [];
        return first === 'author' && header.includes('year') ? ['author', 'year'] : [first];
      })();
  for (const c of slabCols)
    if (!header.includes(c))
      throw new MetaError(`label column "${c}" (--slab) is not in the header (${header.join(', ')})`);
  const known = new Set<string>(STUDY_COLUMNS);
  const labels: string[] = [];
  const out: Record<string, number | null>[] = [];
  const extra: Record<string, string[]> = {};
  for (const h of header) if (!known.has(h) && h !== 'study') extra[h] = [];
  rows.slice(1).forEach((r, idx) => {
    const line = lines[idx] ?? idx + 2;
    if (r.length > header.length)
      throw new MetaError(
        `line ${line}: ${r.length} fields but the header has ${header.length} (a comma inside a value needs "quotes")`,
      );
    const rec: Record<string, number | null> = {};
    header.forEach((h, j) => {
      const raw = (r[j] ?? '').trim();
      if (h === 'study') return;
      if (!known.has(h)) {
        extra[h]!.push(raw);
        return;
      }
      if (raw === '' || raw === 'NA' || raw === '.') rec[h] = null;
      else {
        const v = Number(raw);
        if (!Number.isFinite(v))
          throw new MetaError(
            `line ${line}, column ${h}: "${raw}" is not a number${/^-?\d+,\d+$/.test(raw) ? ' (use a point as the decimal mark)' : ''}`,
          );
        rec[h] = v;
      }
    });
    const label = slabCols
      .map((c) => (r[header.indexOf(c)] ?? '').trim())
      .filter((x) => x !== '')
      .join(' ');
    labels.push(label !== '' ? label : `Study ${idx + 1}`);
    out.push(rec);
  });
  return { labels, rows: out, extra, header, lines };
}

/**
 * Why a study gives no effect size: the measure's argument columns that are empty in its row. Null when every
 * needed value is there (then the effect size itself is undefined, e.g. a proportion's logit at 0 events).
 */
export function missingValues(measure: string, row: Record<string, number | null>): string[] | null {
  const options = REQUIRED[measureKind(measure)]!;
  const gaps = options.map((cols) => cols.filter((c) => row[c] === null || row[c] === undefined));
  if (gaps.some((g) => g.length === 0)) return null;
  return gaps.reduce((a, b) => (b.length < a.length ? b : a));
}

/**
 * The argument columns a measure needs (metafor's escalc argument sets); each inner list is one alternative.
 * Used to say which columns a CSV lacks instead of failing later with "k = 0".
 */
const REQUIRED: Record<string, string[][]> = {
  two_by_two: [
    ['ai', 'bi', 'ci', 'di'],
    ['ai', 'n1i', 'ci', 'n2i'],
  ],
  means: [['m1i', 'sd1i', 'n1i', 'm2i', 'sd2i', 'n2i']],
  proportion: [['xi', 'ni']],
  mean: [['mi', 'sdi', 'ni']],
  correlation: [['ri', 'ni']],
  generic: [
    ['yi', 'vi'],
    ['yi', 'sei'],
  ],
};

function measureKind(measure: string): string {
  return ['RR', 'OR', 'RD', 'PETO'].includes(measure)
    ? 'two_by_two'
    : ['MD', 'SMD', 'ROM'].includes(measure)
      ? 'means'
      : ['PR', 'PLN', 'PLO', 'PAS', 'PFT'].includes(measure)
        ? 'proportion'
        : measure === 'MN'
          ? 'mean'
          : ['COR', 'ZCOR'].includes(measure)
            ? 'correlation'
            : 'generic';
}

export function missingColumns(measure: string, header: readonly string[]): string | null {
  const options = REQUIRED[measureKind(measure)]!;
  if (options.some((cols) => cols.every((c) => header.includes(c)))) return null;
  return `measure ${measure} needs the columns ${options.map((o) => o.join(', ')).join(' or ')}; the CSV has ${header.join(', ')}`;
}
