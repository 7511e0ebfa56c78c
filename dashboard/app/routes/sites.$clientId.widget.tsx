import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { getWidgetConfig, updateWidgetConfig, type WidgetConfig } from '../../../core/services/widgets';
import { DEFAULT_WIDGET_CONFIG, LOCALE_NAMES, WIDGET_LIMITS, WIDGET_LOCALES } from '../../../core/widget-config';
import { CsrfInput, useCsrfToken } from '../components/csrf-input';
import { FormAlert, SelectField, TextAreaField, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';

export const meta: MetaFunction = () => [{ title: 'Widget · ChatConnect' }];

const MAX_PROMPTS = WIDGET_LIMITS.starterPrompts;
const HEX = /^#[0-9a-fA-F]{6}$/;

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  return { clientId: client.id, widget: await getWidgetConfig(context.container.db.knex, { clientId: client.id }) };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const avatarUrl = textField(formData, 'avatarUrl').trim();
  try {
    const widget = await updateWidgetConfig(context.container.db.knex, {
      clientId: client.id,
      input: {
        title: textField(formData, 'title'),
        greeting: textField(formData, 'greeting'),
        primaryColor: textField(formData, 'primaryColor'),
        position: textField(formData, 'position'),
        placeholder: textField(formData, 'placeholder'),
        starterPrompts: formData
          .getAll('starterPrompt')
          .map((value) => (typeof value === 'string' ? value.trim() : ''))
          .filter(Boolean),
        avatarUrl: avatarUrl || null,
        showSources: formData.get('showSources') === 'on',
        contactEnabled: formData.get('contactEnabled') === 'on',
        locale: textField(formData, 'locale') || 'auto',
      },
    });
    return {
      ok: true as const,
      widget,
      savedAt: Date.now(),
      fieldErrors: {} as Record<string, string>,
      formError: null,
    };
  } catch (error) {
    return formFailure(error);
  }
}

type Draft = Omit<WidgetConfig, 'starterPrompts' | 'avatarUrl'> & { starterPrompts: string[]; avatarUrl: string };

const toDraft = (widget: WidgetConfig): Draft => ({
  ...widget,
  avatarUrl: widget.avatarUrl ?? '',
  starterPrompts: Array.from({ length: MAX_PROMPTS }, (_, index) => widget.starterPrompts[index] ?? ''),
});

/**
 * What the preview should show for the current draft: every field the widget reads (the preview is
 * the real widget, so a setting missing here would not show), and only values it would accept, so
 * typing never breaks it.
 */
function previewConfig(draft: Draft): Record<string, unknown> {
  return {
    showSources: draft.showSources,
    contactEnabled: draft.contactEnabled,
    locale: draft.locale,
    title: draft.title,
    greeting: draft.greeting,
    placeholder: draft.placeholder,
    position: draft.position,
    ...(HEX.test(draft.primaryColor) ? { primaryColor: draft.primaryColor } : {}),
    starterPrompts: draft.starterPrompts.map((prompt) => prompt.trim()).filter(Boolean),
    avatarUrl: /^https?:\/\/\S+$/i.test(draft.avatarUrl.trim()) ? draft.avatarUrl.trim() : null,
  };
}

/** The preview's demo page URL as a page of its own: same preview key, without the frame-only parameters. */
function standalonePreview(src: string): string {
  const url = new URL(src, 'http://dashboard.invalid');
  for (const name of ['banner', 'parentOrigin', 'open']) url.searchParams.delete(name);
  return `${url.pathname}?${url.searchParams}`;
}

type PreviewState = { status: 'loading' } | { status: 'ready'; src: string } | { status: 'error'; message: string };

/** Asks for a preview key once per page view (not per render, not in the loader) and builds the demo page URL. */
function usePreview(
  clientId: string,
  csrf: string,
  initialConfig: Record<string, unknown>,
  attempt: number,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  const initial = useRef(initialConfig);
  initial.current = initialConfig;
  useEffect(() => {
    if (!csrf) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    const body = new FormData();
    body.append('csrf', csrf);
    fetch(`/sites/${clientId}/preview-key`, {
      method: 'POST',
      body,
      signal: controller.signal,
      headers: { Accept: 'application/json' },
    })
      .then(async (response) => {
        if (!response.ok)
          throw new Error(
            response.status === 403
              ? 'This page has expired. Reload it to start the preview.'
              : `The preview could not start (HTTP ${response.status}).`,
          );
        const { apiKey } = (await response.json()) as { apiKey: string };
        const params = new URLSearchParams({
          key: apiKey,
          banner: '0',
          open: '1',
          parentOrigin: window.location.origin,
          config: JSON.stringify(initial.current),
        });
        setState({ status: 'ready', src: `/demo?${params}` });
      })
      .catch((error: Error) => {
        if (!controller.signal.aborted)
          setState({ status: 'error', message: error.message || 'The preview could not start.' });
      });
    return () => controller.abort();
  }, [clientId, csrf, attempt]);
  return state;
}

