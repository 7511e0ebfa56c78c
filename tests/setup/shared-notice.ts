import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', '.data', '.git']);
// A test file reads ../shared when it imports tests/corpus.ts or builds a path to `shared`.
const READS_SHARED = /from ['"][./]*(?:tests\/)?corpus['"]|['"]shared['"]|\.\.\/shared\//;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP_DIRS.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Global setup of every test project: when `../shared` (the third-party corpus and the real-world
 * cases) is absent, as in a user's fresh clone, say so in ONE line naming the test files whose
 * tests skip, instead of letting them skip silently.
 */
export default function sharedNotice(): void {
  if (existsSync(path.join(SHARED, 'corpus')) && existsSync(path.join(SHARED, 'cases'))) return;
  const affected = testFiles(ROOT)
    .filter((file) => READS_SHARED.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(ROOT, file));
  console.warn(
    `[tests] ${SHARED} not found: tests that read the shared corpus and cases are skipped in ${affected.length} files (${affected.join(', ')}).`,
  );
}
