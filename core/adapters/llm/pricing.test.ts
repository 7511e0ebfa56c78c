import { describe, expect, it } from 'vitest';
import { estimateCostUsd, priceFor } from './pricing';

const million = 1_000_000;

describe('estimateCostUsd', () => {
  it('charges gpt-4o-mini per million tokens: 0.15 in, 0.60 out, 0.075 cached', () => {
    expect(estimateCostUsd({ model: 'gpt-4o-mini', tokensIn: million, tokensOut: 0, cachedTokens: 0 })).toBeCloseTo(
      0.15,
      10,
    );
    expect(estimateCostUsd({ model: 'gpt-4o-mini', tokensIn: 0, tokensOut: million, cachedTokens: 0 })).toBeCloseTo(
      0.6,
      10,
    );
    expect(estimateCostUsd({ model: 'gpt-4o-mini', tokensIn: 0, tokensOut: 0, cachedTokens: million })).toBeCloseTo(
      0.075,
      10,
    );
  });

  it('charges claude-sonnet-4-5 3 in, 15 out and 0.30 for cache reads', () => {
    expect(
      estimateCostUsd({ model: 'claude-sonnet-4-5', tokensIn: million, tokensOut: million, cachedTokens: million }),
    ).toBeCloseTo(18.3, 10);
  });

  it('prices a typical cached Sonnet answer near the original design’s ~$0.003 a query (docs/architecture.md)', () => {
    // ~2,000 cached system tokens, ~400 tokens of excerpts and question, ~120 tokens of answer.
    const cost = estimateCostUsd({ model: 'claude-sonnet-4-5', tokensIn: 400, tokensOut: 120, cachedTokens: 2000 });
    expect(cost).toBeCloseTo(0.0036, 6);
  });

  it('prices dated snapshot names like their family', () => {
    const usage = { tokensIn: 1000, tokensOut: 200, cachedTokens: 500 };
    expect(estimateCostUsd({ model: 'claude-sonnet-4-5-20250929', ...usage })).toBe(
      estimateCostUsd({ model: 'claude-sonnet-4-5', ...usage }),
    );
    expect(estimateCostUsd({ model: 'gpt-4o-mini-2024-07-18', ...usage })).toBe(
      estimateCostUsd({ model: 'gpt-4o-mini', ...usage }),
    );
  });

  it('costs nothing for local and unknown models', () => {
    const usage = { tokensIn: million, tokensOut: million, cachedTokens: million };
    expect(estimateCostUsd({ model: 'local-extractive', ...usage })).toBe(0);
    expect(estimateCostUsd({ model: 'llama3.1:8b', ...usage })).toBe(0);
    expect(priceFor('llama3.1:8b')).toBeUndefined();
  });

  it('knows the other models the product may be configured with', () => {
    expect(priceFor('gpt-4o')).toEqual({ input: 2.5, output: 10, cached: 1.25 });
    expect(priceFor('claude-haiku-4-5')).toEqual({ input: 1, output: 5, cached: 0.1 });
    expect(priceFor('text-embedding-3-large')).toEqual({ input: 0.13, output: 0, cached: 0 });
  });
});
