// Patient guides: GET /guide/prp, /guide/bmc, /guide/msc (and /api/guide/:therapy, the JSON of
// `regenspine guide --format json`). The guide is the pure model of src/guide/model.ts; this file renders it
// as a server-rendered page (no JavaScript) that reads on a phone and prints cleanly.
import type { Hono } from 'hono';
import { GUIDE_THERAPIES, type GuideTherapy } from '../guide/content.ts';
import { buildGuide, type Guide, type GuideSentence, type IconArray, SECTION_HEADINGS } from '../guide/model.ts';
import type { EvidenceSource } from './evidence-source.ts';
import { html, page, type Raw, raw } from './html.ts';
import { iconArraySvg } from './icon-array.ts';

const H = (i: number) => SECTION_HEADINGS[i]!;

// Guide layout: benefits and risks side by side on a wide screen, one above the other on a phone; a print
// stylesheet that drops the navigation, prints link targets of study links and keeps figures whole.
export const GUIDE_STYLE = `
.guide{max-width:60rem}
.guide p.lead{font-size:1.1rem}
.balance{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1.5rem;align-items:start}
.balance>section{border:1px solid var(--line);border-radius:6px;padding:.25rem 1rem 1rem}
.balance>section.benefits{border-top:6px solid var(--accent)}
.balance>section.risks{border-top:6px solid var(--warn)}
.guide ul{padding-left:1.2rem}.guide li{margin:.35rem 0}
.guide .sh{font-size:.8rem;border:1px solid var(--muted);border-radius:3px;padding:0 .25rem;color:var(--muted);white-space:nowrap}
.guide .cite{font-size:.85rem}
figure.ia{margin:1rem 0;padding:.5rem;border:1px solid var(--line);border-radius:6px}
figure.ia .pair{display:flex;flex-wrap:wrap;gap:1rem}
figure.ia .one{flex:1 1 10rem;max-width:15rem}
figure.ia svg{width:100%;height:auto;max-width:220px;display:block}
figure.ia .key{font-size:.85rem;color:var(--muted)}
.label{display:inline-block;font-size:.8rem;font-weight:600;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.reading{font-weight:600;color:var(--fg)}
@media (max-width:48rem){.balance{grid-template-columns:minmax(0,1fr)}}
@media print{
header.site,.skip{display:none}
body{font-size:11pt}
main{max-width:none;padding:0}
.balance{grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.75rem}
figure.ia,.balance>section,li{break-inside:avoid}
.guide a.study::after{content:" (" attr(href) ")";font-size:.75rem;color:#333}
a{color:#000}
}
`;

const studyLinks = (ids: string[]): Raw =>
  ids.length
    ? html` <span class="cite">[${ids.map((id, i) => html`${i ? ', ' : ''}<a class="study" href="/studies/${encodeURIComponent(id)}">${id}</a>`)}]</span>`
    : html``;

const sentence = (x: GuideSentence): Raw =>
  html`${x.text}${x.second_hand ? html` <span class="sh" title="known only as a review retells the study">second-hand</span>` : ''}${studyLinks(x.study_ids)}`;

const items = (xs: GuideSentence[]): Raw => html`<ul>${xs.map((x) => html`<li>${sentence(x)}</li>`)}</ul>`;

function iconFigure(a: IconArray, name: string): Raw {
  const treated = iconArraySvg({
    id: `${a.id}-t`,
    filled: a.treated.per_100,
    title: `About ${a.treated.per_100} in 100 people who had ${name}`,
    description: `Out of 100 people drawn, ${a.treated.per_100} are filled in: people who ${a.label} (${a.treated.events} of ${a.treated.n} in the study).`,
  });
  const control = a.control
    ? iconArraySvg({
        id: `${a.id}-c`,
        filled: a.control.per_100,
        title: `About ${a.control.per_100} in 100 people with ${a.control.label}`,
        description: `Out of 100 people drawn, ${a.control.per_100} are filled in (${a.control.events} of ${a.control.n} in the study).`,
      })
    : null;
  return html`<figure class="ia" id="${a.id}"><div class="pair"><div class="one"><span class="label">With ${name}</span>${raw(treated)}</div>${
    control
      ? html`<div class="one"><span class="label">With ${a.control!.label}</span>${raw(control)}</div>`
      : html`<div class="one"><span class="label">Without ${name}</span><p>No comparison group: not known.</p></div>`
  }</div><figcaption>${a.text}${a.second_hand ? html` <span class="sh">second-hand</span>` : ''}${studyLinks([a.study_id])}<br><span class="key">Filled figure = a person who ${a.label}; outline = a person who did not or was not counted. Per 100: ${a.formula}.${a.definition ? html` What the study counted: “${a.definition}”${a.when ? ` (${a.when})` : ''}.` : ''}</span></figcaption></figure>`;
}

