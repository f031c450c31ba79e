import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { MlflowClient } from '../api/mlflowClient';
import { IRun } from '../api/mlflowTypes';
import { KernelPush } from './kernelPush';
import { HistoryReader } from './historyReader';
import { RunFinder } from './runFinder';
import { decodeMetricValue, ILiveMessage, MetricStore } from './series';
import { ViewChoices } from './viewChoices';

export { NOTEBOOK_ID_TAG } from './runFinder';

/** A run shown in the Live metrics view. */
export interface IRunEntry {
  runId: string;
  /** The run's name, once known from the server. */
  name: string;
  /** `RUNNING`, `FINISHED`, `FAILED`, `KILLED`, `SCHEDULED`, or `''` until known. */
  status: string;
  /** Pinned by the user (any run of the workspace). */
  pinned: boolean;
  /** Started from this notebook (pushed by its kernel, or tagged with its id). */
  fromNotebook: boolean;
  startTime?: number;
}

/** What the poll path is doing; the view shows it. */
export type PollState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'no-workspace' }
  | { kind: 'error'; message: string };

/** Settings the session follows (from `schema/charts.json`). */
export interface ILiveSettings {
  /** Milliseconds between polls. */
  pollInterval: number;
  /** Points kept per (run, metric). */
  maxPointsPerSeries: number;
  /** This notebook's most recent runs shown. */
  maxRuns: number;
  /** `max_results` of one `metrics/get-history` page. */
  pageSize: number;
}

/** Defaults of `ILiveSettings`, equal to the schema's. */
export const DEFAULT_LIVE_SETTINGS: ILiveSettings = {
  pollInterval: 2000,
  maxPointsPerSeries: 2_000_000,
  maxRuns: 10,
  pageSize: 100_000
};

/**
 * The live metrics of one notebook: this notebook's runs and the pinned ones, their points
 * (pushed by the kernel and polled from the tracking server, merged in one `MetricStore`), and
 * the poll that keeps them in step with the server.
 *
 * The poll runs while the session is watched (shown in the view) and the page is visible; it
 * backs off on errors. Each tick finds this notebook's runs by their notebook-id tag, then reads
 * only new pages of the metric histories of runs that are running or not read to the end yet.
 * Pushed batches are applied at once; `changed` fires at most once per animation frame.
 */
export class LiveSession implements IDisposable {
  /**
   * @param options - the kernel push, the client and notebook id getters, settings
   */
  constructor(options: LiveSession.IOptions) {
    this._getClient = options.getClient;
    this._getNotebookId = options.getNotebookId;
    this._getExperimentName = options.getExperimentName ?? (() => null);
    this._settings = { ...DEFAULT_LIVE_SETTINGS, ...options.settings };
    this.store = new MetricStore({
      maxPointsPerSeries: this._settings.maxPointsPerSeries
    });
    this._history = new HistoryReader(this.store);
    this.push = options.push;
    this.push?.received.connect(this._onPushed, this);
    this.push?.activeChanged.connect(this._emitChanged, this);
    this._poll = new Poll({
      factory: () => this._tick(),
      frequency: {
        interval: this._settings.pollInterval,
        backoff: true,
        max: 60_000
      },
      standby: () => !this._watched || 'when-hidden',
      name: 'jupyterlab-mlflow-workspace:live-metrics'
    });
  }

  /** Every point this session holds. */
  readonly store: MetricStore;

  /** The kernel's push, when the notebook has a kernel session. */
  readonly push: KernelPush | null;

  /** The user's choices in the view of this notebook (pins, hidden runs, sections, filter). */
  readonly choices = new ViewChoices();

  /** Fires (at most once per animation frame) when runs, points or state changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** What the poll path is doing. */
  get state(): PollState {
    return this._state;
  }

  /** Points the kernel dropped because its buffer was full (polling fills the gap). */
  get dropped(): number {
    return this._dropped;
  }

  /** The runs to show: running first, then newest first; pinned runs always included. */
  runs(): IRunEntry[] {
    const entries = Array.from(this._runs.values());
    const notebook = entries
      .filter(e => e.fromNotebook && !e.pinned)
      .sort(Private.byRecency)
      .slice(0, this._settings.maxRuns);
    const pinned = entries.filter(e => e.pinned).sort(Private.byRecency);
    return [...notebook, ...pinned].sort(
      (a, b) => Number(b.status === 'RUNNING') - Number(a.status === 'RUNNING')
    );
  }

