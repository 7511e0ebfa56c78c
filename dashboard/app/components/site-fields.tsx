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
          {requestedTier ? <strong> (requested: {requestedTier === 'paid' ? 'Paid' : 'Free'}, waiting for the operator)</strong> : null}.
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
    One per line: a hostname such as <code>shop.example.com</code>, all subdomains with <code>*.example.com</code>, or an exact origin such as{' '}
    <code>https://shop.example.com:8443</code>. The widget works only on these sites.
  </>
);

