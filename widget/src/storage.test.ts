import { describe, expect, it } from 'vitest';
import {
  MAX_STORED_MESSAGES,
  MAX_TRANSCRIPT_BYTES,
  boundTranscript,
  createConversationStore,
  hashKey,
  type StoredMessage,
} from './storage';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

class FullStorage extends MemoryStorage {
  override setItem(): void {
    throw new DOMException('quota', 'QuotaExceededError');
  }
}

function conversation(pairs: number, answerLength = 20): StoredMessage[] {
  return Array.from({ length: pairs }, (_, index) => [
    { id: `q${index}`, role: 'user' as const, text: `question ${index}` },
    { id: `a${index}`, role: 'assistant' as const, text: 'x'.repeat(answerLength), status: 'complete' as const },
  ]).flat();
}

describe('conversation store', () => {
  it('keeps the session and transcript per API key', () => {
    const storage = new MemoryStorage();
    const first = createConversationStore('pk_live_first', storage);
    const second = createConversationStore('pk_live_second', storage);
    first.saveSessionId('s-1');
    first.saveTranscript(conversation(1));
    expect(createConversationStore('pk_live_first', storage).loadSessionId()).toBe('s-1');
    expect(createConversationStore('pk_live_first', storage).loadTranscript()).toHaveLength(2);
    expect(second.loadSessionId()).toBeNull();
    expect(second.loadTranscript()).toEqual([]);
    expect([...Array(storage.length).keys()].map((index) => storage.key(index)).join()).not.toContain('pk_live');
  });

  it('clears both session and transcript for a new conversation', () => {
    const storage = new MemoryStorage();
    const store = createConversationStore('pk', storage);
    store.saveSessionId('s');
    store.saveTranscript(conversation(2));
    store.clear();
    expect(store.loadSessionId()).toBeNull();
    expect(store.loadTranscript()).toEqual([]);
    expect(storage.length).toBe(0);
  });

  it('ignores corrupt or foreign data instead of failing', () => {
    const storage = new MemoryStorage();
    const store = createConversationStore('pk', storage);
    const key = `chatconnect:${hashKey('pk')}:transcript`;
    for (const value of ['not json', '[]', '{"v":2,"messages":[]}', '{"v":1,"messages":"x"}']) {
      storage.setItem(key, value);
      expect(store.loadTranscript()).toEqual([]);
    }
    storage.setItem(
      key,
      JSON.stringify({
        v: 1,
        messages: [{ id: 'a', role: 'user', text: 'ok' }, { id: 'b', role: 'admin', text: 'x' }, null],
      }),
    );
    expect(store.loadTranscript()).toEqual([{ id: 'a', role: 'user', text: 'ok' }]);
    expect(store.ownsKey(key)).toBe(true);
    expect(store.ownsKey('other')).toBe(false);
  });

  it('keeps working in memory when storage is full or unavailable', () => {
    for (const storage of [new FullStorage(), null]) {
      const store = createConversationStore('pk', storage);
      store.saveSessionId('s');
      store.saveTranscript(conversation(1));
      expect(store.loadSessionId()).toBe('s');
      expect(store.loadTranscript()).toHaveLength(2);
    }
  });
});

describe('boundTranscript', () => {
  it('keeps only the newest messages', () => {
    const bounded = boundTranscript(conversation(MAX_STORED_MESSAGES));
    expect(bounded).toHaveLength(MAX_STORED_MESSAGES);
    expect(bounded.at(-1)?.id).toBe(`a${MAX_STORED_MESSAGES - 1}`);
    expect(bounded[0].role).toBe('user');
  });

  it('stays under the byte budget and never starts with an orphaned answer', () => {
    const bounded = boundTranscript(conversation(10, 20_000));
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    expect(bounded.length).toBeGreaterThan(0);
    expect(bounded[0].role).toBe('user');
  });

  it('shortens stored source snippets', () => {
    const [message] = boundTranscript([
      {
        id: 'a',
        role: 'assistant',
        text: 't',
        sources: [{ documentId: 'd', filename: 'f.pdf', chunkIndex: 0, score: 1, snippet: 'y'.repeat(5000), page: 3 }],
      },
    ]);
    expect(message.sources?.[0].snippet.length).toBe(240);
    expect(message.sources?.[0].page).toBe(3);
  });
});
