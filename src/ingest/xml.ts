import { AppError } from '../errors.ts';
// A small, strict, fast XML parser for one record at a time (a <PubmedArticle>, a <clinical_study>), producing a
// compact element tree. Safety by construction: it knows only the five predefined entities and character
// references; a DOCTYPE inside a record is refused; nothing is ever fetched or expanded. Elements named in
// `skip` are jumped over without being parsed (e.g. ReferenceList), which keeps per-record work and memory to
// the fields we use.

export interface XNode {
  name: string;
  attrs: Record<string, string> | null;
  children: (XNode | string)[];
}

/** Malformed XML in a record; `offset` is where in the record text. */
export class XmlError extends AppError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY_RE = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z_][\w.-]*)?;?/g;

/** Replaces the predefined entities and character references. Throws on an undefined or malformed entity. */
export function decodeEntities(s: string, offset = 0): string {
  if (s.indexOf('&') < 0) return s;
  ENTITY_RE.lastIndex = 0;
  return s.replace(ENTITY_RE, (m, body: string | undefined, at: number) => {
    if (!body || !m.endsWith(';')) throw new XmlError(`malformed entity reference "${m.slice(0, 20)}"`, offset + at);
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
        throw new XmlError(`invalid character reference &${body};`, offset + at);
      }
      return String.fromCodePoint(code);
    }
    const v = PREDEFINED[body];
    if (v === undefined) {
      throw new XmlError(`undefined entity &${body}; (entities from a DOCTYPE are never expanded)`, offset + at);
    }
    return v;
  });
}

