// Unit tests of de-duplication (src/ingest/dedupe.ts) and the PRISMA 2020 flow counts and diagram
// (src/ingest/prisma.ts). Duplicate rules as documented in dedupe.ts and docs/reference/import-review.md (B1, B2,
// "volume, issue, pages": a different volume or first page is a different paper). PRISMA 2020 flow diagram for
// new systematic reviews (Page et al., BMJ 2021;372:n71, Figure 1): identified → duplicates removed → screened →
// excluded → sought for retrieval → not retrieved → assessed → excluded with reasons → included. Every count and
// every diagram coordinate below is worked out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DedupeFields,
  DedupeIndex,
  duplicateReason,
  findDuplicates,
  firstPage,
  titleKey,
} from '../../src/ingest/dedupe.ts';
import { type PrismaCounts, type PrismaRecord, prismaCounts, prismaSvg } from '../../src/ingest/prisma.ts';

type R = DedupeFields & { name: string };

const T = 'Platelet-rich plasma for discogenic low back pain'; // 49 characters folded
function r(name: string, over: Partial<DedupeFields> & { pmid?: string; doi?: string; nct?: string[] } = {}): R {
  const { pmid, doi, nct, ...rest } = over;
  return {
    name,
    ids: { pmid: pmid ?? null, doi: doi ?? null, nct: nct ?? [], pmcid: null },
    title: T,
    year: 2020,
    authors: ['Smith J'],
    ...rest,
  };
}

describe('titleKey and firstPage', () => {
  test('titleKey folds case, markup, diacritics and punctuation', () => {
    assert.equal(titleKey(null), '');
    assert.equal(titleKey(undefined), '');
    assert.equal(titleKey('[Évaluation  du <i>PRP</i>.]'), 'evaluation du prp');
  });

  test('firstPage: the first page of a range, without "e" or leading zeros', () => {
    assert.equal(firstPage(null), '');
    assert.equal(firstPage(''), '');
    assert.equal(firstPage('1557-65'), '1557');
    assert.equal(firstPage(' 1557–1565 '), '1557');
    assert.equal(firstPage('12—14'), '12');
    assert.equal(firstPage('12, 15'), '12');
    assert.equal(firstPage('12; 15'), '12');
    assert.equal(firstPage('E0815'), '815');
    assert.equal(firstPage('0815'), '815');
    assert.equal(firstPage('0'), '0');
    assert.equal(firstPage('000'), '0');
    assert.equal(firstPage('S12'), 's12');
    assert.equal(firstPage('eLetter'), 'eletter');
  });
});

