import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { IMetric, IRun } from '../api/mlflowTypes';
import { IWorkspace } from '../api/types';
import { ExperimentsModel } from './experimentsModel';
import {
  IRunDetails,
  IRunsApi,
  loadRunDetails,
  loadSweepChildren
} from './detailsModel';
import { RunTableModel } from './tableModel';
import { CompareStats, Statistic } from './compareStats';
import { SweepHistories } from './sweepHistories';
import { Loadable, settle } from '../ui/loadable';

export type { Loadable } from '../ui/loadable';

/** Settings of the run browser (schema/runs.json). */
export interface IRunsSettings {
  pageSize: number;
  metricColumns: string[];
  paramColumns: string[];
  /** Seconds between refreshes while the browser is visible; 0 turns refresh off. */
  refreshInterval: number;
}

/** The default settings, as in the schema. */
export const DEFAULT_SETTINGS: IRunsSettings = {
  pageSize: 100,
  metricColumns: [],
  paramColumns: [],
  refreshInterval: 30
};

/** The metric histories of the compared runs for one metric key. */
export interface ICompareSeries {
  metricKey: string;
  series: { run: IRun; points: IMetric[] }[];
}

/**
 * State of the run browser: the workspace it browses, its experiments, the run table of the
 * chosen experiment, the details of one run, compare and sweep views. No DOM.
 */
export class RunsBrowserModel {
  constructor(options: RunsBrowserModel.IOptions) {
    this._apiFor = options.apiFor;
    this._settings = { ...DEFAULT_SETTINGS, ...options.settings };
    const api = () => this._requireApi();
    this.experiments = new ExperimentsModel({
      api: {
        searchExperiments: o => api().searchExperiments(o),
        createExperiment: n => api().createExperiment(n),
        renameExperiment: (i, n) => api().renameExperiment(i, n),
        deleteExperiment: i => api().deleteExperiment(i),
        restoreExperiment: i => api().restoreExperiment(i)
      }
    });
    this.table = new RunTableModel({
      search: o => api().searchRuns(o),
      pageSize: this._settings.pageSize
    });
    this.compareStats = new CompareStats(api);
    this.sweepHistories = new SweepHistories(api);
    this.experiments.changed.connect(this._emit, this);
    this.table.changed.connect(this._onTable, this);
    this.compareStats.changed.connect(this._emit, this);
    this.sweepHistories.changed.connect(this._emit, this);
    this._poll = new Poll({
      auto: false,
      factory: () => this.table.refresh(),
      frequency: { interval: this._intervalMs(), backoff: true, max: 300_000 },
      name: 'jupyterlab-mlflow-workspace:runs-refresh',
      standby: 'when-hidden'
    });
  }

  /** The experiments of the workspace. */
  readonly experiments: ExperimentsModel;

  /** The runs of the chosen experiment. */
  readonly table: RunTableModel;

  /** The compare table's statistics (best / min / max of whole histories) and their choice. */
  readonly compareStats: CompareStats;

  /** The sweep trials' histories of the chosen metric, for the mean and min–max band. */
  readonly sweepHistories: SweepHistories;

  /** Emitted whenever anything the browser shows changes (the table has its own signal). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The workspace browsed, or null when none is selected. */
  get workspace(): IWorkspace | null {
    return this._workspace;
  }

  /** Why the workspace cannot be browsed (Azure without a server credential, local stopped). */
  get unavailable(): boolean {
    return !!this._workspace && !this._workspace.url;
  }

