// Volume, issue and pages of imported literature records, as the source gives them (RIS VL/IS/SP-EP, MEDLINE
// VI/IP/PG, PubMed XML JournalIssue/Pagination, WoS VL/IS/BP-EP). They complete a citation and tell apart two
// papers of one journal issue that share a title ("Erratum", "Letter") when de-duplicating. Records stored
// before this migration have them null: the stored source text (raw_deflate) still holds them.
export const literature004 = `
ALTER TABLE literature_record ADD COLUMN volume text;
ALTER TABLE literature_record ADD COLUMN issue text;
ALTER TABLE literature_record ADD COLUMN pages text;
`;
