import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import uPlot from 'uplot';
import { formatNumber } from './columns';
import { IBand } from './historyStats';

/** Tick spacings of the step axis. */
const INTEGER_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000,
  1_000_000, 10_000_000
];

/** One band of the chart: a group of trials (all, or those with one value of a param). */
export interface IBandGroup {
  /** The legend text, e.g. `lr = 0.1`, or the metric key when there is one group. */
  label: string;
  /** A canvas colour (`#rrggbb`). */
  color: string;
  band: IBand;
  /** Trials in the group. */
  trials: number;
}

/**
 * Align the groups' bands on the union of their steps: uPlot wants one x array; a group without
 * a step gets a gap (null) there.
 *
 * @param groups - the bands
 * @returns x, then per group its mean, max and min (uPlot's series order)
 */
export function bandData(groups: IBandGroup[]): (number | null)[][] {
  const steps = [...new Set(groups.flatMap(g => g.band.steps))].sort(
    (a, b) => a - b
  );
  const index = new Map(steps.map((s, i) => [s, i]));
  const data: (number | null)[][] = [steps];
  for (const { band } of groups) {
    const mean: (number | null)[] = steps.map(() => null);
    const max = [...mean];
    const min = [...mean];
    band.steps.forEach((s, i) => {
      const j = index.get(s)!;
      mean[j] = band.mean[i];
      max[j] = band.max[i];
      min[j] = band.min[i];
    });
    data.push(mean, max, min);
  }
  return data;
}

/**
 * The trials of a sweep as one mean line per group over a shaded min–max band, by step. uPlot
 * draws it (its `bands` fill between each group's max and min series); the node carries
 * `data-trial-count`, `data-step-count` and `data-group-count` for tests. Below, each group's
 * figures at its last step, as text.
 */
export function SweepBandChart(props: {
  groups: IBandGroup[];
  xLabel: string;
  yLabel: string;
  trans: TranslationBundle;
  height?: number;
}): JSX.Element {
  const { groups, trans } = props;
  const host = React.useRef<HTMLDivElement>(null);
  const height = props.height ?? 220;
  const data = React.useMemo(() => bandData(groups), [groups]);
  const [theme, setTheme] = React.useState(0);
  React.useEffect(() => {
    // Canvas colours are read from the theme's CSS variables when the plot is made: a theme
    // change makes a new plot.
    const observer = new MutationObserver(() => setTheme(t => t + 1));
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light']
    });
    return () => observer.disconnect();
  }, []);
  React.useLayoutEffect(() => {
    const node = host.current;
    if (!node || !data[0].length) {
      return;
    }
    const style = getComputedStyle(node);
    const css = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const text = css('--jp-ui-font-color2', '#616161');
    const grid = css('--jp-border-color2', '#e0e0e0');
    const font = `11px ${css('--jp-ui-font-family', 'sans-serif')}`;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: text,
      font,
      labelFont: font,
      labelSize: 16,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 }
    });
    const series: uPlot.Series[] = [{ label: props.xLabel }];
    const bands: uPlot.Band[] = [];
    groups.forEach((g, i) => {
      const base = 1 + 3 * i;
      series.push(
        { label: g.label, stroke: g.color, width: 2, spanGaps: true },
        {
          label: trans.__('%1 max', g.label),
          stroke: `${g.color}66`,
          width: 1,
          spanGaps: true,
          points: { show: false }
        },
        {
          label: trans.__('%1 min', g.label),
          stroke: `${g.color}66`,
          width: 1,
          spanGaps: true,
          points: { show: false }
        }
      );
      bands.push({ series: [base + 1, base + 2], fill: `${g.color}2e` });
    });
    const width = () => Math.max(120, Math.floor(node.clientWidth || 320));
    const plot = new uPlot(
      {
        width: width(),
        height,
        legend: { show: false },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false } },
        // MLflow steps are integers: no 0.5 ticks.
        axes: [
          { ...axis(props.xLabel), incrs: INTEGER_STEPS },
          axis(props.yLabel)
        ],
        series,
        bands
      },
      data as uPlot.AlignedData,
      node
    );
    const resize = new ResizeObserver(() => {
      if (width() !== plot.width) {
        plot.setSize({ width: width(), height });
      }
    });
    resize.observe(node);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, theme]);
  const trials = groups.reduce((n, g) => n + g.trials, 0);
  return (
    <figure
      className="jp-mlflow-BandChart"
      data-trial-count={trials}
      data-step-count={data[0].length}
      data-group-count={groups.length}
    >
      <div
        ref={host}
        className="jp-mlflow-OverlayChart-plot"
        role="img"
        aria-label={trans._n(
          'Mean and min–max of %2 by %3 over %1 trial',
          'Mean and min–max of %2 by %3 over %1 trials',
          trials,
          props.yLabel,
          props.xLabel
        )}
      />
      <figcaption>
        <ul className="jp-mlflow-Legend" aria-label={trans.__('Groups')}>
          {groups.map((g, i) => {
            const last = g.band.steps.length - 1;
            return (
              <li
                key={i}
                className="jp-mlflow-Legend-item"
                data-group={g.label}
              >
                <span
                  className="jp-mlflow-Legend-swatch"
                  style={{ background: g.color }}
                />
                {last < 0
                  ? trans._n(
                      '%2 (%1 trial): no finite values',
                      '%2 (%1 trials): no finite values',
                      g.trials,
                      g.label
                    )
                  : trans._n(
                      '%2 (%1 trial): at step %3 mean %4, min %5, max %6',
                      '%2 (%1 trials): at step %3 mean %4, min %5, max %6',
                      g.trials,
                      g.label,
                      g.band.steps[last],
                      formatNumber(g.band.mean[last]),
                      formatNumber(g.band.min[last]),
                      formatNumber(g.band.max[last])
                    )}
              </li>
            );
          })}
        </ul>
      </figcaption>
    </figure>
  );
}
