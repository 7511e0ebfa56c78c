import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from './config';

describe('config', () => {
  it('defaults to the embedded mode', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(5000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.startTemporalDevServer).toBe(true);
    expect(config.vectorStore).toBe('pgvector');
    expect(config.embeddingProvider).toBe('local');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('chatconnect');
    expect(config.MAX_FILE_SIZE).toBe(10 * 1024 * 1024);
  });

  it('picks Qdrant and OpenAI embeddings when their variables are set', () => {
    const config = loadConfig({
      QDRANT_URL: 'http://localhost:6333',
      OPENAI_API_KEY: 'sk-test',
      TEMPORAL_ADDRESS: 'temporal:7233',
    });
    expect(config.vectorStore).toBe('qdrant');
    expect(config.embeddingProvider).toBe('openai');
    expect(config.startTemporalDevServer).toBe(false);
  });

  it('lists every bad key at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
      expect.fail('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('requires a session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
  });

  it('documents every variable in .env.example, and nothing else', () => {
    const example = readFileSync(path.join(import.meta.dirname, '..', '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const known = Object.keys(configSchema.shape);
    expect([...documented].sort()).toEqual(known.filter((key) => key !== 'NODE_ENV' || documented.has(key)).sort());
  });
});
