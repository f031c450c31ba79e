import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Panel, Widget } from '@lumino/widgets';
import { CommandIDs } from '../commands';
import { IRunEntry, LiveSession } from './liveSession';
import { createChartCard, IChartCard } from './chartCard';
import { ChartGrid } from './chartGrid';
import { MetricChart } from './MetricChart';
import { RUN_COLORS } from './series';

/** The pip command that gives a Python kernel the push (run in the notebook, it installs into
 * that kernel's own environment). */
export const KERNEL_PIP_COMMAND = '%pip install jupyterlab-mlflow-workspace';

/**
 * The Live metrics view: one chart per metric key of the followed notebook's runs (in sections
 * by key prefix, created only near the scrolled-to place: see `ChartGrid`), a run legend with
 * status where a click hides or shows a run's lines, a filter box when there are many keys, and
 * the empty/loading/error states. The user's choices live with the notebook's session.
 *
 * Plain DOM and Lumino widgets (no React): it redraws on every `changed` of its session, which
 * the session coalesces per animation frame, and each chart coalesces again.
 */
export class LiveMetricsView extends Panel {
  /**
   * @param options - commands for the toolbar buttons, translations, search threshold
   */
  constructor(options: LiveMetricsView.IOptions) {
    super();
    this._trans = options.trans;
    this._commands = options.commands;
    this.searchThreshold = options.searchThreshold ?? 6;
    this.runsDrawn = options.runsDrawn ?? 10;
    this.id = 'jp-mlflow-live-metrics';
    this.addClass('jp-mlflow-LiveMetrics');
    this.title.label = this._trans.__('Live metrics');
    this.title.caption = this._trans.__(
      'Metrics of the active notebook’s MLflow runs, live'
    );
    this.title.closable = true;

    this._header = new Widget({ node: this._buildHeader() });
    this._header.addClass('jp-mlflow-LiveMetrics-header');
    this._legend = new Widget();
    this._legend.addClass('jp-mlflow-LiveMetrics-legend');
    this._legend.node.setAttribute('aria-label', this._trans.__('Runs'));
    this._message = new Widget();
    this._message.addClass('jp-mlflow-LiveMetrics-message');
    this._message.node.setAttribute('role', 'status');
    this._charts = new ChartGrid({
      trans: this._trans,
      createCard: key => this._createCard(key),
      scrollRoot: () => this.node
    });
    this._charts.wantedChanged.connect((_, keys) => {
      this._session?.setWantedKeys(keys);
      // Feed the new cards now (a fling scrolls through dozens of them: nothing else redraws).
      const session = this._session;
      if (session) {
        const runs = session.runs();
        this._renderCharts(
          session,
          runs,
          RUN_COLORS.assign(runs.map(r => r.runId))
        );
      }
    });
    this.addWidget(this._header);
    this.addWidget(this._message);
    this.addWidget(this._legend);
    this.addWidget(this._charts);
    this._render();
  }

  /** Show a search box above the charts when there are more keys than this. */
  searchThreshold: number;

  /** Runs beyond this many in the legend are listed but not drawn until chosen. */
  runsDrawn: number;

  /** The session shown (the active notebook's), or `null`. */
  get session(): LiveSession | null {
    return this._session;
  }

  /**
   * Follow another notebook.
   *
   * @param session - its live session, or `null` when no notebook is active
   * @param label - the notebook's name, for the header
   * @param hint - why push is off for its kernel ('' when it is not known to be off)
   */
  setSession(
    session: LiveSession | null,
    label: string,
    hint: LiveMetricsView.KernelHint = 'none'
  ): void {
    if (this._session !== session) {
      if (this._session) {
        this._session.changed.disconnect(this._render, this);
        this._session.choices.changed.disconnect(this._render, this);
        this._session.watched = false;
      }
      this._session = session;
      this._charts.clear();
      if (session) {
        session.changed.connect(this._render, this);
        session.choices.changed.connect(this._render, this);
        this._search.value = session.choices.filter;
        session.setWantedKeys(this._charts.wanted);
        session.watched = this.isVisible;
      }
    }
    this._notebookLabel.textContent = label;
    this._hint = hint;
    this._render();
  }

  /** Redraw every chart with the current theme's colours. */
  restyle(): void {
    this._charts.restyle();
  }

