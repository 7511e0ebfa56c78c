import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, looksBinary } from './text-decoding';

const SAMPLE = 'Grüße, café — naïve résumé\nLine two';

describe('decodeText', () => {
  it.each([
    ['utf-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')]), 'utf-8'],
    ['utf-16le with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]), 'utf-16le'],
    ['utf-16be with BOM', iconv.encode(SAMPLE, 'utf-16be', { addBOM: true }), 'utf-16be'],
    ['utf-32le with BOM', iconv.encode(SAMPLE, 'utf-32le', { addBOM: true }), 'utf-32le'],
    ['utf-32be with BOM', iconv.encode(SAMPLE, 'utf-32be', { addBOM: true }), 'utf-32be'],
  ])('reads %s and drops the BOM', (_name, bytes, encoding) => {
    expect(decodeText(bytes)).toEqual({ text: SAMPLE, encoding });
  });

  it('recognises UTF-16 without a BOM from its zero bytes', () => {
    expect(decodeText(Buffer.from(SAMPLE, 'utf16le'))).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeText(iconv.encode(SAMPLE, 'utf-16be'))).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('keeps valid UTF-8 as UTF-8, emoji and CJK included', () => {
    const text = 'Plain ASCII, 日本語, emoji 👩🏻‍💻 and Ελληνικά';
    expect(decodeText(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
  });

  it('detects Shift_JIS Japanese', () => {
    const text =
      '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。'.repeat(
        3,
      );
    const decoded = decodeText(iconv.encode(text, 'shift_jis'));
    expect(decoded.encoding).toBe('shift_jis');
    expect(decoded.text).toBe(text);
  });

  it('detects Cyrillic windows-1251', () => {
    const text = 'Привет, мир! Это обычный текст на русском языке, сохранённый в старой кодировке Windows. '.repeat(4);
    const decoded = decodeText(iconv.encode(text, 'windows-1251'));
    expect(decoded.encoding).toBe('windows-1251');
    expect(decoded.text).toBe(text);
  });

  it('reads Latin-1 bytes that are not UTF-8 without replacement characters', () => {
    const text = 'Nas páginas que em seguida se lêem acha-se tão bem determinada a missão da poesia. '.repeat(3);
    const decoded = decodeText(iconv.encode(text, 'latin1'));
    expect(['iso-8859-1', 'windows-1252']).toContain(decoded.encoding);
    expect(decoded.text).toBe(text);
  });

  it('falls back to windows-1252 for a few undetectable high bytes', () => {
    const decoded = decodeText(Buffer.from([0x93, 0x68, 0x69, 0x94]));
    expect(decoded.text).toBe('\u201chi\u201d');
  });

  it('normalises CRLF, CR and NEL to \\n and strips NUL characters', () => {
    expect(decodeText(Buffer.from('a\r\nb\rc\u0085d\u0000e', 'utf8')).text).toBe('a\nb\nc\nde');
  });
});

describe('looksBinary', () => {
  it('accepts text in any of the encodings decodeText reads', () => {
    expect(looksBinary(Buffer.from(SAMPLE, 'utf8'))).toBe(false);
    expect(looksBinary(Buffer.from(SAMPLE, 'utf16le'))).toBe(false);
    expect(looksBinary(iconv.encode(SAMPLE, 'utf-32le', { addBOM: true }))).toBe(false);
    expect(looksBinary(iconv.encode(SAMPLE, 'windows-1252'))).toBe(false);
    expect(looksBinary(Buffer.alloc(0))).toBe(false);
  });

  it('refuses NUL bytes and control-character noise', () => {
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]))).toBe(
      true,
    );
    const noisy = Buffer.from(Array.from({ length: 400 }, (_, index) => (index % 20 === 0 ? 0x01 : 0x61)));
    expect(looksBinary(noisy)).toBe(true);
  });
});
