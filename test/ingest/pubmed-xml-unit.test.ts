// Unit tests of the PubMed XML mapping (src/ingest/pubmed-xml.ts). Element names and meanings from NLM's PubMed
// DTD (pubmed_250101.dtd) and "MEDLINE/PubMed XML Element Descriptions": MedlineCitation/Article (ArticleTitle,
// VernacularTitle, Journal/Title, ISOAbbreviation, JournalIssue/Volume/Issue/PubDate Year or MedlineDate,
// Pagination/MedlinePgn or StartPage/EndPage, ELocationID EIdType/ValidYN, AuthorList/Author LastName/ForeName/
// Initials/Suffix/CollectiveName, Abstract/AbstractText Label, Language, PublicationTypeList, DataBankList),
// MeshHeadingList, KeywordList, PubmedData/ArticleIdList IdType, BookDocument, DeleteCitation. Inputs are
// hand-written records.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deletedPmids, PUBMED_RECORD_NAMES, PUBMED_SKIP, pubmedRecord } from '../../src/ingest/pubmed-xml.ts';
import type { ImportedRecord } from '../../src/ingest/record.ts';
import { parseXml } from '../../src/ingest/xml.ts';

const map = (xml: string): ImportedRecord => pubmedRecord(parseXml(xml, PUBMED_SKIP), xml, 4);
const article = (inner: string, mcExtra = '', data = '') =>
  map(
    `<PubmedArticle><MedlineCitation><PMID>100</PMID><Article>${inner}</Article>${mcExtra}</MedlineCitation>${data}</PubmedArticle>`,
  );