describe('duplicateReason', () => {
  test('the same PMID, the same DOI, the same NCT id', () => {
    assert.deepEqual(duplicateReason(r('a', { pmid: '1' }), r('b', { pmid: '1', title: 'x' })), {
      reason: 'pmid',
      key: '1',
    });
    assert.deepEqual(duplicateReason(r('a', { pmid: '1', doi: '10.1/x' }), r('b', { doi: '10.1/x', title: 'x' })), {
      reason: 'doi',
      key: '10.1/x',
    });
    assert.deepEqual(
      duplicateReason(r('a', { nct: ['NCT2', 'NCT1'], title: 'x' }), r('b', { nct: ['NCT1', 'NCT2'], title: 'y' })),
      { reason: 'nct', key: 'NCT2' },
    );
  });

  test('one DOI on two records with two different PMIDs is not a duplicate', () => {
    assert.equal(duplicateReason(r('a', { pmid: '1', doi: '10.1/x' }), r('b', { pmid: '2', doi: '10.1/x' })), null);
  });

  test('an NCT id shared by a publication (with a PMID or DOI) is no duplicate', () => {
    const reg = r('reg', { nct: ['NCT1'], title: 'Registry entry title' });
    assert.equal(duplicateReason(r('pub', { nct: ['NCT1'], pmid: '9', title: 'Paper' }), reg), null);
    assert.equal(duplicateReason(reg, r('pub', { nct: ['NCT1'], doi: '10.1/p', title: 'Paper' })), null);
    assert.equal(duplicateReason(reg, r('other', { nct: ['NCT3'], title: 'Another study' })), null);
  });

  test('title + year ±1 + first author surname', () => {
    const key = 'platelet rich plasma for discogenic low back pain';
    assert.deepEqual(duplicateReason(r('a'), r('b', { year: 2021, authors: ['Smith, John', 'X'] })), {
      reason: 'title-year-author',
      key,
    });
    assert.equal(duplicateReason(r('a'), r('b', { year: 2022 })), null);
    assert.equal(duplicateReason(r('a'), r('b', { year: 2018 })), null);
    assert.deepEqual(duplicateReason(r('a'), r('b', { year: null })), { reason: 'title-year-author', key });
    assert.equal(duplicateReason(r('a'), r('b', { authors: ['Jones J'] })), null);
    assert.equal(duplicateReason(r('a'), r('b', { title: `${T} revisited` })), null);
  });

  test('titles shorter than 12 characters never match; 12 do', () => {
    const t12 = 'Abcdef ghijk'; // 12 characters, folded the same
    assert.equal(duplicateReason(r('a', { title: t12 }), r('b', { title: t12 }))?.reason, 'title-year-author');
    const t11 = 'Abcdefghijk';
    assert.equal(duplicateReason(r('a', { title: t11 }), r('b', { title: t11 })), null);
  });

  test('without an author on one side: only a title of 40+ characters with both years', () => {
    const t40 = 'abcdefghij abcdefghij abcdefghij abcdefg'; // 10+1+10+1+10+1+7 = 40
    const t39 = 'abcdefghij abcdefghij abcdefghij abcdef';
    assert.deepEqual(duplicateReason(r('a', { title: t40, authors: [] }), r('b', { title: t40 })), {
      reason: 'title-year',
      key: t40,
    });
    assert.equal(duplicateReason(r('a', { title: t39, authors: [] }), r('b', { title: t39 })), null);
    assert.equal(duplicateReason(r('a', { title: t40 }), r('b', { title: t40, authors: [], year: null })), null);
    assert.equal(duplicateReason(r('a', { title: t40, authors: [], year: null }), r('b', { title: t40 })), null);
  });

  test('conflicting identifiers, volumes or first pages block the fuzzy match', () => {
    assert.equal(duplicateReason(r('a', { pmid: '1' }), r('b', { pmid: '2' })), null);
    assert.equal(duplicateReason(r('a', { doi: '10.1/a' }), r('b', { doi: '10.1/b' })), null);
    assert.equal(duplicateReason(r('a', { volume: '44' }), r('b', { volume: '45' })), null);
    assert.equal(duplicateReason(r('a', { pages: '1001' }), r('b', { pages: '1207' })), null);
    // the same volume in other case or spacing, the same first page in MEDLINE and RIS forms: no conflict
    assert.equal(duplicateReason(r('a', { volume: ' 44A' }), r('b', { volume: '44a ' }))?.reason, 'title-year-author');
    assert.equal(
      duplicateReason(r('a', { pages: '1557-65' }), r('b', { pages: '1557-1565' }))?.reason,
      'title-year-author',
    );
    // one side without the identifier, volume or pages: no conflict
    assert.equal(
      duplicateReason(r('a', { pmid: '1', doi: '10.1/a', volume: '4', pages: '5' }), r('b'))?.reason,
      'title-year-author',
    );
  });
});

describe('findDuplicates', () => {
  test('every match, exact reasons first; the record itself is skipped', () => {
    const me = r('me', { pmid: '1', doi: '10.1/x' });
    const fuzzy = r('fuzzy');
    const byDoi = r('doi', { doi: '10.1/x', title: 'other' });
    const byPmid = r('pmid', { pmid: '1', title: 'other' });
    const none = r('none', { title: 'unrelated title here' });
    const out = findDuplicates(me, [me, fuzzy, none, byDoi, byPmid]);
    assert.deepEqual(
      out.map((m) => [m.match.name, m.reason, m.key]),
      [
        ['pmid', 'pmid', '1'],
        ['doi', 'doi', '10.1/x'],
        ['fuzzy', 'title-year-author', 'platelet rich plasma for discogenic low back pain'],
      ],
    );
    assert.deepEqual(findDuplicates(me, []), []);
  });

  test('nct before the fuzzy reasons, title-year-author before title-year', () => {
    const t = 'abcdefghij abcdefghij abcdefghij abcdefghij';
    const me = r('me', { nct: ['NCT1'], title: t });
    const out = findDuplicates(me, [
      r('ty', { title: t, authors: [] }),
      r('tya', { title: t, nct: ['NCT9'] }),
      r('nct', { nct: ['NCT1'], title: 'x' }),
    ]);
    assert.deepEqual(
      out.map((m) => m.reason),
      ['nct', 'title-year-author', 'title-year'],
    );
  });
});

