import chardet from 'chardet';
import iconv from 'iconv-lite';

export interface DecodedText {
  text: string;
  /** Lower-case encoding name, e.g. `utf-8`, `utf-16le`, `shift_jis`, `windows-1252`. */
  encoding: string;
}

const BYTE_ORDER_MARKS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  // UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE one.
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
];

/** Enough bytes to judge an encoding or binary-ness without scanning a whole large file. */
const SAMPLE_BYTES = 64 * 1024;
const FALLBACK_ENCODING = 'windows-1252';
/** chardet scores 0–100; below this its guess is no better than the fallback. */
const MIN_DETECTION_CONFIDENCE = 10;

export function byteOrderMarkOf(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  for (const bom of BYTE_ORDER_MARKS) {
    if (bytes.length >= bom.bytes.length && bom.bytes.every((value, index) => bytes[index] === value)) {
      return { encoding: bom.encoding, length: bom.bytes.length };
    }
  }
  return undefined;
}

/**
 * UTF-16 without a BOM shows up as a zero in every other byte for Latin text:
 * zeros at even offsets mean big-endian, at odd offsets little-endian.
 */
export function utf16WithoutBomOf(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  if (length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0) evenZeros++;
    if (bytes[index + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  let encoding: 'utf-16le' | 'utf-16be' | undefined;
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.05) encoding = 'utf-16be';
  else if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.05) encoding = 'utf-16le';
  if (!encoding) return undefined;
  // Binary data can show the same zero pattern; real UTF-16 text has no control characters.
  const decoded = new TextDecoder(encoding).decode(bytes.subarray(0, length));
  return /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/.test(decoded) ? undefined : encoding;
}

/**
 * True when the bytes are not text in any encoding we read: NUL bytes that are not UTF-16, or
 * more than a trace of C0 control characters (tab, newlines and form feed are text).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (byteOrderMarkOf(bytes) || utf16WithoutBomOf(bytes)) return false;
  const length = Math.min(bytes.length, SAMPLE_BYTES);
  let controls = 0;
  for (let index = 0; index < length; index++) {
    const byte = bytes[index];
    if (byte === 0) return true;
    const isTextControl = byte === 0x09 || byte === 0x0a || byte === 0x0b || byte === 0x0c || byte === 0x0d;
    if ((byte < 0x20 && !isTextControl && byte !== 0x1b) || byte === 0x7f) controls++;
  }
  return controls / length > 0.01;
}

/**
 * Turns the bytes of a text file into a string: BOMs first, then BOM-less UTF-16, then strict
 * UTF-8, then a statistical guess (Shift_JIS, windows-1251, …), falling back to windows-1252,
 * which decodes any byte. Newlines become `\n` and NUL characters are dropped.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const { text, encoding } = decodeRaw(bytes);
  return { text: normaliseNewlines(text), encoding };
}

function decodeRaw(bytes: Uint8Array): DecodedText {
  const bom = byteOrderMarkOf(bytes);
  if (bom) return { text: decodeWith(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding };

  const utf16 = utf16WithoutBomOf(bytes);
  if (utf16) return { text: decodeWith(bytes, utf16), encoding: utf16 };

  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: fall through to detection.
  }

  const guessed = guessLegacyEncoding(bytes);
  return { text: decodeWith(bytes, guessed.decodeAs), encoding: guessed.encoding };
}

function guessLegacyEncoding(bytes: Uint8Array): { encoding: string; decodeAs: string } {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  for (const match of chardet.analyse(sample)) {
    if (match.confidence < MIN_DETECTION_CONFIDENCE) break;
    const encoding = match.name.toLowerCase();
    // The bytes already failed strict UTF-8 and UTF-16/32 need a BOM or the zero pattern above.
    if (encoding.startsWith('utf')) continue;
    if (!iconv.encodingExists(encoding)) continue;
    // A guess that cannot decode its own sample (short or mixed input) is wrong: try the next.
    const probe = decodeWith(sample, encoding);
    // The sample may end inside a multi-byte character; only its last characters may be broken.
    if ((sample.length < bytes.length ? probe.slice(0, -2) : probe).includes('\uFFFD')) continue;
    // As browsers do: ISO-8859-1 labels mean windows-1252, which only adds printable characters
    // where Latin-1 has unused C1 controls.
    return { encoding, decodeAs: encoding === 'iso-8859-1' ? FALLBACK_ENCODING : encoding };
  }
  return { encoding: FALLBACK_ENCODING, decodeAs: FALLBACK_ENCODING };
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') {
    return new TextDecoder(encoding).decode(bytes);
  }
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

function normaliseNewlines(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?|\u0085|\u2028|\u2029/g, '\n')
    .replace(/\u0000/g, '');
}