export default function WidgetEditor() {
  const { clientId, widget } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const csrf = useCsrfToken();
  const saving = navigation.state === 'submitting';
  const [draft, setDraft] = useState<Draft>(() => toDraft(widget));
  const [attempt, setAttempt] = useState(0);
  const frame = useRef<HTMLIFrameElement>(null);
  const saved = useMemo(() => JSON.stringify(toDraft(widget)), [widget]);
  const dirty = JSON.stringify(draft) !== saved;
  const errors = actionData?.fieldErrors ?? {};

  useEffect(() => setDraft(toDraft(widget)), [widget]);

  const config = useMemo(() => previewConfig(draft), [draft]);
  const preview = usePreview(clientId, csrf, config, attempt);

  // Every edit goes to the preview at once; the page inside applies it without reloading.
  const latestConfig = useRef(config);
  latestConfig.current = config;
  const sendConfig = () =>
    frame.current?.contentWindow?.postMessage(
      { type: 'chatconnect:config', config: latestConfig.current },
      window.location.origin,
    );
  useEffect(sendConfig, [config]);
  useEffect(() => {
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || event.source !== frame.current?.contentWindow) return;
      if ((event.data as { type?: string } | null)?.type === 'chatconnect:ready') {
        sendConfig();
        frame.current?.contentWindow?.postMessage({ type: 'chatconnect:open' }, window.location.origin);
        // The chat panel loads lazily and mounts with the config it had when opening began, so
        // edits made while it loads are sent again once it has surely mounted.
        timers.push(setTimeout(sendConfig, 1000), setTimeout(sendConfig, 3000));
      }
    };
    window.addEventListener('message', onMessage);
    return () => {
      window.removeEventListener('message', onMessage);
      timers.forEach(clearTimeout);
    };
  }, []);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setPrompt = (index: number, value: string) =>
    setDraft((current) => ({
      ...current,
      starterPrompts: current.starterPrompts.map((prompt, i) => (i === index ? value : prompt)),
    }));

  return (
    <div className="editor">
      <Form method="post" className="editor-form stack-lg" noValidate>
        <div className="section-header">
          <div>
            <h1 className="section-heading">Widget</h1>
            <p className="muted">Changes show in the preview as you type; visitors see them after you save.</p>
          </div>
          <a href="#preview" className="button secondary small mobile-only">
            See the preview
          </a>
        </div>
        <CsrfInput />
        <FormAlert message={actionData && !actionData.ok ? actionData.formError : null} />
        {actionData?.ok && !dirty ? (
          <FormAlert tone="success" message="Widget saved. Visitors see the new look within a minute." />
        ) : null}

        <section className="card stack" aria-labelledby="texts-title">
          <h2 id="texts-title" className="card-title">
            Texts
          </h2>
          <TextField
            id="title"
            name="title"
            label="Title"
            maxLength={WIDGET_LIMITS.title}
            required
            value={draft.title}
            onChange={(event) => set('title', event.target.value)}
            error={errors.title}
          />
          <TextAreaField
            id="greeting"
            name="greeting"
            label="Greeting"
            rows={3}
            maxLength={WIDGET_LIMITS.greeting}
            value={draft.greeting}
            onChange={(event) => set('greeting', event.target.value)}
            error={errors.greeting}
            hint={`The first message visitors see when they open the chat. Left at “${DEFAULT_WIDGET_CONFIG.greeting}”, it is shown in each visitor’s language.`}
          />
          <TextField
            id="placeholder"
            name="placeholder"
            label="Message box placeholder"
            maxLength={WIDGET_LIMITS.placeholder}
            value={draft.placeholder}
            onChange={(event) => set('placeholder', event.target.value)}
            error={errors.placeholder}
          />
          <fieldset className="field" aria-describedby="prompts-hint">
            <legend className="field-label">Starter prompts</legend>
            <p id="prompts-hint" className="field-hint">
              Up to {MAX_PROMPTS} suggestions visitors can tap instead of typing. Empty ones are left out.
            </p>
            <div className="prompt-grid">
              {draft.starterPrompts.map((prompt, index) => (
                <div key={index}>
                  <label htmlFor={`starter-${index}`} className="visually-hidden">
                    Starter prompt {index + 1}
                  </label>
                  <input
                    id={`starter-${index}`}
                    name="starterPrompt"
                    className="input"
                    maxLength={WIDGET_LIMITS.starterPrompt}
                    placeholder={index === 0 ? 'What are your opening hours?' : `Prompt ${index + 1}`}
                    value={prompt}
                    onChange={(event) => setPrompt(index, event.target.value)}
                  />
                </div>
              ))}
            </div>
            {errors.starterPrompts ? <p className="field-error">{errors.starterPrompts}</p> : null}
          </fieldset>
        </section>

        <section className="card stack" aria-labelledby="look-title">
          <h2 id="look-title" className="card-title">
            Look
          </h2>
          <div className={errors.primaryColor ? 'field has-error' : 'field'}>
            <label htmlFor="primaryColor" className="field-label">
              Primary colour
            </label>
            <div className="color-row">
              <input
                type="color"
                className="color-swatch"
                aria-label="Pick the primary colour"
                value={HEX.test(draft.primaryColor) ? draft.primaryColor.toLowerCase() : '#4f46e5'}
                onChange={(event) => set('primaryColor', event.target.value)}
              />
              <input
                id="primaryColor"
                name="primaryColor"
                className="input mono"
                value={draft.primaryColor}
                onChange={(event) => set('primaryColor', event.target.value)}
                maxLength={7}
                spellCheck={false}
                autoCapitalize="off"
                aria-invalid={errors.primaryColor || !HEX.test(draft.primaryColor) ? true : undefined}
                aria-describedby="primaryColor-hint"
              />
            </div>
            <p id="primaryColor-hint" className={HEX.test(draft.primaryColor) ? 'field-hint' : 'field-error'}>
              {errors.primaryColor ??
                (HEX.test(draft.primaryColor)
                  ? 'A hex colour such as #4f46e5. Text on it is made readable automatically.'
                  : 'Use a colour like #4f46e5.')}
            </p>
          </div>
          <fieldset className="field">
            <legend className="field-label">Position</legend>
            <div className="choice-grid">
              {(['bottom-right', 'bottom-left'] as const).map((position) => (
                <label key={position} className="choice">
                  <input
                    type="radio"
                    name="position"
                    value={position}
                    checked={draft.position === position}
                    onChange={() => set('position', position)}
                  />
                  <span className="choice-body">
                    <strong>{position === 'bottom-right' ? 'Bottom right' : 'Bottom left'}</strong>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <TextField
            id="avatarUrl"
            name="avatarUrl"
            type="url"
            label="Avatar image URL (optional)"
            placeholder="https://example.com/avatar.png"
            value={draft.avatarUrl}
            onChange={(event) => set('avatarUrl', event.target.value)}
            error={errors.avatarUrl}
            hint="A square image shown next to answers. Leave empty for none."
            spellCheck={false}
            autoCapitalize="off"
          />
          <label className="checkbox">
            <input
              type="checkbox"
              name="showSources"
              checked={draft.showSources}
              onChange={(event) => set('showSources', event.target.checked)}
            />
            <span>Show sources under answers</span>
          </label>
        </section>

        <section className="card stack" aria-labelledby="visitors-title">
          <h2 id="visitors-title" className="card-title">
            Language and contact
          </h2>
          <SelectField
            id="locale"
            name="locale"
            label="Language of the widget"
            value={draft.locale}
            onChange={(event) => set('locale', event.target.value as Draft['locale'])}
            error={errors.locale}
            hint="Buttons, hints and messages of the widget. Your own title, greeting and placeholder are shown as you wrote them."
          >
            <option value="auto">Each visitor&rsquo;s browser language (English when not available)</option>
            {WIDGET_LOCALES.map((locale) => (
              <option key={locale} value={locale}>
                {LOCALE_NAMES[locale]}
              </option>
            ))}
          </SelectField>
          <label className="checkbox">
            <input
              type="checkbox"
              name="contactEnabled"
              checked={draft.contactEnabled}
              onChange={(event) => set('contactEnabled', event.target.checked)}
            />
            <span>
              Offer visitors a person: after an answer the documents could not give, and from the header (they leave an
              email address for you to reply to)
            </span>
          </label>
        </section>

        <div className="form-actions sticky-actions">
          {dirty ? <span className="unsaved">Unsaved changes</span> : null}
          <button
            type="button"
            className="button ghost"
            disabled={!dirty || saving}
            onClick={() => setDraft(toDraft(widget))}
          >
            Discard
          </button>
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save widget'}
          </button>
        </div>
      </Form>

      <aside id="preview" className="editor-preview" aria-labelledby="preview-title">
        <div className="preview-frame card flush">
          <div className="preview-bar">
            <span className="preview-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            <h2 id="preview-title" className="preview-title">
              Live preview
            </h2>
            <button type="button" className="button ghost small" onClick={() => setAttempt((value) => value + 1)}>
              <Icon name="refresh" />
              Restart
            </button>
            {preview.status === 'ready' ? (
              <a className="button ghost small" href={standalonePreview(preview.src)} target="_blank" rel="noopener">
                Open demo page
              </a>
            ) : null}
          </div>
          {preview.status === 'ready' ? (
            <iframe
              ref={frame}
              key={preview.src}
              className="preview-iframe"
              src={preview.src}
              title="Widget preview on a sample page"
            />
          ) : preview.status === 'error' ? (
            <div className="preview-placeholder" role="alert">
              <Icon name="alert" size={20} />
              <p>{preview.message}</p>
              <button type="button" className="button secondary small" onClick={() => setAttempt((value) => value + 1)}>
                Try again
              </button>
            </div>
          ) : (
            <div className="preview-placeholder" aria-live="polite">
              <span className="spinner" aria-hidden="true" />
              <p>Starting the preview…</p>
            </div>
          )}
          <p className="preview-note">
            The preview answers from this site&rsquo;s real documents. Its questions appear under Conversations.
          </p>
        </div>
      </aside>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
