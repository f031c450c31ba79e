import { MlflowClient } from '../api/mlflowClient';
import { IRun } from '../api/mlflowTypes';

/** The run tag the kernel's run-context provider sets (`live/context.py`). */
export const NOTEBOOK_ID_TAG = 'mlflow_workspace.notebook_id';

/**
 * Finds a notebook's runs on the tracking server, also after its kernel is gone: those tagged
 * with its notebook id (over the 200 most recently updated experiments), and the latest runs of
 * its linked experiment that carry no notebook id (logged by a kernel without our package, or
 * after the plain setup cell). Experiment lookups are cached for a few calls.
 */
export class RunFinder {
  /**
   * Search once.
   *
   * @param client - the workspace's MLflow client
   * @param options - the notebook id and linked experiment, how many runs, cancellation
   * @returns the notebook's runs, newest first per search
   */
  async find(
    client: MlflowClient,
    options: RunFinder.IFindOptions
  ): Promise<IRun[]> {
    const { notebookId, experimentName, maxRuns, signal } = options;
    const refresh = this._calls++ % EXPERIMENTS_EVERY === 0;
    const runs: IRun[] = [];
    if (notebookId && SAFE_ID.test(notebookId)) {
      if (this._experimentIds === null || refresh) {
        const found = await client.searchExperiments({
          maxResults: 200,
          orderBy: ['last_update_time DESC'],
          signal
        });
        this._experimentIds = found.experiments.map(e => e.experiment_id);
      }
      if (this._experimentIds.length > 0) {
        const found = await client.searchRuns({
          experimentIds: this._experimentIds,
          filter: `tags.\`${NOTEBOOK_ID_TAG}\` = '${notebookId}'`,
          orderBy: ['attributes.start_time DESC'],
          maxResults: maxRuns,
          signal
        });
        runs.push(...found.runs);
      }
    }
    if (!experimentName) {
      return runs;
    }
    if (this._linked?.name !== experimentName || refresh) {
      const found = await client.getExperimentByName(experimentName, {
        signal
      });
      this._linked = { name: experimentName, id: found?.experiment_id };
    }
    if (!this._linked.id) {
      return runs;
    }
    const latest = await client.searchRuns({
      experimentIds: [this._linked.id],
      orderBy: ['attributes.start_time DESC'],
      maxResults: maxRuns,
      signal
    });
    for (const run of latest.runs) {
      const tag = run.data.tags.find(t => t.key === NOTEBOOK_ID_TAG);
      if (!tag || tag.value === notebookId) {
        runs.push(run);
      }
    }
    return runs;
  }

  /** Forget the cached experiments (e.g. another workspace). */
  reset(): void {
    this._experimentIds = null;
    this._linked = null;
    this._calls = 0;
  }

  private _experimentIds: string[] | null = null;
  private _linked: { name: string; id?: string } | null = null;
  private _calls = 0;
}

export namespace RunFinder {
  /** Options of `find`. */
  export interface IFindOptions {
    /** `metadata.mlflow_workspace.notebook_id`, if the notebook has one. */
    notebookId: string | null;
    /** `metadata.mlflow_workspace.experiment`, if any. */
    experimentName: string | null;
    /** Runs per search. */
    maxRuns: number;
    signal?: AbortSignal;
  }
}

/** Notebook ids put into a search filter: UUIDs and similar, nothing to escape. */
const SAFE_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Experiments are looked up again every this many searches. */
const EXPERIMENTS_EVERY = 15;
