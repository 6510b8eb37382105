// The ePRO pages (src/web/registry/epro-view.tsx) rendered from hand-built view models, without a database or
// a server: the patient's questionnaire under /q/<secret> (no site navigation, nothing about the patient, the
// licensed ODI / EQ-5D-3L only with the clinic's wording, docs/reference/instruments.md and
// src/registry/prom-text.ts), its refusal and thank-you pages, and the coordinator's links page. hono/jsx
// escapes & < > " ' as &amp; &lt; &gt; &quot; &#39; (node_modules/hono/dist/utils/html.js).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LicensedPromText } from '../../src/registry/prom-text.ts';
import {
  eproValuesOf,
  linksPage,
  patientFormPage,
  refusalPage,
  thankYouPage,
} from '../../src/web/registry/epro-view.tsx';
import type { Permissions } from '../../src/web/registry/middleware.ts';
import type { ViewCtx } from '../../src/web/registry/views.tsx';

const EVIL = `<script>&"'`;
const EVIL_HTML = '&lt;script&gt;&amp;&quot;&#39;';

const main = (html: string): string => {
  const start = html.indexOf('<main id="content">');
  const end = html.indexOf('</main>');
  assert.ok(start >= 0 && end > start, 'the page shell has a <main>');
  return html.slice(start + '<main id="content">'.length, end).replace(/^<style>[\s\S]*?<\/style>/, '');
};
const body = (html: string): string => main(html).replace(/^<nav class="registry"[\s\S]*?<\/nav>/, '');
const has = (html: string, fragment: string) =>
  assert.ok(html.includes(fragment), `expected the fragment\n  ${fragment}\nin\n  ${html}`);
const lacks = (html: string, fragment: string) =>
  assert.ok(!html.includes(fragment), `did not expect the fragment\n  ${fragment}\nin\n  ${html}`);

const inv = { timepoint: '3m', site_name: 'North Clinic', expires_at: new Date('2025-04-20T23:00:00Z') };
const licensed: LicensedPromText = {
  licence: `Licence ${EVIL}`,
  ODI: {
    version: 'ODI v2.1a',
    sections: Array.from({ length: 10 }, (_, i) => ({
      title: `Section ${i}`,
      statements: Array.from({ length: 6 }, (_, k) => `S${i}.${k}`),
    })),
  },
  EQ5D3L: {
    version: 'EQ-5D-3L UK',
    dimensions: {
      MO: ['m1', 'm2', 'm3'],
      SC: ['s1', 's2', 's3'],
      UA: ['u1', 'u2', 'u3'],
      PD: ['p1', 'p2', 'p3'],
      AD: ['a1', 'a2', 'a3'],
    },
    vas: 'Mark your health today',
  },
};

