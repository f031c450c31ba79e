import { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import { download, formatValue, readout, toCsv } from './chartData';
import { MetricChart, XKind } from './MetricChart';

/** One metric key's chart in Live Metrics, with its tools. */
export interface IChartCard {
  widget: Panel;
  chart: MetricChart;
}

/**
 * A card: the key, a readout (min, max and each run's last value over what is shown, exact,
 * not read off the decimated drawing), a progress line while a history is being read (the chart
 * draws what has arrived meanwhile), and tools: the x axis (step, wall time or time since the
 * run's first point), log scale, smoothing, and the shown range exported as CSV (the exact
 * points, not the drawn ones) or as PNG (the canvas).
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
  const progress = document.createElement('span');
  progress.className = 'jp-mlflow-LiveMetrics-progress';
  progress.setAttribute('role', 'status');
  progress.hidden = true;
  head.node.append(heading, values, progress, tools);

  const chart = new MetricChart({
    title: trans.__('Chart of %1', key),
    xLabels: {
      step: trans.__('step'),
      time: trans.__('time'),
      relative: trans.__('seconds since the run’s first point')
    }
  });
  // The x axis: a choice per chart; until chosen it follows the data (step, or wall time when
  // every step is equal) and shows what it follows.
  const xAxis = document.createElement('select');
  xAxis.className = 'jp-mlflow-LiveMetrics-xAxis jp-mod-styled';
  xAxis.setAttribute('aria-label', trans.__('X axis of %1', key));
  xAxis.title = trans.__(
    'X axis: step, wall time, or time since the run began'
  );
  const xNames: Record<XKind, string> = {
    step: trans.__('Step'),
    time: trans.__('Wall time'),
    relative: trans.__('Relative time')
  };
  for (const kind of ['step', 'time', 'relative'] as XKind[]) {
    const option = document.createElement('option');
    option.value = kind;
    option.textContent = xNames[kind];
    xAxis.append(option);
  }
  xAxis.addEventListener('change', () => chart.setXMode(xAxis.value as XKind));
  tools.append(xAxis);
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

  const count = new Intl.NumberFormat();
  chart.drawn.connect(() => {
    xAxis.value = chart.xKind;
    // The tools show the chart's state, however it was set (a click, or a saved view).
    log.setAttribute('aria-pressed', String(chart.logScale));
    smooth.setAttribute('aria-pressed', String(chart.smoothing > 0));
    const loading = chart.loading;
    progress.hidden = !loading;
    progress.textContent = loading
      ? trans.__('Loading %1… %2 points', key, count.format(loading.points))
      : '';
    if (loading) {
      widget.node.setAttribute('aria-busy', 'true');
    } else {
      widget.node.removeAttribute('aria-busy');
    }
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