  /**
   * Browse another workspace; the experiment list is loaded again and the table emptied.
   *
   * @param workspace - the workspace, or null
   */
  setWorkspace(workspace: IWorkspace | null): void {
    const same =
      workspace?.id === this._workspace?.id &&
      workspace?.url === this._workspace?.url;
    this._workspace = workspace;
    if (same) {
      return;
    }
    this._api = workspace?.url ? this._apiFor(workspace.id) : null;
    if (workspace && this._wanted?.workspaceId !== workspace.id) {
      // The restored experiment belongs to another workspace.
      this._wanted = null;
    }
    this._experimentId = null;
    this._userChosen = false;
    this._details = null;
    this._sweep = null;
    this._compare = null;
    this.compareStats.clear();
    this.sweepHistories.clear();
    this._view = 'runs';
    void this.table.setExperiments([]);
    this._emit();
    // Until this workspace's list is in, the experiments shown are the previous workspace's:
    // nothing may be chosen from them (experiment "0" exists on every server).
    this._listedFor = null;
    if (this._api) {
      void this.experiments.refresh().then(() => {
        if (this._workspace === workspace) {
          this._listedFor = workspace?.id ?? null;
          this._chooseDefault();
        }
      });
    }
  }

  /** The name of the active notebook's experiment (from its metadata), if any. */
  get notebookExperiment(): string | null {
    return this._notebookExperiment;
  }

  /**
   * Mark the active notebook's experiment; it is opened when nothing else is.
   *
   * @param name - the experiment name from `metadata.mlflow_workspace.experiment`
   */
  setNotebookExperiment(name: string | null): void {
    if (name !== this._notebookExperiment) {
      this._notebookExperiment = name;
      this._emit();
      // A setup cell creates its experiment after the list was read: read it again rather than
      // fall back to another experiment.
      if (name && this._listedFor && !this._listed(name)) {
        void this.reloadExperiments();
      } else {
        this._chooseDefault();
      }
    }
  }

  /**
   * Read the experiment list again (the browser is opened or shown), then open the notebook's
   * experiment unless the user chose one. Calls while a read is in flight share it.
   */
  reloadExperiments(): Promise<void> {
    if (!this._api) {
      return Promise.resolve();
    }
    if (!this._reloading) {
      const workspace = this._workspace;
      this._reloading = this.experiments.refresh().then(() => {
        this._reloading = null;
        if (this._workspace === workspace) {
          this._listedFor = workspace?.id ?? null;
          this._chooseDefault();
        }
      });
    }
    return this._reloading;
  }

  /** Whether the user chose the open experiment (else it was opened as a default). */
  get userChosen(): boolean {
    return this._userChosen;
  }

  /** The chosen experiment's id. */
  get experimentId(): string | null {
    return this._experimentId;
  }

  /**
   * Show the runs of an experiment.
   *
   * @param experimentId - the experiment
   */
  openExperiment(experimentId: string): Promise<void> {
    this._userChosen = true;
    return this._open(experimentId);
  }

  private _open(experimentId: string): Promise<void> {
    this._experimentId = experimentId;
    this._details = null;
    this._sweep = null;
    this._compare = null;
    this.compareStats.clear();
    this.sweepHistories.clear();
    this._view = 'runs';
    this._autoColumns = !this._settings.metricColumns.length;
    this.table.setColumns(
      this._settings.metricColumns,
      this._settings.paramColumns
    );
    this._emit();
    return this.table.setExperiments([experimentId]);
  }

  /**
   * Open an experiment of a workspace now, or once that workspace is browsed: a restored layout
   * names its experiment before the workspace list has loaded. When the experiment is no longer
   * listed, the usual default (the notebook's experiment, else the first) opens instead.
   *
   * @param experimentId - the experiment
   * @param workspaceId - its workspace; the browsed one when omitted
   */
  requestExperiment(experimentId: string, workspaceId?: string): void {
    const id = workspaceId ?? this._workspace?.id;
    if (this._api && id === this._workspace?.id) {
      this._wanted = null;
      void this.openExperiment(experimentId);
      return;
    }
    this._wanted = id ? { workspaceId: id, experimentId } : null;
  }

  /** Which view the main area shows. */
  get view(): 'runs' | 'compare' {
    return this._view;
  }

  /** The run whose details are shown, and its state. */
  get details(): { runId: string; state: Loadable<IRunDetails> } | null {
    return this._details;
  }

