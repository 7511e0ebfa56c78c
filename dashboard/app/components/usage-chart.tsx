import { layoutBars, niceCeiling } from '../lib/chart';
import { formatCompact, formatDay, formatInteger } from '../lib/format';

export interface ChartPoint {
  date: string;
  value: number;
}

const PLOT_WIDTH = 600;
const PLOT_HEIGHT = 200;

/**
 * A bar chart: the bars are an SVG that stretches to its box, the axis labels are HTML so they stay
 * legible at any width. Screen readers get a one-sentence summary; the table below has every number.
 */
export function UsageChart({
  points,
  label,
  unit,
  integer = true,
}: {
  points: ChartPoint[];
  label: string;
  unit: string;
  integer?: boolean;
}) {
  const peak = Math.max(0, ...points.map((point) => point.value));
  const max = niceCeiling(peak, { integer });
  const bars = layoutBars(
    points.map((point) => point.value),
    { width: PLOT_WIDTH, height: PLOT_HEIGHT, gap: points.length > 40 ? 2 : 5, max },
  );
  const ticks = [max, max / 2, 0];
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const labelEvery = Math.max(1, Math.ceil(points.length / 5));
  const summary = points.length
    ? `${label}: ${formatInteger(total)} ${unit} from ${formatDay(points[0].date)} to ${formatDay(points[points.length - 1].date)}; the busiest day had ${formatInteger(peak)}.`
    : `${label}: no data.`;

  return (
    <figure className="chart" role="img" aria-label={summary}>
      <div className="chart-y" aria-hidden="true">
        {ticks.map((tick) => (
          <span key={tick}>{formatCompact(tick)}</span>
        ))}
      </div>
      <div className="chart-plot">
        <svg
          viewBox={`0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}`}
          preserveAspectRatio="none"
          aria-hidden="true"
          focusable="false"
        >
          {[0, 0.5, 1].map((fraction) => (
            <line
              key={fraction}
              className="chart-grid"
              x1={0}
              x2={PLOT_WIDTH}
              y1={fraction * PLOT_HEIGHT}
              y2={fraction * PLOT_HEIGHT}
            />
          ))}
          {bars.map((bar, index) => (
            <rect
              key={points[index].date}
              className={points[index].value > 0 ? 'chart-bar' : 'chart-bar empty'}
              x={bar.x}
              y={bar.y}
              width={bar.width}
              height={bar.height}
            >
              <title>{`${formatDay(points[index].date)}: ${formatInteger(points[index].value)} ${unit}`}</title>
            </rect>
          ))}
        </svg>
        <div className="chart-x" aria-hidden="true">
          {points.map((point, index) =>
            index % labelEvery === 0 || index === points.length - 1 ? (
              <span
                key={point.date}
                style={{ left: `${((index + 0.5) / points.length) * 100}%` }}
                className={index === points.length - 1 ? 'last' : index === 0 ? 'first' : undefined}
              >
                {formatDay(point.date)}
              </span>
            ) : null,
          )}
        </div>
      </div>
    </figure>
  );
}
