import { ISignal, Signal } from '@lumino/signaling';
import {
  IRun,
  ISearchRunsOptions,
  ISearchRunsResponse
} from '../api/mlflowTypes';
import { ABORTED, ApiError } from '../api/request';
import { ATTRIBUTE_COLUMNS, cellValue, IColumn, keyColumn } from './columns';
import { checkFilter, IFilterProblem, isSyntaxError } from './filterSyntax';
import * as Rows from './tableRows';
import { IRow, ISort } from './tableRows';

export type { IRow, ISort } from './tableRows';

/** The search a table model runs: `MlflowClient.searchRuns` in the app, a fake in tests. */
export type SearchRuns = (
  options: ISearchRunsOptions
) => Promise<ISearchRunsResponse>;

/** Where the table's data stands; empty, loading and error are explicit. */
export type TableState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string; syntax: IFilterProblem | null }
  | { kind: 'ready' };

/**
 * The run table's state, for one experiment: query (filter, sort), the rows loaded so far page by
 * page, sweep grouping, selection for compare. No DOM; the view renders `rows` and calls back.
 *
 * Sorting on a column MLflow can order by is done by the server; a derived column (duration)
 * needs every page, which `loadAll` fetches with progress before sorting in the browser.
 */
export class RunTableModel {
  constructor(options: RunTableModel.IOptions) {
    this._search = options.search;
    this.pageSize = options.pageSize ?? 100;
  }

  /** Emitted whenever anything the table shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Rows per request. */
  pageSize: number;

  /** The experiments searched. */
  get experimentIds(): string[] {
    return this._experimentIds;
  }

  /** The filter in MLflow's syntax, as last applied. */
  get filter(): string {
    return this._filter;
  }

  /** The current order; MLflow's default (newest first) when null. */
  get sort(): ISort | null {
    return this._sort;
  }

  /** Loading / error / ready. */
  get state(): TableState {
    return this._state;
  }

  /** Whether a next page is being fetched. */
  get loadingMore(): boolean {
    return this._loadingMore;
  }

  /** While `loadAll` runs: how many runs are loaded. */
  get loadAllProgress(): number | null {
    return this._progress;
  }

  /** Whether every run matching the query is loaded. */
  get complete(): boolean {
    return this._state.kind === 'ready' && !this._nextToken;
  }

  /** When the rows were last fetched (ms since the epoch), or null. */
  get updatedAt(): number | null {
    return this._updatedAt;
  }

  /** Every run loaded so far, in table order. */
  get runs(): IRun[] {
    return this._runs;
  }

  /** The columns: name, status, the chosen metrics and params, then other attributes. */
  get columns(): IColumn[] {
    // The same array until the keys change: the table's memoised rows compare it by identity.
    if (!this._columns) {
      // Name and status first, then what runs are compared by, then the other attributes.
      const [status, name, ...rest] = ATTRIBUTE_COLUMNS;
      this._columns = [
        name,
        status,
        ...this._metricKeys.map(k => keyColumn('metric', k)),
        ...this._paramKeys.map(k => keyColumn('param', k)),
        ...rest
      ];
    }
    return this._columns;
  }

  /** Metric keys shown as columns. */
  get metricKeys(): string[] {
    return this._metricKeys;
  }

  /** Param keys shown as columns. */
  get paramKeys(): string[] {
    return this._paramKeys;
  }

  /**
   * Choose the metric and param columns.
   *
   * @param metrics - metric keys
   * @param params - param keys
   */
  setColumns(metrics: string[], params: string[]): void {
    this._metricKeys = [...metrics];
    this._paramKeys = [...params];
    this._columns = null;
    this._changed.emit();
  }

  /** The visible rows: top-level runs, with the children of expanded sweep parents below. */
  get rows(): IRow[] {
    if (!this._rows) {
      this._rows = Rows.group(this._runs, this._expanded, this._parents);
    }
    return this._rows;
  }

