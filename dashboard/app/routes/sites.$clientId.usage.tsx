import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { getUsage, type UsageDay } from '../../../core/services/usage';
import { RouteErrorPanel } from '../components/route-error';
import { UsageChart } from '../components/usage-chart';
import { requireOwnedClient } from '../context.server';
import { formatCost, formatDay, formatInteger } from '../lib/format';

export const meta: MetaFunction = () => [{ title: 'Usage · ChatConnect' }];

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const client = await requireOwnedClient(context, params.clientId, request);
  const { config } = context.container;
  const days = await getUsage(context.container.db.knex, { clientId: client.id, days: 30 });
  return {
    clientId: client.id,
    days,
    limits: {
      tier: client.tier,
      requestsPerMinute: client.tier === 'paid' ? config.RATE_LIMIT_PAID_PER_MINUTE : config.RATE_LIMIT_FREE_PER_MINUTE,
      paidRequestsPerMinute: config.RATE_LIMIT_PAID_PER_MINUTE,
    },
  };
}

const METRICS = {
  requests: { label: 'Chat requests', unit: 'requests', pick: (day: UsageDay) => day.requests },
  tokens: { label: 'Tokens (in + out)', unit: 'tokens', pick: (day: UsageDay) => day.tokensIn + day.tokensOut },
  cost: {
    label: 'Estimated cost (US cents)',
    unit: 'cents',
    pick: (day: UsageDay) => Math.round(day.costUsd * 10000) / 100,
  },
} as const;
type MetricKey = keyof typeof METRICS;

export default function Usage() {
  const { clientId, days, limits } = useLoaderData<typeof loader>();
  const [metric, setMetric] = useState<MetricKey>('requests');
  const totals = days.reduce(
    (sum, day) => ({
      requests: sum.requests + day.requests,
      tokensIn: sum.tokensIn + day.tokensIn,
      tokensOut: sum.tokensOut + day.tokensOut,
      cachedTokens: sum.cachedTokens + day.cachedTokens,
      costUsd: sum.costUsd + day.costUsd,
      feedbackUp: sum.feedbackUp + day.feedbackUp,
      feedbackDown: sum.feedbackDown + day.feedbackDown,
      contacts: sum.contacts + day.contacts,
    }),
    {
      requests: 0,
      tokensIn: 0,
      tokensOut: 0,
      cachedTokens: 0,
      costUsd: 0,
      feedbackUp: 0,
      feedbackDown: 0,
      contacts: 0,
    },
  );
  const busiest = days.reduce(
    (best, day) => (day.requests > best.requests ? day : best),
    days[0] ?? { date: '', requests: 0 },
  );
  const chosen = METRICS[metric];
  const points = days.map((day) => ({ date: day.date, value: chosen.pick(day) }));
  const cachedShare = totals.tokensIn ? Math.round((totals.cachedTokens / totals.tokensIn) * 100) : 0;

  return (
    <div className="stack-lg">
      <div className="section-header">
        <div>
          <h1 className="section-heading">Usage</h1>
          <p className="muted">
            The last 30 days, by UTC day. Costs are estimates from each model&rsquo;s list prices.
          </p>
        </div>
      </div>

      <div className="stats-grid">
        <div className="stat card">
          <span className="stat-label">Chat requests</span>
          <span className="stat-value">{formatInteger(totals.requests)}</span>
          <span className="stat-detail">
            {busiest.requests
              ? `Busiest: ${formatDay(busiest.date)} (${formatInteger(busiest.requests)})`
              : 'None in 30 days'}
          </span>
          {totals.feedbackUp + totals.feedbackDown ? (
            <span className="stat-detail">
              Rated {formatInteger(totals.feedbackUp)} helpful, {formatInteger(totals.feedbackDown)} not ·{' '}
              {formatInteger(totals.contacts)} contact requests
            </span>
          ) : null}
        </div>
        <div className="stat card">
          <span className="stat-label">Tokens in / out</span>
          <span className="stat-value">
            {formatInteger(totals.tokensIn)} <span className="stat-sep">/</span> {formatInteger(totals.tokensOut)}
          </span>
          <span className="stat-detail">
            {formatInteger(totals.cachedTokens)} cached{totals.tokensIn ? ` (${cachedShare}% of input)` : ''}
          </span>
        </div>
        <div className="stat card">
          <span className="stat-label">Estimated cost</span>
          <span className="stat-value">{formatCost(totals.costUsd)}</span>
          <span className="stat-detail">Last 30 days</span>
        </div>
        <div className="stat card limit">
          <span className="stat-label">Rate limit</span>
          <span className="stat-value">
            {formatInteger(limits.requestsPerMinute)}
            <span className="stat-unit"> / min</span>
          </span>
          <span className="stat-detail">
            {limits.tier === 'paid' ? (
              'Paid plan: all visitors together'
            ) : (
              <>
                Free plan ·{' '}
                <Link to={`/sites/${clientId}/settings`}>
                  paid allows {formatInteger(limits.paidRequestsPerMinute)}
                </Link>
              </>
            )}
          </span>
        </div>
      </div>

      <section className="card" aria-labelledby="chart-title">
        <div className="card-header">
          <h2 id="chart-title" className="card-title">
            {chosen.label} per day
          </h2>
          <div className="segmented" role="group" aria-label="Chart shows">
            {(Object.keys(METRICS) as MetricKey[]).map((key) => (
              <button
                key={key}
                type="button"
                className="segment"
                aria-pressed={metric === key}
                onClick={() => setMetric(key)}
              >
                {key === 'requests' ? 'Requests' : key === 'tokens' ? 'Tokens' : 'Cost'}
              </button>
            ))}
          </div>
        </div>
        {totals.requests === 0 ? (
          <p className="chart-empty">
            No chat requests in the last 30 days. Once the widget is on your site (or you try the preview), daily
            numbers show here.
          </p>
        ) : null}
        <UsageChart points={points} label={chosen.label} unit={chosen.unit} integer={metric !== 'cost'} />
        <details className="table-details">
          <summary>Show the daily numbers as a table</summary>
          <div className="table-wrap">
            <table className="table numeric">
              <caption className="visually-hidden">Usage per day, last 30 days</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Tokens in</th>
                  <th scope="col">Tokens out</th>
                  <th scope="col">Cached</th>
                  <th scope="col">Est. cost</th>
                  <th scope="col">Helpful</th>
                  <th scope="col">Not helpful</th>
                  <th scope="col">Contacts</th>
                </tr>
              </thead>
              <tbody>
                {[...days].reverse().map((day) => (
                  <tr key={day.date}>
                    <th scope="row">{formatDay(day.date)}</th>
                    <td>{formatInteger(day.requests)}</td>
                    <td>{formatInteger(day.tokensIn)}</td>
                    <td>{formatInteger(day.tokensOut)}</td>
                    <td>{formatInteger(day.cachedTokens)}</td>
                    <td>{formatCost(day.costUsd)}</td>
                    <td>{formatInteger(day.feedbackUp)}</td>
                    <td>{formatInteger(day.feedbackDown)}</td>
                    <td>{formatInteger(day.contacts)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td>{formatInteger(totals.requests)}</td>
                  <td>{formatInteger(totals.tokensIn)}</td>
                  <td>{formatInteger(totals.tokensOut)}</td>
                  <td>{formatInteger(totals.cachedTokens)}</td>
                  <td>{formatCost(totals.costUsd)}</td>
                  <td>{formatInteger(totals.feedbackUp)}</td>
                  <td>{formatInteger(totals.feedbackDown)}</td>
                  <td>{formatInteger(totals.contacts)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </details>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPanel />;
}