export function renderGuide(g: Guide): string {
  const name = g.therapy === 'msc' ? 'stem cells' : g.therapy.toUpperCase();
  const others = GUIDE_THERAPIES.filter((t) => t !== g.therapy);
  const body = html`<article class="guide">
<h1>${g.title} for ${g.condition}: a guide for patients</h1>
<p class="lead">What the research shows and does not show, the risks, and the questions to ask before you pay for a procedure. Other guides: ${others.map((t, i) => html`${i ? ' · ' : ''}<a href="/guide/${t}">${t === 'msc' ? 'stem cells' : t.toUpperCase()}</a>`)}.</p>
<section aria-labelledby="h-short"><h2 id="h-short">${H(0)}</h2>${items(g.summary)}</section>
<section aria-labelledby="h-what"><h2 id="h-what">${H(1)}</h2><p>${g.what_it_is.map((x) => html`${x.text} `)}</p></section>
<div class="balance">
<section class="benefits" aria-labelledby="h-benefits"><h2 id="h-benefits">${H(7)}: ${H(2).toLowerCase()}</h2>
${g.benefits.map((b) => html`<h3>${b.heading}</h3>${items(b.sentences)}`)}
<h3>${H(3)}</h3>${g.icon_arrays.map((a) => iconFigure(a, name))}${items(g.icon_notes)}
</section>
<section class="risks" aria-labelledby="h-risks"><h2 id="h-risks">${H(8)}</h2>
<h3>${H(9)}</h3>${items(g.harms.reported)}
<h3>${H(10)}</h3><p>${g.harms.general_intro.text} <span class="note">(from a patient article, not counted in these studies)</span></p><ul>${g.harms.general.map((x) => html`<li>${x.text}</li>`)}</ul>
</section>
</div>
<section aria-labelledby="h-not"><h2 id="h-not">${H(4)}</h2>${items(g.not_improved)}</section>
<section aria-labelledby="h-unmeasured"><h2 id="h-unmeasured">${H(5)}</h2>${items(g.not_measured)}</section>
<section aria-labelledby="h-follow"><h2 id="h-follow">${H(6)}</h2>${items(g.followup)}</section>
<section aria-labelledby="h-rules"><h2 id="h-rules">${H(11)}</h2><p>${g.regulatory.map((x) => html`${x.text} `)}</p></section>
<section aria-labelledby="h-cost"><h2 id="h-cost">${H(12)}</h2><p>${g.cost.map((x) => html`${x.text} `)}</p></section>
<section aria-labelledby="h-ask"><h2 id="h-ask">${H(13)}</h2><ul>${g.questions.map((x) => html`<li>${x.text}</li>`)}</ul></section>
<section aria-labelledby="h-trials"><h2 id="h-trials">${H(14)}</h2><p>${g.trials_intro.text}</p>${
    g.trials.length
      ? html`<ul>${g.trials.map(
          (t) =>
            html`<li><strong>${t.nct ? html`<a href="https://clinicaltrials.gov/study/${t.nct}">${t.nct}</a>` : t.id}</strong>: ${t.title}. This trial is ${t.status_plain}.${t.status_as_of ? html` <span class="note">Status as listed on ${t.status_as_of} (${t.status_basis ?? 'as recorded'}); check the registry for today’s status.</span>` : ''} <a class="study" href="/studies/${encodeURIComponent(t.id)}">details</a></li>`,
        )}</ul>`
      : html`<p>No registered trial of this treatment is in the evidence base.</p>`
  }</section>
<p class="note">Results and how sure we are come from the <a href="/api/sof?therapy=${g.therapy}">Summary of Findings</a>. “Second-hand” marks numbers known only as a review retells the study. Each study link shows the source’s exact words.</p>
</article>`;
  const footer = html`<p class="reading" id="reading-level">Reading level: Flesch–Kincaid grade ${g.readability.grade} (target ${g.readability.target} or lower), measured over ${g.readability.sentences} sentences and ${g.readability.words} words with ${g.readability.library}.</p>`;
  return page(`${g.title}: a guide for patients`, body, { style: GUIDE_STYLE, footer });
}

export function mountGuide(
  app: Hono,
  source: EvidenceSource,
  cachedBody: (key: string, contentType: string, render: () => string) => Response,
  notFound: (what: string) => string,
): void {
  const build = (t: GuideTherapy) => {
    const inputs = source.sofInputs?.() ?? { mcids: {}, judgements: [] };
    return buildGuide(source.studies(), source.statements?.() ?? [], { therapy: t, ...inputs });
  };
  const therapyOf = (p: string): GuideTherapy | null =>
    (GUIDE_THERAPIES as readonly string[]).includes(p.toLowerCase()) ? (p.toLowerCase() as GuideTherapy) : null;
  app.get('/guide/:therapy', (c) => {
    const t = therapyOf(c.req.param('therapy'));
    if (!t)
      return c.html(
        notFound(`No patient guide "${c.req.param('therapy')}": guides are ${GUIDE_THERAPIES.join(', ')}.`),
        404,
      );
    return cachedBody(`/guide/${t}`, 'text/html; charset=UTF-8', () => renderGuide(build(t)));
  });
  app.get('/api/guide/:therapy', (c) => {
    const t = therapyOf(c.req.param('therapy'));
    if (!t) return c.json({ error: `therapy must be one of: ${GUIDE_THERAPIES.join(', ')}`, field: 'therapy' }, 400);
    return cachedBody(`/api/guide/${t}`, 'application/json', () => JSON.stringify(build(t)));
  });
}

/** The OpenAPI entry of GET /api/guide/{therapy} (src/web/openapi.ts). */
export function guidePath() {
  return {
    get: {
      summary:
        'The patient guide of one therapy (regenspine.guide/1): plain-language sentences with their studies and SoF certainty, icon-array counts, risks, trials and the Flesch–Kincaid grade',
      parameters: [
        { name: 'therapy', in: 'path', required: true, schema: { type: 'string', enum: [...GUIDE_THERAPIES] } },
      ],
      responses: {
        '200': { description: 'the guide', content: { 'application/json': { schema: { type: 'object' } } } },
        '400': { description: '{error, field: "therapy"}: not one of prp, bmc, msc' },
      },
    },
  };
}