describe('PubmedArticle', () => {
  test('a complete article, every field', () => {
    const xml = `<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">29768149</PMID>
    <Article PubModel="Print">
      <Journal>
        <JournalIssue CitedMedium="Internet"><Volume>378</Volume><Issue>20</Issue>
          <PubDate><Year>2018</Year><Month>05</Month></PubDate></JournalIssue>
        <Title>The New England journal of medicine</Title>
        <ISOAbbreviation>N Engl J Med</ISOAbbreviation>
      </Journal>
      <ArticleTitle>As-Needed   Budesonide–Formoterol in Mild Asthma.</ArticleTitle>
      <Pagination><MedlinePgn>1865-1876</MedlinePgn></Pagination>
      <ELocationID EIdType="doi" ValidYN="Y">10.1056/NEJMoa1715274</ELocationID>
      <Abstract>
        <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Patients with mild asthma.</AbstractText>
        <AbstractText Label="METHODS">We did a trial (NCT02224157).</AbstractText>
      </Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>O'Byrne</LastName><ForeName>Paul M</ForeName><Initials>PM</Initials>
          <AffiliationInfo><Affiliation>McMaster</Affiliation></AffiliationInfo></Author>
        <Author ValidYN="Y"><CollectiveName>SYGMA 1 Investigators</CollectiveName></Author>
      </AuthorList>
      <Language>eng</Language>
      <DataBankList CompleteYN="Y"><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>
        <AccessionNumberList><AccessionNumber>NCT02224157</AccessionNumber></AccessionNumberList></DataBank></DataBankList>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
        <PublicationType UI="D017428">Randomized Controlled Trial</PublicationType></PublicationTypeList>
    </Article>
    <MeshHeadingList><MeshHeading><DescriptorName UI="D001249" MajorTopicYN="N">Asthma</DescriptorName>
      <QualifierName UI="Q000188" MajorTopicYN="Y">drug therapy</QualifierName></MeshHeading></MeshHeadingList>
    <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">asthma</Keyword></KeywordList>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">29768149</ArticleId>
    <ArticleId IdType="doi">10.1056/NEJMoa1715274</ArticleId><ArticleId IdType="pmc">PMC0000001</ArticleId></ArticleIdList>
    <ReferenceList><Reference><Citation>x</Citation></Reference></ReferenceList></PubmedData>
</PubmedArticle>`;
    assert.deepEqual(map(xml), {
      format: 'pubmed-xml',
      source_type: 'PubmedArticle',
      ids: { pmid: '29768149', doi: '10.1056/nejmoa1715274', nct: ['NCT02224157'], pmcid: 'PMC0000001' },
      title: 'As-Needed Budesonide–Formoterol in Mild Asthma.',
      year: 2018,
      authors: ["O'Byrne PM", 'SYGMA 1 Investigators'],
      journal: 'The New England journal of medicine',
      volume: '378',
      issue: '20',
      pages: '1865-1876',
      abstract: 'BACKGROUND: Patients with mild asthma.\nMETHODS: We did a trial (NCT02224157).',
      publication_types: ['Journal Article', 'Randomized Controlled Trial'],
      mesh: ['Asthma'],
      keywords: ['asthma'],
      language: 'eng',
      database: null,
      registry: null,
      raw: xml,
      line: 4,
    });
  });

  test('title: ArticleTitle, else VernacularTitle', () => {
    assert.equal(article('<ArticleTitle></ArticleTitle><VernacularTitle>Titre</VernacularTitle>').title, 'Titre');
  });

  test('journal: Title, else ISOAbbreviation, else MedlineTA', () => {
    assert.equal(article('<Journal><ISOAbbreviation>Spine J</ISOAbbreviation></Journal>').journal, 'Spine J');
    assert.equal(
      article('<Journal/>', '<MedlineJournalInfo><MedlineTA>Spine (Phila Pa 1976)</MedlineTA></MedlineJournalInfo>')
        .journal,
      'Spine (Phila Pa 1976)',
    );
    assert.equal(article('').journal, null);
  });

  test('year: PubDate Year, else MedlineDate, else ArticleDate', () => {
    const pd = (x: string) => `<Journal><JournalIssue><PubDate>${x}</PubDate></JournalIssue></Journal>`;
    assert.equal(article(pd('<Year>2001</Year><MedlineDate>1999 Dec</MedlineDate>')).year, 2001);
    assert.equal(article(pd('<MedlineDate>1998 Dec-1999 Jan</MedlineDate>')).year, 1998);
    assert.equal(article(`${pd('<Season>Spring</Season>')}<ArticleDate><Year>2020</Year></ArticleDate>`).year, 2020);
    assert.equal(article(pd('')).year, null);
  });

  test('pages: MedlinePgn, else StartPage-EndPage, StartPage alone when equal or no end', () => {
    const pg = (x: string) => article(`<Pagination>${x}</Pagination>`).pages;
    assert.equal(pg('<MedlinePgn>e0815</MedlinePgn><StartPage>1</StartPage>'), 'e0815');
    assert.equal(pg('<StartPage>379</StartPage><EndPage>423</EndPage>'), '379-423');
    assert.equal(pg('<StartPage>379</StartPage><EndPage>379</EndPage>'), '379');
    assert.equal(pg('<StartPage>379</StartPage>'), '379');
    assert.equal(pg('<EndPage>423</EndPage>'), null);
  });

  test('authors: initials from ForeName when Initials is missing; Suffix kept; no LastName, no author', () => {
    const authors = article(
      `<AuthorList>
        <Author><LastName>Smith</LastName><ForeName>jean-luc paul</ForeName></Author>
        <Author><LastName>Doe</LastName><ForeName>J. R.</ForeName><Suffix>Jr</Suffix></Author>
        <Author><LastName>Roe</LastName><Initials>AB</Initials><Suffix>2nd</Suffix></Author>
        <Author><LastName>Solo</LastName></Author>
        <Author><ForeName>Nobody</ForeName></Author>
        <Author><CollectiveName> </CollectiveName><LastName>Back</LastName><Initials>C</Initials></Author>
      </AuthorList>`,
    ).authors;
    assert.deepEqual(authors, ['Smith JLP', 'Doe JR Jr', 'Roe AB 2nd', 'Solo', 'Back C']);
  });

  test('abstract: labelled sections, unlabelled text, an empty labelled section, UNLABELLED', () => {
    assert.equal(
      article(
        `<Abstract><AbstractText Label=" AIMS ">To test.</AbstractText><AbstractText Label="NOTE"></AbstractText>
          <AbstractText>Plain.</AbstractText><AbstractText Label="UNLABELLED">Also plain.</AbstractText>
          <AbstractText></AbstractText></Abstract>`,
      ).abstract,
      'AIMS: To test.\nNOTE:\nPlain.\nAlso plain.',
    );
    assert.equal(article('<Abstract><AbstractText/></Abstract>').abstract, null);
    assert.equal(article('').abstract, null);
  });

  test('a label "Unlabelled" in any case is no label; the first valid DOI ELocationID wins', () => {
    assert.equal(
      article('<Abstract><AbstractText Label="Unlabelled">Text.</AbstractText></Abstract>').abstract,
      'Text.',
    );
    assert.equal(
      article(
        '<ELocationID EIdType="doi">10.1000/one</ELocationID><ELocationID EIdType="doi">10.1000/two</ELocationID>',
      ).ids.doi,
      '10.1000/one',
    );
  });

  test('DOI from ELocationID unless marked invalid; the ArticleIdList DOI is the fallback', () => {
    assert.equal(
      article(
        '<ELocationID EIdType="pii">S0140</ELocationID><ELocationID EIdType="doi" ValidYN="N">10.1000/invalid</ELocationID><ELocationID EIdType="doi">10.1000/valid</ELocationID>',
      ).ids.doi,
      '10.1000/valid',
    );
    assert.equal(
      article(
        '<ELocationID EIdType="doi">not a doi</ELocationID>',
        '',
        '<PubmedData><ArticleIdList><ArticleId IdType="doi">10.1000/FROMLIST</ArticleId></ArticleIdList></PubmedData>',
      ).ids.doi,
      '10.1000/fromlist',
    );
  });

  test('ArticleIdList fills only what the citation lacks; the first of each type counts', () => {
    const r = map(
      '<PubmedArticle><MedlineCitation><PMID>100</PMID><Article/></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">999</ArticleId><ArticleId IdType="pmc">PMC1</ArticleId><ArticleId IdType="pmc">PMC2</ArticleId><ArticleId IdType="doi">10.1000/a</ArticleId><ArticleId IdType="doi">10.1000/b</ArticleId><ArticleId IdType="mid">NIHMS1</ArticleId></ArticleIdList></PubmedData></PubmedArticle>',
    );
    assert.deepEqual(r.ids, { pmid: '100', doi: '10.1000/a', nct: [], pmcid: 'PMC1' });
    const noPmid = map(
      '<PubmedArticle><PubmedData><ArticleIdList><ArticleId IdType="pubmed">999</ArticleId></ArticleIdList></PubmedData></PubmedArticle>',
    );
    assert.deepEqual([noPmid.ids.pmid, noPmid.source_type, noPmid.title], ['999', 'PubmedArticle', null]);
  });

  test('MeSH descriptors and keywords once each, from every KeywordList', () => {
    const r = article(
      '',
      '<MeshHeadingList><MeshHeading><DescriptorName>Pain</DescriptorName></MeshHeading><MeshHeading><DescriptorName>Pain</DescriptorName></MeshHeading><MeshHeading><QualifierName>q</QualifierName></MeshHeading></MeshHeadingList><KeywordList><Keyword>PRP</Keyword><Keyword></Keyword></KeywordList><KeywordList><Keyword>PRP</Keyword><Keyword>disc</Keyword></KeywordList>',
    );
    assert.deepEqual([r.mesh, r.keywords], [['Pain'], ['PRP', 'disc']]);
  });

  test('publication types once each; the first Language', () => {
    const r = article(
      '<Language>eng</Language><Language>fre</Language><PublicationTypeList><PublicationType>Review</PublicationType><PublicationType>Review</PublicationType></PublicationTypeList>',
    );
    assert.deepEqual([r.publication_types, r.language], [['Review'], 'eng']);
  });

  test('NCT ids from ClinicalTrials.gov data banks only, then from the abstract', () => {
    const r = article(
      `<Abstract><AbstractText>See NCT00000003.</AbstractText></Abstract><DataBankList>
        <DataBank><DataBankName>ISRCTN</DataBankName><AccessionNumberList><AccessionNumber>NCT00000001</AccessionNumber></AccessionNumberList></DataBank>
        <DataBank><DataBankName>clinicaltrials.gov</DataBankName><AccessionNumberList><AccessionNumber>NCT00000002</AccessionNumber><AccessionNumber>NCT00000003</AccessionNumber></AccessionNumberList></DataBank>
      </DataBankList>`,
    );
    assert.deepEqual(r.ids.nct, ['NCT00000002', 'NCT00000003']);
  });
});