  /**
   * Show a run's details (params, metrics, tags, inputs, models).
   *
   * @param runId - the run
   */
  async showDetails(runId: string): Promise<void> {
    const api = this._requireApi();
    this._details = { runId, state: { kind: 'loading' } };
    this._emit();
    const state: Loadable<IRunDetails> = await settle(
      loadRunDetails(api, runId)
    );
    if (this._details?.runId === runId) {
      this._details = { runId, state };
      this._emit();
      if (state.kind === 'ready') {
        void this._loadSparklines(api, state.value.run);
      }
    }
  }

  /**
   * The metric histories of the run in the details pane, for its sparklines (up to 20 metrics,
   * 500 points each), by metric key; absent while loading or when a history failed.
   */
  get sparklines(): Map<string, number[]> {
    return this._sparklines;
  }

  private async _loadSparklines(api: IRunsApi, run: IRun): Promise<void> {
    const runId = run.info.run_id;
    this._sparklines = new Map();
    const keys = run.data.metrics.map(m => m.key).slice(0, Private.SPARKLINES);
    await Promise.all(
      keys.map(async key => {
        try {
          const history = await api.getFullMetricHistory(runId, key, {
            maxPoints: Private.SPARKLINE_POINTS
          });
          if (this._details?.runId === runId) {
            const points = [...history.metrics].sort(
              (a, b) => a.step - b.step || a.timestamp - b.timestamp
            );
            this._sparklines.set(
              key,
              points.map(p => p.value)
            );
            this._emit();
          }
        } catch {
          // A sparkline is decoration: the latest value is shown anyway.
        }
      })
    );
  }

  /** Close the details pane. */
  closeDetails(): void {
    this._details = null;
    this._emit();
  }

  /** The sweep shown: a parent and all its children. */
  get sweep(): { parent: IRun; state: Loadable<IRun[]> } | null {
    return this._sweep;
  }

  /**
   * Show the sweep of a parent run: every child, for best-so-far and parallel coordinates.
   *
   * @param parent - the parent run
   */
  async showSweep(parent: IRun): Promise<void> {
    this._sweep = { parent, state: { kind: 'loading' } };
    this._emit();
    const state: Loadable<IRun[]> = await settle(
      // Inside the promise: a missing API is an error state, not a throw.
      Promise.resolve()
        .then(() => loadSweepChildren(this._requireApi(), parent))
        .then(found => found.runs)
    );
    if (this._sweep?.parent === parent) {
      this._sweep = { parent, state };
      this._emit();
      this.setSweepMetric(this._sweepMetric);
    }
  }

  /** Close the sweep view. */
  closeSweep(): void {
    this._sweep = null;
    this.sweepHistories.clear();
    this._emit();
  }

  /**
   * The sweep's chosen metric: the one chosen last when the trials have it, else their first.
   */
  get sweepMetric(): string {
    const state = this._sweep?.state;
    const keys = new Set(
      state?.kind === 'ready'
        ? state.value.flatMap(r => r.data.metrics.map(m => m.key))
        : []
    );
    return keys.has(this._sweepMetric)
      ? this._sweepMetric
      : ([...keys].sort()[0] ?? '');
  }

  /**
   * Choose the sweep's metric; the trials' histories of it are read for the band chart.
   *
   * @param key - the metric key
   */
  setSweepMetric(key: string): void {
    if (key) {
      this._sweepMetric = key;
    }
    const state = this._sweep?.state;
    if (state?.kind === 'ready') {
      this.sweepHistories.show(state.value, this.sweepMetric);
    }
    this._emit();
  }

  /** The compare view's metric histories. */
  get compare(): Loadable<ICompareSeries> | null {
    return this._compare;
  }

  /** The runs selected for compare, as loaded. */
  get selectedRuns(): IRun[] {
    return this.table.selection
      .map(id => this.table.findRun(id))
      .filter((r): r is IRun => !!r);
  }