  /** Whether the view shows this session: only then does it poll. */
  get watched(): boolean {
    return this._watched;
  }
  set watched(value: boolean) {
    if (value !== this._watched) {
      this._watched = value;
      if (value) {
        void this._poll.refresh();
      }
    }
  }

  /**
   * Pin a run of the workspace: it is shown and polled like this notebook's runs.
   *
   * @param runId - the run's id
   */
  pin(runId: string): void {
    const entry = this._entry(runId);
    entry.pinned = true;
    this.choices.setPinned(runId, true);
    this._emitChanged();
    void this._poll.refresh();
  }

  /**
   * Unpin a run (it stays when it is one of this notebook's runs).
   *
   * @param runId - the run's id
   */
  unpin(runId: string): void {
    const entry = this._runs.get(runId);
    this.choices.setPinned(runId, false);
    if (entry) {
      entry.pinned = false;
      if (!entry.fromNotebook) {
        this._runs.delete(runId);
        this.store.clear(runId);
        this._keysVersion++;
      }
      this._emitChanged();
    }
  }

  /**
   * Follow changed settings (poll interval, caps, page size).
   *
   * @param settings - the new values; the rest stay
   */
  configure(settings: Partial<ILiveSettings>): void {
    this._settings = { ...this._settings, ...settings };
    this.store.maxPointsPerSeries = this._settings.maxPointsPerSeries;
    if (this._poll.frequency.interval !== this._settings.pollInterval) {
      this._poll.frequency = {
        ...this._poll.frequency,
        interval: this._settings.pollInterval
      };
    }
    this._emitChanged();
  }

  /**
   * Every metric key of these runs, sorted: the same array until a run gains a key (points
   * arrive many times a second; with thousands of keys, listing and sorting them each time was
   * most of a frame).
   *
   * @param runIds - the runs shown
   */
  keys(runIds: readonly string[]): string[] {
    const signature = `${this._keysVersion}\u0001${runIds.join(',')}`;
    if (signature !== this._keysCache.signature) {
      this._keysCache = { signature, keys: this.store.keys(runIds) };
    }
    return this._keysCache.keys;
  }

  /**
   * The keys whose whole history is needed (the view has their charts); `null`: every key.
   * The other keys keep only their latest value, read with the run, so a run with thousands
   * of keys costs a request per key shown instead of one per key. Newly wanted histories are
   * read at once.
   *
   * @param keys - the wanted keys, or `null`
   */
  setWantedKeys(keys: ReadonlySet<string> | null): void {
    const before = this._wanted;
    this._wanted = keys ? new Set(keys) : null;
    const fresh =
      keys === null
        ? before !== null
        : Array.from(keys).some(key => !before || !before.has(key));
    if (fresh && this._watched && this._client) {
      void this._readWanted(this._client);
    }
  }

