// 100-person icon arrays (pictographs) as standalone SVG, drawn from a count out of 100 that the caller has
// derived from curated counts with denominators (src/guide/model.ts). Filled figures are drawn solid and the others as
// outlines, so the difference does not rest on colour alone; the SVG carries a <title> and <desc> text
// alternative. Pure.
import { esc } from './html.ts';

export interface IconArrayInput {
  /** how many of the 100 figures to fill (0–100, a whole number) */
  filled: number;
  /** short label (the SVG <title>) */
  title: string;
  /** the text alternative: what the picture shows, in words (the SVG <desc>) */
  description: string;
  /** unique within a page, for aria-labelledby */
  id: string;
}

const COLS = 10;
const CELL = 22;
const PERSON = (x: number, y: number, filled: boolean) => {
  // a head and a body, 14 × 19 units, centred in a 22 × 24 cell
  const cx = x + CELL / 2;
  const style = filled ? 'class="on"' : 'class="off"';
  return `<g ${style}><circle cx="${cx}" cy="${y + 5}" r="4"/><path d="M${cx - 7} ${y + 22} v-7 a7 6 0 0 1 14 0 v7 z"/></g>`;
};

export function iconArraySvg(x: IconArrayInput): string {
  if (!Number.isInteger(x.filled) || x.filled < 0 || x.filled > 100)
    throw new Error(`iconArraySvg: filled must be a whole number from 0 to 100 (got ${x.filled})`);
  const rows = 100 / COLS;
  const w = COLS * CELL;
  const h = rows * 24;
  const people: string[] = [];
  for (let i = 0; i < 100; i++) {
    const col = i % COLS;
    const row = Math.floor(i / COLS);
    people.push(PERSON(col * CELL, row * 24, i < x.filled));
  }
  const id = esc(x.id);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${id}-t ${id}-d" class="icon-array"><title id="${id}-t">${esc(x.title)}</title><desc id="${id}-d">${esc(x.description)}</desc><style>.on{fill:#0b4f8a}.off{fill:#fff;stroke:#6b7280;stroke-width:1.2}</style>${people.join('')}</svg>`;
}
