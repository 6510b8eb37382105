// Minimal RFC 4180 CSV parsing (quoted fields, doubled quotes, CRLF). Pure: takes the file text.
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
}

/** Reads a CSV of studies with columns named as metafor's arguments plus an optional `study` label. */
export function studiesFromCsv(text: string): CsvStudies {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (rows.length < 1) throw new Error('empty CSV file');
  const header = rows[0]!.map((h) => h.trim());
  const known = new Set<string>(STUDY_COLUMNS);
  const labels: string[] = [];
  const out: Record<string, number | null>[] = [];
  const extra: Record<string, string[]> = {};
  for (const h of header) if (!known.has(h) && h !== 'study') extra[h] = [];
  rows.slice(1).forEach((r, idx) => {
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
        if (!Number.isFinite(v)) throw new Error(`row ${idx + 2}, column ${h}: "${raw}" is not a number`);
        rec[h] = v;
      }
    });
    const si = header.indexOf('study');
    labels.push(si >= 0 && r[si] ? r[si]!.trim() : `Study ${idx + 1}`);
    out.push(rec);
  });
  return { labels, rows: out, extra };
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

export function missingColumns(measure: string, header: readonly string[]): string | null {
  const kind = ['RR', 'OR', 'RD', 'PETO'].includes(measure)
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
  const options = REQUIRED[kind]!;
  if (options.some((cols) => cols.every((c) => header.includes(c)))) return null;
  return `measure ${measure} needs the columns ${options.map((o) => o.join(', ')).join(' or ')}; the CSV has ${header.join(', ') || 'no columns'}`;
}