  /** Poll now (e.g. after the workspace changed). */
  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  /** Whether this is disposed. */
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** Stop polling, disconnect from the push, cancel a pending frame (idempotent). */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    this._abort.abort();
    if (this._frame !== 0) {
      cancelAnimationFrame(this._frame);
    }
    Signal.clearData(this);
  }

  private _onPushed(_: KernelPush, message: ILiveMessage): void {
    const groups = new Map<string, ILiveMessage['points']>();
    for (const point of message.points) {
      const id = `${point.runId}\u0000${point.key}`;
      let group = groups.get(id);
      if (!group) {
        group = [];
        groups.set(id, group);
      }
      group.push(point);
    }
    for (const group of groups.values()) {
      this._addPoints(group[0].runId, group[0].key, group);
    }
    for (const run of message.runs) {
      const entry = this._entry(run.runId);
      entry.fromNotebook = true;
      if (run.status) {
        entry.status = run.status;
      } else if (!entry.status) {
        entry.status = 'RUNNING'; // it just logged a value
      }
    }
    if (message.dropped > 0) {
      this._dropped += message.dropped;
      void this._poll.refresh();
    }
    this._emitChanged();
  }

  private async _tick(): Promise<void> {
    const client = this._getClient();
    if (!client) {
      this._setState({ kind: 'no-workspace' });
      return;
    }
    if (client !== this._client) {
      // Another workspace: what the old one held does not belong here.
      this._client = client;
      this._history.reset();
      this._finder.reset();
    }
    if (this._state.kind !== 'ready') {
      this._setState({ kind: 'loading' });
    }
    const signal = this._abort.signal;
    try {
      // New values first, so that they arrive one request after the tick starts (the poll's
      // latency is then about its interval plus one request); then find new runs and statuses,
      // and read the runs found this tick.
      // Runs whose keys are known; a run just pinned is read below, once its keys are in.
      const known = this.runs().filter(
        entry =>
          this._keys.has(entry.runId) ||
          this.store.runIds().includes(entry.runId)
      );
      await Promise.all(
        known.map(entry => this._readHistories(client, entry, signal))
      );
      const found = await this._finder.find(client, {
        notebookId: this._getNotebookId(),
        experimentName: this._getExperimentName(),
        maxRuns: this._settings.maxRuns,
        signal
      });
      for (const run of found) {
        this._update(run).fromNotebook = true;
      }
      await this._readRuns(client, signal);
      const read = new Set(known.map(e => e.runId));
      await Promise.all(
        this.runs()
          .filter(entry => !read.has(entry.runId))
          .map(entry => this._readHistories(client, entry, signal))
      );
      this._setState({ kind: 'ready' });
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      this._setState({
        kind: 'error',
        message: (error as Error).message ?? String(error)
      });
      throw error; // the poll backs off
    }
  }

  /**
   * Status and keys of shown runs that the search did not cover and that may still change,
   * a few runs at a time (twenty pinned runs with thousands of keys each took seconds one by one).
   */
  private async _readRuns(
    client: MlflowClient,
    signal: AbortSignal
  ): Promise<void> {
    const due = this.runs().filter(
      entry =>
        !(this._seen.has(entry.runId) && Private.isTerminal(entry.status)) &&
        !this._searched.has(entry.runId)
    );
    for (let i = 0; i < due.length; i += RUNS_PER_READ) {
      const read = await Promise.all(
        due
          .slice(i, i + RUNS_PER_READ)
          .map(entry => client.getRun(entry.runId, { signal }))
      );
      read.forEach(run => this._update(run));
    }
    this._searched.clear();
  }

  /**
   * New pages of each wanted metric of a run, a few keys at a time (each chart fills as soon as
   * its own history is in); a finished run read to the end is not read again.
   */
  private async _readHistories(
    client: MlflowClient,
    entry: IRunEntry,
    signal: AbortSignal
  ): Promise<void> {
    const runId = entry.runId;
    const wanted = this._wanted;
    // The run's keys are in the store (its latest values, or pushed points). With wanted keys,
    // look those up rather than list thousands.
    const keys = wanted
      ? Array.from(wanted).filter(key => this.store.count(runId, key) > 0)
      : Array.from(
          new Set([
            ...(this._keys.get(runId) ?? []),
            ...this.store.keys([runId])
          ])
        );
    for (let i = 0; i < keys.length; i += KEYS_PER_READ) {
      const added = await this._history.read(
        client,
        runId,
        keys.slice(i, i + KEYS_PER_READ),
        {
          pageSize: this._settings.pageSize,
          ended: Private.isTerminal(entry.status),
          signal
        }
      );
      if (added > 0) {
        this._emitChanged();
      }
    }
  }

  /**
   * Read the histories that just became wanted (a chart scrolled into view), between polls.
   * One such read at a time; a change during it reads again after it.
   */
  private async _readWanted(client: MlflowClient): Promise<void> {
    if (this._readingWanted) {
      this._wantedAgain = true;
      return;
    }
    this._readingWanted = true;
    try {
      do {
        this._wantedAgain = false;
        await Promise.all(
          this.runs().map(entry =>
            this._readHistories(client, entry, this._abort.signal)
          )
        );
      } while (this._wantedAgain && !this.isDisposed);
    } catch {
      // The poll reads them again and reports what fails.
    } finally {
      this._readingWanted = false;
    }
  }

  private _update(run: IRun): IRunEntry {
    const entry = this._entry(run.info.run_id);
    entry.name = run.info.run_name ?? entry.name;
    entry.startTime = run.info.start_time;
    // A pushed end ("FINISHED") may be ahead of a search that still says RUNNING.
    if (!(Private.isTerminal(entry.status) && run.info.status === 'RUNNING')) {
      entry.status = run.info.status;
    }
    this._keys.set(
      entry.runId,
      run.data.metrics.map(m => m.key)
    );
    // The run's latest value of every key, at once: each chart shows its exact last value while
    // its history is still being read (thousands of keys take many requests). The store merges
    // exact duplicates, so the history's own copy of this point adds nothing.
    for (const m of run.data.metrics) {
      this._addPoints(entry.runId, m.key, [
        {
          step: m.step,
          timestamp: m.timestamp,
          value: decodeMetricValue(m.value)
        }
      ]);
    }
    this._seen.add(entry.runId);
    this._searched.add(entry.runId);
    this._emitChanged();
    return entry;
  }

  /** Add points to the store, noting when a run gains a key. */
  private _addPoints(
    runId: string,
    key: string,
    points: Parameters<MetricStore['add']>[2]
  ): void {
    if (this.store.count(runId, key) === 0) {
      this._keysVersion++;
    }
    this.store.add(runId, key, points);
  }

  private _entry(runId: string): IRunEntry {
    let entry = this._runs.get(runId);
    if (!entry) {
      entry = {
        runId,
        name: runId.slice(0, 8),
        status: '',
        pinned: false,
        fromNotebook: false
      };
      this._runs.set(runId, entry);
    }
    return entry;
  }

  private _setState(state: PollState): void {
    const same =
      state.kind === this._state.kind &&
      (state.kind !== 'error' ||
        (this._state.kind === 'error' &&
          this._state.message === state.message));
    if (!same) {
      this._state = state;
      this._emitChanged();
    }
  }

  /** Coalesce every change of one animation frame into one `changed`. */
  private _emitChanged(): void {
    if (this._frame !== 0 || this.isDisposed) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      if (!this.isDisposed) {
        this._changed.emit();
      }
    });
  }

  private _getClient: () => MlflowClient | null;
  private _getNotebookId: () => string | null;
  private _getExperimentName: () => string | null;
  private _finder = new RunFinder();
  private _settings: ILiveSettings;
  private _poll: Poll;
  private _abort = new AbortController();
  private _client: MlflowClient | null = null;
  private _runs = new Map<string, IRunEntry>();
  private _keys = new Map<string, string[]>();
  private _keysVersion = 0;
  private _keysCache: { signature: string; keys: string[] } = {
    signature: '',
    keys: []
  };
  private _history: HistoryReader;
  private _wanted: Set<string> | null = null;
  private _readingWanted = false;
  private _wantedAgain = false;
  private _seen = new Set<string>();
  private _searched = new Set<string>();
  private _dropped = 0;
  private _watched = false;
  private _state: PollState = { kind: 'idle' };
  private _frame = 0;
  private _changed = new Signal<this, void>(this);
}

