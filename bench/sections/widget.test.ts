import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { widgetSizes } from './widget';

describe('widgetSizes', () => {
  const content: Record<string, Uint8Array> = {
    'widget.js': new TextEncoder().encode('loader '.repeat(200)),
    'assets/panel.js': new TextEncoder().encode('panel code '.repeat(500)),
    'assets/demo.js': new TextEncoder().encode('demo'),
  };
  const gz = (file: string) => gzipSync(content[file], { level: 9 }).length;

  it('counts the loader alone and loader + panel as the total, never the demo', () => {
    const sizes = widgetSizes(
      {
        files: [
          { file: 'widget.js', role: 'loader', bytes: 1400, gzipBytes: gz('widget.js') },
          { file: 'assets/panel.js', role: 'panel', bytes: 5500, gzipBytes: gz('assets/panel.js') },
          { file: 'assets/demo.js', role: 'demo', bytes: 4, gzipBytes: 24 },
        ],
      },
      (file) => content[file],
    );
    expect(sizes.loaderGzipBytes).toBe(gz('widget.js'));
    expect(sizes.totalGzipBytes).toBe(gz('widget.js') + gz('assets/panel.js'));
    expect(sizes.recomputedTotalGzipBytes).toBe(sizes.totalGzipBytes);
    expect(sizes.totalBytes).toBe(6900);
    expect(sizes.files.map((file) => file.role)).toEqual(['loader', 'panel']);
  });

  it('refuses a manifest without exactly one loader', () => {
    expect(() => widgetSizes({ files: [] }, () => new Uint8Array())).toThrow(/exactly one loader/);
  });
});