  /** The chart of a metric key, if its card exists (for tests and the compare view). */
  chartFor(key: string): MetricChart | undefined {
    return this._charts.chartFor(key);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    if (this._session) {
      this._session.changed.disconnect(this._render, this);
      this._session.choices.changed.disconnect(this._render, this);
      this._session.watched = false;
    }
    super.dispose();
  }

  protected onAfterShow(): void {
    if (this._session) {
      this._session.watched = true;
    }
    this._render();
  }

  protected onAfterHide(): void {
    if (this._session) {
      this._session.watched = false;
    }
  }

  /**
   * A chart card with the notebook's choices for it (log axis, smoothing, x axis), which it
   * keeps: a card dropped when scrolled far away, or after a reload, comes back as it was.
   */
  private _createCard(key: string): IChartCard {
    const card = createChartCard(key, this._trans);
    const { chart } = card;
    const choices = this._session?.choices;
    if (choices) {
      const saved = choices.chartOptions(key);
      chart.setLogScale(!!saved.log);
      chart.setSmoothing(saved.smooth ?? 0);
      chart.setXMode(saved.x ?? 'auto');
      chart.drawn.connect(() => {
        choices.setChartOptions(key, {
          log: chart.logScale,
          smooth: chart.smoothing,
          x: chart.xMode
        });
      });
    }
    return card;
  }

  private _buildHeader(): HTMLElement {
    const node = document.createElement('div');
    const title = document.createElement('div');
    title.className = 'jp-mlflow-LiveMetrics-title';
    this._notebookLabel.className = 'jp-mlflow-LiveMetrics-notebook';
    title.append(this._notebookLabel);
    const pin = document.createElement('button');
    pin.className = 'jp-mlflow-LiveMetrics-button jp-mod-styled';
    pin.textContent = this._trans.__('Pin run…');
    pin.title = this._trans.__('Pin any run of the workspace by its id');
    pin.addEventListener('click', () => {
      void this._commands.execute(CommandIDs.pinRun);
    });
    title.append(pin);
    this._search.type = 'search';
    this._search.className = 'jp-mlflow-LiveMetrics-search jp-mod-styled';
    this._search.placeholder = this._trans.__('Filter metrics');
    this._search.setAttribute('aria-label', this._trans.__('Filter metrics'));
    this._search.addEventListener('input', () => {
      if (this._session) {
        this._session.choices.filter = this._search.value;
      }
    });
    node.append(title, this._search);
    return node;
  }

  private _render(): void {
    if (this.isDisposed) {
      return;
    }
    const session = this._session;
    const runs = session?.runs() ?? [];
    const runIds = runs.map(r => r.runId);
    // The same array until a run gains a key.
    this._keys = session ? session.keys(runIds) : [];
    const keys = this._keys;
    this._search.hidden =
      keys.length <= this.searchThreshold && !session?.choices.filter;
    if (
      session &&
      document.activeElement !== this._search &&
      this._search.value !== session.choices.filter
    ) {
      // Restored from the saved view after the session was shown.
      this._search.value = session.choices.filter;
    }
    // One assignment per render, shared with Compare: distinct here, the same there.
    const colors = RUN_COLORS.assign(runIds);
    if (session) {
      this._charts.setKeys(keys, session.choices);
    } else {
      this._charts.clear();
    }
    this._renderMessage(session, runs, keys.length, this._charts.shownCount);
    this._renderLegend(session, runs, colors);
    this._renderCharts(session, runs, colors);
  }

