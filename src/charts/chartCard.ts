import { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import { download, formatValue, readout, toCsv } from './chartData';
import { MetricChart } from './MetricChart';

/** One metric key's chart in Live Metrics, with its tools. */
export interface IChartCard {
  widget: Panel;
  chart: MetricChart;
}

/**
 * A card: the key, a readout (min, max and each run's last value over what is shown, exact,
 * not read off the decimated drawing), and tools: log scale, and the shown range exported as
 * CSV (the exact points, not the drawn ones) or as PNG (the canvas).
 *
 * @param key - the metric key
 * @param trans - translations
 */
export function createChartCard(
  key: string,
  trans: TranslationBundle
): IChartCard {
  const widget = new Panel();
  widget.addClass('jp-mlflow-LiveMetrics-card');
  widget.node.dataset.metricKey = key;
  const head = new Widget({ node: document.createElement('div') });
  head.addClass('jp-mlflow-LiveMetrics-cardHead');
  const heading = document.createElement('h3');
  heading.className = 'jp-mlflow-LiveMetrics-key';
  heading.textContent = key;
  const values = document.createElement('span');
  values.className = 'jp-mlflow-LiveMetrics-readout';
  values.setAttribute('aria-live', 'off');
  const tools = document.createElement('span');
  tools.className = 'jp-mlflow-LiveMetrics-tools';
  tools.setAttribute('role', 'group');
  tools.setAttribute('aria-label', trans.__('Chart tools for %1', key));
  head.node.append(heading, values, tools);

  const chart = new MetricChart({
    title: trans.__('Chart of %1', key),
    xLabels: { step: trans.__('step'), time: trans.__('time') }
  });
  const button = (label: string, title: string, act: () => void) => {
    const node = document.createElement('button');
    node.className = 'jp-mlflow-LiveMetrics-tool jp-mod-styled jp-mod-minimal';
    node.textContent = label;
    node.title = title;
    node.addEventListener('click', act);
    tools.append(node);
    return node;
  };
  const log = button(
    trans.__('Log'),
    trans.__('Logarithmic y axis (values ≤ 0 are gaps)'),
    () => {
      chart.setLogScale(!chart.logScale);
      log.setAttribute('aria-pressed', String(chart.logScale));
    }
  );
  log.setAttribute('aria-pressed', 'false');
  const smooth = button(
    trans.__('Smooth'),
    trans.__('Moving average (weight 0.6); the raw line stays, faint'),
    () => {
      chart.setSmoothing(chart.smoothing > 0 ? 0 : 0.6);
      smooth.setAttribute('aria-pressed', String(chart.smoothing > 0));
    }
  );
  smooth.setAttribute('aria-pressed', 'false');
  const file = (extension: string) =>
    `${key.replace(/[^\w.-]+/g, '_') || 'metric'}.${extension}`;
  button(
    trans.__('CSV'),
    trans.__('Download the shown range’s exact points as CSV'),
    () => download(file('csv'), toCsv(chart.series, chart.zoom, chart.xKind))
  );
  button(trans.__('PNG'), trans.__('Download the chart as PNG'), () => {
    const url = chart.toPng();
    if (url) {
      download(file('png'), url);
    }
  });

  chart.drawn.connect(() => {
    const r = readout(chart.series, chart.zoom);
    const lastText = r.last
      .map(p => `${p.label} ${formatValue(p.y)}`)
      .join(' · ');
    values.textContent =
      r.min === null
        ? ''
        : trans.__(
            'min %1 · max %2 · last %3',
            formatValue(r.min),
            formatValue(r.max!),
            lastText
          );
    values.dataset.min = r.min === null ? '' : String(r.min);
    values.dataset.max = r.max === null ? '' : String(r.max);
  });
  widget.addWidget(head);
  widget.addWidget(chart);
  return { widget, chart };
}
