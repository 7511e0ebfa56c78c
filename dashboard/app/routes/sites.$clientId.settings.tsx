import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { announceClientChange, LLM_PROVIDERS, updateClient } from '../../../core/services/clients';
import { AppError } from '../../../core/errors';
import { CsrfInput } from '../components/csrf-input';
import { FormAlert, SelectField, TextAreaField, TextField } from '../components/fields';
import { RouteErrorPanel } from '../components/route-error';
import { DOMAINS_HINT, DomainsPreview, TierChoice } from '../components/site-fields';
import { requireCsrf, requireOwnedClient, requireUser } from '../context.server';
import { formFailure, linesField, textField } from '../forms.server';
import {
  AnswerModelSummary,
  REPLY_FIELD_KINDS,
  ReplyMessagesFields,
  type AnswerModelView,
} from '../components/answer-settings';
import { BUILT_IN_REPLIES } from '../../../core/replies/messages';

export const meta: MetaFunction = () => [{ title: 'Site settings · ChatConnect' }];

const PROVIDER_LABELS: Record<string, string> = {
  local: 'Local answerer (no external AI service)',
  openai: 'OpenAI',
  anthropic: 'Anthropic Claude',
};

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const { config, llm } = context.container;
  const tierDefault = (tier: 'free' | 'paid') => llm.choose({ tier });
  const chosen = llm.choose(client);
  const effective: AnswerModelView = {
    provider: chosen.provider.name,
    model: chosen.model,
    fellBack: chosen.provider.name === 'local' && client.llmProvider !== null && client.llmProvider !== 'local',
  };
  return {
    site: {
      id: client.id,
      name: client.name,
      tier: client.tier,
      requestedTier: client.requestedTier,
      allowedDomains: client.allowedDomains,
      llmProvider: client.llmProvider,
      llmModel: client.llmModel,
      embeddingModel: client.embeddingModel,
      replyMessages: client.replyMessages as Record<string, string | undefined>,
    },
    effective,
    builtInReplies: Object.fromEntries(Object.entries(BUILT_IN_REPLIES).map(([kind, texts]) => [kind, texts.en])),
    limits: {
      free: config.RATE_LIMIT_FREE_PER_MINUTE,
      paid: config.RATE_LIMIT_PAID_PER_MINUTE,
      selfServe: config.SELF_SERVE_TIERS,
    },
    providers: llm.available().filter((name) => (LLM_PROVIDERS as readonly string[]).includes(name)),
    tierDefaults: {
      free: `${tierDefault('free').provider.name} · ${tierDefault('free').model}`,
      paid: `${tierDefault('paid').provider.name} · ${tierDefault('paid').model}`,
    },
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const session = requireUser(context);
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const provider = textField(formData, 'llmProvider');
  const model = textField(formData, 'llmModel').trim();
  try {
    if (provider && provider !== client.llmProvider && !context.container.llm.available().includes(provider as never)) {
      throw new AppError({
        code: 'invalid_input',
        status: 400,
        message: `${PROVIDER_LABELS[provider] ?? provider} is not configured on this server. Pick another provider.`,
      });
    }
    await updateClient(context.container.db.knex, {
      ownerId: session.user.id,
      clientId: client.id,
      selfServeTiers: context.container.config.SELF_SERVE_TIERS,
      input: {
        name: textField(formData, 'name'),
        tier: textField(formData, 'tier'),
        allowedDomains: linesField(formData, 'allowedDomains'),
        llmProvider: provider || null,
        llmModel: provider && provider !== 'local' && model ? model : null,
        replyMessages: Object.fromEntries(
          REPLY_FIELD_KINDS.map((kind) => [kind, textField(formData, `reply_${kind}`).trim() || null]),
        ),
      },
    });
    await announceClientChange(context.container.invalidation, client.id);
    return { ok: true as const, savedAt: Date.now(), fieldErrors: {} as Record<string, string>, formError: null };
  } catch (error) {
    return formFailure(error);
  }
}