describe('DedupeIndex', () => {
  test('links each duplicate to the first record of its group; a third copy finds the first', () => {
    const idx = new DedupeIndex<R>();
    const a = r('a', { pmid: '1' });
    const b = r('b', { pmid: '1', doi: '10.1/b' });
    const c = r('c', { doi: '10.1/b', title: 'other title here' });
    const d = r('d', { title: 'A completely different paper', nct: ['NCT5'] });
    const e = r('e', { title: 'A registry entry', nct: ['NCT5'] });
    const f = r('f', { title: 'A completely different paper', authors: ['Jones K'] });
    assert.equal(idx.add(a), null);
    assert.deepEqual(idx.add(b), { match: a, reason: 'pmid', key: '1' });
    assert.deepEqual(idx.add(c), { match: b, reason: 'doi', key: '10.1/b' });
    assert.equal(idx.add(d), null);
    assert.deepEqual(idx.add(e), { match: d, reason: 'nct', key: 'NCT5' });
    assert.equal(idx.add(f), null);
    assert.equal(idx.canonical(c), a);
    assert.equal(idx.canonical(f), f);
    assert.deepEqual(
      idx.groups().map((g) => g.map((x) => x.name)),
      [['a', 'b', 'c'], ['d', 'e'], ['f']],
    );
    assert.deepEqual(
      idx.items.map((x) => x.name),
      ['a', 'b', 'c', 'd', 'e', 'f'],
    );
  });

  test('a DOI match is refused when both records have different PMIDs', () => {
    const idx = new DedupeIndex<R>();
    idx.add(r('a', { pmid: '1', doi: '10.1/x', title: 'first paper title' }));
    assert.equal(idx.find(r('b', { pmid: '2', doi: '10.1/x', title: 'second paper title' })), null);
    assert.equal(idx.find(r('c', { doi: '10.1/x', title: 'third' }))?.reason, 'doi');
    assert.equal(idx.find(r('d', { pmid: '1', doi: '10.1/x', title: 'x' }))?.reason, 'pmid');
  });

  test('the first record of a key stays indexed; records with a PMID or DOI are not indexed by NCT id', () => {
    const idx = new DedupeIndex<R>();
    const a = r('a', { pmid: '1', title: 'one title of a paper' });
    idx.add(a);
    idx.add(r('a2', { pmid: '1', doi: '10.1/z', title: 'another title of a paper' }));
    assert.equal(idx.find(r('q', { pmid: '1', title: 'q' }))?.match, a);
    const pub = r('pub', { doi: '10.1/p', nct: ['NCT7'], title: 'published trial report' });
    idx.add(pub);
    assert.equal(idx.find(r('reg', { nct: ['NCT7'], title: 'registry' })), null);
    // a record with its own PMID is not matched on an NCT id either
    const reg = r('reg', { nct: ['NCT8'], title: 'registry record' });
    idx.add(reg);
    assert.equal(idx.find(r('p2', { pmid: '77', nct: ['NCT8'], title: 'zzz' })), null);
    assert.equal(idx.find(r('r2', { nct: ['NCT0', 'NCT8'], title: 'zzz' }))?.match, reg);
  });

  test('fuzzy matches are found among records of the same title, the first that qualifies', () => {
    const idx = new DedupeIndex<R>();
    const x = r('x', { authors: ['Jones K'] });
    const y = r('y', { year: 2021 });
    idx.add(x);
    idx.add(y);
    assert.deepEqual(idx.find(r('z')), {
      match: y,
      reason: 'title-year-author',
      key: 'platelet rich plasma for discogenic low back pain',
    });
    // short titles are not indexed for fuzzy matching
    idx.add(r('s1', { title: 'Editorial' }));
    assert.equal(idx.find(r('s2', { title: 'Editorial' })), null);
    const t12 = r('t1', { title: 'Abcdef ghijk' });
    idx.add(t12);
    assert.equal(idx.find(r('t2', { title: 'Abcdef ghijk' }))?.match, t12);
  });
});

