/** What a benchmark section hands back: the lines it prints and the numbers for latest.json. */
export interface SectionResult {
  /** Set when the section could not run here (e.g. the corpus is absent); `lines` says why. */
  skipped?: string;
  lines: string[];
  data: unknown;
}
