import {
  IRun,
  ISearchRunsOptions,
  ISearchRunsResponse
} from '../../api/mlflowTypes';
import { ApiError } from '../../api/request';

/**
 * A run for tests.
 *
 * @param id - run id
 * @param fields - metrics, params, tags and info fields
 */
export function makeRun(
  id: string,
  fields: {
    metrics?: Record<string, number>;
    params?: Record<string, string>;
    tags?: Record<string, string>;
    start?: number;
    end?: number;
    name?: string;
  } = {}
): IRun {
  return {
    info: {
      run_id: id,
      run_name: fields.name ?? id,
      experiment_id: '1',
      status: 'FINISHED',
      start_time: fields.start ?? 0,
      end_time: fields.end,
      lifecycle_stage: 'active'
    },
    data: {
      metrics: Object.entries(fields.metrics ?? {}).map(([key, value]) => ({
        key,
        value,
        timestamp: 0,
        step: 0
      })),
      params: Object.entries(fields.params ?? {}).map(([key, value]) => ({
        key,
        value
      })),
      tags: Object.entries(fields.tags ?? {}).map(([key, value]) => ({
        key,
        value
      }))
    },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] }
  };
}

/**
 * A fake `runs/search` over a fixed list: pages by offset tokens like MLflow, orders by one
 * `metrics.`/`attributes.start_time` key, filters `metrics.<k> < <n>` and
 * `attributes.run_id IN ('a', 'b')` only, and answers 400
 * INVALID_PARAMETER_VALUE to a filter containing `bad`.
 */
export function fakeSearch(runs: IRun[]): {
  search: (o: ISearchRunsOptions) => Promise<ISearchRunsResponse>;
  calls: ISearchRunsOptions[];
} {
  const calls: ISearchRunsOptions[] = [];
  const search = async (
    options: ISearchRunsOptions
  ): Promise<ISearchRunsResponse> => {
    calls.push(options);
    await Promise.resolve();
    if (options.filter?.includes('bad')) {
      throw new ApiError(
        400,
        "Invalid clause(s) in filter string: 'bad'",
        'INVALID_PARAMETER_VALUE'
      );
    }
    let list = [...runs];
    const lt = options.filter?.match(/^metrics\.(\w+) < ([\d.]+)$/);
    const ids = options.filter?.match(/^attributes\.run_id IN \((.*)\)$/);
    if (ids) {
      const wanted = ids[1].split(', ').map(id => id.slice(1, -1));
      list = list.filter(r => wanted.includes(r.info.run_id));
    }
    if (lt) {
      list = list.filter(r =>
        r.data.metrics.some(m => m.key === lt[1] && m.value < Number(lt[2]))
      );
    }
    const order = options.orderBy?.[0]?.match(/^metrics\.`(.+)` (ASC|DESC)$/);
    if (order) {
      const value = (r: IRun) =>
        r.data.metrics.find(m => m.key === order[1])?.value;
      list.sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === undefined || vb === undefined) {
          return va === vb ? 0 : va === undefined ? 1 : -1;
        }
        return order[2] === 'ASC' ? va - vb : vb - va;
      });
    }
    const offset = options.pageToken ? Number(options.pageToken) : 0;
    const size = options.maxResults ?? 1000;
    const page = list.slice(offset, offset + size);
    const next =
      offset + size < list.length ? String(offset + size) : undefined;
    return { runs: page, ...(next ? { next_page_token: next } : {}) };
  };
  return { search, calls };
}