  /**
   * Open the compare view for the selection, with the history of one metric per run.
   *
   * @param metricKey - the metric to overlay; the first metric of the first run when omitted
   */
  async openCompare(metricKey?: string): Promise<void> {
    const runs = this.selectedRuns;
    this._view = 'compare';
    this._comparedIds = this.table.selection.join(',');
    const key =
      metricKey ??
      this._compareKey ??
      runs.flatMap(r => r.data.metrics.map(m => m.key)).sort()[0];
    this._compareKey = key ?? null;
    if (!key) {
      this._compare = {
        kind: 'ready',
        value: { metricKey: '', series: [] }
      };
      this._emit();
      return;
    }
    this._compare = { kind: 'loading' };
    this._emit();
    // The chart's metric is read once, for the chart; the table's statistics of it come from
    // that read (below). Every other metric's statistics start now.
    this._requestStats(key, true);
    const api = this._requireApi();
    try {
      const series = await Promise.all(
        runs.map(async run => {
          const history = await api.getFullMetricHistory(run.info.run_id, key, {
            maxPoints: 10_000
          });
          this.compareStats.seed(run, key, history.metrics, history.truncated);
          return { run, points: history.metrics };
        })
      );
      this._compare = { kind: 'ready', value: { metricKey: key, series } };
    } catch (error) {
      this._compare = { kind: 'error', message: (error as Error).message };
    }
    // Histories longer than the chart reads (or that failed) are read for the table in full.
    this._requestStats();
    this._emit();
  }

  /**
   * Show or hide a statistic column of the compare table (last, best, min, max).
   *
   * @param statistic - the statistic
   * @param shown - whether it is shown
   */
  setCompareStatistic(statistic: Statistic, shown: boolean): void {
    this.compareStats.setShown(statistic, shown);
    this._requestStats();
  }

  /**
   * Read the history statistics of the compared runs' metrics that the table lacks.
   *
   * @param except - a metric read by the chart meanwhile
   * @param retry - read again those that failed (the user opened compare again)
   */
  private _requestStats(except?: string, retry = false): void {
    if (this._view !== 'compare' || !this.compareStats.needsHistories) {
      return;
    }
    const runs = this.selectedRuns;
    const keys = [
      ...new Set(runs.flatMap(r => r.data.metrics.map(m => m.key)))
    ].sort();
    this.compareStats.request(
      runs,
      keys.slice(0, this.compareStats.keyLimit).filter(k => k !== except),
      retry
    );
  }

  /** Read the compare statistics of every metric, beyond the first `CompareStats.KEY_LIMIT`. */
  readAllCompareStats(): void {
    this.compareStats.readAllKeys();
    this._requestStats(
      this._compare?.kind === 'loading'
        ? (this._compareKey ?? undefined)
        : undefined
    );
  }

  /** Back from compare to the run table. */
  closeCompare(): void {
    this._view = 'runs';
    this._emit();
  }

  /**
   * Apply new settings (page size, columns, refresh interval).
   *
   * @param settings - the settings
   */
  setSettings(settings: Partial<IRunsSettings>): void {
    this._settings = { ...this._settings, ...settings };
    this.table.pageSize = this._settings.pageSize;
    this._poll.frequency = {
      ...this._poll.frequency,
      interval: this._intervalMs()
    };
    if (!this._autoColumns || this._settings.metricColumns.length) {
      this._autoColumns = !this._settings.metricColumns.length;
      this.table.setColumns(
        this._settings.metricColumns,
        this._settings.paramColumns
      );
    }
  }

  /** Start refreshing (the widget is shown). */
  startRefresh(): void {
    if (this._settings.refreshInterval > 0 && !this._poll.isDisposed) {
      void this._poll.start();
    }
  }

  /** Stop refreshing (the widget is hidden). */
  stopRefresh(): void {
    void this._poll.stop();
  }