describe('the patient questionnaire', () => {
  test('a patient page: no site navigation, no registry navigation, its own style', () => {
    const html = patientFormPage('sec', inv, null, null, null);
    assert.match(html, /<title>Your questionnaire · RegenSpine<\/title>/);
    lacks(html, '<nav');
    has(html, '<main id="content"><style>body{max-width:40rem}fieldset{border:1px solid #ccd;');
    has(html, '.note{color:#444;font-size:.95rem}</style><h1>Your questionnaire</h1>');
  });

  test('the visit in words, the site escaped; an unknown timepoint is "now"', () => {
    const words: [string, string][] = [
      ['baseline', 'before your treatment'],
      ['1m', 'one month after your treatment'],
      ['3m', 'three months after your treatment'],
      ['6m', 'six months after your treatment'],
      ['12m', 'one year after your treatment'],
      ['24m', 'two years after your treatment'],
      ['36m', 'now'],
    ];
    for (const [tp, w] of words) {
      has(
        main(patientFormPage('sec', { ...inv, timepoint: tp, site_name: EVIL }, null, null, null)),
        `<h1>Your questionnaire</h1><p>${EVIL_HTML} asks how you are ${w}. It takes about 10 minutes. Please answer every question; you can send the form once.</p><form method="post" action="/q/sec">`,
      );
    }
  });

  test('without the licensed wording: NRS, PROMIS-10 and opioids only; ODI and EQ-5D with the clinic', () => {
    const html = main(patientFormPage('sec', inv, null, null, null));
    lacks(html, 'Back pain and daily life');
    lacks(html, 'Your health today</legend>');
    lacks(html, 'name="odi.');
    lacks(html, 'name="eq5d.');
    has(
      html,
      '<p class="note">Your clinic will ask you the back-pain disability (Oswestry) and EQ-5D questions itself.</p><p><button class="primary" type="submit">Send my answers</button></p></form>',
    );
    has(html, '<p class="note">This link works once and only for this questionnaire; it expires 2025-04-20.</p>');
  });

  test('the pain question: a 0–10 scale of labelled radios', () => {
    const html = main(patientFormPage('sec', inv, null, { nrs: '7' }, null));
    const radios = Array.from({ length: 11 }, (_, i) =>
      i === 7
        ? '<label class="opt"><input type="radio" name="nrs" value="7" checked=""/>7</label>'
        : `<label class="opt"><input type="radio" name="nrs" value="${i}"/>${i}</label>`,
    ).join('');
    has(
      html,
      '<fieldset><legend>Pain</legend><fieldset class="q"><legend>How bad is your back pain today? 0 = no pain, 10 = the worst pain you can imagine.</legend>' +
        `<div class="scale">${radios}</div></fieldset></fieldset>`,
    );
  });

  test('PROMIS-10 in the form order, the 0–10 pain item as a scale, answers kept', () => {
    const html = main(patientFormPage('sec', inv, null, { 'promis.Global01': '4' }, null));
    has(
      html,
      '<fieldset><legend>Your health in general</legend><p class="note">PROMIS Global Health v1.2, free to use under PROMIS Health Organization terms.</p>' +
        '<fieldset class="q"><legend>1. In general, would you say your health is:</legend><div><label class="opt"><input type="radio" name="promis.Global01" value="5"/>Excellent</label>' +
        '<label class="opt"><input type="radio" name="promis.Global01" value="4" checked=""/>Very good</label>',
    );
    // prom-text.ts: the form's order is 01–05, 09, 06, 10, 08, 07; Global07 is the 0–10 pain rating.
    assert.ok(html.indexOf('name="promis.Global09"') < html.indexOf('name="promis.Global06"'));
    assert.ok(html.indexOf('name="promis.Global08"') < html.indexOf('name="promis.Global07"'));
    const g07 = html.slice(html.lastIndexOf('<fieldset class="q"', html.indexOf('name="promis.Global07"')));
    assert.match(g07, /^<fieldset class="q"><legend>10\. [^<]+<\/legend><div class="scale">/);
    const g06 = html.slice(html.lastIndexOf('<fieldset class="q"', html.indexOf('name="promis.Global06"')));
    assert.match(g06, /^<fieldset class="q"><legend>7\. [^<]+<\/legend><div>/);
  });

  test('opioids: yes/no, then three rows of labelled medicine, dose, doses per day and patch', () => {
    const html = main(
      patientFormPage(
        'sec',
        inv,
        null,
        {
          'opioids.taking': 'true',
          'opioids[1].drug': 'fentanyl-transdermal',
          'opioids[1].dose_mcg_per_h': '25',
          'opioids[0].dose_mg': EVIL,
        },
        null,
      ),
    );
    has(
      html,
      '<fieldset><legend>Opioid pain medicines</legend><fieldset class="q"><legend>Do you take opioid pain medicines (for example codeine, tramadol, oxycodone, morphine, or a fentanyl patch)?</legend>' +
        '<div><label class="opt"><input type="radio" name="opioids.taking" value="false"/>No</label><label class="opt"><input type="radio" name="opioids.taking" value="true" checked=""/>Yes</label></div></fieldset>' +
        '<p class="note">If yes, tell us what you take on a usual day, as on the pack.</p>' +
        '<div><label for="op0">Medicine 1</label><br/><select id="op0" name="opioids[0].drug"><option value="">—</option><option value="codeine">codeine</option>' +
        '<option value="fentanyl-transdermal">fentanyl transdermal</option>',
    );
    has(
      html,
      '<option value="buprenorphine">buprenorphine</option></select><br/><label for="op0mg">Strength of one dose (mg)</label><br/>',
    );
    has(html, `<input id="op0mg" name="opioids[0].dose_mg" type="number" step="any" min="0" value="${EVIL_HTML}"/>`);
    has(
      html,
      '<label for="op0n">Doses per day</label><br/><input id="op0n" name="opioids[0].doses_per_day" type="number" step="any" min="0" value=""/>',
    );
    has(
      html,
      '<label for="op0p">Patch strength (mcg/h), for patches</label><br/><input id="op0p" name="opioids[0].dose_mcg_per_h" type="number" step="any" min="0" value=""/></div>',
    );
    has(
      html,
      '<label for="op1">Medicine 2</label><br/><select id="op1" name="opioids[1].drug"><option value="">—</option><option value="codeine">codeine</option><option value="fentanyl-transdermal" selected="">fentanyl transdermal</option>',
    );
    has(html, '<input id="op1p" name="opioids[1].dose_mcg_per_h" type="number" step="any" min="0" value="25"/>');
    has(html, '<label for="op2">Medicine 3</label>');
    lacks(html, 'opioids[3]');
  });

  test('an error: "Not sent yet." as an alert, escaped', () => {
    has(
      main(patientFormPage('sec', inv, null, null, `NRS: required ${EVIL}`)),
      `you can send the form once.</p><div class="error" role="alert"><strong>Not sent yet.</strong> NRS: required ${EVIL_HTML}</div><form`,
    );
    lacks(main(patientFormPage('sec', inv, null, null, null)), 'role="alert"');
  });

  test('the link secret is escaped in the form action', () => {
    has(main(patientFormPage(`a"b&c`, inv, null, null, null)), '<form method="post" action="/q/a&quot;b&amp;c">');
  });

  test("with the clinic's licensed wording: the ODI statements and EQ-5D levels, nothing left for the clinic", () => {
    const html = main(patientFormPage('sec', inv, licensed, { 'odi.2': '4', 'eq5d.UA': '3', 'eq5d.vas': '65' }, null));
    has(
      html,
      `<form method="post" action="/q/sec"><fieldset><legend>Back pain and daily life</legend><p class="note">ODI v2.1a. Licence ${EVIL_HTML}. In each section, choose the one statement that describes you today.</p>` +
        '<fieldset class="q"><legend>1. Section 0</legend><div><label class="opt"><input type="radio" name="odi.0" value="0"/>S0.0</label>',
    );
    has(html, '<label class="opt"><input type="radio" name="odi.2" value="4" checked=""/>S2.4</label>');
    has(html, '<fieldset class="q"><legend>10. Section 9</legend>');
    has(
      html,
      `<fieldset><legend>Your health today</legend><p class="note">EQ-5D-3L UK. Licence ${EVIL_HTML}.</p><fieldset class="q"><legend>Mobility</legend>` +
        '<div><label class="opt"><input type="radio" name="eq5d.MO" value="1"/>m1</label>',
    );
    has(html, '<label class="opt"><input type="radio" name="eq5d.UA" value="3" checked=""/>u3</label>');
    // the five EQ-5D-3L dimensions in the order of their digits (docs/reference/instruments.md §3.1)
    const dims = [
      ...html.matchAll(
        /<fieldset class="q"><legend>([^<]*)<\/legend><div><label class="opt"><input type="radio" name="eq5d\./g,
      ),
    ];
    assert.deepEqual(
      dims.map((m) => m[1]),
      ['Mobility', 'Self-care', 'Usual activities', 'Pain / discomfort', 'Anxiety / depression'],
    );
    has(
      html,
      '<div><label for="eqvas">Mark your health today</label><br/><input id="eqvas" name="eq5d.vas" type="number" min="0" max="100" value="65"/></div></fieldset>',
    );
    lacks(html, 'Your clinic will ask you');
    // The ODI comes first, the pain scale after it.
    assert.ok(html.indexOf('Back pain and daily life') < html.indexOf('<legend>Pain</legend>'));
    assert.ok(html.indexOf('<legend>Pain</legend>') < html.indexOf('Your health today</legend>'));
  });

  test('only one licensed instrument: the other is left to the clinic; the VAS label defaults', () => {
    const eqOnly = { licence: 'L', EQ5D3L: { ...licensed.EQ5D3L!, vas: undefined } } as LicensedPromText;
    const html = main(patientFormPage('sec', inv, eqOnly, null, null));
    has(html, '<p class="note">Your clinic will ask you the back-pain disability (Oswestry) questions itself.</p>');
    has(html, '<label for="eqvas">Your health today, from 0 (worst) to 100 (best)</label>');
    const odiOnly = { licence: 'L', ODI: licensed.ODI } as LicensedPromText;
    const h2 = main(patientFormPage('sec', inv, odiOnly, null, null));
    has(h2, '<p class="note">Your clinic will ask you the EQ-5D questions itself.</p>');
    has(h2, 'Back pain and daily life');
    lacks(h2, 'eqvas');
  });

  test('eproValuesOf: the first value of a field, blank when absent', () => {
    const v = eproValuesOf({ a: ['x', 'y'], b: 'z', c: [] });
    assert.equal(v('a'), 'x');
    assert.equal(v('b'), 'z');
    assert.equal(v('c'), '');
    assert.equal(v('d'), '');
    assert.equal(eproValuesOf(null)('a'), '');
  });
});

