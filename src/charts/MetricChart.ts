import type { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import uPlot from 'uplot';
import { alignSeries } from './align';
import { ema } from './chartData';
import { decimate } from './decimate';

/**
 * One line of a chart: a label, a CSS colour and its points (`xs[i]`, `ys[i]`), `xs` ascending.
 * `ys` may hold `NaN`/`±Infinity`; they are drawn as gaps (uPlot cannot scale to them).
 */
export interface IChartSeries {
  /** Shown in the hover readout. */
  label: string;
  /** A colour canvas understands (`#1f77b4`, `rgb(…)`); CSS variables do not work on canvas. */
  color: string;
  /**
   * X values, ascending: steps, milliseconds since the epoch when the x kind is `time`, or
   * seconds when it is `relative`.
   */
  xs: ArrayLike<number>;
  /** Y values, one per x. */
  ys: ArrayLike<number>;
  /** Line width in CSS pixels (default 1.5); e.g. 2.5 to highlight a running run. */
  width?: number;
  /** Canvas dash pattern, e.g. `[4, 4]`. */
  dash?: number[];
}

/** What the x values are: steps, wall time in ms since the epoch, or seconds since a start. */
export type XKind = 'step' | 'time' | 'relative';

/** The x axis a user chose for a chart: `auto` is the step, or wall time when steps say nothing. */
export type XMode = 'auto' | XKind;

/** What a chart's source gives it when it draws. */
export interface IChartSource {
  series: IChartSeries[];
  xKind: XKind;
  /**
   * A history still being read: the points it has so far (the card says so), and a signal of
   * its pages arriving: the chart asks its source again and redraws on each.
   */
  loading?: { points: number; progress?: ISignal<unknown, void> } | null;
}

/**
 * A Lumino widget owning one uPlot canvas: a line chart of a few series that share a y axis.
 *
 * Generic on purpose (live metrics and run comparison both use it): give it series, it draws
 * them. `setSeries` may be called at any rate; the chart redraws at most once per animation
 * frame, and not at all while hidden (it catches up when shown). The node carries
 * `data-point-count`, the number of points it holds (the sum of the series' lengths, as last
 * drawn), so that UI tests can read the chart's state without looking at pixels.
 */
export class MetricChart extends Widget {
  /**
   * @param options - title and axis labels
   */
  constructor(options: MetricChart.IOptions = {}) {
    super();
    this.addClass('jp-mlflow-MetricChart');
    this._height = options.height ?? 180;
    this._yLabel = options.yLabel ?? '';
    this._xLabels = {
      step: 'step',
      time: 'time',
      relative: 'seconds',
      ...options.xLabels
    };
    this._legend = options.legend ?? true;
    this._integerX = options.integerX ?? false;
    this.node.dataset.pointCount = '0';
    this.node.dataset.xKind = 'step';
    this.node.dataset.xMode = 'auto';
    this._host = document.createElement('div');
    this._host.className = 'jp-mlflow-MetricChart-canvas';
    // Holds its place while the canvas is freed (scrolled far away): the list does not jump.
    this._host.style.minHeight = `${this._height}px`;
    this.node.appendChild(this._host);
    if (options.title) {
      this.node.setAttribute('aria-label', options.title);
    }
    this.node.setAttribute('role', 'img');
  }

  /** The series as last given to `setSeries` or computed from `setSource` (drawn, or about to be). */
  get series(): readonly IChartSeries[] {
    return this._series;
  }

  /** The x kind as last given to `setSeries` or computed from `setSource`. */
  get xKind(): XKind {
    return this._xKind;
  }

  /** The x axis chosen for this chart (a `setSource` computes its series with it). */
  get xMode(): XMode {
    return this._xMode;
  }

  /**
   * Choose the x axis: the source is asked again for its series, and the zoom (a range of the
   * old axis) is dropped.
   *
   * @param mode - `auto`, `step`, `time` (wall time) or `relative` (seconds since the start)
   */
  setXMode(mode: XMode): void {
    if (mode === this._xMode) {
      return;
    }
    this._xMode = mode;
    this.node.dataset.xMode = mode;
    this._zoom = null;
    this._sourceDirty = this._source !== null;
    this._scheduleDraw();
  }

  /** A history still being read, as the source last said (null: none). */
  get loading(): { points: number } | null {
    return this._loading;
  }

  /** The number of points in `series` (what `data-point-count` shows once drawn). */
  get pointCount(): number {
    let n = 0;
    for (const s of this._series) {
      n += s.xs.length;
    }
    return n;
  }

  /**
   * Replace what the chart shows; drawn on the next animation frame (coalesced).
   *
   * @param series - the lines; their order is the order of the hover readout
   * @param xKind - `step` (default) or `time` (xs in ms since the epoch)
   */
  setSeries(series: IChartSeries[], xKind: XKind = 'step'): void {
    this._series = series;
    this._xKind = xKind;
    this._source = null;
    this._loading = null;
    this._follow(null);
    this._scheduleDraw();
  }

  /**
   * Like `setSeries`, but the series are computed only when the chart is drawn: a chart
   * scrolled far out of view (one of thousands of metric keys) costs nothing until shown.
   *
   * The source is kept: a change of the x mode asks it again (it reads `xMode`).
   *
   * @param source - returns the series, the x kind and whether a history is still loading
   */
  setSource(source: () => IChartSource): void {
    this._source = source;
    this._sourceDirty = true;
    this._scheduleDraw();
  }

  /**
   * Draw a pending `setSeries` now instead of on the next animation frame: for callers that are
   * themselves running in an animation frame (one frame less of latency).
   */
  drawPending(): void {
    if (this._frame === 0) {
      return;
    }
    cancelAnimationFrame(this._frame);
    this._frame = 0;
    if (this._canDraw()) {
      this._draw();
    } else {
      this._stale = true;
    }
  }

  /**
   * Redraw with the theme's colours as they are now (axes, grid and font are canvas colours read
   * from CSS variables when the plot is made, so a theme change needs a new plot).
   */
  restyle(): void {
    this._signature = '';
    this._scheduleDraw();
  }

  /**
   * Dispose the uPlot instance and cancel a pending frame (idempotent).
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    if (this._frame !== 0) {
      cancelAnimationFrame(this._frame);
      this._frame = 0;
    }
    this._resizeObserver?.disconnect();
    this._resizeObserver = null;
    this._viewObserver?.disconnect();
    this._viewObserver = null;
    this._follow(null);
    this._source = null;
    this._plot?.destroy();
    this._plot = null;
    Signal.clearData(this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (typeof ResizeObserver !== 'undefined' && !this._resizeObserver) {
      this._resizeObserver = new ResizeObserver(() => this._fit());
      this._resizeObserver.observe(this.node);
    }
    if (typeof IntersectionObserver !== 'undefined' && !this._viewObserver) {
      // Drawn only near the viewport; the canvas of a chart scrolled far away is freed.
      this._viewObserver = new IntersectionObserver(
        entries => {
          const entry = entries[entries.length - 1];
          this._inView = entry.isIntersecting;
          this.node.dataset.inView = String(this._inView);
          if (this._inView) {
            if (this._stale || !this._plot) {
              this._scheduleDraw();
            }
          } else if (this._plot) {
            this._plot.destroy();
            this._plot = null;
            this._signature = '';
            this._host.textContent = '';
            this._stale = true;
          }
        },
        { rootMargin: '600px 0px' }
      );
      this._viewObserver.observe(this.node);
    }
    this._scheduleDraw();
  }

  protected onBeforeDetach(msg: Message): void {
    this._resizeObserver?.disconnect();
    this._resizeObserver = null;
    this._viewObserver?.disconnect();
    this._viewObserver = null;
    super.onBeforeDetach(msg);
  }

  /** Attached, shown, and near the viewport. */
  private _canDraw(): boolean {
    return this.isAttached && this.isVisible && this._inView;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._scheduleDraw();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._fit();
  }

  private _scheduleDraw(): void {
    if (this._frame !== 0 || this.isDisposed) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      if (this._canDraw()) {
        this._draw();
      } else {
        this._stale = true;
      }
    });
  }

  private _draw(): void {
    this._stale = false;
    if (this._source && this._sourceDirty) {
      const { series: given, xKind, loading } = this._source();
      this._sourceDirty = false;
      this._series = given;
      this._xKind = xKind;
      this._loading = loading ?? null;
      this._follow(loading?.progress ?? null);
    }
    // Smoothed: each run's EMA in its colour, its raw line faint behind it.
    const series =
      this._smoothing > 0
        ? this._series.flatMap(s => smoothedPair(s, this._smoothing))
        : this._series;
    const signature = [
      this._xKind,
      this._log,
      this._smoothing,
      ...series.map(
        s => `${s.label}\u0000${s.color}\u0000${s.width}\u0000${s.dash}`
      )
    ].join('\u0001');
    const width = this._width();
    // At most ~4 points per pixel column and series (first, min, max, last: no spike is lost),
    // from the whole series or, zoomed, from the range shown at full resolution.
    const zoom = this._zoom ?? undefined;
    let shown = series.map(s =>
      zoom || s.xs.length > 4 * width
        ? { ...s, ...decimate(s, width, zoom) }
        : s
    );
    if (this._log) {
      shown = shown.map(s => ({ ...s, ys: Array.from(s.ys, positiveOrGap) }));
    }
    const data = alignSeries(shown) as uPlot.AlignedData;
    if (!this._plot || signature !== this._signature) {
      this._plot?.destroy();
      this._host.textContent = '';
      this._plot = new uPlot(this._options(width, series), data, this._host);
      this._signature = signature;
    } else {
      this._plot.setData(data, !zoom);
    }
    if (zoom) {
      // Zoomed, the scale stays where the user put it, whatever arrives.
      this._plot.setScale('x', { min: zoom[0], max: zoom[1] });
    }
    this.node.dataset.pointCount = String(this.pointCount);
    this.node.dataset.drawnCount = String(
      shown.reduce((n, s) => n + s.xs.length, 0)
    );
    this.node.dataset.zoomed = zoom ? `${zoom[0]}:${zoom[1]}` : '';
    this.node.dataset.xKind = this._xKind;
    this._drawn.emit();
  }

  /** Redraw from the source as a loading history's pages arrive (and stop when it is in). */
  private _follow(progress: ISignal<unknown, void> | null): void {
    if (progress === this._progress) {
      return;
    }
    this._progress?.disconnect(this._onProgress, this);
    this._progress = progress;
    progress?.connect(this._onProgress, this);
  }

  private _onProgress(): void {
    if (this._source) {
      this._sourceDirty = true;
      this._scheduleDraw();
    }
  }

  /** Emitted after each draw (new data, a zoom, a resize): readouts follow it. */
  get drawn(): ISignal<this, void> {
    return this._drawn;
  }

  /** The x range shown, or null for everything. */
  get zoom(): [number, number] | null {
    return this._zoom;
  }

  /** Whether the y axis is logarithmic. */
  get logScale(): boolean {
    return this._log;
  }

  /**
   * A logarithmic y axis (loss curves that fall by decades) or a linear one. On a log axis a
   * value ≤ 0 has no place: it is drawn as a gap, like NaN.
   *
   * @param on - log (true) or linear
   */
  setLogScale(on: boolean): void {
    this._log = on;
    this.node.dataset.logScale = String(on);
    this._scheduleDraw();
  }

  /** The smoothing weight (0: none). */
  get smoothing(): number {
    return this._smoothing;
  }

  /**
   * Exponential moving average of each line, as TensorBoard draws it (debiased, so the first
   * points are not pulled towards 0); the raw line stays, faint. The readout and the CSV keep
   * the raw values.
   *
   * @param weight - 0 (off) to below 1 (smoother)
   */
  setSmoothing(weight: number): void {
    this._smoothing = weight > 0 && weight < 1 ? weight : 0;
    this.node.dataset.smoothing = String(this._smoothing);
    this._scheduleDraw();
  }

  /** The canvas as a PNG data URL, or null while nothing is drawn (e.g. scrolled away). */
  toPng(): string | null {
    return this._plot ? this._plot.ctx.canvas.toDataURL('image/png') : null;
  }

  /**
   * Show an x range (null: everything); its points are read again at full resolution.
   *
   * @param range - the range, e.g. from a drag on the chart
   */
  setZoom(range: [number, number] | null): void {
    this._zoom = range && range[1] > range[0] ? range : null;
    this._scheduleDraw();
  }

  private _options(width: number, series: IChartSeries[]): uPlot.Options {
    const style = getComputedStyle(this.node);
    const css = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const text = css('--jp-ui-font-color2', '#616161');
    const grid = css('--jp-border-color2', '#e0e0e0');
    const font = `11px ${css('--jp-ui-font-family', 'sans-serif')}`;
    // The canvas's ink, where a test (and a curious user) can see which theme drew it.
    this.node.dataset.ink = text;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: text,
      font,
      labelFont: font,
      labelSize: 16,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 }
    });
    const time = this._xKind === 'time';
    return {
      width,
      height: this._height,
      ms: 1, // time xs are milliseconds, as MLflow stores them
      scales: { x: { time }, y: this._log ? { distr: 3 } : {} },
      legend: this._legend ? { live: true } : { show: false },
      cursor: {
        // A drag selects a range; the chart zooms itself (setSelect below) so that the range is
        // read again at full resolution.
        drag: { x: true, y: false, setScale: false },
        bind: {
          // Double-click shows everything again (uPlot's own reset would keep the zoomed
          // points' range: only those are loaded while zoomed).
          dblclick: () => () => {
            this.setZoom(null);
            return null;
          }
        }
      },
      hooks: {
        setSelect: [
          (u: uPlot) => {
            const { left, width } = u.select;
            if (width > 2) {
              const range: [number, number] = [
                u.posToVal(left, 'x'),
                u.posToVal(left + width, 'x')
              ];
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              this.setZoom(range);
            }
          }
        ]
      },
      axes: [
        this._integerX && !time
          ? {
              ...axis(this._xLabels[this._xKind]),
              incrs: Private.INTEGER_STEPS
            }
          : axis(this._xLabels[this._xKind]),
        axis(this._yLabel)
      ],
      series: [
        { label: this._xLabels[this._xKind] },
        ...series.map(s => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: false }
        }))
      ]
    };
  }

  private _width(): number {
    return Math.max(120, Math.floor(this.node.clientWidth || 320));
  }

  private _fit(): void {
    if (this._stale && this.isVisible) {
      this._scheduleDraw();
    }
    if (this._plot) {
      const width = this._width();
      if (width !== this._plot.width) {
        this._plot.setSize({ width, height: this._height });
      }
    }
  }

  private _host: HTMLDivElement;
  private _legend: boolean;
  private _integerX: boolean;
  private _height: number;
  private _yLabel: string;
  private _xLabels: Record<XKind, string>;
  private _series: IChartSeries[] = [];
  private _zoom: [number, number] | null = null;
  private _log = false;
  private _smoothing = 0;
  private _drawn = new Signal<this, void>(this);
  private _source: (() => IChartSource) | null = null;
  private _sourceDirty = false;
  private _xMode: XMode = 'auto';
  private _loading: { points: number } | null = null;
  private _progress: ISignal<unknown, void> | null = null;
  private _viewObserver: IntersectionObserver | null = null;
  private _inView = true;
  private _xKind: XKind = 'step';
  private _plot: uPlot | null = null;
  private _signature = '';
  private _frame = 0;
  private _stale = false;
  private _resizeObserver: ResizeObserver | null = null;
}

