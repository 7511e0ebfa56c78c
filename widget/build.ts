/**
 * Builds the embeddable widget into widget/dist (see widget/README.md for how the API serves it):
 *   widget.js            the loader (with the English strings), stable URL /widget.js, short cache + ETag
 *   assets/<name>-<hash> content-hashed files, served at /widget/<name>-<hash>, cached for a year:
 *                        the panel, and one strings file per language other than English
 *   demo.html            the demo / dashboard preview page, served at /widget/demo
 *   manifest.json        file list with gzipped sizes
 * Exits non-zero when a size budget is exceeded.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type OutputFile } from 'esbuild';
import { WIDGET_LOCALES } from '../core/widget-config';

const WIDGET_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface WidgetBudget {
  /** What every page that embeds the widget downloads up front. */
  loaderGzipBytes: number;
  /** Everything the widget can ever load on one page: loader + panel + the largest strings file. */
  totalGzipBytes: number;
}

export const DEFAULT_BUDGET: WidgetBudget = { loaderGzipBytes: 15 * 1024, totalGzipBytes: 40 * 1024 };

export type BuiltFileRole = 'loader' | 'panel' | 'locale' | 'demo';

export interface BuiltFile {
  /** Path inside the output directory. */
  file: string;
  /** Path the API serves it at. */
  url: string;
  role: BuiltFileRole;
  immutable: boolean;
  bytes: number;
  gzipBytes: number;
}

export interface WidgetManifest {
  loader: string;
  panel: string;
  /** Strings file per language other than English (English is in the loader). */
  locales: Record<string, string>;
  files: BuiltFile[];
  sizes: { loaderGzipBytes: number; totalGzipBytes: number };
  budget: WidgetBudget;
}

export interface BuildWidgetOptions {
  outDir?: string;
  minify?: boolean;
  budget?: WidgetBudget;
}

const ASSET_URL_PREFIX = '/widget/';
/** Where the panel lives relative to /widget.js; the loader resolves it against its own src. */
const PANEL_PATH_FROM_LOADER = 'widget/';

function outputText(files: OutputFile[] | undefined): string {
  if (!files?.[0]) throw new Error('esbuild produced no output');
  return files[0].text;
}

function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('base64url').replace(/[-_]/g, '').slice(0, 10).toLowerCase();
}

function gzipSize(content: string | Uint8Array): number {
  return gzipSync(content, { level: 9 }).length;
}

function describe(file: string, url: string, role: BuiltFileRole, immutable: boolean, content: string): BuiltFile {
  return { file, url, role, immutable, bytes: Buffer.byteLength(content), gzipBytes: gzipSize(content) };
}

