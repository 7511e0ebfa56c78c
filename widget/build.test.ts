import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { DEFAULT_BUDGET, buildWidget, checkBudget, type WidgetManifest } from './build';
import { WIDGET_LOCALES } from '../core/widget-config';

describe('widget build', () => {
  let outDir: string;
  let manifest: WidgetManifest;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'chatconnect-widget-'));
    manifest = await buildWidget({ outDir });
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the stable loader, hashed assets, the demo page and a manifest', async () => {
    expect(await readdir(outDir)).toEqual(
      expect.arrayContaining(['widget.js', 'assets', 'demo.html', 'manifest.json']),
    );
    const assets = await readdir(path.join(outDir, 'assets'));
    expect(assets.some((name) => /^panel-[a-z0-9]{10}\.js$/.test(name))).toBe(true);
    const written = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as WidgetManifest;
    expect(written).toEqual(manifest);
    expect(manifest.files.find((file) => file.role === 'loader')).toMatchObject({
      file: 'widget.js',
      url: '/widget.js',
      immutable: false,
    });
    for (const file of manifest.files.filter((entry) => entry.immutable))
      expect(file.url).toMatch(/^\/widget\/[\w-]+-[a-z0-9]{10}\.(js|css)$/);
  });

  it('points the loader at the hashed panel relative to its own URL', async () => {
    const loader = await readFile(path.join(outDir, 'widget.js'), 'utf8');
    const panelName = path.basename(manifest.panel);
    expect(loader).toContain(`widget/${panelName}`);
    expect(loader).not.toContain('__CHATCONNECT_PANEL_PATH__');
  });

  it('links the demo page to its hashed script and stylesheet', async () => {
    const html = await readFile(path.join(outDir, 'demo.html'), 'utf8');
    const demoAssets = manifest.files.filter((file) => file.role === 'demo' && file.immutable).map((file) => file.url);
    expect(demoAssets).toHaveLength(2);
    for (const url of demoAssets) expect(html).toContain(url);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
  });

  it('ships no innerHTML, eval or string-built functions', async () => {
    for (const file of manifest.files.filter((entry) => entry.file.endsWith('.js'))) {
      const code = await readFile(path.join(outDir, file.file), 'utf8');
      expect(code, file.file).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
      );
    }
  });

  it('stays within the size budget', () => {
    expect(checkBudget(manifest, DEFAULT_BUDGET)).toEqual([]);
    expect(manifest.sizes.loaderGzipBytes).toBeLessThanOrEqual(DEFAULT_BUDGET.loaderGzipBytes);
    expect(manifest.sizes.totalGzipBytes).toBeLessThanOrEqual(DEFAULT_BUDGET.totalGzipBytes);
  });

  it('writes one hashed strings file per language other than English and counts the largest in the total', async () => {
    expect(Object.keys(manifest.locales).sort()).toEqual(WIDGET_LOCALES.filter((locale) => locale !== 'en').sort());
    const loader = await readFile(path.join(outDir, 'widget.js'), 'utf8');
    for (const [locale, file] of Object.entries(manifest.locales)) {
      expect(file).toMatch(new RegExp(`^assets/i18n-${locale}-[a-z0-9]{10}\\.js$`));
      expect(loader).toContain(`widget/${path.basename(file)}`);
      const code = await readFile(path.join(outDir, file), 'utf8');
      expect(code).toContain(`registerStrings`);
    }
    const files = manifest.files;
    const largest = Math.max(...files.filter((file) => file.role === 'locale').map((file) => file.gzipBytes));
    expect(manifest.sizes.totalGzipBytes).toBe(files[0].gzipBytes + files[1].gzipBytes + largest);
  });

  it('bundles nothing of the server except the dependency-free core/widget-config.ts', async () => {
    for (const entry of ['src/loader.ts', 'src/panel-entry.ts']) {
      const result = await build({
        entryPoints: [path.join(import.meta.dirname, entry)],
        bundle: true,
        write: false,
        metafile: true,
        logLevel: 'silent',
        format: 'iife',
      });
      const outside = Object.keys(result.metafile.inputs).filter(
        (input) => !input.startsWith('widget/src/') && input !== 'core/widget-config.ts',
      );
      expect(outside, entry).toEqual([]);
    }
  });

  it('produces the same hashes for the same sources', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'chatconnect-widget-'));
    try {
      const second = await buildWidget({ outDir: again });
      expect(second.files.map((file) => file.file)).toEqual(manifest.files.map((file) => file.file));
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});

describe('checkBudget', () => {
  it('reports each budget that is exceeded', () => {
    expect(checkBudget({ sizes: { loaderGzipBytes: 16_000, totalGzipBytes: 41_000 } }, DEFAULT_BUDGET)).toHaveLength(2);
    expect(checkBudget({ sizes: { loaderGzipBytes: 16_000, totalGzipBytes: 20_000 } }, DEFAULT_BUDGET)[0]).toMatch(
      /loader is 16000 B/,
    );
    expect(checkBudget({ sizes: { loaderGzipBytes: 1_000, totalGzipBytes: 2_000 } }, DEFAULT_BUDGET)).toEqual([]);
  });
});