describe('prismaCounts', () => {
  const ex = (reason: string, stage?: 'title-abstract' | 'retrieval' | 'full-text') =>
    stage ? { status: 'excluded' as const, reason, stage } : { status: 'excluded' as const, reason };
  const records: PrismaRecord[] = [
    { id: 'P1', source: 'PubMed', duplicate_of: null, screening: { status: 'included' } },
    { id: 'P2', source: 'PubMed', duplicate_of: null, screening: ex('wrong population') },
    { id: 'P3', source: 'PubMed', duplicate_of: null },
    { id: 'S1', source: 'Scopus', duplicate_of: 'P1', screening: { status: 'included' } },
    { id: 'S2', source: 'Scopus', duplicate_of: null, screening: ex('paywall', 'retrieval') },
    { id: 'S3', source: 'Scopus', duplicate_of: null, screening: ex('wrong outcome', 'full-text') },
    { id: 'S4', source: 'Scopus', duplicate_of: null, screening: ex('  ', 'full-text') },
    { id: 'C1', source: 'ClinicalTrials.gov', duplicate_of: null, screening: ex(' animal study ', 'title-abstract') },
    { id: 'C2', source: 'ClinicalTrials.gov', duplicate_of: 'S3', screening: ex('x', 'full-text') },
    { id: 'E1', source: 'Embase', duplicate_of: null, screening: ex('wrong outcome', 'full-text') },
    { id: 'E2', source: 'Embase', duplicate_of: null, screening: { status: 'unscreened' } },
    { id: 'I1', source: 'WHO ICTRP', duplicate_of: null, screening: { status: 'included' } },
  ];

  test('a worked example: 12 records from five sources', () => {
    // identified 12; duplicates S1, C2 → 2; unique 10; unscreened P3, E2 → 2; screened 10 − 2 = 8;
    // excluded at title/abstract P2, C1 → 2; sought 8 − 2 = 6; not retrieved S2 → 1; assessed 6 − 1 = 5;
    // excluded at full text S3, S4, E1 → 3; included P1, I1 → 2; awaiting full text 5 − 3 − 2 = 0
    assert.deepEqual(prismaCounts(records), {
      identified: {
        total: 12,
        databases: [
          { source: 'Scopus', n: 4 },
          { source: 'PubMed', n: 3 },
          { source: 'Embase', n: 2 },
        ],
        registers: [
          { source: 'ClinicalTrials.gov', n: 2 },
          { source: 'WHO ICTRP', n: 1 },
        ],
      },
      duplicates_removed: 2,
      unique: 10,
      awaiting_screening: 2,
      screened: 8,
      excluded_screening: 2,
      // one each: alphabetical
      excluded_screening_reasons: [
        { source: 'animal study', n: 1 },
        { source: 'wrong population', n: 1 },
      ],
      sought_for_retrieval: 6,
      not_retrieved: 1,
      assessed_for_eligibility: 5,
      excluded_full_text: 3,
      excluded_reasons: [
        { reason: 'wrong outcome', n: 2 },
        { reason: 'no reason given', n: 1 },
      ],
      awaiting_full_text: 0,
      included: 2,
    });
  });

  test('registers: the names given, or names of trial registers', () => {
    const c = prismaCounts(records, { registers: ['Scopus'] });
    assert.deepEqual(c.identified.registers, [{ source: 'Scopus', n: 4 }]);
    assert.deepEqual(
      c.identified.databases.map((s) => s.source),
      ['PubMed', 'ClinicalTrials.gov', 'Embase', 'WHO ICTRP'],
    );
    const names = ['EU Clinical Trials Register', 'ISRCTN', 'ANZCTR', 'ChiCTR', 'EUCTR', 'A registry', 'CENTRAL'];
    const d = prismaCounts(names.map((source, i) => ({ id: String(i), source, duplicate_of: null })));
    assert.deepEqual(
      d.identified.databases.map((s) => s.source),
      ['CENTRAL'],
    );
    assert.equal(d.identified.registers.length, 6);
  });

  test('no records: all zero', () => {
    assert.deepEqual(prismaCounts([]), {
      identified: { total: 0, databases: [], registers: [] },
      duplicates_removed: 0,
      unique: 0,
      awaiting_screening: 0,
      screened: 0,
      excluded_screening: 0,
      excluded_screening_reasons: [],
      sought_for_retrieval: 0,
      not_retrieved: 0,
      assessed_for_eligibility: 0,
      excluded_full_text: 0,
      excluded_reasons: [],
      awaiting_full_text: 0,
      included: 0,
    });
  });
});