function isNameEnd(c: number): boolean {
  // space, tab, CR, LF, '/', '>'
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 47 || c === 62;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Elements that may contain themselves (PubMed's ReferenceList does); others are skipped to their first end tag. */
const NESTING = new Set(['ReferenceList', 'Reference']);

/** The next end tag of exactly `name` from `from`: "</name" followed by white space or ">" (XML 1.0 §3.1,
 * ETag ::= '</' Name S? '>'), so "</ReferenceX>" does not end <Reference>; or by the end of the text (then the
 * caller reports the unclosed end tag). -1 when there is none. */
function findEndTag(s: string, close: string, from: number): number {
  for (let c = s.indexOf(close, from); c >= 0; c = s.indexOf(close, c + close.length)) {
    const nc = s.charCodeAt(c + close.length);
    if (nc === 62 || isSpace(nc) || Number.isNaN(nc)) return c;
  }
  return -1;
}

/** Finds the end of element `name` whose start tag ended at `from`. */
function skipElement(s: string, from: number, name: string): number {
  const close = `</${name}`;
  if (!NESTING.has(name)) {
    const c = findEndTag(s, close, from);
    if (c < 0) throw new XmlError(`<${name}> is not closed`, from);
    const gt = s.indexOf('>', c);
    if (gt < 0) throw new XmlError(`</${name}> is not closed`, c);
    return gt + 1;
  }
  const open = `<${name}`;
  let depth = 1;
  let i = from;
  while (depth > 0) {
    const c = findEndTag(s, close, i);
    if (c < 0) throw new XmlError(`<${name}> is not closed`, from);
    // nested opens between i and c (searched in the slice, so the search stops at c)
    const region = s.slice(i, c);
    let o = region.indexOf(open);
    while (o >= 0) {
      const nc = region.charCodeAt(o + open.length);
      if (Number.isNaN(nc) || isNameEnd(nc)) {
        const gt = s.indexOf('>', i + o);
        if (gt > 0 && s.charCodeAt(gt - 1) !== 47) depth++;
      }
      o = region.indexOf(open, o + open.length);
    }
    depth--;
    const gt = s.indexOf('>', c);
    if (gt < 0) throw new XmlError(`</${name}> is not closed`, c);
    i = gt + 1;
  }
  return i;
}

/**
 * Parses one element (with optional surrounding white space, comments and processing instructions) into a tree.
 * Throws XmlError with the offset of the problem.
 */
export function parseXml(s: string, skip?: ReadonlySet<string>): XNode {
  const n = s.length;
  const stack: XNode[] = [];
  let root: XNode | null = null;
  let top: XNode | null = null;
  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      if (top) {
        // indentation (white space with a line break) between elements is layout, not text
        let k = i;
        let nl = false;
        for (; k < textEnd; k++) {
          const ch = s.charCodeAt(k);
          if (ch === 10) nl = true;
          else if (ch !== 32 && ch !== 9 && ch !== 13) break;
        }
        if (k < textEnd || !nl) {
          const raw = s.slice(i, textEnd);
          top.children.push(raw.indexOf('&') >= 0 ? decodeEntities(raw, i) : raw);
        }
      } else {
        for (let k = i; k < textEnd; k++) {
          if (!isSpace(s.charCodeAt(k))) throw new XmlError('text outside the root element', k);
        }
      }
    }
    if (lt < 0) break;
    const c = s.charCodeAt(lt + 1);
    if (c === 47) {
      // </name>
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0) throw new XmlError('unterminated end tag', lt);
      let e = gt;
      while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
      if (!top || e - lt - 2 !== top.name.length || !s.startsWith(top.name, lt + 2)) {
        const name = s.slice(lt + 2, e);
        if (!top) throw new XmlError(`unexpected </${name}>`, lt);
        throw new XmlError(`</${name}> does not close <${top.name}>`, lt);
      }
      stack.pop();
      top = stack.length > 0 ? stack[stack.length - 1]! : null;
      i = gt + 1;
      continue;
    }
    if (c === 33) {
      // <!-- -->, <![CDATA[ ]]>, <!DOCTYPE
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        if (e < 0) throw new XmlError('unterminated comment', lt);
        i = e + 3;
        continue;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e < 0) throw new XmlError('unterminated CDATA section', lt);
        if (!top) throw new XmlError('CDATA outside the root element', lt);
        top.children.push(s.slice(lt + 9, e));
        i = e + 3;
        continue;
      }
      throw new XmlError('markup declaration (DOCTYPE/ENTITY) inside a record is refused', lt);
    }
    if (c === 63) {
      const e = s.indexOf('?>', lt + 2);
      if (e < 0) throw new XmlError('unterminated processing instruction', lt);
      i = e + 2;
      continue;
    }
    // start tag
    let j = lt + 1;
    while (j < n && !isNameEnd(s.charCodeAt(j))) j++;
    if (j === lt + 1) throw new XmlError('"<" not followed by a name', lt);
    if (j >= n) throw new XmlError('unterminated start tag', lt);
    const name = s.slice(lt + 1, j);
    let attrs: Record<string, string> | null = null;
    let selfClose = false;
    for (;;) {
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      if (j >= n) throw new XmlError(`unterminated start tag <${name}>`, lt);
      const ch = s.charCodeAt(j);
      if (ch === 62) {
        j++;
        break;
      }
      if (ch === 47) {
        if (s.charCodeAt(j + 1) !== 62) throw new XmlError(`malformed start tag <${name}>`, j);
        selfClose = true;
        j += 2;
        break;
      }
      const eq = s.indexOf('=', j);
      if (eq < 0) throw new XmlError(`malformed attribute in <${name}>`, j);
      let ae = eq;
      while (ae > j && isSpace(s.charCodeAt(ae - 1))) ae--;
      const an = s.slice(j, ae);
      if (an.length === 0 || an.indexOf('<') >= 0 || an.indexOf('"') >= 0 || an.indexOf(' ') >= 0) {
        throw new XmlError(`malformed attribute in <${name}>`, j);
      }
      let q = eq + 1;
      while (q < n && isSpace(s.charCodeAt(q))) q++;
      const quote = s.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlError(`unquoted attribute value in <${name}>`, q);
      const ve = s.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (ve < 0) throw new XmlError(`unterminated attribute value in <${name}>`, q);
      const rawv = s.slice(q + 1, ve);
      if (rawv.indexOf('<') >= 0) throw new XmlError(`"<" in attribute value of <${name}>`, q);
      if (!attrs) attrs = {};
      attrs[an] = rawv.indexOf('&') >= 0 ? decodeEntities(rawv, q + 1) : rawv;
      j = ve + 1;
    }
    const node: XNode = { name, attrs, children: [] };
    if (top) top.children.push(node);
    else if (root) throw new XmlError(`second root element <${name}>`, lt);
    else root = node;
    if (selfClose) {
      i = j;
      continue;
    }
    if (skip?.has(name) && top) {
      i = skipElement(s, j, name);
      continue;
    }
    stack.push(node);
    top = node;
    i = j;
  }
  if (top) throw new XmlError(`unexpected end of record: <${top.name}> is not closed`, n);
  if (!root) throw new XmlError('no element', 0);
  return root;
}