async function bundle(entry: string, options: BuildOptions): Promise<string> {
  const result = await build({
    entryPoints: [path.join(WIDGET_DIR, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome87', 'firefox78', 'safari14'],
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    ...options,
  });
  return outputText(result.outputFiles);
}

/** One language's strings as a classic script that hands them to the loader's element class. */
async function bundleLocale(locale: string, minify: boolean): Promise<string> {
  const result = await build({
    stdin: {
      contents: [
        `import { STRINGS } from './i18n/${locale}';`,
        `import { ELEMENT_NAME } from './element-name';`,
        `const widgetClass = customElements.get(ELEMENT_NAME);`,
        `widgetClass?.registerStrings?.(${JSON.stringify(locale)}, STRINGS);`,
      ].join('\n'),
      resolveDir: path.join(WIDGET_DIR, 'src'),
      sourcefile: `i18n-${locale}.ts`,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome87', 'firefox78', 'safari14'],
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    minify,
  });
  return outputText(result.outputFiles);
}

async function bundleCss(entry: string, minify: boolean): Promise<string> {
  const result = await build({
    entryPoints: [path.join(WIDGET_DIR, entry)],
    bundle: true,
    write: false,
    minify,
    loader: { '.css': 'css' },
    outfile: 'out.css',
    logLevel: 'silent',
  });
  return outputText(result.outputFiles);
}

/** Lists every way `manifest` breaks `budget`; empty when within it. */
export function checkBudget(manifest: Pick<WidgetManifest, 'sizes'>, budget: WidgetBudget): string[] {
  const problems: string[] = [];
  if (manifest.sizes.loaderGzipBytes > budget.loaderGzipBytes) {
    problems.push(
      `loader is ${manifest.sizes.loaderGzipBytes} B gzipped, over the ${budget.loaderGzipBytes} B budget for what loads with the page`,
    );
  }
  if (manifest.sizes.totalGzipBytes > budget.totalGzipBytes) {
    problems.push(
      `widget is ${manifest.sizes.totalGzipBytes} B gzipped in all, over the ${budget.totalGzipBytes} B budget`,
    );
  }
  return problems;
}

export async function buildWidget(options: BuildWidgetOptions = {}): Promise<WidgetManifest> {
  const outDir = path.resolve(options.outDir ?? path.join(WIDGET_DIR, 'dist'));
  const minify = options.minify ?? true;
  const budget = options.budget ?? DEFAULT_BUDGET;

  const panel = await bundle('src/panel-entry.ts', { minify });
  const panelName = `panel-${contentHash(panel)}.js`;
  const locales = await Promise.all(
    WIDGET_LOCALES.filter((locale) => locale !== 'en').map(async (locale) => {
      const code = await bundleLocale(locale, minify);
      return { locale, code, name: `i18n-${locale}-${contentHash(code)}.js` };
    }),
  );
  const localePaths = Object.fromEntries(
    locales.map(({ locale, name }) => [locale, `${PANEL_PATH_FROM_LOADER}${name}`]),
  );
  const loader = await bundle('src/loader.ts', {
    minify,
    define: {
      __CHATCONNECT_PANEL_PATH__: JSON.stringify(`${PANEL_PATH_FROM_LOADER}${panelName}`),
      __CHATCONNECT_LOCALE_PATHS__: JSON.stringify(localePaths),
    },
  });
  const demoScript = await bundle('demo/demo.ts', { minify });
  const demoScriptName = `demo-${contentHash(demoScript)}.js`;
  const demoStyles = await bundleCss('demo/demo.css', minify);
  const demoStylesName = `demo-${contentHash(demoStyles)}.css`;
  const demoHtml = (await readFile(path.join(WIDGET_DIR, 'demo/index.html'), 'utf8'))
    .replaceAll('./demo.css', `${ASSET_URL_PREFIX}${demoStylesName}`)
    .replaceAll('./demo.ts', `${ASSET_URL_PREFIX}${demoScriptName}`);

  // Old hashed files go: the API serves exactly what this build produced.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  const outputs: Array<[string, string]> = [
    ['widget.js', loader],
    [`assets/${panelName}`, panel],
    ...locales.map(({ name, code }): [string, string] => [`assets/${name}`, code]),
    [`assets/${demoScriptName}`, demoScript],
    [`assets/${demoStylesName}`, demoStyles],
    ['demo.html', demoHtml],
  ];
  await Promise.all(outputs.map(([file, content]) => writeFile(path.join(outDir, file), content)));

  const files: BuiltFile[] = [
    describe('widget.js', '/widget.js', 'loader', false, loader),
    describe(`assets/${panelName}`, `${ASSET_URL_PREFIX}${panelName}`, 'panel', true, panel),
    ...locales.map(({ name, code }) => describe(`assets/${name}`, `${ASSET_URL_PREFIX}${name}`, 'locale', true, code)),
    describe(`assets/${demoScriptName}`, `${ASSET_URL_PREFIX}${demoScriptName}`, 'demo', true, demoScript),
    describe(`assets/${demoStylesName}`, `${ASSET_URL_PREFIX}${demoStylesName}`, 'demo', true, demoStyles),
    describe('demo.html', `${ASSET_URL_PREFIX}demo`, 'demo', false, demoHtml),
  ];
  const loaderGzipBytes = files[0].gzipBytes;
  // A visitor loads at most one language's strings besides the loader's English.
  const largestLocale = Math.max(0, ...files.filter((file) => file.role === 'locale').map((file) => file.gzipBytes));
  const manifest: WidgetManifest = {
    loader: 'widget.js',
    panel: `assets/${panelName}`,
    locales: Object.fromEntries(locales.map(({ locale, name }) => [locale, `assets/${name}`])),
    files,
    sizes: { loaderGzipBytes, totalGzipBytes: loaderGzipBytes + files[1].gzipBytes + largestLocale },
    budget,
  };
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const manifest = await buildWidget();
  for (const file of manifest.files) {
    console.log(
      `${file.url.padEnd(36)} ${kilobytes(file.bytes).padStart(9)}  ${kilobytes(file.gzipBytes).padStart(8)} gzipped`,
    );
  }
  console.log(
    `loader: ${kilobytes(manifest.sizes.loaderGzipBytes)} gzipped (budget ${kilobytes(manifest.budget.loaderGzipBytes)})`,
  );
  console.log(
    `total:  ${kilobytes(manifest.sizes.totalGzipBytes)} gzipped (budget ${kilobytes(manifest.budget.totalGzipBytes)})`,
  );
  const problems = checkBudget(manifest, manifest.budget);
  if (problems.length) {
    for (const problem of problems) console.error(`widget build failed: ${problem}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
