import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatTable, type Cell } from '../lib/table';
import type { SectionResult } from '../lib/section';

/**
 * The widget's gzipped weight beside what embedding a peer's chat widget costs. Peer figures are
 * fixed reference numbers (their published embed bundles, gzipped), not measured here.
 */

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const WIDGET_DIR = path.join(PROJECT_ROOT, 'widget');
const DIST_DIR = path.join(WIDGET_DIR, 'dist');
const MANIFEST = path.join(DIST_DIR, 'manifest.json');

export const PEERS = [
  { name: 'AnythingLLM embed', loaderKb: 215, totalKb: 215, note: 'one bundle, loaded with the page' },
  { name: 'Flowise embed', loaderKb: 286, totalKb: 286, note: 'one bundle, loaded with the page' },
] as const;
export const BUDGET_KB = { loader: 15, total: 40 } as const;

interface ManifestFile {
  file: string;
  role: 'loader' | 'panel' | 'demo';
  bytes: number;
  gzipBytes: number;
}

export interface WidgetSizes {
  loaderGzipBytes: number;
  totalGzipBytes: number;
  loaderBytes: number;
  totalBytes: number;
  /** Our own gzip -9 of the files on disk, to check the manifest's figures. */
  recomputedLoaderGzipBytes: number;
  recomputedTotalGzipBytes: number;
  files: ManifestFile[];
}

/** Loader = what every embedding page downloads; total = everything the widget can load (loader + panel). */
export function widgetSizes(manifest: { files: ManifestFile[] }, readFile: (file: string) => Uint8Array): WidgetSizes {
  const shipped = manifest.files.filter((file) => file.role === 'loader' || file.role === 'panel');
  const loader = shipped.filter((file) => file.role === 'loader');
  if (loader.length !== 1)
    throw new Error(`the widget manifest should list exactly one loader, found ${loader.length}`);
  const gz = (file: ManifestFile) => gzipSync(readFile(file.file), { level: 9 }).length;
  const sum = (files: ManifestFile[], pick: (file: ManifestFile) => number) =>
    files.reduce((total, file) => total + pick(file), 0);
  return {
    loaderGzipBytes: loader[0].gzipBytes,
    totalGzipBytes: sum(shipped, (file) => file.gzipBytes),
    loaderBytes: loader[0].bytes,
    totalBytes: sum(shipped, (file) => file.bytes),
    recomputedLoaderGzipBytes: gz(loader[0]),
    recomputedTotalGzipBytes: sum(shipped, gz),
    files: shipped,
  };
}

function newestSourceMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export async function runWidget(): Promise<SectionResult> {
  const lines: string[] = [];
  const sourceDir = path.join(WIDGET_DIR, 'src');
  const stale =
    existsSync(MANIFEST) && existsSync(sourceDir) && newestSourceMtime(sourceDir) > statSync(MANIFEST).mtimeMs;
  if (!existsSync(MANIFEST) || stale) {
    lines.push(
      stale
        ? 'widget/dist is older than widget/src: rebuilt with `npm run build:widget`.'
        : 'widget/dist missing: built with `npm run build:widget`.',
    );
    const build = spawnSync('npm', ['run', '--silent', 'build:widget'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    // The build exits non-zero over budget but still writes the manifest; report either way.
    if (build.status !== 0)
      lines.push(
        `build:widget exited ${build.status}: ${(build.stderr || build.stdout).trim().split('\n').slice(-3).join(' / ')}`,
      );
    if (!existsSync(MANIFEST))
      throw new Error(`npm run build:widget did not produce ${path.relative(PROJECT_ROOT, MANIFEST)}`);
  }
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: ManifestFile[] };
  const sizes = widgetSizes(manifest, (file) => readFileSync(path.join(DIST_DIR, file)));
  const kb = (bytes: number) => bytes / 1024;
  const rows: Cell[][] = [
    [
      'ChatConnect (this build)',
      kb(sizes.loaderGzipBytes),
      kb(sizes.totalGzipBytes),
      'loader with the page; panel on first open',
    ],
    [
      'ChatConnect budget',
      BUDGET_KB.loader,
      BUDGET_KB.total,
      sizes.loaderGzipBytes <= BUDGET_KB.loader * 1024 && sizes.totalGzipBytes <= BUDGET_KB.total * 1024
        ? 'within budget'
        : 'OVER BUDGET',
    ],
    ...PEERS.map((peer): Cell[] => [`${peer.name} (reference)`, peer.loaderKb, peer.totalKb, peer.note]),
  ];
  lines.push(
    'Gzipped KB (1 KB = 1024 bytes), from widget/dist/manifest.json; loader = what each embedding page downloads, total = loader + panel.',
    '',
    formatTable(['widget', 'loader KB gz', 'total KB gz', 'note'], rows),
    '',
    formatTable(
      ['peer', 'peer loader ÷ ours', 'peer total ÷ ours'],
      PEERS.map((peer) => [
        peer.name,
        `${((peer.loaderKb * 1024) / sizes.loaderGzipBytes).toFixed(0)}×`,
        `${((peer.totalKb * 1024) / sizes.totalGzipBytes).toFixed(1)}×`,
      ]),
    ),
    '',
    formatTable(
      ['file', 'role', 'bytes', 'gzip bytes (manifest)', 'gzip -9 bytes (recomputed)'],
      sizes.files.map((file) => [
        file.file,
        file.role,
        file.bytes,
        file.gzipBytes,
        gzipSync(readFileSync(path.join(DIST_DIR, file.file)), { level: 9 }).length,
      ]),
    ),
  );
  if (sizes.recomputedTotalGzipBytes !== sizes.totalGzipBytes) {
    lines.push(
      `Note: the manifest's gzip total (${sizes.totalGzipBytes} B) differs from a fresh gzip -9 of the files (${sizes.recomputedTotalGzipBytes} B).`,
    );
  }
  return {
    lines,
    data: { ...sizes, budgetKb: BUDGET_KB, peersKb: PEERS, rebuilt: lines[0]?.includes('built with') ?? false },
  };
}