describe('prismaSvg', () => {
  const counts: PrismaCounts = {
    identified: { total: 10, databases: [{ source: 'PubMed', n: 10 }], registers: [] },
    duplicates_removed: 2,
    unique: 8,
    awaiting_screening: 0,
    screened: 8,
    excluded_screening: 3,
    excluded_screening_reasons: [{ source: 'off topic', n: 3 }],
    sought_for_retrieval: 5,
    not_retrieved: 1,
    assessed_for_eligibility: 4,
    excluded_full_text: 2,
    excluded_reasons: [{ reason: 'wrong outcome', n: 2 }],
    awaiting_full_text: 0,
    included: 2,
  };
  // Layout by hand: columns at x = 50 and 470 (50 + 360 + 60), 360 wide; total width 850 (470 + 360 + 20).
  // Lines wrap at floor((360 − 20) / 6.6) = 51 characters; a box is lines × 17 + 20 high (at least 50 below the
  // identification row). Identification: 4 lines (88) and 5 lines (105: "…automation tools (n" is 51, "= 0)"
  // wraps) → both 105, at y 60. Screening row at 60 + 105 + 40 = 205, 50 high; retrieval at 205 + 50 + 30 = 285;
  // eligibility at 285 + 50 + 30 = 365, 54 high (2 lines on the right); included at 365 + 54 + 40 = 459, 54
  // high; height 459 + 54 + 30 = 543.
  const svg = prismaSvg(counts);

  test('document frame, title bar and size', () => {
    assert.ok(
      svg.startsWith(
        '<svg xmlns="http://www.w3.org/2000/svg" width="850" height="543" viewBox="0 0 850 543" role="img" aria-label="PRISMA 2020 flow diagram"><title>PRISMA 2020 flow diagram</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#000000"/></marker></defs><rect width="100%" height="100%" fill="#ffffff"/><rect x="50" y="16" width="780" height="30" rx="6" fill="#f2c14e" stroke="#b8912d"/><text x="440" y="36" font-family="Arial, Helvetica, sans-serif" font-size="14" font-weight="bold" text-anchor="middle">Identification of studies via databases and registers</text>',
      ),
    );
    assert.ok(svg.endsWith('</svg>'));
  });

  test('side bands: identification, screening (205 to 419), included', () => {
    const band = (y: number, h: number, label: string) => {
      const cy = y + h / 2;
      return `<rect x="10" y="${y}" width="28" height="${h}" rx="6" fill="#a9c6e8" stroke="#6b8fb8"/><text x="24" y="${cy}" font-family="Arial, Helvetica, sans-serif" font-size="13" font-weight="bold" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 24 ${cy})">${label}</text>`;
    };
    // screening band: from the screening row (205) to the bottom of the eligibility row (365 + 54 = 419)
    for (const b of [band(60, 105, 'Identification'), band(205, 214, 'Screening'), band(459, 54, 'Included')]) {
      assert.ok(svg.includes(b), b);
    }
  });

  test('the nine boxes', () => {
    const boxes = [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="360" height="(\d+)" fill="#ffffff"/g)].map((m) =>
      m.slice(1).map(Number),
    );
    assert.deepEqual(boxes, [
      [50, 60, 105],
      [470, 60, 105],
      [50, 205, 50],
      [470, 205, 50],
      [50, 285, 50],
      [470, 285, 50],
      [50, 365, 54],
      [470, 365, 54],
      [50, 459, 54],
    ]);
    assert.ok(
      svg.includes(
        'stroke="#000000" stroke-width="1"/><text font-family="Arial, Helvetica, sans-serif" font-size="13" fill="#000000">',
      ),
    );
  });

  test('the text lines: 10 px inside the box, baselines 17 apart starting 23 below the top', () => {
    const lines = [...svg.matchAll(/<tspan x="(\d+)" y="(\d+)">([^<]*)<\/tspan>/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
      m[3],
    ]);
    assert.deepEqual(lines, [
      [60, 83, 'Records identified from:'],
      [60, 100, 'Databases (n = 10)'],
      [60, 117, '• PubMed (n = 10)'],
      [60, 134, 'Registers (n = 0)'],
      [480, 83, 'Records removed before screening:'],
      [480, 100, 'Duplicate records removed (n = 2)'],
      [480, 117, 'Records marked as ineligible by automation tools (n'],
      [480, 134, '= 0)'],
      [480, 151, 'Records removed for other reasons (n = 0)'],
      [60, 228, 'Records screened (n = 8)'],
      [480, 228, 'Records excluded (n = 3)'],
      [60, 308, 'Reports sought for retrieval (n = 5)'],
      [480, 308, 'Reports not retrieved (n = 1)'],
      [60, 388, 'Reports assessed for eligibility (n = 4)'],
      [480, 388, 'Reports excluded (n = 2)'],
      [480, 405, 'wrong outcome (n = 2)'],
      [60, 482, 'Studies included in review (n = 2)'],
      [60, 499, 'Reports of included studies (n = 2)'],
    ]);
  });

  test('the arrows: right from the middle of each left box, down the middle column (x 230)', () => {
    const arrows = [
      ...svg.matchAll(
        /<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)" stroke="#000000" stroke-width="1.2" marker-end="url\(#arrow\)"\/>/g,
      ),
    ].map((m) => m.slice(1).map(Number));
    assert.deepEqual(arrows, [
      [410, 112.5, 470, 112.5],
      [230, 165, 230, 205],
      [410, 230, 470, 230],
      [230, 255, 230, 285],
      [410, 310, 470, 310],
      [230, 335, 230, 365],
      [410, 392, 470, 392],
      [230, 419, 230, 459],
    ]);
  });

  test('awaiting screening and awaiting decision appear only when non-zero; the title is escaped', () => {
    assert.ok(!svg.includes('Awaiting'));
    const s = prismaSvg({ ...counts, awaiting_screening: 2, awaiting_full_text: 1 }, 'A & B <"x">');
    assert.ok(s.includes('>Awaiting screening (n = 2)</tspan>'));
    assert.ok(s.includes('>Awaiting decision (n = 1)</tspan>'));
    assert.ok(s.includes('text-anchor="middle">A &amp; B &lt;&quot;x&quot;&gt;</text>'));
  });

  test('registers are listed with their total; long reasons wrap at 51 characters', () => {
    const s = prismaSvg({
      ...counts,
      identified: {
        total: 13,
        databases: [{ source: 'PubMed', n: 10 }],
        registers: [
          { source: 'ClinicalTrials.gov', n: 2 },
          { source: 'ICTRP', n: 1 },
        ],
      },
      excluded_reasons: [{ reason: 'abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcd', n: 2 }],
    });
    assert.ok(s.includes('>Registers (n = 3)</tspan>'));
    assert.ok(s.includes('>• ClinicalTrials.gov (n = 2)</tspan>'));
    // five 10-letter words and spaces are 54 characters: the fifth word wraps (4 × 10 + 3 = 43, + 11 = 54 > 51)
    assert.ok(s.includes('>abcdefghij abcdefghij abcdefghij abcdefghij</tspan>'));
    assert.ok(s.includes('>abcdefghij abcd (n = 2)</tspan>'));
  });
});
