// Types of scripts/mutation-sample.mjs, for the TypeScript tests that import it.
export interface Position {
  line: number;
  column: number;
}
export interface Location {
  start: Position;
  end: Position;
}
export interface SampledMutant {
  fileName: string;
  location: Location;
  mutatorName: string;
  replacement: string;
}
export function allMutants(files: string[]): Promise<SampledMutant[]>;
export function drawParts<T>(mutants: T[], n: number, seed: number, parts?: number): T[][];
export function drawSample<T>(mutants: T[], n: number, seed: number): T[];
export function rangePattern(m: SampledMutant): string;
export function reportKey(fileName: string, location: Location, mutatorName: string, replacement?: string): string;
export function sampleKey(m: SampledMutant): string;
export function wilson(killed: number, n: number, population: number, z?: number): { low: number; high: number } | null;
export interface ReportMutant {
  location: Location;
  mutatorName: string;
  replacement?: string;
  status: string;
  [k: string]: unknown;
}
export function pickedInReport(
  sample: { picked: SampledMutant[] },
  report: { files?: Record<string, { mutants: ReportMutant[] }> },
): Map<string, ReportMutant & { file: string }>;
