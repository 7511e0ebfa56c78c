import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { createClient, listClients } from '../../../core/services/clients';
import { useState } from 'react';
import { CsrfInput } from '../components/csrf-input';
import { EmbedSnippet } from '../components/embed-snippet';
import { FormAlert, TextAreaField, TextField } from '../components/fields';
import { Icon } from '../components/icons';
import { RouteErrorPanel } from '../components/route-error';
import { CopyButton } from '../components/copy-button';
import { DOMAINS_HINT, DomainsPreview, TierChoice } from '../components/site-fields';
import { requireCsrf, requireUser } from '../context.server';
import { formFailure, linesField, textField } from '../forms.server';

export const meta: MetaFunction = () => [{ title: 'Add a site · ChatConnect' }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const session = requireUser(context, request);
  const { config } = context.container;
  return {
    existingNames: (await listClients(context.container.db.knex, { ownerId: session.user.id })).map((client) =>
      client.name.toLowerCase(),
    ),
    limits: {
      free: config.RATE_LIMIT_FREE_PER_MINUTE,
      paid: config.RATE_LIMIT_PAID_PER_MINUTE,
      selfServe: config.SELF_SERVE_TIERS,
    },
    publicUrl: config.publicUrl,
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const session = requireUser(context);
  const formData = await request.formData();
  requireCsrf(formData, context);
  const values = {
    name: textField(formData, 'name'),
    tier: textField(formData, 'tier') || 'free',
    allowedDomains: textField(formData, 'allowedDomains'),
  };
  try {
    const { client, apiKey, warning } = await createClient(context.container.db.knex, {
      ownerId: session.user.id,
      input: { name: values.name, tier: values.tier, allowedDomains: linesField(formData, 'allowedDomains') },
      embeddingModel: context.container.embedder.model,
      selfServeTiers: context.container.config.SELF_SERVE_TIERS,
    });
    return {
      ok: true as const,
      created: { id: client.id, name: client.name, apiKey, warning: warning?.message ?? null },
    };
  } catch (error) {
    return formFailure(error, { values });
  }
}

export default function NewSite() {
  const { limits, publicUrl, existingNames } = useLoaderData<typeof loader>();
  const [typedName, setTypedName] = useState('');
  const duplicate = typedName.trim() !== '' && existingNames.includes(typedName.trim().toLowerCase());
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === 'submitting';

  if (actionData?.ok) {
    const { created } = actionData;
    return (
      <div className="page narrow">
        <section className="card success-card" aria-labelledby="created-title">
          <div className="success-icon">
            <Icon name="check" size={20} />
          </div>
          <h1 id="created-title" className="page-title">
            {created.name} is ready
          </h1>
          <p className="page-subtitle">
            Here is the site&rsquo;s API key. <strong>Copy it now:</strong> for your security it is shown only once. You
            can create more keys later.
          </p>
          {created.warning ? (
            <p className="alert warning" role="status">
              {created.warning}
            </p>
          ) : null}
          <div className="key-reveal">
            <code className="key-value" aria-label="New API key">
              {created.apiKey}
            </code>
            <CopyButton text={created.apiKey} label="Copy key" />
          </div>
          <h2 className="section-title">Embed the widget</h2>
          <EmbedSnippet publicUrl={publicUrl} apiKey={created.apiKey} />
          <div className="button-row">
            <Link to={`/sites/${created.id}/documents`} className="button primary">
              <Icon name="upload" />
              Upload documents
            </Link>
            <Link to={`/sites/${created.id}`} className="button secondary">
              Go to the site overview
            </Link>
          </div>
        </section>
      </div>
    );
  }

  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values;
  return (
    <div className="page narrow">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/sites">Sites</Link>
        <Icon name="chevronRight" />
        <span aria-current="page">Add a site</span>
      </nav>
      <div className="page-header">
        <div>
          <h1 className="page-title">Add a site</h1>
          <p className="page-subtitle">
            A site is one website where your chat widget runs, with its own documents and keys.
          </p>
        </div>
      </div>
      <Form method="post" className="card form-card stack" noValidate>
        <CsrfInput />
        <FormAlert message={actionData?.formError} />
        <TextField
          id="name"
          name="name"
          label="Site name"
          placeholder="Acme Store"
          required
          maxLength={100}
          defaultValue={values?.name}
          error={errors.name}
          autoFocus
          onChange={(event) => setTypedName(event.target.value)}
          hint={
            duplicate
              ? 'You already have a site with this name. Pick another name so you can tell them apart in the site switcher.'
              : undefined
          }
        />
        <TierChoice limits={limits} defaultTier={values?.tier ?? 'free'} />
        <TextAreaField
          id="allowedDomains"
          name="allowedDomains"
          label="Allowed domains"
          rows={4}
          placeholder={'shop.example.com\n*.example.com'}
          defaultValue={values?.allowedDomains}
          error={errors.allowedDomains}
          hint={DOMAINS_HINT}
          spellCheck={false}
          autoCapitalize="off"
        />
        <DomainsPreview fieldId="allowedDomains" initial={values?.allowedDomains ?? ''} />
        <div className="form-actions">
          <Link to="/sites" className="button ghost">
            Cancel
          </Link>
          <button type="submit" className="button primary" disabled={submitting}>
            {submitting ? 'Creating site…' : 'Create site'}
          </button>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
