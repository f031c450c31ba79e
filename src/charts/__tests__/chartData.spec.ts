import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { createChartCard } from '../chartCard';
import { ema, formatValue, rangeOf, readout, toCsv } from '../chartData';
import { IChartSeries } from '../MetricChart';
import { stubCanvas } from './canvasStub';

beforeAll(stubCanvas);

const SERIES: IChartSeries[] = [
  {
    label: 'run "a", first',
    color: '#000',
    xs: [0, 1, 2, 3, 4],
    ys: [5, NaN, -Infinity, 0.25, 7]
  },
  { label: 'b', color: '#111', xs: [2, 3, 10], ys: [1e-7, 100, 2] }
];

describe('chart data: readout and CSV of the shown range', () => {
  it('bounds a range by binary search, ends included', () => {
    expect(rangeOf([0, 1, 2, 3, 4], null)).toEqual([0, 5]);
    expect(rangeOf([0, 1, 2, 3, 4], [1, 3])).toEqual([1, 4]);
    expect(rangeOf([0, 1, 1, 1, 4], [1, 1])).toEqual([1, 4]);
    expect(rangeOf([0, 1, 2], [5, 9])).toEqual([3, 3]);
  });

  it('min and max skip NaN and infinities; last is each series’ own, exact', () => {
    expect(readout(SERIES, null)).toEqual({
      min: 1e-7,
      max: 100,
      last: [
        { label: 'run "a", first', x: 4, y: 7 },
        { label: 'b', x: 10, y: 2 }
      ]
    });
    const zoomed = readout(SERIES, [1, 3]);
    expect([zoomed.min, zoomed.max]).toEqual([1e-7, 100]);
    expect(zoomed.last.map(p => [p.x, p.y])).toEqual([
      [3, 0.25],
      [3, 100]
    ]);
    expect(readout(SERIES, [20, 30])).toEqual({
      min: null,
      max: null,
      last: []
    });
  });

  it('CSV holds the exact points of the range, labels quoted, NaN and infinities as such', () => {
    expect(toCsv(SERIES, [1, 3], 'step')).toBe(
      [
        'series,step,value',
        '"run ""a"", first",1,NaN',
        '"run ""a"", first",2,-Infinity',
        '"run ""a"", first",3,0.25',
        'b,2,1e-7',
        'b,3,100',
        ''
      ].join('\n')
    );
    const time = toCsv(
      [{ label: 't', color: '#000', xs: [0], ys: [1] }],
      null,
      'time'
    );
    expect(time).toBe('series,time,value\nt,1970-01-01T00:00:00.000Z,1\n');
  });

  it('smooths like TensorBoard: debiased EMA, gaps stay gaps', () => {
    const out = Array.from(ema([1, 1, NaN, 3], 0.5));
    expect(out[0]).toBe(1); // debiased: not pulled towards 0
    expect(out[1]).toBe(1);
    expect(out[2]).toBeNaN();
    // (1·0.25 + 3·0.5 … ) / (1 − 0.5³): the gap did not enter the average
    expect(out[3]).toBeCloseTo(
      (0.5 * (0.5 * 0.5 + 0.5 * 1) + 0.5 * 3) / 0.875,
      12
    );
  });

  it('formats values short without hiding what they are', () => {
    expect(formatValue(0.123456789)).toBe('0.123457');
    expect(formatValue(1e9)).toBe('1e+9');
    expect(formatValue(-1.23456789e-7)).toBe('-1.2346e-7');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(NaN)).toBe('NaN');
  });
});

describe('a Live Metrics chart card', () => {
  it('shows min, max and last after a draw, follows a zoom, and toggles a log axis', () => {
    const card = createChartCard('val/loss', nullTranslator.load('test'));
    Widget.attach(card.widget, document.body);
    card.chart.setSeries(SERIES);
    card.chart.drawPending();
    const values = card.widget.node.querySelector(
      '.jp-mlflow-LiveMetrics-readout'
    ) as HTMLElement;
    expect(values.textContent).toBe(
      'min 1e-7 · max 100 · last run "a", first 7 · b 2'
    );
    card.chart.setZoom([0, 1]);
    card.chart.drawPending();
    expect(values.dataset.max).toBe('5');
    const log = [...card.widget.node.querySelectorAll('button')].find(
      b => b.textContent === 'Log'
    )!;
    log.click();
    expect(log.getAttribute('aria-pressed')).toBe('true');
    expect(card.chart.logScale).toBe(true);
    card.chart.setZoom(null);
    card.chart.setSeries([
      { label: 'c', color: '#222', xs: [0, 1, 2, 3], ys: [1, 0, -2, 10] }
    ]);
    card.chart.drawPending();
    // On a log axis a value ≤ 0 is a gap, not a point at minus infinity.
    const data = (card.chart as any)._plot.data as number[][];
    expect(
      data
        .slice(1)
        .flat()
        .some(v => v !== null && v <= 0 && !Number.isNaN(v))
    ).toBe(false);
    // Smooth: each line's average in its colour, its raw line faint; the readout stays raw.
    const smooth = [...card.widget.node.querySelectorAll('button')].find(
      b => b.textContent === 'Smooth'
    )!;
    smooth.click();
    card.chart.drawPending();
    expect(smooth.getAttribute('aria-pressed')).toBe('true');
    const plot = (card.chart as any)._plot;
    expect(plot.series.slice(1).map((s: any) => s.label)).toEqual([
      'c (raw)',
      'c'
    ]);
    expect(values.dataset.max).toBe('10');
    card.widget.dispose();
  });
});
