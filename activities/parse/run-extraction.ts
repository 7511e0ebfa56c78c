import { Worker } from 'node:worker_threads';
import { DocumentParseError } from '../../core/errors';

export interface ExtractionLimits {
  /** Wall-clock budget for one document; the worker is terminated when it runs out. */
  timeoutMs: number;
  /** V8 old-generation heap cap for the worker, in MB. */
  maxMemoryMb: number;
  /**
   * Growth of the process's resident memory while this extraction runs, in MB, past which its
   * worker is stopped: memory outside the V8 heap (ArrayBuffers pdf.js inflates streams into) is
   * not capped by `maxMemoryMb`. The corpus's largest PDFs grow it by 80–170 MB.
   */
  maxRssGrowthMb: number;
  /** Total a PDF's compressed streams may inflate to, in MB (pdf-streams.ts, before pdf.js runs). */
  maxInflatedMb: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  timeoutMs: 45_000,
  maxMemoryMb: 1024,
  maxRssGrowthMb: 512,
  maxInflatedMb: 256,
};

/** How often the memory watchdog samples the process's resident memory. */
const RSS_SAMPLE_MS = 50;

/** Options handed to pdf.js `getDocument`, built by pdf.ts. */
export interface PdfLoadOptions {
  isEvalSupported: false;
  cMapUrl: string;
  cMapPacked: boolean;
  standardFontDataUrl: string;
  useSystemFonts: boolean;
  enableXfa: boolean;
  stopAtErrors: boolean;
  verbosity: number;
  password?: string;
}

export type ExtractionRequest =
  { kind: 'pdf'; bytes: Uint8Array; pdfOptions: PdfLoadOptions } | { kind: 'docx'; bytes: Uint8Array };

export type Extracted =
  | {
      kind: 'pdf';
      pageCount: number;
      pages: PdfPageContent[];
      /** What pdf.js warned about while reading (without its "Warning: " prefix), one per distinct message shape. */
      warnings: string[];
    }
  | { kind: 'docx'; html: string };

/**
 * One pdf.js text item: [text, x, y (baseline, PDF user space: y grows upwards), width, font size,
 * font id, rotated (1 = vertical writing or a turned page), ends a line (pdf.js hasEOL), right-to-left].
 */
export type PdfTextItem = [string, number, number, number, number, string, 0 | 1, 0 | 1, 0 | 1];

/** What a form widget shows ("☑"/"☐" for boxes), its field label or name, and its rectangle [x1, y1, x2, y2]. */
export interface PdfFieldValue {
  text: string;
  label: string;
  box?: boolean;
  rect: [number, number, number, number];
}

export interface PdfPageContent {
  page: number;
  items: PdfTextItem[];
  fields: PdfFieldValue[];
}

/** A library error, flattened to cross the thread boundary. */
export interface ExtractionFailure {
  name: string;
  message: string;
  code?: string;
}

type WorkerReply =
  { ok: true; extracted: Extracted } | { ok: false; phase: 'load' | 'extract'; error: ExtractionFailure };

const WORKER_URL = new URL('./extraction-worker.mjs', import.meta.url);

/**
 * Extracts raw content in a throwaway worker thread. Resolves with what the library produced or
 * the error it threw on this file; rejects with a DocumentParseError when the worker had to be
 * stopped (time or memory), which is what a hostile or pathological file looks like, and with a
 * plain Error when the worker itself could not run (left to the caller's retry policy).
 */
export function runExtraction(
  request: ExtractionRequest,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<{ ok: true; extracted: Extracted } | { ok: false; error: ExtractionFailure }> {
  // Copy so the caller's buffer (often a slice of a pooled Buffer) survives the transfer.
  const bytes = new Uint8Array(request.bytes);
  const worker = new Worker(WORKER_URL, {
    workerData: { ...request, bytes },
    transferList: [bytes.buffer],
    // The worker is plain JavaScript: the parent's flags (tsx loaders, --input-type, test
    // runner hooks) would only slow it down or break it.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: 64 },
    // The worker's console would otherwise interleave pdf.js warnings with our logs.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      void worker.terminate();
      outcome();
    };

    const timer = setTimeout(() => {
      finish(() => reject(timeoutError(limits.timeoutMs)));
    }, limits.timeoutMs);
    // The worker thread shares this process's memory: a stream inflated outside the V8 heap grows
    // the process, so the process's growth since this extraction began is the runtime's wall.
    const baselineRss = process.memoryUsage.rss();
    const watchdog = setInterval(() => {
      const grownMb = (process.memoryUsage.rss() - baselineRss) / (1024 * 1024);
      if (grownMb > limits.maxRssGrowthMb)
        finish(() => reject(tooComplexError(`resident memory grew by ${Math.round(grownMb)} MB`)));
    }, RSS_SAMPLE_MS);
    watchdog.unref();

    worker.once('message', (reply: WorkerReply) =>
      finish(() => {
        if (reply.ok) resolve(reply);
        else if (reply.phase === 'extract') resolve({ ok: false, error: reply.error });
        else reject(new Error(`extraction worker could not load its libraries: ${reply.error.message}`));
      }),
    );
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(() => reject(tooComplexError(error)));
      else finish(() => reject(new Error(`extraction worker failed: ${error.message}`, { cause: error })));
    });
    worker.once('exit', (exitCode) => {
      finish(() => reject(new Error(`extraction worker exited with code ${exitCode} before replying`)));
    });
  });
}

/** Stack overflows and heap exhaustion are the file's fault, not a bug to retry. */
export function isResourceExhaustion(failure: ExtractionFailure): boolean {
  return (
    (failure.name === 'RangeError' &&
      /call stack|Invalid (string|array) length|Array buffer allocation/i.test(failure.message)) ||
    failure.code === 'ERR_WORKER_OUT_OF_MEMORY'
  );
}

export function timeoutError(timeoutMs: number): DocumentParseError {
  const budget = timeoutMs >= 1000 ? `${Number((timeoutMs / 1000).toFixed(1))} seconds` : `${timeoutMs} ms`;
  return new DocumentParseError({
    code: 'parse_timeout',
    message: `Reading this file took longer than ${budget}, so it was stopped. The file may be damaged or unusually complex: open it, save or export it again (or split it into smaller files) and upload it again.`,
  });
}

export function tooComplexError(cause?: unknown): DocumentParseError {
  return new DocumentParseError({
    code: 'document_too_complex',
    message:
      'This file is too complex to read: it needs more memory than one document may use. It may be damaged or built to be hostile. Save or export it again, or split it into smaller files, and upload it again.',
    cause,
  });
}
