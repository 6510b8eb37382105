// Minimal, safe HTML building: every interpolated value is escaped unless it is explicitly marked raw.
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export const raw = (html: string) => new Raw(html);

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Part = string | number | null | undefined | boolean | Raw | Part[];

function flatten(p: Part): string {
  if (p === null || p === undefined || p === false || p === true) return '';
  if (p instanceof Raw) return p.html;
  if (Array.isArray(p)) return p.map(flatten).join('');
  return esc(p);
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText; nested html`` results pass through. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += flatten(values[i]!) + (strings[i + 1] ?? '');
  return new Raw(out);
}

// Narrow screens (a phone is ~390 CSS px): a table wider than the screen scrolls inside its own box
// (display:block + overflow-x:auto on the table itself, so the markup needs no wrapper and the page never gets
// wider than the screen); long words (DOIs, URLs, quotes) wrap anywhere inside cells. A box that scrolls must
// be reachable by keyboard (WCAG 2.1.1; axe's scrollable-region-focusable), so tables carry tabindex="0" and
// show a focus ring. test/e2e/narrow-screen.
const STYLE = `
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--accent:#0b4f8a;--line:#d0d7de;--warn:#8a3b00;--warnbg:#fff4e5;--ok:#14532d}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
a{color:var(--accent)}
a:focus,button:focus,summary:focus,input:focus,select:focus,table:focus{outline:3px solid #f5b400;outline-offset:2px}
header.site{background:#0b3a63;color:#fff;padding:.6rem 1rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header.site a{color:#fff;text-decoration:none;font-weight:600}
header.site nav a{font-weight:400;margin-right:1rem;text-decoration:underline}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#000;padding:.3rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}
caption{text-align:left;font-weight:600;padding:.3rem 0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.headline{font-size:1.1rem;font-weight:600;border-left:4px solid var(--accent);padding:.5rem .8rem;background:#f3f6f9}
.note{color:var(--muted);font-size:.92rem}
.warn{background:var(--warnbg);color:var(--warn);padding:.5rem .8rem;border-left:4px solid var(--warn)}
ul.insights li{margin:.4rem 0}
.ids{font-size:.85rem;color:var(--muted)}
details.prov{display:inline}
details.prov summary{cursor:pointer;color:var(--accent);font-size:.85rem;display:inline}
details.prov blockquote{margin:.3rem 0;padding:.3rem .6rem;border-left:3px solid var(--line);background:#fafafa;font-size:.9rem}
.tag{display:inline-block;border:1px solid var(--line);border-radius:3px;padding:0 .3rem;font-size:.85rem;margin-right:.2rem}
footer{max-width:72rem;margin:2rem auto;padding:1rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
form.inline{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
label{display:block;font-weight:600;font-size:.9rem}
input,select,button{font:inherit;padding:.3rem .5rem}
main{overflow-wrap:break-word}
td,th,caption{overflow-wrap:break-word}
@media (max-width:48rem){
table{display:block;max-width:100%;overflow-x:auto;-webkit-overflow-scrolling:touch}
main{padding:.75rem}
header.site{gap:.5rem 1rem}
header.site nav a{margin-right:.6rem}
}
`;

/** `style`: extra CSS for one kind of page (e.g. the patient guides' print stylesheet); `footer`: a line shown
 * before the standard footer text (e.g. a guide's measured reading level). */
export function page(title: string, body: Raw, opts: { nav?: boolean; style?: string; footer?: Raw } = {}): string {
  const nav =
    opts.nav === false
      ? ''
      : html`<nav aria-label="Main"><a href="/">Evidence</a><a href="/trials">Ongoing trials</a><a href="/sources">Sources</a><a href="/check">Check a claim</a><a href="/records">Imported records</a><a href="/registry">Registry</a><a href="/api/openapi.json">API</a></nav>`;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · RegenSpine</title><style>${raw(STYLE)}${raw(opts.style ?? '')}</style></head><body><a class="skip" href="#content">Skip to content</a><header class="site"><a href="/">RegenSpine</a>${nav}</header><main id="content">${body}</main><footer>${opts.footer ?? ''}RegenSpine keeps the evidence on regenerative therapies for chronic low back pain honest: every number links to the words of its source. Not medical advice.</footer></body></html>`.html}`;
}