// ---------------------------------------------------------------- tree helpers

export function child(node: XNode | null | undefined, name: string): XNode | null {
  if (!node) return null;
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) return c;
  return null;
}

export function childrenNamed(node: XNode | null | undefined, name: string): XNode[] {
  const out: XNode[] = [];
  if (!node) return out;
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) out.push(c);
  return out;
}

/** child(child(node, a), b)… for a "A/B/C" path. */
export function at(node: XNode | null | undefined, path: string): XNode | null {
  let cur: XNode | null = node ?? null;
  for (const p of path.split('/')) {
    cur = child(cur, p);
    if (!cur) return null;
  }
  return cur;
}

const TIGHT = new Set(['sub', 'sup', 'mml:msub', 'mml:msup']);

function collect(node: XNode, out: string[]): void {
  const math = node.name.startsWith('mml:') || node.name === 'math';
  for (const c of node.children) {
    if (typeof c === 'string') {
      // MathML: layout white space between tokens is not text ("V . O 2 m a x" → "V.O2max")
      if (!(math && c.trim() === '')) out.push(math ? c.trim() : c);
    } else {
      // a pretty-printer's line break before <sub>/<sup> is not a space: "β\n\t<sub>2</sub>" reads "β2"
      if (TIGHT.has(c.name) && out.length > 0) {
        const last = out[out.length - 1]!;
        if (/\n\s*$/.test(last)) out[out.length - 1] = last.replace(/\s+$/, '');
      }
      collect(c, out);
    }
  }
}

/** The text content (markup such as <i>, <sup>, MathML reduced to its text), white space squashed. */
export function textOf(node: XNode | null | undefined): string {
  if (!node) return '';
  const ch = node.children;
  let s: string;
  if (ch.length === 1 && typeof ch[0] === 'string') s = ch[0];
  else {
    const out: string[] = [];
    collect(node, out);
    s = out.join('');
  }
  // fast path: nothing to squash
  const n = s.length;
  if (n === 0) return s;
  if (
    !isSpace(s.charCodeAt(0)) &&
    !isSpace(s.charCodeAt(n - 1)) &&
    s.indexOf('\n') < 0 &&
    s.indexOf('  ') < 0 &&
    s.indexOf('\t') < 0 &&
    s.indexOf('\r') < 0
  ) {
    return s;
  }
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * The text content with its paragraphs kept: blank lines separate paragraphs (joined with "\n\n"), and white
 * space inside a paragraph is squashed. ClinicalTrials.gov's legacy XML wraps its textblocks at about 70
 * columns and marks paragraphs with blank lines; its JSON gives the same text with "\n\n" between paragraphs.
 * `breaks: 'line'` is for its unwrapped elements (outcome descriptions), where one line break stands for the
 * JSON's "\n\n".
 */
export function paragraphsOf(
  node: XNode | null | undefined,
  breaks: 'blank-line' | 'line' = 'blank-line',
): string | null {
  if (!node) return null;
  const out: string[] = [];
  collect(node, out);
  const paras = out
    .join('')
    .split(breaks === 'line' ? /\r?\n/ : /\n[ \t\r]*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 0);
  return paras.length > 0 ? paras.join('\n\n') : null;
}

/** textOf, or null for an empty text. */
export function textOrNull(node: XNode | null | undefined): string | null {
  const t = textOf(node);
  return t.length > 0 ? t : null;
}