  /** Stop polling and disconnect listeners. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this.compareStats.dispose();
    this.sweepHistories.dispose();
    this.table.dispose();
    this.experiments.dispose();
    Signal.clearData(this);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private _requireApi(): IRunsApi {
    if (!this._api) {
      throw new Error('No workspace to browse');
    }
    return this._api;
  }

  /**
   * Open the requested (restored) experiment, else the notebook's, else the first listed one,
   * when none is open.
   */
  private _chooseDefault(): void {
    const state = this.experiments.state;
    if (
      this._listedFor !== (this._workspace?.id ?? null) ||
      state.kind !== 'ready' ||
      !state.experiments.length
    ) {
      return;
    }
    const mine = this._listed(this._notebookExperiment);
    if (this._experimentId) {
      // A default ("Default", the first listed) gives way to the notebook's experiment once it
      // exists; what the user chose stays.
      if (
        !this._userChosen &&
        mine &&
        mine.experiment_id !== this._experimentId
      ) {
        void this._open(mine.experiment_id);
      }
      return;
    }
    const wanted = state.experiments.find(
      e => e.experiment_id === this._wanted?.experimentId
    );
    this._wanted = null;
    if (wanted) {
      void this.openExperiment(wanted.experiment_id);
    } else {
      void this._open((mine ?? state.experiments[0]).experiment_id);
    }
  }

  /** The listed experiment of this name, if any. */
  private _listed(name: string | null) {
    const state = this.experiments.state;
    return name && state.kind === 'ready'
      ? state.experiments.find(e => e.name === name)
      : undefined;
  }

  /** With no configured columns, show the first metrics and params the runs have. */
  private _onTable(): void {
    // The compare view follows the selection.
    const ids = this.table.selection.join(',');
    if (this._view === 'compare' && ids !== this._comparedIds) {
      void this.openCompare();
    } else if (this._view === 'compare') {
      // A refreshed running run has newer values: its statistics are read again.
      this._requestStats(
        this._compare?.kind === 'loading'
          ? (this._compareKey ?? undefined)
          : undefined
      );
    }
    if (this._autoColumns && this.table.runs.length) {
      const metrics = new Set<string>();
      const params = new Set<string>();
      for (const run of this.table.runs.slice(0, 50)) {
        run.data.metrics.forEach(m => metrics.add(m.key));
        run.data.params.forEach(p => params.add(p.key));
      }
      this._autoColumns = false;
      this.table.setColumns(
        [...metrics].sort().slice(0, 4),
        [...params].sort().slice(0, 4)
      );
    }
  }

  private _intervalMs(): number {
    return Math.max(1, this._settings.refreshInterval) * 1000;
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _apiFor: (workspaceId: string) => IRunsApi;
  private _api: IRunsApi | null = null;
  private _settings: IRunsSettings;
  private _workspace: IWorkspace | null = null;
  private _notebookExperiment: string | null = null;
  private _experimentId: string | null = null;
  private _userChosen = false;
  private _reloading: Promise<void> | null = null;
  /** An experiment to open once its workspace is browsed. */
  private _wanted: { workspaceId: string; experimentId: string } | null = null;
  private _listedFor: string | null = null;
  private _details: { runId: string; state: Loadable<IRunDetails> } | null =
    null;
  private _sweep: { parent: IRun; state: Loadable<IRun[]> } | null = null;
  private _sparklines = new Map<string, number[]>();
  private _compare: Loadable<ICompareSeries> | null = null;
  private _compareKey: string | null = null;
  private _sweepMetric = '';
  private _comparedIds = '';
  private _view: 'runs' | 'compare' = 'runs';
  private _autoColumns = true;
  private _poll: Poll;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace RunsBrowserModel {
  /** Options of the constructor. */
  export interface IOptions {
    /** The MLflow calls for a workspace (an `MlflowClient` in the app). */
    apiFor: (workspaceId: string) => IRunsApi;
    settings?: Partial<IRunsSettings>;
  }
}

namespace Private {
  /** Sparklines in the details pane: at most this many metrics… */
  export const SPARKLINES = 20;
  /** …of at most this many points each. */
  export const SPARKLINE_POINTS = 500;
}