  private _renderMessage(
    session: LiveSession | null,
    runs: IRunEntry[],
    keyCount: number,
    shownCount: number
  ): void {
    const trans = this._trans;
    const lines: { text: string; kind: string; code?: string }[] = [];
    if (!session) {
      lines.push({
        kind: 'empty',
        text: trans.__('Open a notebook to see its runs’ metrics here.')
      });
    } else {
      const state = session.state;
      if (state.kind === 'no-workspace') {
        lines.push({
          kind: 'empty',
          text: trans.__(
            'Select a workspace in the ML Workspace panel to see metrics.'
          )
        });
      } else if (state.kind === 'error') {
        lines.push({
          kind: 'error',
          text: trans.__(
            'Could not read metrics from the tracking server: %1',
            state.message
          )
        });
      } else if (keyCount === 0 && state.kind !== 'ready') {
        lines.push({ kind: 'loading', text: trans.__('Loading metrics…') });
      } else if (keyCount === 0) {
        lines.push({
          kind: 'empty',
          text: trans.__(
            'No metrics yet. Run a cell that logs with MLflow (mlflow.log_metric, autolog…) and they appear here while it runs.'
          )
        });
      } else if (shownCount === 0) {
        lines.push({
          kind: 'empty',
          text: trans.__('No metric matches the filter.')
        });
      }
      if (this._hint === 'not-python') {
        lines.push({
          kind: 'hint',
          text: trans.__(
            'This kernel is not Python: metrics are polled from the tracking server. Values appear at once only from Python kernels with the jupyterlab-mlflow-workspace package.'
          )
        });
      } else if (
        this._hint === 'no-push' &&
        !session.push?.active &&
        runs.some(r => r.fromNotebook)
      ) {
        // The notebook has runs, yet its kernel pushed nothing: say how to get values at once
        // (before any run the push cannot be told from a kernel that has not logged yet).
        lines.push({
          kind: 'hint',
          text: trans.__(
            'Metrics are polled. For values the moment they are logged, run the Connected setup cell or %load_ext jupyterlab_mlflow_workspace; if the kernel lacks the package, install it into the kernel’s environment with:'
          ),
          code: KERNEL_PIP_COMMAND
        });
      }
      if (session.dropped > 0) {
        lines.push({
          kind: 'hint',
          text: trans.__(
            'The kernel logged faster than it could send; %1 values come from polling instead.',
            session.dropped
          )
        });
      }
    }
    const node = this._message.node;
    node.textContent = '';
    for (const line of lines) {
      const p = document.createElement('p');
      p.className = `jp-mlflow-LiveMetrics-${line.kind}`;
      p.textContent = line.text;
      if (line.code) {
        const code = document.createElement('code');
        code.textContent = line.code;
        p.append(' ', code);
      }
      node.append(p);
    }
    node.hidden = lines.length === 0;
  }

  private _renderLegend(
    session: LiveSession | null,
    runs: IRunEntry[],
    colors: Map<string, string>
  ) {
    const trans = this._trans;
    const node = this._legend.node;
    // Rebuilt only when it changes: a rebuild would take the keyboard focus off its buttons.
    const signature = JSON.stringify(
      runs.map((r, i) => [
        r.runId,
        r.name,
        r.status,
        r.pinned,
        colors.get(r.runId),
        session?.choices.isHidden(r.runId, i >= this.runsDrawn)
      ])
    );
    if (signature === this._legendSignature && session === this._legendOf) {
      return;
    }
    const focused = node.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.focusId
      : undefined;
    this._legendSignature = signature;
    this._legendOf = session;
    node.textContent = '';
    node.hidden = runs.length === 0;
    const list = document.createElement('ul');
    runs.forEach((run, index) => {
      const item = document.createElement('li');
      item.className = 'jp-mlflow-LiveMetrics-run';
      item.dataset.runId = run.runId;
      item.dataset.status = run.status;
      if (run.status === 'RUNNING') {
        item.classList.add('jp-mod-running');
      }
      const swatch = document.createElement('span');
      swatch.className = 'jp-mlflow-LiveMetrics-swatch';
      swatch.style.backgroundColor = colors.get(run.runId)!;
      // The run's name is a toggle: hide its lines (a finished run among running ones, a
      // diverged run that squashes the scale) and show them again.
      const hidden =
        session?.choices.isHidden(run.runId, index >= this.runsDrawn) ?? false;
      const name = document.createElement('button');
      name.className = 'jp-mlflow-LiveMetrics-runName';
      name.textContent = run.name;
      name.title = hidden
        ? trans.__('Show the lines of run %1 (%2)', run.name, run.runId)
        : trans.__('Hide the lines of run %1 (%2)', run.name, run.runId);
      name.setAttribute('aria-pressed', String(!hidden));
      name.dataset.focusId = `name:${run.runId}`;
      name.addEventListener('click', () =>
        session?.choices.setHidden(run.runId, !hidden)
      );
      item.classList.toggle('jp-mod-hidden', hidden);
      const status = document.createElement('span');
      status.className = 'jp-mlflow-LiveMetrics-status';
      status.textContent = Private.statusLabel(trans, run.status);
      item.append(swatch, name, status);
      if (run.pinned && session) {
        const unpin = document.createElement('button');
        unpin.className = 'jp-mlflow-LiveMetrics-unpin jp-mod-styled';
        unpin.textContent = '×';
        unpin.title = trans.__('Unpin this run');
        unpin.setAttribute('aria-label', trans.__('Unpin run %1', run.name));
        unpin.dataset.focusId = `unpin:${run.runId}`;
        unpin.addEventListener('click', () => session.unpin(run.runId));
        item.append(unpin);
      }
      list.append(item);
    });
    node.append(list);
    if (focused) {
      list
        .querySelector<HTMLElement>(`[data-focus-id="${CSS.escape(focused)}"]`)
        ?.focus();
    }
  }

