import type { ChatSource } from './types';

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'complete' | 'stopped' | 'error';

export interface StoredMessage {
  id: string;
  role: MessageRole;
  text: string;
  sources?: ChatSource[];
  status?: MessageStatus;
  /** Visitor-facing error text shown under a failed answer. */
  error?: string;
  /** The server's id of an answer (stream `meta`), needed to rate it. */
  messageId?: string;
  /** From the stream's `done`: false when the answer did not come from the site's documents. */
  grounded?: boolean;
  /** The visitor's rating, once sent. */
  rating?: 'up' | 'down';
}

export interface ConversationStore {
  loadSessionId(): string | null;
  saveSessionId(sessionId: string | null): void;
  loadTranscript(): StoredMessage[];
  saveTranscript(messages: readonly StoredMessage[]): void;
  clear(): void;
  /** True for the storage keys of this conversation (to follow `storage` events from other tabs). */
  ownsKey(key: string | null): boolean;
}

export const MAX_STORED_MESSAGES = 40;
/** localStorage is shared with the host site (usually 5 MB per origin): stay a polite guest. */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024;
const MAX_SNIPPET_CHARACTERS = 240;
const TRANSCRIPT_VERSION = 1;

/** FNV-1a: keeps storage keys short and keeps the raw key out of key names. */
export function hashKey(value: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index += 1) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** Storage access itself throws in sandboxed frames or with cookies blocked; the widget then keeps memory only. */
function defaultStorage(): Storage | null {
  try {
    const storage = globalThis.localStorage;
    const probe = '__chatconnect_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

function isStoredMessage(value: unknown): value is StoredMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return (
    typeof message.id === 'string' &&
    (message.role === 'user' || message.role === 'assistant') &&
    typeof message.text === 'string' &&
    (message.sources === undefined || Array.isArray(message.sources))
  );
}

function compact(message: StoredMessage): StoredMessage {
  if (!message.sources) return message;
  return {
    ...message,
    sources: message.sources.map((source) => ({ ...source, snippet: source.snippet.slice(0, MAX_SNIPPET_CHARACTERS) })),
  };
}

/** Keeps the newest messages that fit both the count and the byte budget. */
export function boundTranscript(messages: readonly StoredMessage[]): StoredMessage[] {
  let kept = messages.slice(-MAX_STORED_MESSAGES).map(compact);
  while (kept.length > 0 && JSON.stringify(kept).length > MAX_TRANSCRIPT_BYTES) kept = kept.slice(1);
  // A conversation never starts with an orphaned answer.
  while (kept.length > 0 && kept[0].role === 'assistant' && kept.length < messages.length) kept = kept.slice(1);
  return kept;
}

export function createConversationStore(apiKey: string, storage: Storage | null = defaultStorage()): ConversationStore {
  const prefix = `chatconnect:${hashKey(apiKey)}`;
  const sessionKey = `${prefix}:session`;
  const transcriptKey = `${prefix}:transcript`;
  const memory = new Map<string, string>();

  // Once a write fails (quota, revoked access) the in-memory copy is the truth for this page.
  let storageUsable = storage !== null;
  const read = (key: string): string | null => {
    if (!storageUsable || !storage) return memory.get(key) ?? null;
    try {
      const value = storage.getItem(key);
      if (value !== null) memory.set(key, value);
      return value;
    } catch {
      return memory.get(key) ?? null;
    }
  };
  const write = (key: string, value: string | null): void => {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
    if (!storageUsable || !storage) return;
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, value);
    } catch {
      storageUsable = false;
    }
  };

  return {
    loadSessionId: () => read(sessionKey),
    saveSessionId: (sessionId) => write(sessionKey, sessionId),
    loadTranscript: () => {
      try {
        const parsed: unknown = JSON.parse(read(transcriptKey) ?? 'null');
        if (!parsed || typeof parsed !== 'object') return [];
        const { v, messages } = parsed as { v?: unknown; messages?: unknown };
        if (v !== TRANSCRIPT_VERSION || !Array.isArray(messages)) return [];
        return messages.filter(isStoredMessage);
      } catch {
        return [];
      }
    },
    saveTranscript: (messages) =>
      write(transcriptKey, JSON.stringify({ v: TRANSCRIPT_VERSION, messages: boundTranscript(messages) })),
    clear: () => {
      write(sessionKey, null);
      write(transcriptKey, null);
    },
    ownsKey: (key) => key === sessionKey || key === transcriptKey,
  };
}
