import { formatInteger } from '../lib/format';

export function TierChoice({ limits, defaultTier }: { limits: { free: number; paid: number }; defaultTier: string }) {
  return (
    <fieldset className="field">
      <legend className="field-label">Plan</legend>
      <div className="choice-grid">
        <label className="choice">
          <input type="radio" name="tier" value="free" defaultChecked={defaultTier !== 'paid'} />
          <span className="choice-body">
            <strong>Free</strong>
            <span className="muted">Up to {formatInteger(limits.free)} chat requests a minute.</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="tier" value="paid" defaultChecked={defaultTier === 'paid'} />
          <span className="choice-body">
            <strong>Paid</strong>
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

