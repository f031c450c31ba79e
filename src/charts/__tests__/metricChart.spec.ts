import { Widget } from '@lumino/widgets';
import { MetricChart } from '../MetricChart';
import { stubCanvas } from './canvasStub';

/**
 * jsdom has no canvas: a 2D context that draws nothing (uPlot only calls it). What is checked is
 * the data the chart hands uPlot, not pixels (Galata looks at those).
 */
beforeAll(stubCanvas);

/** A chart of a series far longer than its width: what it hands uPlot, and after a zoom. */
describe('MetricChart at scale', () => {
  function chartOf(n: number, spikeAt: number) {
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = i;
      ys[i] = Math.sin(i / 1000);
    }
    ys[spikeAt] = 1e9;
    const chart = new MetricChart({ title: 'loss' });
    Widget.attach(chart, document.body);
    chart.setSeries([{ label: 'run loss', color: '#1f77b4', xs, ys }]);
    chart.drawPending();
    return { chart, xs, ys };
  }

  it('draws the spike of 200,000 points with ~4 points per pixel column', () => {
    const { chart } = chartOf(200_000, 123_457);
    const node = chart.node;
    expect(node.dataset.pointCount).toBe('200000');
    const drawn = Number(node.dataset.drawnCount);
    // jsdom has no layout: the chart's width is its 320 px fallback.
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(4 * 320 + 2);
    const data = (chart as any)._plot.data as number[][];
    expect(data[1]).toContain(1e9);
    expect(data[0][data[0].length - 1]).toBe(199_999);
    chart.dispose();
  });

  it('a zoom reads its range again at full resolution; double-click (null) shows all', async () => {
    const { chart } = chartOf(200_000, 150_100);
    chart.setZoom([150_000, 150_200]);
    chart.drawPending();
    const data = (chart as any)._plot.data as number[][];
    expect(chart.node.dataset.zoomed).toBe('150000:150200');
    // Every point of the range, and one neighbour on each side.
    expect(data[0].length).toBe(203);
    expect(data[0][1]).toBe(150_000);
    expect(data[1]).toContain(1e9);
    chart.setZoom(null);
    chart.drawPending();
    expect(chart.node.dataset.zoomed).toBe('');
    // Data arriving does not zoom (uPlot's own rescale is not a user's zoom).
    await Promise.resolve();
    expect(chart.node.dataset.zoomed).toBe('');
    // A drag over some pixels: the chart reads that range again, at full resolution.
    const plot = (chart as any)._plot;
    plot.setSelect({ left: 100, width: 10, top: 0, height: 50 });
    chart.drawPending();
    const [from, to] = chart.zoom!;
    expect(to).toBeGreaterThan(from);
    // Only that range (and a neighbour each side), still ~4 points per pixel column.
    const zoomed = (chart as any)._plot.data[0] as number[];
    expect(zoomed[1]).toBeGreaterThanOrEqual(from);
    expect(zoomed[zoomed.length - 2]).toBeLessThanOrEqual(to);
    expect(zoomed.length).toBeLessThanOrEqual(4 * 320 + 2);
    expect(zoomed.length).toBeGreaterThan(320);
    chart.setZoom(null);
    chart.drawPending();
    expect(Number(chart.node.dataset.drawnCount)).toBeLessThanOrEqual(1282);
    chart.dispose();
  });
});