describe('refusal and thank-you pages', () => {
  test('a refusal is an alert with the message escaped, no navigation', () => {
    const html = refusalPage(`This link has expired ${EVIL}`);
    assert.match(html, /<title>Questionnaire · RegenSpine<\/title>/);
    lacks(html, '<nav');
    assert.equal(
      main(html),
      `<h1>Questionnaire</h1><p class="error" role="alert">This link has expired ${EVIL_HTML}</p>`,
    );
  });

  test('thank you: a status message', () => {
    const html = thankYouPage();
    assert.match(html, /<title>Thank you · RegenSpine<\/title>/);
    assert.equal(
      main(html),
      '<h1>Thank you</h1><p class="ok" role="status">Your answers have been sent to your clinic. You can close this page.</p>',
    );
  });
});

describe("the coordinator's questionnaire links page", () => {
  const can: Permissions = {
    'records:read': true,
    'records:write': true,
    'ae:acknowledge': false,
    'audit:read': false,
    'deidentified:read': false,
    'users:manage': false,
  };
  const ctx: ViewCtx = { email: 'cora@clinic.example', role: 'coordinator', csrf: 'k1', can };
  const open = [
    {
      patient_id: 7,
      registry_id: EVIL,
      timepoint: '3m',
      target: '2025-04-10',
      window_open: '2025-03-27',
      window_close: '2025-05-08',
      status: 'overdue' as const,
    },
  ];
  const links = [
    {
      id: 1,
      patient_id: 7,
      registry_id: 'RS-7',
      timepoint: '1m',
      created_at: new Date('2025-02-01T09:30:45Z'),
      expires_at: new Date('2025-02-04T09:30:45Z'),
      state: 'open' as never,
      reminders: 0,
      messages_pending: 2,
    },
  ];

  test('nothing due and no links: "None today." and "None yet."; the link lifetime in hours', () => {
    assert.equal(
      body(linksPage(ctx, null, 72, [], [])),
      '<h1>Questionnaire links</h1><p class="note">A link lets the patient fill in the visit&#39;s questionnaires on a phone, once, without an account. It expires after 72 hours unless you choose otherwise. ' +
        'With an e-mail address the invitation goes to the outbox (sent by <code>regenspine epro send</code>); the address is erased when the questionnaire is done.</p>' +
        '<h2>Visits due or overdue</h2><p>None today.</p><h2>Links issued</h2><p>None yet.</p>',
    );
    assert.match(linksPage(ctx, null, 72, [], []), /<title>Questionnaire links · RegenSpine/);
    has(linksPage(ctx, null, 72, [], []), '<nav class="registry"');
  });

  test('a due visit: a form to issue its link, with a labelled optional e-mail, values escaped', () => {
    has(
      body(linksPage(ctx, null, 72, open, [])),
      '<h2>Visits due or overdue</h2><table><thead><tr><th>Patient</th><th>Visit</th><th>Target</th><th>Status</th><th>Issue a link</th></tr></thead><tbody>' +
        `<tr><td>${EVIL_HTML}</td><td>3m</td><td>2025-04-10</td><td>overdue</td><td><form method="post" action="/registry/epro/links">` +
        '<input type="hidden" name="_csrf" value="k1"/><input type="hidden" name="patient_id" value="7"/><input type="hidden" name="timepoint" value="3m"/>' +
        '<label for="e73m">E-mail (optional)</label> <input id="e73m" name="email" type="email"/> <button type="submit">Issue link</button></form></td></tr></tbody></table>',
    );
  });

  test('issued links: times to the minute (UTC), state, reminders, unsent messages — never the secret', () => {
    has(
      body(linksPage(ctx, null, 72, [], links)),
      '<h2>Links issued</h2><table><thead><tr><th>Patient</th><th>Visit</th><th>Issued</th><th>Expires</th><th>State</th><th>Reminders</th><th>Unsent messages</th></tr></thead>' +
        '<tbody><tr><td>RS-7</td><td>1m</td><td>2025-02-01T09:30</td><td>2025-02-04T09:30</td><td>open</td><td>0</td><td>2</td></tr></tbody></table>',
    );
  });

  test('a link just issued: its URL shown once, "put in the outbox" only when queued', () => {
    has(
      body(linksPage(ctx, { kind: 'issued', url: `https://x/q/${EVIL}`, queued: true }, 72, [], [])),
      '<h1>Questionnaire links</h1><div class="ok" role="status">Link issued and the invitation put in the outbox. Give it to the patient now — it is shown only once: ' +
        `<code>https://x/q/${EVIL_HTML}</code></div><p class="note">`,
    );
    has(
      body(linksPage(ctx, { kind: 'issued', url: 'https://x/q/abc', queued: false }, 72, [], [])),
      '<div class="ok" role="status">Link issued. Give it to the patient now — it is shown only once: <code>https://x/q/abc</code></div>',
    );
  });

  test('a refused link: the field and the reason as an alert', () => {
    has(
      body(linksPage(ctx, { kind: 'refused', field: 'email', message: `not an address ${EVIL}` }, 48, [], [])),
      `<h1>Questionnaire links</h1><div class="error" role="alert"><strong>No link issued.</strong> email: not an address ${EVIL_HTML}</div><p class="note">A link`,
    );
    has(body(linksPage(ctx, null, 48, [], [])), 'It expires after 48 hours');
  });
});
