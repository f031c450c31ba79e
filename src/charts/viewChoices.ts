import { ISignal, Signal } from '@lumino/signaling';
import type { XMode } from './MetricChart';

/** A chart's own choices (only those that differ from the defaults are kept). */
export interface IChartOptions {
  /** Logarithmic y axis. */
  log?: boolean;
  /** Smoothing weight (0: none). */
  smooth?: number;
  /** The x axis chosen (`auto` follows the data). */
  x?: XMode;
}

/** The saved form of `ViewChoices` (the state database holds JSON). */
export interface IViewChoicesJSON {
  pinned: string[];
  hiddenRuns: string[];
  /** Runs shown by choice although beyond the number drawn by default. */
  shownRuns?: string[];
  collapsed: string[];
  filter: string;
  /** Each chart's own choices, by metric key. */
  charts?: Record<string, IChartOptions>;
}

/**
 * What a user chose in the Live metrics view of one notebook — runs pinned and hidden, sections
 * collapsed, the filter — kept with that notebook's session, so switching notebooks and
 * reloading the page give each notebook its own view back.
 */
export class ViewChoices {
  /** Fires on every change (the plugin saves it). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Runs pinned by the user, in the order pinned. */
  get pinned(): readonly string[] {
    return Array.from(this._pinned);
  }

  /**
   * Whether a run's lines are hidden (it stays in the legend).
   *
   * @param runId - the run
   * @param byDefault - whether the run is hidden unless chosen (beyond the runs drawn by default)
   */
  isHidden(runId: string, byDefault = false): boolean {
    return this._hidden.has(runId) || (byDefault && !this._shown.has(runId));
  }

  /** Whether a section of keys is collapsed. */
  isCollapsed(group: string): boolean {
    return this._collapsed.has(group);
  }

  /** A chart's own choices (log axis, smoothing, x axis), as last set. */
  chartOptions(key: string): IChartOptions {
    return this._charts.get(key) ?? {};
  }

  /**
   * Keep a chart's choices; defaults are not kept.
   *
   * @param key - the metric key
   * @param options - the chart's current choices
   */
  setChartOptions(key: string, options: IChartOptions): void {
    const kept: IChartOptions = {};
    if (options.log) {
      kept.log = true;
    }
    if (options.smooth) {
      kept.smooth = options.smooth;
    }
    if (options.x && options.x !== 'auto') {
      kept.x = options.x;
    }
    const before = this._charts.get(key) ?? {};
    if (
      before.log === kept.log &&
      before.smooth === kept.smooth &&
      before.x === kept.x
    ) {
      return;
    }
    if (Object.keys(kept).length) {
      this._charts.set(key, kept);
    } else {
      this._charts.delete(key);
    }
    this._changed.emit();
  }

  /** The filter text of the keys. */
  get filter(): string {
    return this._filter;
  }

  set filter(value: string) {
    if (value !== this._filter) {
      this._filter = value;
      this._changed.emit();
    }
  }

  /** Remember a pin, or forget it (and the run's hidden state with it). */
  setPinned(runId: string, pinned: boolean): void {
    if (pinned === this._pinned.has(runId)) {
      return;
    }
    if (pinned) {
      this._pinned.add(runId);
    } else {
      this._pinned.delete(runId);
      this._hidden.delete(runId);
      this._shown.delete(runId);
    }
    this._changed.emit();
  }

  /** Hide a run's lines, or show them again. */
  setHidden(runId: string, hidden: boolean): void {
    const a = this._toggle(this._hidden, runId, hidden);
    const b = this._toggle(this._shown, runId, !hidden);
    if (a || b) {
      this._changed.emit();
    }
  }

  /** Collapse a section of keys, or expand it. */
  setCollapsed(group: string, collapsed: boolean): void {
    if (this._toggle(this._collapsed, group, collapsed)) {
      this._changed.emit();
    }
  }

  /** The saved form. */
  toJSON(): IViewChoicesJSON {
    return {
      pinned: Array.from(this._pinned),
      hiddenRuns: Array.from(this._hidden),
      shownRuns: Array.from(this._shown),
      collapsed: Array.from(this._collapsed),
      filter: this._filter,
      charts: Object.fromEntries(this._charts)
    };
  }

  /**
   * Take a saved form back; anything malformed in it is ignored (it came from browser storage).
   *
   * @param saved - what `toJSON` gave, or anything
   */
  restore(saved: unknown): void {
    const raw = (saved ?? {}) as Partial<
      Record<keyof IViewChoicesJSON, unknown>
    >;
    const strings = (value: unknown) =>
      Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string')
        : [];
    strings(raw.pinned).forEach(id => this._pinned.add(id));
    strings(raw.hiddenRuns).forEach(id => this._hidden.add(id));
    strings(raw.shownRuns).forEach(id => this._shown.add(id));
    strings(raw.collapsed).forEach(name => this._collapsed.add(name));
    if (typeof raw.filter === 'string') {
      this._filter = raw.filter;
    }
    const charts = raw.charts;
    if (charts && typeof charts === 'object' && !Array.isArray(charts)) {
      for (const [key, value] of Object.entries(charts)) {
        const v = (value ?? {}) as Record<string, unknown>;
        this.setChartOptions(key, {
          log: v.log === true,
          smooth:
            typeof v.smooth === 'number' && v.smooth > 0 && v.smooth < 1
              ? v.smooth
              : 0,
          x: ['step', 'time', 'relative'].includes(v.x as string)
            ? (v.x as XMode)
            : 'auto'
        });
      }
    }
    this._changed.emit();
  }

  private _toggle(set: Set<string>, item: string, on: boolean): boolean {
    if (on === set.has(item)) {
      return false;
    }
    if (on) {
      set.add(item);
    } else {
      set.delete(item);
    }
    return true;
  }

  private _pinned = new Set<string>();
  private _hidden = new Set<string>();
  private _shown = new Set<string>();
  private _collapsed = new Set<string>();
  private _charts = new Map<string, IChartOptions>();
  private _filter = '';
  private _changed = new Signal<this, void>(this);
}
