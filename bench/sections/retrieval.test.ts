import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containsGoldSpan, goldRank, loadSquad } from './retrieval';

describe('retrieval scoring', () => {
  it('ranks the gold paragraph among distinct documents', () => {
    expect(goldRank(['a', 'a', 'b', 'c'], 'b')).toBe(1);
    expect(goldRank(['a', 'b'], 'z')).toBe(-1);
  });
  it('finds a gold span case-insensitively and ignores empty spans', () => {
    expect(containsGoldSpan('The Normans came from NORMANDY in France.', ['Normandy'])).toBe(true);
    expect(containsGoldSpan('No idea.', ['Normandy', ''])).toBe(false);
    expect(containsGoldSpan('anything', ['  '])).toBe(false);
  });
  it('reads SQuAD 2.0: one paragraph per context, answerable questions only, answers deduplicated', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'squad-'));
    try {
      const file = path.join(dir, 'squad.json');
      writeFileSync(
        file,
        JSON.stringify({
          data: [
            {
              title: 'Normans',
              paragraphs: [
                {
                  context: 'The Normans were in Normandy.',
                  qas: [
                    {
                      question: 'Where were the Normans?',
                      is_impossible: false,
                      answers: [{ text: 'Normandy' }, { text: 'Normandy' }],
                    },
                    { question: 'Where were the Danes?', is_impossible: true, answers: [] },
                  ],
                },
              ],
            },
          ],
        }),
      );
      const { paragraphs, questions } = loadSquad(file);
      expect(paragraphs).toEqual([
        { key: 'Normans-01', filename: 'normans-01.txt', text: 'The Normans were in Normandy.' },
      ]);
      expect(questions).toEqual([
        { question: 'Where were the Normans?', goldKey: 'Normans-01', answers: ['Normandy'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
