/** USD per million tokens. `cached` is the price of a prompt token read from the provider's cache. */
export interface ModelPrice {
  input: number;
  output: number;
  cached: number;
}

/**
 * List prices at the time of writing (openai.com/api/pricing, anthropic.com/pricing). Anthropic
 * cache writes cost 1.25x input but reach us folded into `tokensIn`, so they are charged at the
 * input rate: estimates for a cold cache run slightly low.
 */
const PRICES: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6, cached: 0.075 },
  'gpt-4o': { input: 2.5, output: 10, cached: 1.25 },
  'claude-sonnet-4-5': { input: 3, output: 15, cached: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cached: 0.1 },
  'text-embedding-3-small': { input: 0.02, output: 0, cached: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0, cached: 0 },
};

const FREE: ModelPrice = { input: 0, output: 0, cached: 0 };

/**
 * The price row for a model, accepting dated snapshot names (`gpt-4o-mini-2024-07-18`,
 * `claude-sonnet-4-5-20250929`) for their family. Undefined for models we have no price for.
 */
export function priceFor(model: string): ModelPrice | undefined {
  const name = model.trim().toLowerCase();
  return PRICES[name] ?? PRICES[name.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '')];
}

/**
 * Unknown models cost 0: local and self-hosted models (the local answerer, Ollama, vLLM) really
 * are free to us, and a dashboard should under-report an unlisted hosted model rather than show
 * an invented number. Add hosted models to the table when they are offered to clients.
 */
export function estimateCostUsd({
  model,
  tokensIn,
  tokensOut,
  cachedTokens,
}: {
  model: string;
  /** Uncached prompt tokens (cache writes included). */
  tokensIn: number;
  tokensOut: number;
  /** Prompt tokens read from the provider's cache. */
  cachedTokens: number;
}): number {
  const price = priceFor(model) ?? FREE;
  return (tokensIn * price.input + tokensOut * price.output + cachedTokens * price.cached) / 1_000_000;
}