export namespace LiveSession {
  /** Options of the constructor. */
  export interface IOptions {
    /** The notebook kernel's push (`null`: poll only). */
    push: KernelPush | null;
    /** The client of the notebook's workspace, or `null` when there is none. */
    getClient: () => MlflowClient | null;
    /** The notebook's `metadata.mlflow_workspace.notebook_id`, if it has one. */
    getNotebookId: () => string | null;
    /** The notebook's linked experiment (`metadata.mlflow_workspace.experiment`), if any. */
    getExperimentName?: () => string | null;
    /** Settings; the rest are defaults. */
    settings?: Partial<ILiveSettings>;
  }
}

/** Histories read at once per run (a browser opens six connections per host anyway). */
const KEYS_PER_READ = 6;

/** Runs read at once (`runs/get`). */
const RUNS_PER_READ = 4;

namespace Private {
  export function isTerminal(status: string): boolean {
    return status === 'FINISHED' || status === 'FAILED' || status === 'KILLED';
  }

  /** Newest first; a run not read from the server yet (just pushed) counts as newest. */
  export function byRecency(a: IRunEntry, b: IRunEntry): number {
    const time = (e: IRunEntry) => e.startTime ?? Number.MAX_SAFE_INTEGER;
    return time(b) - time(a);
  }
}
