import { createInflate } from 'node:zlib';

export interface InflatedTotal {
  /** Bytes the file's Flate streams inflate to, counted up to the cap. */
  bytes: number;
  /** The count reached the cap: inflation was stopped there. */
  exceeded: boolean;
}

/** How much of the bytes before a "stream" keyword is read for its dictionary. */
const DICTIONARY_WINDOW = 4096;

/**
 * Measures what a PDF's compressed streams inflate to, before pdf.js touches the file, and stops
 * as soon as the total passes `capBytes`: a decompression bomb (a 1 MB file whose content stream
 * inflates to gigabytes) is found after inflating `capBytes`, in 64 KB pieces that are counted and
 * dropped, so it never holds more than one piece in memory. Every stream whose filter chain holds
 * FlateDecode is counted (images too: pdf.js does not decode them for text, but a stream's
 * /Subtype is the file's own claim), with the ASCIIHex/ASCII85 layers before it undone and
 * repeated Flate layers inflated in turn. Streams that do not inflate (encrypted files, whose
 * streams only pdf.js can decrypt, or damaged data) count what they gave before failing: the
 * extraction worker's memory watchdog is the wall for those.
 */
export async function measureInflatedStreams(pdf: Uint8Array, capBytes: number): Promise<InflatedTotal> {
  const buffer = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  let total = 0;
  let from = 0;
  for (;;) {
    const keyword = buffer.indexOf('stream', from, 'latin1');
    if (keyword < 0) break;
    from = keyword + 6;
    // "endstream" contains "stream"; a real stream keyword follows a dictionary's ">>".
    if (keyword >= 3 && buffer.toString('latin1', keyword - 3, keyword) === 'end') continue;
    const before = buffer.toString('latin1', Math.max(0, keyword - DICTIONARY_WINDOW), keyword);
    if (!/>>\s*$/.test(before)) continue;
    const filters = filterChain(before.slice(before.lastIndexOf('obj') + 1));
    const flateAt = filters.indexOf('FlateDecode');
    if (flateAt < 0 || filters.slice(0, flateAt).some((filter) => !TEXT_FILTERS.has(filter))) continue;

    let start = keyword + 6;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] === 0x0a) start++;
    const end = buffer.indexOf('endstream', start, 'latin1');
    let data: Buffer = buffer.subarray(start, end < 0 ? buffer.length : end);
    from = end < 0 ? buffer.length : end + 9;
    for (const filter of filters.slice(0, flateAt))
      data = filter === 'ASCIIHexDecode' ? fromHex(data) : fromAscii85(data);

    let layers = 0;
    while (filters[flateAt + layers] === 'FlateDecode') layers++;
    total += await inflatedLength(data, layers, capBytes - total);
    if (total > capBytes) return { bytes: total, exceeded: true };
  }
  return { bytes: total, exceeded: false };
}

const TEXT_FILTERS = new Set(['ASCIIHexDecode', 'ASCII85Decode']);
const FILTER_ABBREVIATIONS: Record<string, string> = { Fl: 'FlateDecode', AHx: 'ASCIIHexDecode', A85: 'ASCII85Decode' };

/** The /Filter of the last dictionary in `text`: a name or an array of names, abbreviations expanded. */
function filterChain(text: string): string[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)(?![\s\S]*\/Filter)/.exec(text);
  if (!match) return [];
  return [...match[1].matchAll(/\/([A-Za-z0-9]+)/g)].map((name) => FILTER_ABBREVIATIONS[name[1]] ?? name[1]);
}

/**
 * Inflates `layers` times, counting the last layer's output and dropping it; stops (destroying
 * the streams) as soon as the count passes `budget`. A corrupt stream counts what it gave.
 */
function inflatedLength(data: Buffer, layers: number, budget: number): Promise<number> {
  return new Promise((resolve) => {
    const inflaters = Array.from({ length: layers }, () => createInflate({ chunkSize: 64 * 1024 }));
    for (let index = 0; index + 1 < inflaters.length; index++) inflaters[index].pipe(inflaters[index + 1]);
    const last = inflaters[inflaters.length - 1];
    let counted = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const inflater of inflaters) inflater.destroy();
      resolve(counted);
    };
    last.on('data', (chunk: Buffer) => {
      counted += chunk.length;
      if (counted > budget) finish();
    });
    last.on('end', finish);
    for (const inflater of inflaters) inflater.on('error', finish);
    inflaters[0].end(data);
  });
}

function fromHex(data: Buffer): Buffer {
  const hex = data
    .toString('latin1')
    .replace(/>[\s\S]*$/, '')
    .replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

/** ASCII85 (Adobe's base-85, "~>" ends it, "z" is four zero bytes). */
function fromAscii85(data: Buffer): Buffer {
  const text = data
    .toString('latin1')
    .replace(/~>[\s\S]*$/, '')
    .replace(/^<~/, '')
    .replace(/\s/g, '');
  const out: number[] = [];
  let group: number[] = [];
  const flush = (count: number) => {
    let value = 0;
    for (let index = 0; index < 5; index++) value = value * 85 + (group[index] ?? 84);
    for (let index = 0; index < count; index++) out.push((value >>> (24 - 8 * index)) & 0xff);
    group = [];
  };
  for (const char of text) {
    if (char === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const code = char.charCodeAt(0) - 33;
    if (code < 0 || code > 84) continue;
    group.push(code);
    if (group.length === 5) flush(4);
  }
  if (group.length > 1) flush(group.length - 1);
  return Buffer.from(out);
}
