// The HTML of checked claims: the text itself with each claim marked where it stands (its verdict's class, icon
// and word, not colour alone), then the claims with reasons and sources in <details>. Shared by the /check page and
// `regenspine check-claims --format html`. Pure.
import { VERDICT_LABEL } from '../claims/render.ts';
import { type CheckedClaim, VERDICTS, type Verdict } from '../claims/types.ts';
import { html, page, type Raw, raw } from './html.ts';

/** CSS for the marked-up text; colours pass WCAG AA on their backgrounds, and the icon and word carry the verdict. */
export const CLAIM_STYLE = `
.checked{line-height:1.9;white-space:pre-wrap;border:1px solid var(--line);padding:.75rem;background:#fcfcfc}
.claim{border-radius:3px;padding:.05rem .2rem;border-bottom:3px solid}
.v-supported{background:#e6f4ea;border-color:#1e6b34}
.v-contradicted{background:#fde7e7;border-color:#a4161a}
.v-overstated{background:#fff1d6;border-color:#8a4b00}
.v-unsupported{background:#eceff3;border-color:#3d4a5c}
.v-unverifiable{background:#ede7f6;border-color:#4a2c82}
.v-not-checkable{background:#f5f5f5;border-color:#6b6b6b}
.badge{font-weight:700;font-size:.8rem;white-space:nowrap}
.claim sup a{text-decoration:none}
ol.claims>li{margin:.6rem 0;padding:.4rem .6rem;border-left:6px solid}
ol.claims details summary{cursor:pointer;color:var(--accent)}
ol.claims blockquote{margin:.3rem 0;padding:.3rem .6rem;border-left:3px solid var(--line);background:#fafafa;font-size:.9rem}
.summary-counts span{margin-right:1rem}
`;

function badge(v: Verdict): Raw {
  const l = VERDICT_LABEL[v];
  return html`<span class="badge"><span aria-hidden="true">${l.icon}</span> ${l.word}</span>`;
}

/**
 * The text with each claim marked where it stands (its verdict's class, icon and word, and a link to its
 * reasons), then the numbered list of claims with reasons and sources in <details>.
 */
export function claimsToHtml(text: string, claims: CheckedClaim[]): Raw {
  const order = claims.map((c, i) => ({ c, i })).sort((a, b) => a.c.start - b.c.start);
  const parts: Raw[] = [];
  let at = 0;
  for (const { c, i } of order) {
    if (c.start < at) continue; // segments never overlap; guard anyway
    parts.push(html`${text.slice(at, c.start)}`);
    parts.push(
      html`<mark class="claim v-${c.verdict}" id="t${i + 1}">${text.slice(c.start, c.end)} <sup>${badge(c.verdict)} <a href="#c${i + 1}" aria-label="claim ${i + 1}: reasons">[${i + 1}]</a></sup></mark>`,
    );
    at = c.end;
  }
  parts.push(html`${text.slice(at)}`);
  const items = claims.map(
    (c, i) =>
      html`<li id="c${i + 1}" class="v-${c.verdict}"><p>${badge(c.verdict)} <span class="tag">${c.kind}</span>${c.therapy ? html`<span class="tag">${c.therapy}</span>` : ''} <a href="#t${i + 1}">“${c.text}”</a></p>
<details><summary>Why ${VERDICT_LABEL[c.verdict].word}${c.evidence.length ? html` · ${c.evidence.length} source${c.evidence.length === 1 ? '' : 's'}` : ''}</summary><p>${c.reason}</p>${
        c.study_ids.length
          ? html`<p class="ids">Studies: ${c.study_ids.map((id, j) => html`${j ? ', ' : ''}<a href="/studies/${encodeURIComponent(id)}">${id}</a>`)}</p>`
          : ''
      }${c.evidence.map(
        (e) =>
          html`<blockquote><p>“${e.quote}”</p><p class="note">${e.study_id ? html`<a href="/studies/${encodeURIComponent(e.study_id)}">${e.study_id}</a> · ` : ''}${e.document.startsWith('docs/') ? e.document : html`<a href="/sources#${e.document}">${e.document}</a>`}, ${e.locator}</p></blockquote>`,
      )}</details></li>`,
  );
  const counts = VERDICTS.map((v) => html`<span>${badge(v)}: ${claims.filter((c) => c.verdict === v).length}</span>`);
  return html`<section aria-labelledby="checked-h"><h2 id="checked-h">The text, claim by claim</h2><p class="summary-counts">${counts}</p><div class="checked">${parts}</div></section>
<section aria-labelledby="claims-h"><h2 id="claims-h">Claims, verdicts and reasons</h2><ol class="claims">${items}</ol></section>`;
}

/** A standalone page of checked claims (the CLI's --format html). */
export function claimsPage(title: string, text: string, claims: CheckedClaim[]): string {
  return page(title, html`<style>${raw(CLAIM_STYLE)}</style><h1>${title}</h1>${claimsToHtml(text, claims)}`);
}
