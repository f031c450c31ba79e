import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';
import { IChartCard } from './chartCard';
import { compareKeys, groupKeys, matchesFilter } from './keyGroups';
import type { MetricChart } from './MetricChart';
import { ViewChoices } from './viewChoices';

/**
 * The charts of Live metrics at any number of keys: one collapsible section per key prefix,
 * one fixed-size slot per key, and a chart card only in the slots near the scrolled-to place.
 *
 * A card costs a Lumino widget tree, a canvas and its history read from the tracking server;
 * 5,000 of them froze the page. Slots are cheap: an IntersectionObserver on the scroll
 * container creates a card when its slot comes within a screen or so and disposes it when it
 * leaves, keeping the slot at the card's height so the scrollbar does not jump. The keys with a
 * card are announced (`wantedChanged`): only their histories are read.
 *
 * Zoom is shared: a drag or a double-click in one chart applies to every chart with the same x
 * axis, including charts created later.
 */
export class ChartGrid extends Panel {
  /**
   * @param options - translations, the card factory, the scroll container
   */
  constructor(options: ChartGrid.IOptions) {
    super();
    this.addClass('jp-mlflow-LiveMetrics-charts');
    this._trans = options.trans;
    this._createCard = options.createCard;
    this._scrollRoot = options.scrollRoot;
  }

  /** The keys whose cards exist (their histories are wanted); `null`: every key. */
  get wantedChanged(): ISignal<this, ReadonlySet<string> | null> {
    return this._wantedChanged;
  }

  /** The keys whose cards exist now, or `null` when every key gets one (no observer). */
  get wanted(): ReadonlySet<string> | null {
    return this._observer || this._lazy ? new Set(this._cards.keys()) : null;
  }

  /** The chart of a key, if its card exists. */
  chartFor(key: string): MetricChart | undefined {
    return this._cards.get(key)?.chart;
  }

  /** Every card that exists, by key. */
  get cards(): ReadonlyMap<string, IChartCard> {
    return this._cards;
  }

  /**
   * Show these keys: add and remove slots, hide those the filter leaves out, and collapse the
   * sections the user collapsed. Cheap when nothing changed (it runs on every redraw).
   *
   * @param keys - every key of the shown runs
   * @param choices - the notebook's view choices (filter, collapsed sections)
   */
  setKeys(keys: readonly string[], choices: ViewChoices): void {
    // The session hands out the same array until a key is added: compare it first.
    let keysChanged = false;
    if (keys !== this._keysSeen) {
      this._keysSeen = keys;
      const signature = `${keys.length}\u0001${keys.join('\u0000')}`;
      keysChanged = signature !== this._signature;
      if (keysChanged) {
        this._signature = signature;
        this._sync(keys);
      }
    }
    const filter = choices.filter.trim();
    const view = `${filter}\u0001${choices.toJSON().collapsed.join('\u0000')}`;
    if (!keysChanged && view === this._viewSignature) {
      return;
    }
    this._viewSignature = view;
    const headed = this._groups.size > 1 || !this._groups.has('');
    let shownKeys = 0;
    for (const group of this._groups.values()) {
      let shown = 0;
      for (const [key, slot] of group.slots) {
        const match = matchesFilter(key, filter);
        slot.widget.setHidden(!match);
        shown += Number(match);
      }
      shownKeys += shown;
      const collapsed = choices.isCollapsed(group.name);
      group.header.setHidden(!headed);
      group.widget.setHidden(shown === 0);
      group.body.setHidden(collapsed && headed);
      group.toggle.setAttribute('aria-expanded', String(!collapsed || !headed));
      group.count.textContent =
        shown === group.slots.size
          ? String(shown)
          : this._trans.__('%1 of %2', shown, group.slots.size);
      group.toggle.onclick = () =>
        choices.setCollapsed(group.name, !choices.isCollapsed(group.name));
    }
    this.shownCount = shownKeys;
    if (!this._observer && !this._lazy) {
      // No IntersectionObserver (tests without layout): every shown slot gets its card.
      let changed = false;
      for (const group of this._groups.values()) {
        for (const [key, slot] of group.slots) {
          const show = !slot.widget.isHidden && !group.body.isHidden;
          changed = this._setCard(key, slot, show) || changed;
        }
      }
      if (changed) {
        this._wantedChanged.emit(null);
      }
    }
  }