  /** Feed the charts that exist (those near the scrolled-to place). */
  private _renderCharts(
    session: LiveSession | null,
    runs: IRunEntry[],
    colors: Map<string, string>
  ): void {
    if (!session) {
      return;
    }
    const byId = new Map(runs.map(r => [r.runId, r]));
    const shownRuns = runs
      .filter((r, i) => !session.choices.isHidden(r.runId, i >= this.runsDrawn))
      .map(r => r.runId);
    const store = session.store;
    for (const [key, card] of this._charts.cards) {
      // Fed again only when what it draws changed: histories of other keys arrive many times a
      // second while scrolling, and redrawing every chart for each made frames slow. (The store
      // only adds points, so a series' count says whether it changed; the chart keeps its source
      // for a change of x axis.)
      const fed = [
        card.chart.xMode,
        ...shownRuns.map(id => {
          const run = byId.get(id)!;
          return [
            id,
            store.count(id, key),
            store.isLoading(id, key),
            // At the cap a new point replaces an old one: the count stays, so always feed.
            store.truncated(id, key) ? ++this._feeds : 0,
            run.name,
            run.status,
            run.pinned,
            run.fromNotebook,
            colors.get(id)
          ].join('\u0000');
        })
      ].join('\u0001');
      if (this._fed.get(card) === fed) {
        continue;
      }
      this._fed.set(card, fed);
      // Computed only when the chart is drawn (it may be just outside the screen).
      card.chart.setSource(() => {
        const data = session.store.chartData(key, shownRuns, card.chart.xMode);
        return {
          series: data.series.map(s => {
            const run = byId.get(s.runId)!;
            return {
              label: run.name,
              color: colors.get(s.runId)!,
              xs: s.xs,
              ys: s.ys,
              width: run.status === 'RUNNING' ? 2.5 : 1.5,
              dash: run.pinned && !run.fromNotebook ? [5, 3] : undefined
            };
          }),
          xKind: data.xKind,
          loading: data.loading
        };
      });
      // The session emits `changed` in an animation frame: draw in this one.
      card.chart.drawPending();
    }
  }

  private _trans: TranslationBundle;
  private _commands: CommandRegistry;
  private _session: LiveSession | null = null;
  private _hint: LiveMetricsView.KernelHint = 'none';
  private _header: Widget;
  private _legend: Widget;
  private _message: Widget;
  private _charts: ChartGrid;
  private _fed = new WeakMap<IChartCard, string>();
  private _feeds = 0;
  private _keys: string[] = [];
  private _legendSignature = '';
  private _legendOf: LiveSession | null = null;
  private _search = document.createElement('input');
  private _notebookLabel = document.createElement('span');
}

export namespace LiveMetricsView {
  /** Options of the constructor. */
  export interface IOptions {
    trans: TranslationBundle;
    commands: CommandRegistry;
    searchThreshold?: number;
    /** Runs drawn by default (the rest are listed, hidden until chosen); default 10. */
    runsDrawn?: number;
  }

  /**
   * What the view says about the kernel: `not-python` (push impossible), `no-push` (a Python
   * kernel whose push is not on: show how to turn it on), `none`.
   */
  export type KernelHint = 'none' | 'no-push' | 'not-python';
}

namespace Private {
  export function statusLabel(trans: TranslationBundle, status: string) {
    switch (status) {
      case 'RUNNING':
        return trans.__('running');
      case 'FINISHED':
        return trans.__('finished');
      case 'FAILED':
        return trans.__('failed');
      case 'KILLED':
        return trans.__('killed');
      case 'SCHEDULED':
        return trans.__('scheduled');
      default:
        return '';
    }
  }
}