export namespace MetricChart {
  /** Options of the constructor. */
  export interface IOptions {
    /** The chart's accessible name (e.g. the metric key). */
    title?: string;
    /** The y axis label. */
    yLabel?: string;
    /** X axis labels per x kind (translated by the caller). */
    xLabels?: Partial<Record<XKind, string>>;
    /** Canvas height in CSS pixels (default 180). */
    height?: number;
    /** uPlot's own legend with the values under the cursor (default true). */
    legend?: boolean;
    /** Step axes tick at integers only (trials, epochs): no 0.5 ticks (default false). */
    integerX?: boolean;
  }
}

/** A line's faint raw copy and its smoothed line. */
function smoothedPair(s: IChartSeries, weight: number): IChartSeries[] {
  const faint = /^#[0-9a-f]{6}$/i.test(s.color) ? `${s.color}55` : s.color;
  return [
    {
      ...s,
      label: `${s.label} (raw)`,
      color: faint,
      width: 1,
      dash: undefined
    },
    { ...s, ys: ema(s.ys, weight) }
  ];
}

function positiveOrGap(y: number): number {
  return y > 0 ? y : NaN;
}

namespace Private {
  /** Tick spacings of an integer axis. */
  export const INTEGER_STEPS = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000,
    1_000_000
  ];
}
