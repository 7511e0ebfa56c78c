import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared third-party corpus lives beside the project (`../shared/corpus`), never inside it.
 * A user's fresh clone does not have it: callers skip with this message.
 */
export const CORPUS_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
export const corpusAvailable = existsSync(path.join(CORPUS_DIR, 'MANIFEST.md'));
export const CORPUS_MISSING_MESSAGE = `corpus not found at ${CORPUS_DIR}: tests that read ../shared/corpus are skipped`;

// The one-line notice of what is skipped comes from tests/setup/shared-notice.ts (global setup).

export function corpusFiles(subdir: string): string[] {
  if (!corpusAvailable) return [];
  const dir = path.join(CORPUS_DIR, subdir);
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Real failure cases (`../shared/cases/<NN-name>/`), read by tests like the corpus and skipped with it. */
export const CASES_DIR = path.join(path.dirname(CORPUS_DIR), 'cases');
export const casesAvailable = existsSync(path.join(CASES_DIR, 'README.md'));

/** Path of a file in a case folder, by the folder's number prefix ("02") and the file name. */
export function caseFile(folder: string, name: string): string {
  const file = path.join(CASES_DIR, folder, name);
  if (!existsSync(file)) throw new Error(`no case file ${folder}/${name} in ${CASES_DIR}`);
  return file;
}
