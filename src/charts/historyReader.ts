import { MlflowClient } from '../api/mlflowClient';
import { decodeMetricValue, MetricStore } from './series';

/**
 * Reads metric histories from the tracking server into a `MetricStore`, page by page, and only
 * what is new: for each (run, key) it remembers the token of the last page that was not full and
 * starts there next time (MLflow appends to a history, so earlier pages do not change; the
 * re-read page's known points are deduplicated by the store). A history of a run that had ended
 * before it was read to its last page is complete and never read again.
 */
export class HistoryReader {
  /**
   * @param store - where the points go
   */
  constructor(store: MetricStore) {
    this._store = store;
  }

  /**
   * Read the new pages of some metrics of one run.
   *
   * @param client - the workspace's MLflow client
   * @param runId - the run
   * @param keys - its metric keys
   * @param options - page size; whether the run has ended; cancellation
   * @returns how many points were new
   */
  async read(
    client: MlflowClient,
    runId: string,
    keys: Iterable<string>,
    options: HistoryReader.IReadOptions
  ): Promise<number> {
    let added = 0;
    const readKey = async (key: string) => {
      const id = `${runId}\u0000${key}`;
      if (this._complete.has(id)) {
        return;
      }
      let token = this._cursors.get(id);
      for (let page = 0; page < MAX_PAGES_PER_READ; page++) {
        const reply = await client.getMetricHistory(runId, key, {
          maxResults: options.pageSize,
          pageToken: token,
          signal: options.signal
        });
        added += this._store.add(
          runId,
          key,
          reply.metrics.map(m => ({
            step: m.step,
            timestamp: m.timestamp,
            value: decodeMetricValue(m.value)
          }))
        );
        if (!reply.next_page_token || reply.next_page_token === token) {
          // The last page, partly filled: read it again from its start next time.
          if (options.ended) {
            this._complete.add(id);
          }
          return;
        }
        token = reply.next_page_token;
        this._cursors.set(id, token);
      }
    };
    await Promise.all(Array.from(keys, readKey));
    return added;
  }

  /** Forget every position (e.g. another workspace). */
  reset(): void {
    this._cursors.clear();
    this._complete.clear();
  }

  private _store: MetricStore;
  private _cursors = new Map<string, string>();
  private _complete = new Set<string>();
}

export namespace HistoryReader {
  /** Options of `read`. */
  export interface IReadOptions {
    /** `max_results` of one page. */
    pageSize: number;
    /** The run has ended: once read to the last page, its history is complete. */
    ended: boolean;
    signal?: AbortSignal;
  }
}

/** Pages of one history read at a time (the rest on the next read). */
const MAX_PAGES_PER_READ = 20;
