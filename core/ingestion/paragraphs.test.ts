import { describe, expect, it } from 'vitest';
import { DocumentVocabulary, keepsLineEndHyphen } from './dehyphenate';
import { detectHardWrap, unwrapHardWrappedText } from './hard-wrap';

describe('line-end hyphens', () => {
  const empty = new DocumentVocabulary('');

  it('joins a word broken at a line end and keeps real compounds', () => {
    expect(keepsLineEndHyphen('warran', 'ty', empty)).toBe(false);
    expect(keepsLineEndHyphen('Replace', 'ment', empty)).toBe(false);
    expect(keepsLineEndHyphen('deter', 'gent', empty)).toBe(false);
    expect(keepsLineEndHyphen('exe', 'cuted', empty)).toBe(false);
    expect(keepsLineEndHyphen('forty', 'five', empty)).toBe(true);
    expect(keepsLineEndHyphen('e', 'mail', empty)).toBe(true);
    expect(keepsLineEndHyphen('co', 'operate', empty)).toBe(true);
  });

  it("follows the document's own spelling before the word list", () => {
    expect(keepsLineEndHyphen('e', 'mail', new DocumentVocabulary('Send an email today.'))).toBe(false);
    expect(keepsLineEndHyphen('data', 'base', new DocumentVocabulary('The data-base is local.'))).toBe(true);
    expect(keepsLineEndHyphen('Zorb', 'ingen', new DocumentVocabulary('We met Zorbingen twice.'))).toBe(false);
  });
});

describe('hard-wrapped text', () => {
  const wrapped = [
    'Product care',
    '',
    'The Model K4 blender comes with a limited warranty',
    'of three years that protects the motor and the jar.',
    'Replacement blades can be ordered online from our shop,',
    'and the authorised service centre in Brookdale repairs',
    'units that are out of guarantee for a flat fee of forty-',
    'five euros, and a drop of deter-',
    'gent helps.',
    '',
    'Contents:',
    '- blender base with motor',
    '- jar with a lid that locks in place and a measuring cup',
    '  that fits the lid',
    '',
    'Short lines stay.',
    'As they are.',
  ].join('\n');

  it('recognises a file wrapped at a fixed width, and one paragraph per line as not wrapped', () => {
    expect(detectHardWrap(wrapped.split('\n')).hardWrapped).toBe(true);
    const unwrapped = ['First paragraph is one long line. '.repeat(6), '', 'Second one. '.repeat(12), '', 'Third.'];
    expect(detectHardWrap(unwrapped).hardWrapped).toBe(false);
    expect(unwrapHardWrappedText(unwrapped.join('\n'))).toBe(unwrapped.join('\n'));
  });

  it('joins the lines of a paragraph, undoes hyphens, keeps lists and short lines', () => {
    const text = unwrapHardWrappedText(wrapped);
    expect(text).toContain(
      'The Model K4 blender comes with a limited warranty of three years that protects the motor and the jar. Replacement blades',
    );
    expect(text).toContain('for a flat fee of forty-five euros, and a drop of detergent helps.');
    expect(text).toContain(
      'Contents:\n- blender base with motor\n- jar with a lid that locks in place and a measuring cup that fits the lid',
    );
    expect(text).toContain('Short lines stay.\nAs they are.');
    expect(text.startsWith('Product care\n\n')).toBe(true);
  });
});
