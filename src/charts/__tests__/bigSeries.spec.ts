import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { MlflowClient } from '../../api/mlflowClient';
import { createChartCard } from '../chartCard';
import { toCsv } from '../chartData';
import { HistoryReader } from '../historyReader';
import { XMode } from '../MetricChart';
import { MetricStore } from '../series';
import { stubCanvas } from './canvasStub';

beforeAll(stubCanvas);

const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));

/** A card fed from a store the way Live Metrics feeds it (one run, key `loss`). */
function cardOn(store: MetricStore) {
  const card = createChartCard('loss', nullTranslator.load('test'));
  Widget.attach(card.widget, document.body);
  const feed = () =>
    card.chart.setSource(() => {
      const data = store.chartData('loss', ['r1'], card.chart.xMode as XMode);
      return {
        series: data.series.map(s => ({
          label: 'run',
          color: '#4e79a7',
          xs: s.xs,
          ys: s.ys
        })),
        xKind: data.xKind,
        loading: data.loading
      };
    });
  const node = card.widget.node;
  const progress = node.querySelector(
    '.jp-mlflow-LiveMetrics-progress'
  ) as HTMLElement;
  return { card, feed, node, progress };
}

/** Points of `loss`: step i at time 1000 + 10 i ms, value i. */
const points = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => ({
    step: from + k,
    timestamp: 1000 + 10 * (from + k),
    value: from + k
  }));

describe('Chart card: x axis choice', () => {
  it('switches to wall time or seconds since the run’s first point; readout and CSV follow', () => {
    const store = new MetricStore();
    store.add('r1', 'loss', points(0, 101));
    const { card, feed, node } = cardOn(store);
    feed();
    card.chart.drawPending();
    const select = node.querySelector('select') as HTMLSelectElement;
    expect(select.getAttribute('aria-label')).toBe('X axis of loss');
    expect(select.value).toBe('step');
    expect(card.chart.xKind).toBe('step');
    card.chart.setZoom([10, 20]);
    card.chart.drawPending();

    select.value = 'relative';
    select.dispatchEvent(new Event('change'));
    card.chart.drawPending();
    // The zoom was a step range: dropped. x is now seconds since the first point (t = 1000 ms).
    expect(card.chart.zoom).toBeNull();
    expect(card.chart.xKind).toBe('relative');
    expect(
      node.querySelector('.jp-mlflow-MetricChart')!.getAttribute('data-x-kind')
    ).toBe('relative');
    const s = card.chart.series[0];
    expect([s.xs[0], s.xs[s.xs.length - 1]]).toEqual([0, 1]);
    const csv = toCsv(card.chart.series, [0.5, 0.52], card.chart.xKind);
    expect(csv).toBe(
      'series,seconds,value\nrun,0.5,50\nrun,0.51,51\nrun,0.52,52\n'
    );

    select.value = 'time';
    select.dispatchEvent(new Event('change'));
    card.chart.drawPending();
    expect(card.chart.xKind).toBe('time');
    expect(card.chart.series[0].xs[100]).toBe(2000);
    expect(toCsv(card.chart.series, [2000, 2000], 'time')).toBe(
      'series,time,value\nrun,1970-01-01T00:00:02.000Z,100\n'
    );
    card.widget.dispose();
  });
});

describe('Progressive history load', () => {
  /** A client whose history pages are released one by one by the test. */
  function pagedClient(total: number) {
    const asked: number[] = [];
    const pending: (() => void)[] = [];
    const client = {
      getMetricHistory: (
        _runId: string,
        _key: string,
        options: { maxResults: number; pageToken?: string }
      ) => {
        asked.push(options.maxResults);
        const from = Number(options.pageToken ?? 0);
        const to = Math.min(total, from + options.maxResults);
        return new Promise(resolve =>
          pending.push(() =>
            resolve({
              metrics: points(from, to).map(p => ({ key: 'loss', ...p })),
              ...(to < total ? { next_page_token: String(to) } : {})
            })
          )
        );
      }
    } as unknown as MlflowClient;
    const release = async () => {
      while (pending.length === 0) {
        await Promise.resolve();
      }
      pending.shift()!();
      await new Promise(resolve => setTimeout(resolve, 0));
    };
    return { client, asked, release };
  }

  it('a small first page, then pages doubling up to the setting; the card shows progress and draws each page', async () => {
    const store = new MetricStore();
    const { client, asked, release } = pagedClient(60_000);
    const { card, feed, node, progress } = cardOn(store);
    feed();
    const reading = new HistoryReader(store).read(client, 'r1', ['loss'], {
      pageSize: 25_000,
      ended: true
    });
    await nextFrame();
    expect(progress.hidden).toBe(false);
    expect(progress.textContent).toBe('Loading loss… 0 points');
    expect(node.getAttribute('aria-busy')).toBe('true');

    await release();
    await nextFrame();
    // The chart redrew from the store without a new source (the session reports once per read).
    expect(card.chart.pointCount).toBe(5000);
    expect(progress.textContent).toBe('Loading loss… 5,000 points');

    // A pushed point appears at once, whatever is still loading; the history merges around it.
    store.add('r1', 'loss', [{ step: 70_000, timestamp: 1, value: -1 }]);
    await nextFrame();
    expect(card.chart.pointCount).toBe(5001);

    await release();
    await nextFrame();
    expect(card.chart.pointCount).toBe(15_001);
    await release();
    await release();
    expect(await reading).toBe(60_000);
    await nextFrame();
    expect(asked).toEqual([5000, 10_000, 20_000, 25_000]);
    expect(card.chart.pointCount).toBe(60_001);
    expect(progress.hidden).toBe(true);
    expect(node.hasAttribute('aria-busy')).toBe(false);
    const steps = store.columns('r1', 'loss')!.steps;
    expect(steps[59_999]).toBe(59_999);
    expect(steps[60_000]).toBe(70_000);
    card.widget.dispose();
  });

  it('reads a history once when the poll and a newly shown chart ask at the same time', async () => {
    const store = new MetricStore();
    const { client, asked, release } = pagedClient(30_000);
    const reader = new HistoryReader(store);
    const options = { pageSize: 25_000, ended: true };
    const both = Promise.all([
      reader.read(client, 'r1', ['loss'], options),
      reader.read(client, 'r1', ['loss'], options)
    ]);
    await release();
    await release();
    await release();
    await both;
    expect(asked).toEqual([5000, 10_000, 20_000]);
    expect(store.count('r1', 'loss')).toBe(30_000);
  });

  it('a later read of the history is not a load: no progress shown', async () => {
    const store = new MetricStore();
    const { client, release } = pagedClient(10);
    const reader = new HistoryReader(store);
    let reading = reader.read(client, 'r1', ['loss'], {
      pageSize: 25_000,
      ended: false
    });
    await release();
    await reading;
    reading = reader.read(client, 'r1', ['loss'], {
      pageSize: 25_000,
      ended: false
    });
    await Promise.resolve();
    expect(store.isLoading('r1', 'loss')).toBe(false);
    await release();
    expect(await reading).toBe(0);
  });
});