describe('other record elements', () => {
  test('a legacy MedlineCitation (MedlineCitationSet) is mapped the same way', () => {
    const r = map(
      '<MedlineCitation><PMID>7</PMID><Article><ArticleTitle>Old\n  one</ArticleTitle></Article></MedlineCitation>',
    );
    assert.deepEqual([r.source_type, r.ids.pmid, r.title], ['MedlineCitation', '7', 'Old one']);
  });

  test('a PubmedBookArticle: chapter title, book as journal, book authors, ids from PubmedBookData', () => {
    const xml = `<PubmedBookArticle><BookDocument>
      <PMID>20301770</PMID>
      <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId><ArticleId IdType="doi">10.1000/BOOK</ArticleId></ArticleIdList>
      <Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
        <BookTitle book="gene">GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate>
        <AuthorList Type="editors"><Author><LastName>Adam</LastName><Initials>MP</Initials></Author></AuthorList></Book>
      <ArticleTitle>Marcelis Syndrome</ArticleTitle>
      <Language>eng</Language>
      <AuthorList Type="authors"><Author><LastName>Marcelis</LastName><ForeName>Carlo</ForeName></Author></AuthorList>
      <PublicationType>Review</PublicationType>
      <Abstract><AbstractText Label="CLINICAL CHARACTERISTICS">Text.</AbstractText></Abstract>
      <KeywordList><Keyword>gene</Keyword></KeywordList>
    </BookDocument><PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301770</ArticleId><ArticleId IdType="pmc">PMC5</ArticleId></ArticleIdList></PubmedBookData></PubmedBookArticle>`;
    const r = map(xml);
    assert.deepEqual(
      [
        r.source_type,
        r.ids,
        r.title,
        r.journal,
        r.year,
        r.authors,
        r.abstract,
        r.publication_types,
        r.language,
        r.keywords,
      ],
      [
        'PubmedBookArticle',
        { pmid: '20301770', doi: '10.1000/book', nct: [], pmcid: 'PMC5' },
        'Marcelis Syndrome',
        'GeneReviews',
        1993,
        ['Marcelis C'],
        'CLINICAL CHARACTERISTICS: Text.',
        ['Review'],
        'eng',
        ['gene'],
      ],
    );
  });

  test('a whole book: its title, the publisher as journal, an untyped author list, dates in order', () => {
    const book = (dates: string) =>
      map(
        `<PubmedBookArticle><BookDocument><PMID>1</PMID><Book><Publisher><PublisherName>NCBI</PublisherName></Publisher><BookTitle>The Book</BookTitle><AuthorList><Author><LastName>Editor</LastName><Initials>E</Initials></Author></AuthorList></Book>${dates}<PublicationTypeList><PublicationType>Book</PublicationType></PublicationTypeList></BookDocument></PubmedBookArticle>`,
      );
    const r = book(
      '<ContributionDate><Year>2005</Year></ContributionDate><DateRevised><Year>2010</Year></DateRevised>',
    );
    assert.deepEqual(
      [r.title, r.journal, r.year, r.authors, r.publication_types],
      ['The Book', 'NCBI', 2005, ['Editor E'], ['Book']],
    );
    assert.equal(book('<DateRevised><Year>2010</Year></DateRevised>').year, 2010);
    assert.equal(book('').year, null);
  });

  test('a book whose only author list is of editors has no authors', () => {
    const r = map(
      '<PubmedBookArticle><BookDocument><Book><AuthorList Type="editors"><Author><LastName>Ed</LastName></Author></AuthorList></Book></BookDocument></PubmedBookArticle>',
    );
    assert.deepEqual(r.authors, []);
  });

  test('a PubmedArticle or PubmedBookArticle without its citation keeps only its ids', () => {
    assert.equal(map('<PubmedBookArticle/>').source_type, null);
    assert.equal(map('<PubmedArticle/>').source_type, 'PubmedArticle');
  });

  test('DeleteCitation: its PMIDs; other element names map to an empty record', () => {
    assert.deepEqual(
      deletedPmids(parseXml('<DeleteCitation><PMID>1</PMID><PMID> </PMID><PMID>2</PMID></DeleteCitation>')),
      ['1', '2'],
    );
    const r = map('<DeleteCitation><PMID>1</PMID></DeleteCitation>');
    assert.deepEqual([r.source_type, r.ids.pmid, r.title], [null, null, null]);
  });

  test('the record names and the skipped subtrees', () => {
    assert.deepEqual(
      [...PUBMED_RECORD_NAMES],
      ['PubmedArticle', 'PubmedBookArticle', 'MedlineCitation', 'DeleteCitation'],
    );
    // skipped subtrees are not parsed: a malformed reference list does not break the record
    const r = map(
      '<PubmedArticle><MedlineCitation><PMID>3</PMID><Article><ArticleTitle>T</ArticleTitle></Article><CommentsCorrectionsList>&bad; <x></CommentsCorrectionsList></MedlineCitation><PubmedData><History>&bad;</History><ReferenceList>&bad;</ReferenceList></PubmedData></PubmedArticle>',
    );
    assert.deepEqual([r.ids.pmid, r.title], ['3', 'T']);
    for (const name of [
      'ReferenceList',
      'CommentsCorrectionsList',
      'GrantList',
      'ChemicalList',
      'SupplMeshList',
      'InvestigatorList',
      'PersonalNameSubjectList',
      'GeneSymbolList',
      'OtherAbstract',
      'OtherID',
      'AffiliationInfo',
      'Affiliation',
      'History',
      'ObjectList',
      'CoiStatement',
      'GeneralNote',
      'SpaceFlightMission',
      'Identifier',
    ]) {
      assert.ok(PUBMED_SKIP.has(name), name);
    }
    assert.equal(PUBMED_SKIP.size, 18);
  });
});
