// Runs inside a worker_threads Worker started by run-extraction.ts, so a hostile file that makes
// pdf.js or mammoth loop, recurse or balloon can be stopped (terminate) or capped (resourceLimits)
// without taking the ingestion process down. Plain .mjs on purpose: a Worker cannot load .ts under
// vitest (its transform does not reach worker threads), and this file only calls the libraries.
// The request and reply shapes are declared in run-extraction.ts.
import { parentPort, workerData } from 'node:worker_threads';

/** Enough distinct warnings to judge any real file; bounds what a file that warns endlessly can make us keep. */
const MAX_DISTINCT_WARNINGS = 1000;

/**
 * pdf.js says what it repaired or skipped (a rebuilt cross-reference table, a form that draws
 * itself) only as "Warning: ..." console lines, and in Node it runs in this thread. Those lines are
 * collected for pdf.ts to judge instead of being printed. Messages that differ only in numbers
 * (object ids, offsets, character codes) count once, so a file cannot crowd out the rest.
 */
function collectPdfjsWarnings() {
  const warnings = new Map();
  const collect = (...args) => {
    const line = args.map(String).join(' ');
    if (!line.startsWith('Warning: ')) return;
    const shape = line.replace(/\d+/g, '#');
    if (warnings.size < MAX_DISTINCT_WARNINGS && !warnings.has(shape)) warnings.set(shape, line.slice('Warning: '.length));
  };
  // pdf.js has printed warnings with console.log in some versions and console.warn in others.
  console.log = collect;
  console.warn = collect;
  return () => [...warnings.values()];
}

async function extractPdf({ bytes, pdfOptions }, { PDFParse }) {
  const collectedWarnings = collectPdfjsWarnings();
  const parser = new PDFParse({ ...pdfOptions, data: bytes });
  try {
    const result = await parser.getText();
    return {
      kind: 'pdf',
      pageCount: result.total,
      pages: result.pages.map((page) => ({ page: page.num, text: page.text })),
      warnings: collectedWarnings(),
    };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

async function extractDocx({ bytes }, { mammoth }) {
  // Images would be inlined as base64 data URIs: drop them, only text is indexed.
  const convertImage = mammoth.images.imgElement(async () => ({ src: '' }));
  const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { convertImage });
  return { kind: 'docx', html: result.value };
}

function describeError(error) {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: typeof error.code === 'string' ? error.code : undefined };
  }
  return { name: 'Error', message: String(error) };
}

let replied = false;
function reply(message) {
  if (replied) return;
  replied = true;
  parentPort.postMessage(message);
}

// An error a library throws from a callback or an unawaited promise is still about this file.
process.on('uncaughtException', (error) => reply({ ok: false, phase: 'extract', error: describeError(error) }));
process.on('unhandledRejection', (error) => reply({ ok: false, phase: 'extract', error: describeError(error) }));

const request = workerData;
let libraries;
try {
  libraries =
    request.kind === 'pdf' ? { PDFParse: (await import('pdf-parse')).PDFParse } : { mammoth: (await import('mammoth')).default };
} catch (error) {
  // A missing or broken dependency is our fault, not the document's: the caller must not blame the file.
  reply({ ok: false, phase: 'load', error: describeError(error) });
}
if (libraries) {
  try {
    const extracted = request.kind === 'pdf' ? await extractPdf(request, libraries) : await extractDocx(request, libraries);
    reply({ ok: true, extracted });
  } catch (error) {
    reply({ ok: false, phase: 'extract', error: describeError(error) });
  }
}