  /**
   * Show or hide the children of a sweep parent.
   *
   * @param runId - the parent run
   */
  toggleExpanded(runId: string): void {
    if (this._expanded.has(runId)) {
      this._expanded.delete(runId);
    } else {
      this._expanded.add(runId);
    }
    this._rows = null;
    this._changed.emit();
  }

  /** The runs selected for compare, in the order they were selected. */
  get selection(): string[] {
    return [...this._selection];
  }

  /**
   * Select or unselect a run for compare.
   *
   * @param runId - the run
   */
  toggleSelected(runId: string): void {
    if (!this._selection.delete(runId)) {
      this._selection.add(runId);
    }
    this._changed.emit();
  }

  /**
   * Replace the selection.
   *
   * @param runIds - the runs to select
   */
  setSelection(runIds: string[]): void {
    this._selection = new Set(runIds);
    this._changed.emit();
  }

  /**
   * Show the runs of other experiments with the same filter and sort; the selection is cleared.
   *
   * @param experimentIds - the experiments
   */
  setExperiments(experimentIds: string[]): Promise<void> {
    this._experimentIds = [...experimentIds];
    this._selection.clear();
    this._expanded.clear();
    this._parents.clear();
    this._askedParents.clear();
    return this.reload();
  }

  /**
   * Apply a filter. A filter the browser can tell is wrong is not sent; the state says why.
   *
   * @param filter - the filter in MLflow's syntax
   */
  setFilter(filter: string): Promise<void> {
    this._filter = filter.trim();
    const problem = checkFilter(this._filter);
    if (problem) {
      this._abort();
      this._state = { kind: 'error', message: '', syntax: problem };
      this._changed.emit();
      return Promise.resolve();
    }
    return this.reload();
  }

  /**
   * Sort by a column: a new column sorts descending first for numbers and times, ascending for
   * text; the same column again flips the direction.
   *
   * @param columnId - the column
   */
  sortBy(columnId: string): Promise<void> {
    const column = this.columns.find(c => c.id === columnId);
    if (!column) {
      return Promise.resolve();
    }
    this._sort =
      this._sort?.columnId === columnId
        ? { columnId, ascending: !this._sort.ascending }
        : { columnId, ascending: !column.numeric };
    // With every run loaded, the browser sorts in no time; MLflow's SQL store takes seconds to
    // order 10,000 runs by a metric (benchmarks/runs_browser.py).
    if (this.complete) {
      this._local = true;
      this._setRuns(this._runs, undefined, []);
      return Promise.resolve();
    }
    this._local = false;
    return this.reload();
  }

  /** The `order_by` sent to MLflow for the current sort (empty for a derived column). */
  get orderBy(): string[] {
    const column = this._sortColumn();
    if (!column?.orderKey || !this._sort || this._local) {
      return [];
    }
    return [`${column.orderKey} ${this._sort.ascending ? 'ASC' : 'DESC'}`];
  }

  /**
   * Fetch the first page again for the current query (pages loaded before are dropped).
   */
  async reload(): Promise<void> {
    if (!this._experimentIds.length) {
      this._state = { kind: 'idle' };
      this._changed.emit();
      return;
    }
    const signal = this._restart();
    this._local = false;
    this._state = { kind: 'loading' };
    this._changed.emit();
    try {
      // A smaller first page paints sooner: MLflow's reply time grows with the rows it sends
      // (every run carries all its metrics, params and tags), and a screen shows ~25 rows.
      const first = Math.min(this.pageSize, Rows.FIRST_PAGE);
      const page = await this._fetch(undefined, first, signal);
      this._setRuns(page.runs, page.next_page_token);
      if (this._needsAll()) {
        await this._loadRest(signal);
      }
    } catch (error) {
      this._fail(error);
    }
  }

