// Literature import: readers (PubMed XML, MEDLINE, RIS, ClinicalTrials.gov JSON/XML, WoS), de-duplication and
// PRISMA 2020 counts. Everything here is pure or streaming; storage is elsewhere.

export * from './dedupe.ts';
export { detectFormat, isGzip } from './detect.ts';
export * from './prisma.ts';
export { collect, createProgress, type Progress, type ReadEvent, type ReadOptions, readRecords } from './read.ts';
export * from './record.ts';
