import type { Config } from '../../config';
import type { LlmProvider } from './types';
import { createAnthropicProvider } from './anthropic';
import { createOpenAiProvider } from './openai';
import { createLocalAnswerer } from './local';

export type ProviderName = LlmProvider['name'];

export interface LlmChoice {
  provider: LlmProvider;
  model: string;
}

export interface LlmRegistry {
  /** Which providers have credentials here; the dashboard offers only these. */
  available(): ProviderName[];
  /**
   * The original design's tier strategy (docs/architecture.md) (free → OpenAI gpt-4o-mini, paid → Anthropic
   * Claude Sonnet 4.5), overridable per client; a provider without credentials falls back to the
   * local answerer so a site never goes dark for want of a key.
   */
  choose(client: { tier: 'free' | 'paid'; llmProvider?: string | null; llmModel?: string | null }): LlmChoice;
}

export const LOCAL_MODEL = 'local-extractive';

export function createLlmRegistry(config: Config): LlmRegistry {
  const providers = new Map<ProviderName, LlmProvider>();
  providers.set('local', createLocalAnswerer());
  if (config.OPENAI_API_KEY || config.OPENAI_BASE_URL) {
    providers.set(
      'openai',
      createOpenAiProvider({
        apiKey: config.OPENAI_API_KEY ?? 'not-needed',
        baseURL: config.OPENAI_BASE_URL,
        timeoutMs: config.LLM_TIMEOUT_MS,
      }),
    );
  }
  if (config.ANTHROPIC_API_KEY) {
    providers.set(
      'anthropic',
      createAnthropicProvider({
        apiKey: config.ANTHROPIC_API_KEY,
        baseURL: config.ANTHROPIC_BASE_URL,
        timeoutMs: config.LLM_TIMEOUT_MS,
      }),
    );
  }

  const tierDefault = (tier: 'free' | 'paid'): { name: ProviderName; model: string } => {
    if (config.LLM_PROVIDER !== 'auto') {
      const model =
        config.LLM_PROVIDER === 'anthropic'
          ? config.PAID_TIER_MODEL
          : config.LLM_PROVIDER === 'openai'
            ? config.FREE_TIER_MODEL
            : LOCAL_MODEL;
      return { name: config.LLM_PROVIDER, model };
    }
    return tier === 'paid'
      ? { name: 'anthropic', model: config.PAID_TIER_MODEL }
      : { name: 'openai', model: config.FREE_TIER_MODEL };
  };

  return {
    available: () => [...providers.keys()],
    choose(client) {
      const wanted = (client.llmProvider as ProviderName | null | undefined) ?? tierDefault(client.tier).name;
      const provider = providers.get(wanted);
      if (!provider) return { provider: providers.get('local')!, model: LOCAL_MODEL };
      if (wanted === 'local') return { provider, model: LOCAL_MODEL };
      const model =
        client.llmModel ?? (client.llmProvider ? tierDefaultModelFor(wanted, config) : tierDefault(client.tier).model);
      return { provider, model };
    },
  };
}

function tierDefaultModelFor(name: ProviderName, config: Config): string {
  return name === 'anthropic' ? config.PAID_TIER_MODEL : name === 'openai' ? config.FREE_TIER_MODEL : LOCAL_MODEL;
}