  /**
   * Fetch rows again for "refresh while visible", at most 500 per refresh so that a table of
   * 10,000 runs does not fetch 50 MB every 30 s. When every run is loaded, the newest runs are
   * fetched and merged in (new runs appear, running ones update); otherwise the first rows are
   * fetched again in the table's order and replace the top of the table. An error leaves the
   * rows as they were.
   *
   * Runs that the refreshed rows should contain but do not were deleted on the server or no
   * longer match the filter: they leave the table, the selection and the expanded sweeps. Runs
   * below the refreshed rows (a table of more than 500) are not checked until the next reload.
   */
  async refresh(): Promise<void> {
    if (this._state.kind !== 'ready' || this._pending) {
      return;
    }
    const complete = this.complete;
    const count = Math.min(
      Rows.REFRESH_ROWS,
      Math.max(this.pageSize, this._runs.length)
    );
    const signal = this._restart();
    if (complete) {
      // Newest first, whatever the table's order.
      this._local = true;
    }
    try {
      const page = await this._fetch(undefined, count, signal);
      const before = this._runs;
      const { runs, next, unchecked } = complete
        ? Rows.mergeNewest(before, page, count)
        : Rows.mergeTop(before, page, count, this._nextToken);
      this._forget(before, [...runs, ...unchecked]);
      // Parents fetched on their own are asked for again with the refresh: their status
      // changes, and one deleted on the server must stop heading its trials.
      this._askedParents.clear();
      this._recheckParents = true;
      this._setRuns(runs, next);
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === ABORTED)) {
        this._fail(error);
      }
    }
  }

  /**
   * Fetch the next page and append it; does nothing when every run is loaded or a page is on its
   * way.
   */
  async loadMore(): Promise<void> {
    const token = this._nextToken;
    if (!token || this._state.kind !== 'ready' || this._pending) {
      return;
    }
    const signal = this._restart();
    this._loadingMore = true;
    this._changed.emit();
    try {
      const page = await this._fetch(token, this.pageSize, signal);
      // Tokens are offsets: runs created or deleted since the last page shift them, so a run may
      // come again. One row per run.
      const loaded = new Set(this._runs.map(r => r.info.run_id));
      const fresh = page.runs.filter(r => !loaded.has(r.info.run_id));
      this._setRuns([...this._runs, ...fresh], page.next_page_token, fresh);
    } catch (error) {
      this._fail(error);
    }
  }

  /**
   * Fetch every remaining page (for derived columns, compare, sweeps), reporting progress.
   */
  async loadAll(): Promise<void> {
    if (this._state.kind !== 'ready' || !this._nextToken || this._pending) {
      return;
    }
    const signal = this._restart();
    try {
      await this._loadRest(signal);
    } catch (error) {
      this._fail(error);
    }
  }

  /**
   * Select the best `n` runs by a metric under the current filter, asking MLflow to order them.
   *
   * @param metricKey - the metric
   * @param n - how many
   * @param ascending - true when lower is better (loss), false when higher is (accuracy)
   * @returns the selected run ids
   */
  async selectTop(
    metricKey: string,
    n: number,
    ascending: boolean
  ): Promise<string[]> {
    const column = keyColumn('metric', metricKey);
    if (!column.orderKey || !this._experimentIds.length) {
      return [];
    }
    if (this.complete) {
      // Every run under the filter is here: rank them in the browser, no round trip.
      const ranked = Rows.sortRuns(this._runs, column, {
        columnId: column.id,
        ascending
      })
        .filter(r => Number.isFinite(cellValue(r, column) as number))
        .slice(0, n)
        .map(r => r.info.run_id);
      this.setSelection(ranked);
      return ranked;
    }
    const page = await this._search({
      experimentIds: this._experimentIds,
      filter: this._filter || undefined,
      orderBy: [`${column.orderKey} ${ascending ? 'ASC' : 'DESC'}`],
      maxResults: n
    });
    // Runs without the metric sort last: keep only those that have it.
    const ids = page.runs
      .filter(r => r.data.metrics.some(m => m.key === metricKey))
      .map(r => r.info.run_id);
    const known = new Set(this._runs.map(r => r.info.run_id));
    const missing = page.runs.filter(r => !known.has(r.info.run_id));
    if (missing.length) {
      this._extra = [...this._extra, ...missing];
    }
    this.setSelection(ids);
    return ids;
  }

  /**
   * A loaded run by id (also runs fetched only for a top-N selection).
   *
   * @param runId - the run
   */
  findRun(runId: string): IRun | undefined {
    return (
      this._runs.find(r => r.info.run_id === runId) ??
      this._parents.get(runId) ??
      this._extra.find(r => r.info.run_id === runId)
    );
  }

  /** Cancel requests and disconnect listeners. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._abort();
    Signal.clearData(this);
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private async _loadRest(signal: AbortSignal): Promise<void> {
    this._progress = this._runs.length;
    this._changed.emit();
    let runs = this._runs;
    while (this._nextToken) {
      const page = await this._fetch(
        this._nextToken,
        Math.max(this.pageSize, Rows.ALL_PAGE_SIZE),
        signal
      );
      runs = [...runs, ...page.runs];
      this._runs = runs;
      this._nextToken = page.next_page_token;
      this._progress = runs.length;
      this._changed.emit();
    }
    this._progress = null;
    this._setRuns(runs, undefined);
  }

  private _fetch(
    pageToken: string | undefined,
    maxResults: number,
    signal: AbortSignal
  ): Promise<ISearchRunsResponse> {
    const orderBy = this.orderBy;
    const pending = this._search({
      experimentIds: this._experimentIds,
      filter: this._filter || undefined,
      orderBy: orderBy.length ? orderBy : undefined,
      maxResults,
      pageToken,
      signal
    });
    this._pending = pending;
    return pending.then(
      page => {
        if (signal.aborted) {
          throw new ApiError(0, 'Request cancelled', ABORTED);
        }
        return page;
      },
      error => {
        throw signal.aborted
          ? new ApiError(0, 'Request cancelled', ABORTED)
          : error;
      }
    );
  }

  /**
   * @param added - the runs new to the table (all of them unless a page was appended): only
   *   their sweep parents can be missing, so only they are looked at
   */
  private _setRuns(
    runs: IRun[],
    nextToken: string | undefined,
    added: IRun[] = runs
  ): void {
    const column = this._sortColumn();
    if (!nextToken && (this._local || (column && !column.orderKey))) {
      runs = Rows.sortRuns(runs, column, this._sort);
    }
    this._runs = runs;
    this._rows = null;
    this._nextToken = nextToken;
    this._pending = null;
    this._loadingMore = false;
    this._progress = null;
    this._updatedAt = Date.now();
    this._state = { kind: 'ready' };
    this._changed.emit();
    void this._loadParents(added);
  }

  /**
   * Fetch the sweep parents that loaded children point to but no loaded page holds. A sweep's
   * parent starts before its trials, so in MLflow's default order (newest first) it comes after
   * all of them: without this, the first pages of a 200-trial sweep would show 200 loose rows.
   * The parent heads its group even when it does not match the filter (as in MLflow's UI). A
   * failure leaves the children at the top level, as they were.
   */
  private async _loadParents(added: IRun[]): Promise<void> {
    const recheck = this._recheckParents;
    this._recheckParents = false;
    let loaded: Set<string> | undefined;
    const missing = new Set<string>();
    for (const run of added) {
      const parent = Rows.parentOf(run);
      if (!parent) {
        continue;
      }
      loaded ??= new Set(this._runs.map(r => r.info.run_id));
      // Only ids MLflow could have made: the id goes into a filter string.
      if (
        !loaded.has(parent) &&
        !this._askedParents.has(parent) &&
        Rows.RUN_ID.test(parent)
      ) {
        missing.add(parent);
        this._askedParents.add(parent);
      }
    }
    const experiments = this._experimentIds;
    const ids = [...missing];
    for (let i = 0; i < ids.length; i += Rows.PARENT_BATCH) {
      const batch = ids.slice(i, i + Rows.PARENT_BATCH);
      let page: ISearchRunsResponse;
      let failed = false;
      try {
        page = await this._search({
          experimentIds: experiments,
          filter: `attributes.run_id IN (${batch.map(id => `'${id}'`).join(', ')})`,
          maxResults: batch.length
        });
      } catch {
        page = { runs: [] };
        failed = true;
      }
      if (experiments !== this._experimentIds || this._isDisposed) {
        return;
      }
      let changed = page.runs.length > 0;
      if (recheck && !failed) {
        const found = new Set(page.runs.map(r => r.info.run_id));
        for (const id of batch) {
          if (!found.has(id) && this._parents.delete(id)) {
            changed = true;
          }
        }
      }
      for (const run of page.runs) {
        this._parents.set(run.info.run_id, run);
      }
      if (changed) {
        this._rows = null;
        this._changed.emit();
      }
    }
  }

  /** Drop runs that left the table from the selection and the expanded sweeps. */
  private _forget(before: IRun[], after: IRun[]): void {
    const kept = new Set(after.map(r => r.info.run_id));
    for (const run of before) {
      const id = run.info.run_id;
      if (!kept.has(id)) {
        this._selection.delete(id);
        this._expanded.delete(id);
      }
    }
  }

  private _fail(error: unknown): void {
    if (error instanceof ApiError && error.reason === ABORTED) {
      return;
    }
    this._pending = null;
    this._loadingMore = false;
    this._progress = null;
    const message = (error as Error).message ?? String(error);
    this._state = {
      kind: 'error',
      message,
      syntax: isSyntaxError(error)
        ? { message: 'MLflow could not parse the filter: %1', arg: message }
        : null
    };
    this._changed.emit();
  }

  private _needsAll(): boolean {
    if (this._local) {
      return false;
    }
    const column = this._sortColumn();
    return !!column && !column.orderKey && !!this._nextToken;
  }

  private _sortColumn(): IColumn | undefined {
    const id = this._sort?.columnId;
    return id ? this.columns.find(c => c.id === id) : undefined;
  }

  /** Cancel what is in flight and hand out a signal for the next request. */
  private _restart(): AbortSignal {
    this._abort();
    this._controller = new AbortController();
    return this._controller.signal;
  }

  private _abort(): void {
    this._controller?.abort();
    this._controller = null;
    this._pending = null;
    this._loadingMore = false;
    this._progress = null;
  }

  private _search: SearchRuns;
  private _experimentIds: string[] = [];
  private _filter = '';
  private _sort: ISort | null = null;
  /** Whether the order is applied in the browser (every run loaded) rather than by MLflow. */
  private _local = false;
  private _state: TableState = { kind: 'idle' };
  private _runs: IRun[] = [];
  private _extra: IRun[] = [];
  private _rows: IRow[] | null = null;
  // Sweep parents fetched on their own (see _loadParents), and every parent id asked for.
  private _parents = new Map<string, IRun>();
  private _askedParents = new Set<string>();
  private _recheckParents = false;
  private _columns: IColumn[] | null = null;
  private _nextToken: string | undefined;
  private _pending: Promise<ISearchRunsResponse> | null = null;
  private _controller: AbortController | null = null;
  private _loadingMore = false;
  private _progress: number | null = null;
  private _updatedAt: number | null = null;
  private _metricKeys: string[] = [];
  private _paramKeys: string[] = [];
  private _expanded = new Set<string>();
  private _selection = new Set<string>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace RunTableModel {
  /** Options of the constructor. */
  export interface IOptions {
    /** Runs the search (the MLflow client's `searchRuns`). */
    search: SearchRuns;
    /** Rows per request (default 100). */
    pageSize?: number;
  }
}