export default function SiteSettings() {
  const { site, limits, providers, tierDefaults, effective, builtInReplies } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const saving = navigation.state === 'submitting';
  const errors = actionData?.fieldErrors ?? {};
  const [provider, setProvider] = useState(site.llmProvider ?? '');
  useEffect(() => setProvider(site.llmProvider ?? ''), [site.llmProvider]);
  const configuredHere = site.llmProvider === null || providers.includes(site.llmProvider as never);

  return (
    <Form method="post" className="stack-lg" noValidate key={site.id}>
      <h1 className="visually-hidden">Settings of {site.name}</h1>
      <CsrfInput />
      <FormAlert message={actionData && !actionData.ok ? actionData.formError : null} />
      {actionData?.ok ? <FormAlert tone="success" message="Settings saved." /> : null}

      <section className="card settings-section" aria-labelledby="general-title">
        <div className="settings-intro">
          <h2 id="general-title" className="card-title">
            General
          </h2>
          <p className="card-subtitle">The name is for you; visitors see the widget title instead.</p>
        </div>
        <div className="stack">
          <TextField
            id="name"
            name="name"
            label="Site name"
            required
            maxLength={100}
            defaultValue={site.name}
            error={errors.name}
          />
          <TierChoice limits={limits} defaultTier={site.tier} requestedTier={site.requestedTier} />
          {errors.tier ? <p className="field-error">{errors.tier}</p> : null}
        </div>
      </section>

      <section className="card settings-section" aria-labelledby="domains-title">
        <div className="settings-intro">
          <h2 id="domains-title" className="card-title">
            Allowed domains
          </h2>
          <p className="card-subtitle">Browsers on other sites are refused, even with a valid key.</p>
        </div>
        <TextAreaField
          id="allowedDomains"
          name="allowedDomains"
          label="Domains, one per line"
          rows={5}
          defaultValue={site.allowedDomains.join('\n')}
          error={errors.allowedDomains}
          hint={DOMAINS_HINT}
          spellCheck={false}
          autoCapitalize="off"
        />
        <DomainsPreview fieldId="allowedDomains" initial={site.allowedDomains.join('\n')} />
      </section>

      <section className="card settings-section" aria-labelledby="llm-title">
        <div className="settings-intro">
          <h2 id="llm-title" className="card-title">
            Answer model
          </h2>
          <p className="card-subtitle">Which AI writes the answers. By default the plan decides.</p>
        </div>
        <div className="stack">
          <AnswerModelSummary effective={effective} embeddingModel={site.embeddingModel} />
          <SelectField
            id="llmProvider"
            name="llmProvider"
            label="Provider"
            value={provider}
            onChange={(event) => setProvider(event.target.value)}
            error={errors.llmProvider}
            hint={provider ? undefined : `Free sites use ${tierDefaults.free}; paid sites use ${tierDefaults.paid}.`}
          >
            <option value="">Plan default</option>
            {providers.map((name) => (
              <option key={name} value={name}>
                {PROVIDER_LABELS[name] ?? name}
              </option>
            ))}
            {configuredHere ? null : (
              <option
                value={site.llmProvider ?? ''}
              >{`${PROVIDER_LABELS[site.llmProvider ?? ''] ?? site.llmProvider} (not configured on this server)`}</option>
            )}
          </SelectField>
          {provider && provider !== 'local' ? (
            <TextField
              id="llmModel"
              name="llmModel"
              label="Model (optional)"
              placeholder={provider === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o-mini'}
              defaultValue={site.llmModel ?? ''}
              maxLength={100}
              error={errors.llmModel}
              hint="Leave empty to use the provider's default model."
              spellCheck={false}
              autoCapitalize="off"
            />
          ) : null}
        </div>
      </section>

      <section className="card settings-section" aria-labelledby="replies-title">
        <div className="settings-intro">
          <h2 id="replies-title" className="card-title">
            Replies
          </h2>
          <p className="card-subtitle">
            What visitors read when your documents do not cover a question, and for small talk. These replies never cite
            sources.
          </p>
        </div>
        <ReplyMessagesFields replyMessages={site.replyMessages} builtIn={builtInReplies} error={errors.replyMessages} />
      </section>

      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>

      <section className="card settings-section danger-card" aria-labelledby="danger-title">
        <div className="settings-intro">
          <h2 id="danger-title" className="card-title">
            Delete this site
          </h2>
          <p className="card-subtitle">Its keys stop at once; its documents, conversations and settings are removed.</p>
        </div>
        <div>
          <Link to={`/sites/${site.id}/delete`} className="button danger-outline">
            Delete site…
          </Link>
        </div>
      </section>
    </Form>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
