import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import {
  createSource,
  deleteSource,
  listSourcePages,
  listSources,
  recrawlSource,
  MAX_PAGES_CAP,
  DEFAULT_MAX_PAGES,
} from '../../../core/services/sources';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CsrfInput } from '../components/csrf-input';
import { EmptyState } from '../components/empty-state';
import { FormAlert, SelectField, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { LocalTime } from '../components/local-time';
import { RouteErrorPanel } from '../components/route-error';
import { requireCsrf, requireOwnedClient } from '../context.server';
import { formFailure, textField } from '../forms.server';
import {
  isPageBusy,
  isSourceBusy,
  MODE_LABELS,
  pageStateLabel,
  progressSummary,
  RECRAWL_LABELS,
  type SourcePageView,
  type SourceView,
} from '../lib/website';
import { sourceDeps } from '../sources.server';

export const meta: MetaFunction = () => [{ title: 'Website · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const knex = context.container.db.knex;
  const sources = await listSources(knex, { clientId: client.id });
  const pages = Object.fromEntries(
    await Promise.all(
      sources.map(
        async (source) =>
          [
            source.id,
            (await listSourcePages(knex, { clientId: client.id, sourceId: source.id })).slice(0, 500),
          ] as const,
      ),
    ),
  );
  return {
    clientId: client.id,
    sources,
    pages,
    limits: { maxPages: MAX_PAGES_CAP, defaultMaxPages: DEFAULT_MAX_PAGES },
  };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const intent = textField(formData, 'intent');
  const deps = sourceDeps(context.container);
  try {
    if (intent === 'create') {
      const maxPages = textField(formData, 'maxPages').trim();
      const source = await createSource(deps, {
        clientId: client.id,
        input: {
          url: textField(formData, 'url'),
          mode: textField(formData, 'mode'),
          recrawl: textField(formData, 'recrawl') || 'off',
          maxPages: maxPages ? Number(maxPages) : undefined,
        },
      });
      return { ok: true as const, intent, sourceId: source.id };
    }
    const sourceId = textField(formData, 'sourceId');
    if (intent === 'recrawl') {
      await recrawlSource(deps, { clientId: client.id, sourceId });
      return { ok: true as const, intent, sourceId };
    }
    if (intent === 'delete') {
      await deleteSource(deps, { clientId: client.id, sourceId });
      return { ok: true as const, intent, sourceId };
    }
    throw new Response('Unknown action.', { status: 400 });
  } catch (error) {
    return formFailure(error, { intent, sourceId: null });
  }
}

const STATUS_TEXT: Record<SourceView['status'], string> = {
  queued: 'Waiting to start',
  crawling: 'Crawling',
  ready: 'Ready',
  failed: 'Failed',
};
const STATUS_TONE: Record<SourceView['status'], string> = {
  queued: 'queued',
  crawling: 'processing',
  ready: 'ready',
  failed: 'failed',
};

function AddSourceForm({ limits }: { limits: { maxPages: number; defaultMaxPages: number } }) {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'create';
  const form = useRef<HTMLFormElement>(null);
  const failed = result && !result.ok && result.intent === 'create' ? result : null;
  useEffect(() => {
    if (result?.ok && result.intent === 'create') form.current?.reset();
  }, [result]);
  return (
    <section className="card" aria-labelledby="add-website-title">
      <div className="card-header padded">
        <h2 id="add-website-title" className="card-title">
          Add a website
        </h2>
      </div>
      <Form method="post" ref={form} className="stack" style={{ padding: '0 1.25rem 1.25rem' }}>
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <FormAlert message={failed?.formError} />
        <TextField
          id="source-url"
          name="url"
          type="url"
          label="Address"
          placeholder="https://www.example.com/"
          required
          error={failed?.fieldErrors.url}
          hint="A page, a sitemap (…/sitemap.xml), or where a crawl starts."
        />
        <SelectField
          id="source-mode"
          name="mode"
          label="What to read"
          defaultValue="crawl"
          error={failed?.fieldErrors.mode}
        >
          {Object.entries(MODE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextField
          id="source-max-pages"
          name="maxPages"
          type="number"
          min={1}
          max={limits.maxPages}
          defaultValue={limits.defaultMaxPages}
          label="At most this many pages"
          error={failed?.fieldErrors.maxPages}
          hint={`Up to ${limits.maxPages}.`}
        />
        <SelectField
          id="source-recrawl"
          name="recrawl"
          label="Read it again"
          defaultValue="off"
          error={failed?.fieldErrors.recrawl}
        >
          {Object.entries(RECRAWL_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <div>
          <button type="submit" className="button primary" disabled={busy}>
            <Icon name="globe" />
            {busy ? 'Adding…' : 'Add website'}
          </button>
        </div>
      </Form>
    </section>
  );
}

function PageRow({ page }: { page: SourcePageView }) {
  const problem = page.state === 'skipped' || page.state === 'failed' || page.state === 'removed';
  return (
    <li className={problem ? 'doc-row has-error' : 'doc-row'} data-page-state={page.state}>
      <div className="doc-main">
        <div className="doc-title-row">
          <a className="doc-name" href={page.finalUrl ?? page.url} target="_blank" rel="noreferrer noopener">
            {page.title || page.finalUrl || page.url}
          </a>
          <span className={`badge status-${problem ? 'failed' : isPageBusy(page) ? 'processing' : 'ready'}`}>
            {pageStateLabel(page)}
          </span>
        </div>
        <p className="doc-meta truncate">
          {page.finalUrl && page.finalUrl !== page.url ? `${page.url} → ${page.finalUrl}` : page.url}
        </p>
        {page.reason ? <p className={problem ? 'doc-error' : 'muted'}>{page.reason.message}</p> : null}
      </div>
    </li>
  );
}

function SourceCard({ source, pages }: { source: SourceView; pages: SourcePageView[] }) {
  const fetcher = useFetcher<typeof action>();
  const [confirming, setConfirming] = useState(false);
  const busy = isSourceBusy(source);
  const failedAction = fetcher.data && !fetcher.data.ok ? fetcher.data.formError : null;
  return (
    <li className="card" data-source-status={source.status}>
      <div className="card-header padded">
        <div className="doc-main">
          <div className="doc-title-row">
            <a className="doc-name" href={source.url} target="_blank" rel="noreferrer noopener">
              {source.url}
            </a>
            <span className={`badge status-${STATUS_TONE[source.status]}`}>
              <span className="badge-dot" aria-hidden="true" />
              {STATUS_TEXT[source.status]}
            </span>
          </div>
          <p className="doc-meta">
            {MODE_LABELS[source.mode]} · up to {source.maxPages} pages · {RECRAWL_LABELS[source.recrawl].toLowerCase()}
            {source.lastCrawledAt ? (
              <>
                {' '}
                · last read <LocalTime iso={source.lastCrawledAt} />
              </>
            ) : null}
          </p>
          <p className="muted" aria-live="polite">
            {progressSummary(source)} · {source.pageCount} {source.pageCount === 1 ? 'page answers' : 'pages answer'}{' '}
            questions
          </p>
          {source.error ? (
            <p className="doc-error" role="alert">
              {source.error.message}
            </p>
          ) : null}
          <FormAlert message={failedAction} />
        </div>
        <div className="doc-actions">
          <fetcher.Form method="post">
            <CsrfInput />
            <input type="hidden" name="sourceId" value={source.id} />
            <button
              type="submit"
              name="intent"
              value="recrawl"
              className="button ghost small"
              disabled={busy || fetcher.state !== 'idle'}
            >
              <Icon name="refresh" />
              Crawl again<span className="visually-hidden"> {source.url}</span>
            </button>
          </fetcher.Form>
          <button type="button" className="button ghost small danger-text" onClick={() => setConfirming(true)}>
            <Icon name="trash" />
            Delete<span className="visually-hidden"> {source.url}</span>
          </button>
        </div>
      </div>
      {pages.length ? (
        <details style={{ padding: '0 1.25rem 1rem' }} open={busy || pages.length <= 10}>
          <summary>Pages ({pages.length})</summary>
          <ul className="doc-list">
            {pages.map((page) => (
              <PageRow key={page.id} page={page} />
            ))}
          </ul>
        </details>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Delete this website?"
        description={
          <p>
            The assistant stops answering from its {source.pageCount} pages at once. The website itself is not touched.
          </p>
        }
      >
        <fetcher.Form method="post" onSubmit={() => setConfirming(false)}>
          <CsrfInput />
          <input type="hidden" name="sourceId" value={source.id} />
          <button type="submit" name="intent" value="delete" className="button danger">
            Delete website
          </button>
        </fetcher.Form>
      </ConfirmDialog>
    </li>
  );
}

export default function WebsiteTab() {
  const { sources, pages, limits } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const moving = sources.some(isSourceBusy) || Object.values(pages).some((list) => list.some(isPageBusy));
  // Crawls and ingestion run in workflows: while anything moves, the page reads it again every 2 s.
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [moving, revalidator]);

  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Website</h1>
          <p className="muted">
            The assistant can also answer from your web pages. We read each page's main text, respect robots.txt and
            keep a polite pace.
          </p>
        </div>
        {moving ? (
          <span className="live-indicator on" title="Updates every 2 seconds">
            <span className="live-dot" aria-hidden="true" />
            Updating
          </span>
        ) : null}
      </div>
      <AddSourceForm limits={limits} />
      {sources.length === 0 ? (
        <EmptyState icon="globe" title="No website yet">
          <p>
            Add the address of your site above. Pick "Crawl the site" to read the pages it links to, "Pages of a
            sitemap" if you have a sitemap, or "One page" for a single page.
          </p>
        </EmptyState>
      ) : (
        <ul className="stack" aria-label="Websites">
          {sources.map((source) => (
            <SourceCard
              key={source.id}
              source={source as SourceView}
              pages={(pages[source.id] ?? []) as SourcePageView[]}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
