import { describe, expect, it } from 'vitest';
import { neutraliseFormula, sessionsToCsv, type ChatSessionView } from './conversations';

describe('conversation CSV export', () => {
  it('neutralises formulas and quotes per RFC 4180', () => {
    const session = {
      sessionId: 's-1',
      startedAt: '2026-11-30T00:00:00.000Z',
      messageCount: 1,
      messages: [
        {
          messageId: 'm-1',
          createdAt: '2026-11-30T00:00:01.000Z',
          question: '=HYPERLINK("http://evil.example","click")',
          answer: 'Line one,\nline "two"',
          sources: [{ filename: 'guide.pdf', page: 3 }],
          model: 'local-extractive',
          tokensIn: 1,
          tokensOut: 2,
        },
      ],
    } as unknown as ChatSessionView;
    const csv = sessionsToCsv([session]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('session_id,message_id,created_at,question,answer,sources,model,tokens_in,tokens_out');
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain('"Line one,\nline ""two"""');
    expect(csv).toContain('guide.pdf p.3');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(neutraliseFormula('-1+2')).toBe("'-1+2");
    expect(neutraliseFormula('plain')).toBe('plain');
  });
});