  /** How many keys the filter shows (after the last `setKeys`). */
  shownCount = 0;

  /** Redraw every card with the current theme's colours. */
  restyle(): void {
    for (const card of this._cards.values()) {
      card.chart.restyle();
    }
  }

  /** Forget every key (another notebook). */
  clear(): void {
    for (const group of this._groups.values()) {
      group.widget.dispose();
    }
    this._groups.clear();
    this._slots.clear();
    this._cards.clear();
    this._signature = '';
    this._keysSeen = null;
    this._viewSignature = '';
    this._zoom = null;
  }

  dispose(): void {
    this._observer?.disconnect();
    this._observer = null;
    super.dispose();
  }

  protected onAfterAttach(): void {
    if (typeof IntersectionObserver === 'undefined' || this._observer) {
      return;
    }
    this._lazy = true;
    this._observer = new IntersectionObserver(
      entries => this._onIntersect(entries),
      { root: this._scrollRoot(), rootMargin: '800px 0px' }
    );
    for (const slot of this._slots.values()) {
      this._observer.observe(slot.widget.node);
    }
  }

  protected onBeforeDetach(): void {
    this._observer?.disconnect();
    this._observer = null;
  }

  private _onIntersect(entries: IntersectionObserverEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      const key = (entry.target as HTMLElement).dataset.metricKey ?? '';
      const slot = this._slots.get(key);
      if (!entry.isIntersecting && !this.isVisible) {
        // The whole view was hidden (another tab in front): keep its cards, zoom and all.
        continue;
      }
      if (slot) {
        changed = this._setCard(key, slot, entry.isIntersecting) || changed;
      }
    }
    if (changed) {
      this._wantedChanged.emit(this.wanted);
    }
  }

  /** Create or dispose a slot's card; whether anything changed. */
  private _setCard(key: string, slot: Private.ISlot, wanted: boolean): boolean {
    const card = this._cards.get(key);
    if (wanted && !card) {
      const made = this._createCard(key);
      this._cards.set(key, made);
      made.chart.drawn.connect(this._onDrawn, this);
      slot.widget.addWidget(made.widget);
      slot.widget.addClass('jp-mod-filled');
      slot.widget.node.style.minHeight = '';
      return true;
    }
    if (!wanted && card) {
      const height = card.widget.node.offsetHeight;
      if (height > 0) {
        slot.widget.node.style.minHeight = `${height}px`;
      }
      slot.widget.removeClass('jp-mod-filled');
      this._cards.delete(key);
      card.widget.dispose();
      return true;
    }
    return false;
  }

  /**
   * A chart drew. If its zoom changed since its last draw, the user dragged or double-clicked in
   * it: that zoom becomes the shared one. Otherwise it follows the shared zoom — a new chart, or
   * one that was off screen (undrawn) when the zoom changed or whose x axis was not known yet.
   */
  private _onDrawn(chart: MetricChart): void {
    const zoom = chart.zoom;
    const kind = chart.xKind;
    const previous = this._lastZoom.has(chart)
      ? this._lastZoom.get(chart)!
      : undefined;
    this._lastZoom.set(chart, zoom);
    const shared = this._zoom;
    const sharedRange = shared && shared.kind === kind ? shared.range : null;
    if (previous === undefined || Private.sameRange(previous, zoom)) {
      if (
        (!shared || shared.kind === kind) &&
        !Private.sameRange(zoom, sharedRange)
      ) {
        chart.setZoom(sharedRange);
      }
      return;
    }
    if (Private.sameRange(zoom, sharedRange)) {
      return; // the shared zoom, applied by this grid
    }
    this._zoom = zoom ? { kind, range: zoom } : null;
    for (const other of this._cards.values()) {
      // The others with this x axis now; the rest when they next draw.
      if (other.chart !== chart && other.chart.xKind === kind) {
        other.chart.setZoom(zoom);
      }
    }
  }

  /** Add slots and sections for new keys and drop those of gone keys, in key order. */
  private _sync(keys: readonly string[]): void {
    const sorted = [...keys].sort(compareKeys);
    const wanted = new Set(sorted);
    let dropped = false;
    for (const [key, slot] of this._slots) {
      if (!wanted.has(key)) {
        this._observer?.unobserve(slot.widget.node);
        const card = this._cards.get(key);
        if (card) {
          this._cards.delete(key);
          dropped = true;
        }
        slot.widget.dispose();
        this._slots.delete(key);
        for (const group of this._groups.values()) {
          group.slots.delete(key);
        }
      }
    }
    const groups = groupKeys(sorted);
    const names = new Set(groups.map(g => g.name));
    for (const [name, group] of this._groups) {
      if (!names.has(name)) {
        group.widget.dispose();
        this._groups.delete(name);
      }
    }
    groups.forEach((spec, groupIndex) => {
      let group = this._groups.get(spec.name);
      if (!group) {
        group = this._createGroup(spec.name);
        this._groups.set(spec.name, group);
      }
      this.insertWidget(groupIndex, group.widget);
      const present = group.slots;
      if (
        present.size === spec.keys.length &&
        spec.keys.every(k => present.has(k))
      ) {
        return;
      }
      const ordered = new Map<string, Private.ISlot>();
      spec.keys.forEach((key, index) => {
        let slot = present.get(key);
        if (!slot) {
          slot = this._createSlot(key);
          this._slots.set(key, slot);
          this._observer?.observe(slot.widget.node);
        }
        ordered.set(key, slot);
        group!.body.insertWidget(index, slot.widget);
      });
      group.slots = ordered;
    });
    if (dropped) {
      this._wantedChanged.emit(this.wanted);
    }
  }

  private _createGroup(name: string): Private.IGroup {
    const widget = new Panel();
    widget.addClass('jp-mlflow-LiveMetrics-group');
    widget.node.dataset.group = name;
    widget.node.setAttribute('role', 'region');
    const label = name || this._trans.__('Other metrics');
    widget.node.setAttribute('aria-label', label);
    const header = new Widget({ node: document.createElement('h3') });
    header.addClass('jp-mlflow-LiveMetrics-groupHead');
    const toggle = document.createElement('button');
    toggle.className = 'jp-mlflow-LiveMetrics-groupToggle';
    const title = document.createElement('span');
    title.className = 'jp-mlflow-LiveMetrics-groupName';
    title.textContent = label;
    const count = document.createElement('span');
    count.className = 'jp-mlflow-LiveMetrics-groupCount';
    toggle.append(title, count);
    header.node.append(toggle);
    const body = new Panel();
    body.addClass('jp-mlflow-LiveMetrics-groupBody');
    widget.addWidget(header);
    widget.addWidget(body);
    return { name, widget, header, toggle, count, body, slots: new Map() };
  }

  private _createSlot(key: string): Private.ISlot {
    const widget = new Panel();
    widget.addClass('jp-mlflow-LiveMetrics-slot');
    widget.node.dataset.metricKey = key;
    return { widget };
  }

  private _trans: TranslationBundle;
  private _createCard: (key: string) => IChartCard;
  private _scrollRoot: () => HTMLElement;
  private _observer: IntersectionObserver | null = null;
  private _lazy = false;
  private _groups = new Map<string, Private.IGroup>();
  private _slots = new Map<string, Private.ISlot>();
  private _cards = new Map<string, IChartCard>();
  private _lastZoom = new WeakMap<MetricChart, [number, number] | null>();
  private _zoom: { kind: string; range: [number, number] } | null = null;
  private _signature = '';
  private _keysSeen: readonly string[] | null = null;
  private _viewSignature = '';
  private _wantedChanged = new Signal<this, ReadonlySet<string> | null>(this);
}

export namespace ChartGrid {
  /** Options of the constructor. */
  export interface IOptions {
    trans: TranslationBundle;
    /** Make the card of a key (its chart is fed by the view). */
    createCard: (key: string) => IChartCard;
    /** The element that scrolls the grid (the observer's root). */
    scrollRoot: () => HTMLElement;
  }
}

namespace Private {
  /** Whether two x ranges are the same (null: everything). */
  export function sameRange(
    a: [number, number] | null,
    b: [number, number] | null
  ): boolean {
    return a === b || (!!a && !!b && a[0] === b[0] && a[1] === b[1]);
  }

  export interface ISlot {
    widget: Panel;
  }

  export interface IGroup {
    name: string;
    widget: Panel;
    header: Widget;
    toggle: HTMLButtonElement;
    count: HTMLElement;
    body: Panel;
    slots: Map<string, ISlot>;
  }
}
