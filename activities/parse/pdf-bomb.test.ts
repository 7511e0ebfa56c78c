import { describe, expect, it } from 'vitest';
import { DocumentParseError } from '../../core/errors';
import { parsePdf } from './pdf';
import { measureInflatedStreams } from './pdf-streams';
import { DEFAULT_EXTRACTION_LIMITS } from './run-extraction';
import { makeInflationBombPdf, makePdf } from './test-fixtures';

const MB = 1024 * 1024;

/** Runs `work` and reports the peak growth of this process's resident memory meanwhile, in MB. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T | unknown; growthMb: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const result = await work().catch((error: unknown) => error);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { result, growthMb: (peak - baseline) / MB };
}

describe('PDF decompression bombs', () => {
  it('a 1 MB file whose content stream inflates to 1 GB fails as pdf_too_complex without inflating it', async () => {
    const bomb = await makeInflationBombPdf(1024);
    expect(bomb.length).toBeLessThan(1.5 * MB);

    const { result, growthMb } = await peakRssGrowth(() => parsePdf(bomb));
    expect(result).toBeInstanceOf(DocumentParseError);
    expect((result as DocumentParseError).code).toBe('pdf_too_complex');
    expect((result as DocumentParseError).message).toMatch(/^This PDF is too complex to read: .* upload it again\.$/);
    expect(growthMb).toBeLessThan(512);
  }, 120_000);

  it('counts through an ASCIIHex layer in front of the Flate one', async () => {
    const bomb = await makeInflationBombPdf(300, { hexWrapped: true });
    await expect(measureInflatedStreams(bomb, 256 * MB)).resolves.toMatchObject({ exceeded: true });
    await expect(parsePdf(bomb)).rejects.toMatchObject({ code: 'pdf_too_complex' });
  }, 120_000);

  it('inflates a doubly compressed stream layer by layer', async () => {
    const bomb = await makeInflationBombPdf(300, { doubleFlate: true });
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(measureInflatedStreams(bomb, 256 * MB)).resolves.toMatchObject({ exceeded: true });
  }, 120_000);

  it('counts an ordinary PDF in full and lets it through', async () => {
    const pdf = makePdf([['A small and honest page.']]);
    await expect(measureInflatedStreams(pdf, 256 * MB)).resolves.toMatchObject({ exceeded: false });
  });

  it('stops the worker when memory outside its heap grows past the budget, whatever made it grow', async () => {
    // The pre-scan is told to allow the bomb, so only the runtime's watchdog stands in the way.
    const bomb = await makeInflationBombPdf(1024);
    const limits = { ...DEFAULT_EXTRACTION_LIMITS, maxInflatedMb: 4096, maxRssGrowthMb: 256 };
    const { result, growthMb } = await peakRssGrowth(() => parsePdf(bomb, limits));
    expect(result).toBeInstanceOf(DocumentParseError);
    expect((result as DocumentParseError).code).toBe('document_too_complex');
    expect(String((result as DocumentParseError).cause)).toMatch(/resident memory grew/);
    expect(growthMb).toBeLessThan(512 + 256);
  }, 180_000);
});
