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
    if (warnings.size < MAX_DISTINCT_WARNINGS && !warnings.has(shape))
      warnings.set(shape, line.slice('Warning: '.length));
  };
  // pdf.js has printed warnings with console.log in some versions and console.warn in others.
  console.log = collect;
  console.warn = collect;
  return () => [...warnings.values()];
}

/** Decimal places kept for coordinates: a tenth of a point is far below any layout difference. */
const round = (value) => Math.round(value * 10) / 10;

/**
 * What a form widget shows: a text or choice field's value, a check box or radio button as
 * "☑"/"☐". Returns undefined for buttons, signatures and empty fields. pdf.js gives a check box's
 * state as `fieldValue` (the "on" name, or "Off") and its own "on" name as `exportValue`; a radio
 * button is on when the group's value equals its `buttonValue`.
 */
function widgetText(annotation) {
  if (annotation.subtype !== 'Widget' || annotation.hidden) return undefined;
  const label = annotation.alternativeText || annotation.fieldName || '';
  if (annotation.fieldType === 'Tx' || annotation.fieldType === 'Ch') {
    const value = Array.isArray(annotation.fieldValue) ? annotation.fieldValue.join(', ') : annotation.fieldValue;
    return typeof value === 'string' && value.trim() ? { text: value.trim(), label } : undefined;
  }
  if (annotation.fieldType === 'Btn' && (annotation.checkBox || annotation.radioButton)) {
    const value = annotation.fieldValue;
    const on = annotation.checkBox
      ? value !== undefined &&
        value !== null &&
        value !== 'Off' &&
        (annotation.exportValue === undefined || value === annotation.exportValue)
      : value !== undefined && value !== null && value === annotation.buttonValue;
    return { text: on ? '\u2611' : '\u2610', label, box: true };
  }
  return undefined;
}

/**
 * Reads each page's text items with their geometry (pdf-layout.ts turns them into paragraphs)
 * and the values of its form fields (AcroForm widgets; XFA stays off).
 */
async function extractPdf({ bytes, pdfOptions }, { pdfjs }) {
  const collectedWarnings = collectPdfjsWarnings();
  const loadingTask = pdfjs.getDocument({ ...pdfOptions, data: bytes });
  const doc = await loadingTask.promise;
  try {
    // Only a document with form fields has widget values to read: skip the per-page annotation pass otherwise.
    const hasFields = (await doc.getFieldObjects().catch(() => null)) !== null;
    const pages = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      const items = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const [a, b, , d, x, y] = item.transform;
        // [text, x, y, width, font size, font, rotated, ends a line, right-to-left]
        items.push([
          item.str,
          round(x),
          round(y),
          round(item.width),
          round(Math.hypot(a, b) || Math.abs(d) || item.height),
          item.fontName,
          Math.abs(b) > Math.abs(a) ? 1 : 0,
          item.hasEOL ? 1 : 0,
          item.dir === 'rtl' ? 1 : 0,
        ]);
      }
      const fields = [];
      for (const annotation of hasFields ? await page.getAnnotations({ intent: 'display' }) : []) {
        const shown = widgetText(annotation);
        if (shown && Array.isArray(annotation.rect)) fields.push({ ...shown, rect: annotation.rect.map(round) });
      }
      pages.push({ page: number, items, fields });
      page.cleanup();
    }
    return { kind: 'pdf', pageCount: doc.numPages, pages, warnings: collectedWarnings() };
  } finally {
    await loadingTask.destroy().catch(() => undefined);
  }
}

/**
 * mammoth drops Office Math; equations are rewritten into ordinary runs of linear text first
 * (docx-math.mjs). Only a file that has equations is repacked (stored, not recompressed).
 */
async function withLinearMath(bytes, { JSZip, linearizeMath }) {
  const zip = await JSZip.loadAsync(bytes);
  const documentPart = zip.file('word/document.xml');
  if (!documentPart) return bytes;
  const xml = await documentPart.async('string');
  if (!xml.includes('<m:oMath')) return bytes;
  zip.file('word/document.xml', linearizeMath(xml));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

async function extractDocx({ bytes }, libraries) {
  const { mammoth } = libraries;
  // Images would be inlined as base64 data URIs: drop them, only text is indexed.
  const convertImage = mammoth.images.imgElement(async () => ({ src: '' }));
  const buffer = await withLinearMath(Buffer.from(bytes), libraries);
  const result = await mammoth.convertToHtml({ buffer }, { convertImage });
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
    request.kind === 'pdf'
      ? { pdfjs: await import('pdfjs-dist/legacy/build/pdf.mjs') }
      : {
          mammoth: (await import('mammoth')).default,
          JSZip: (await import('jszip')).default,
          linearizeMath: (await import('./docx-math.mjs')).linearizeMath,
        };
} catch (error) {
  // A missing or broken dependency is our fault, not the document's: the caller must not blame the file.
  reply({ ok: false, phase: 'load', error: describeError(error) });
}
if (libraries) {
  try {
    const extracted =
      request.kind === 'pdf' ? await extractPdf(request, libraries) : await extractDocx(request, libraries);
    reply({ ok: true, extracted });
  } catch (error) {
    reply({ ok: false, phase: 'extract', error: describeError(error) });
  }
}
