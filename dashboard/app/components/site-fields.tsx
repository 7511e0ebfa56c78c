import { useEffect, useState } from 'react';
import { explainDomainEntry } from '../../../core/services/origins-explain';
import { formatInteger } from '../lib/format';

/**
 * The plan picker. With self-serve plans (SELF_SERVE_TIERS) the choice applies at once; otherwise
 * plans are the operator's decision and picking another plan sends an upgrade request.
 */
export function TierChoice({
  limits,
  defaultTier,
  requestedTier = null,
}: {
  limits: { free: number; paid: number; selfServe?: boolean };
  defaultTier: string;
  requestedTier?: string | null;
}) {
  const selfServe = limits.selfServe !== false;
  const checked = requestedTier ?? defaultTier;
  return (
    <fieldset className="field">
      <legend className="field-label">Plan</legend>
      {selfServe ? null : (
        <p className="field-hint">
          Plans are set by the operator of this server. Picking another plan sends them an upgrade request
          {requestedTier ? (
            <strong> (requested: {requestedTier === 'paid' ? 'Paid' : 'Free'}, waiting for the operator)</strong>
          ) : null}
          .
        </p>
      )}
      <div className="choice-grid">
        <label className="choice">
          <input type="radio" name="tier" value="free" defaultChecked={checked !== 'paid'} />
          <span className="choice-body">
            <strong>Free</strong>
            <span className="muted">Up to {formatInteger(limits.free)} chat requests a minute.</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="tier" value="paid" defaultChecked={checked === 'paid'} />
          <span className="choice-body">
            <strong>Paid{selfServe ? '' : ' (on request)'}</strong>
            <span className="muted">Up to {formatInteger(limits.paid)} chat requests a minute.</span>
          </span>
        </label>
      </div>
    </fieldset>
  );
}

/** The allowed-domains rules, as the service validates them (core/services/origins.ts). */
export const DOMAINS_HINT = (
  <>
    One per line. A hostname such as <code>shop.example.com</code> allows that host over http and https on any port (so{' '}
    <code>localhost</code> also allows <code>http://localhost:3000</code>), but not its subdomains;{' '}
    <code>*.example.com</code> allows every subdomain, but not <code>example.com</code> itself; an origin such as{' '}
    <code>https://shop.example.com:8443</code> allows exactly that scheme, host and port. The widget works only on these
    sites.
  </>
);

/**
 * Shows, as the admin types, how each allowed-domains line will be read: tested example origins
 * it allows and nearby ones it refuses (core/services/origins-explain.ts). Listens to the
 * uncontrolled textarea `fieldId`, so the form still posts without JavaScript.
 */
export function DomainsPreview({ fieldId, initial }: { fieldId: string; initial: string }) {
  const [text, setText] = useState(initial);
  useEffect(() => {
    const field = document.getElementById(fieldId) as HTMLTextAreaElement | null;
    if (!field) return;
    setText(field.value);
    const onInput = () => setText(field.value);
    field.addEventListener('input', onInput);
    return () => field.removeEventListener('input', onInput);
  }, [fieldId]);
  const lines = text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 20);
  if (lines.length === 0) {
    return (
      <p className="field-hint" aria-live="polite">
        No domains yet: the widget will not run on any site until you add one.
      </p>
    );
  }
  return (
    <ul className="domains-preview field-hint" aria-live="polite" aria-label="How these entries will be read">
      {lines.map((line, index) => {
        const explained = explainDomainEntry(line);
        return (
          <li key={`${index}-${line}`}>
            {explained.error ? (
              <span className="field-error">{explained.error}</span>
            ) : (
              <>
                <code>{explained.value}</code>: allows {explained.allows.join(', ')}
                {explained.refuses.length ? <> — not {explained.refuses.join(', ')}</> : null}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
