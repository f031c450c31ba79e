/**
 * The run table's rows as pure functions: MLflow's default order, browser-side sort, merging a
 * refreshed page into loaded rows, and folding sweeps under their parent. No state, no I/O:
 * `tableModel.ts` holds the state and calls these.
 */
import { IRun, ISearchRunsResponse } from '../api/mlflowTypes';
import { cellValue, compareValues, IColumn, PARENT_TAG } from './columns';

/** The order of the table. */
export interface ISort {
  columnId: string;
  ascending: boolean;
}

/** One visible row: a run, how deep it sits in its sweep, and how many children it has. */
export interface IRow {
  run: IRun;
  depth: 0 | 1;
  childCount: number;
  expanded: boolean;
}

/** At most this many runs per refresh. */
export const REFRESH_ROWS = 500;

/** Rows and next page token after a refresh. */
export interface IMerged {
  runs: IRun[];
  next: string | undefined;
  /** Runs left out that may still exist (pushed past the answer): they keep their selection. */
  unchecked: IRun[];
}

/**
 * Merge the newest runs (MLflow's default order) into a table that had every run. Without a
 * next page the answer is every run there is. With one, loaded runs that sort after the last
 * run of the answer lie beyond it and stay; the others it would have contained are gone.
 */
export function mergeNewest(
  runs: IRun[],
  page: ISearchRunsResponse,
  count: number
): IMerged {
  const last = page.runs[page.runs.length - 1];
  if (!page.next_page_token || !last) {
    return { runs: page.runs, next: undefined, unchecked: [] };
  }
  const fresh = new Set(page.runs.map(r => r.info.run_id));
  const beyond = runs.filter(
    r => !fresh.has(r.info.run_id) && byDefault(last, r) < 0
  );
  // A table that had every run within `count` now has more: the answer is its first page and
  // scrolling loads the rest (keeping the old runs as well would show them twice, since the
  // next page token is an offset into the new order).
  if (runs.length <= count) {
    return { runs: page.runs, next: page.next_page_token, unchecked: beyond };
  }
  return { runs: [...page.runs, ...beyond], next: undefined, unchecked: [] };
}

/**
 * Replace the top of a partly loaded table with the first rows in its order. When the answer
 * covers every loaded row (or is the last page), it is the whole table; otherwise the rows
 * below it stay, without those the answer moved up.
 */
export function mergeTop(
  runs: IRun[],
  page: ISearchRunsResponse,
  count: number,
  nextToken: string | undefined
): IMerged {
  const fresh = new Set(page.runs.map(r => r.info.run_id));
  if (runs.length <= count || !page.next_page_token) {
    // With a next page, a run missing from the answer may have been pushed down by new ones.
    const unchecked = page.next_page_token
      ? runs.filter(r => !fresh.has(r.info.run_id))
      : [];
    return { runs: page.runs, next: page.next_page_token, unchecked };
  }
  const rest = runs
    .slice(page.runs.length)
    .filter(r => !fresh.has(r.info.run_id));
  return { runs: [...page.runs, ...rest], next: nextToken, unchecked: [] };
}

/** MLflow's default order: newest start first, then run id. */
export function byDefault(a: IRun, b: IRun): number {
  return (
    (b.info.start_time ?? 0) - (a.info.start_time ?? 0) ||
    (a.info.run_id < b.info.run_id ? -1 : a.info.run_id > b.info.run_id ? 1 : 0)
  );
}

/**
 * Sort runs in the browser like MLflow: by the column (missing values last), then MLflow's
 * default order (newest start first, then run id).
 */
export function sortRuns(
  runs: IRun[],
  column: IColumn | undefined,
  sort: ISort | null
): IRun[] {
  const now = Date.now();
  if (!column || !sort) {
    return [...runs].sort(byDefault);
  }
  const values = new Map(runs.map(r => [r, cellValue(r, column, now)]));
  return [...runs].sort(
    (a, b) =>
      compareValues(values.get(a), values.get(b), sort.ascending) ||
      byDefault(a, b)
  );
}

/** At most this many runs in the first request of a query. */
export const FIRST_PAGE = 50;

/** Page size of "load all": fewer, larger requests. */
export const ALL_PAGE_SIZE = 1000;

/** Ids of runs MLflow makes (hex; also the dashes of UUIDs elsewhere). */
export const RUN_ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Parents asked for per request. */
export const PARENT_BATCH = 100;

/** The sweep parent a run names, if any (not itself). */
export function parentOf(run: IRun): string | undefined {
  const parent = run.data.tags.find(t => t.key === PARENT_TAG)?.value;
  return parent && parent !== run.info.run_id ? parent : undefined;
}

/**
 * Rows from runs in table order: a child of a known parent (loaded, or in `parents`) folds
 * under it, and the parent's row stands where the first of its group does (usually its newest
 * trial; the parent itself starts first and so sorts last by start time). Nested sweeps fold
 * under their top-most known ancestor, so that no run gets two rows.
 */
export function group(
  runs: IRun[],
  expanded: Set<string>,
  parents: Map<string, IRun> = new Map()
): IRow[] {
  const byId = new Map(runs.map(r => [r.info.run_id, r]));
  const lookup = (id: string) => byId.get(id) ?? parents.get(id);
  // The top-most known ancestor of a run, if any (a cycle of parent tags stops the walk).
  const rootOf = (run: IRun): string | undefined => {
    let root: string | undefined;
    let seen: Set<string> | undefined;
    for (let at = run; ;) {
      const parent = parentOf(at);
      const next = parent !== undefined ? lookup(parent) : undefined;
      if (!next) {
        return root;
      }
      seen ??= new Set([run.info.run_id]);
      if (seen.has(parent!)) {
        return root;
      }
      seen.add(parent!);
      root = parent;
      at = next;
    }
  };
  const roots = runs.map(rootOf);
  const children = new Map<string, IRun[]>();
  runs.forEach((run, i) => {
    const root = roots[i];
    if (root) {
      const list = children.get(root) ?? [];
      list.push(run);
      children.set(root, list);
    }
  });
  const rows: IRow[] = [];
  const placed = new Set<string>();
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    const headId = roots[i] ?? run.info.run_id;
    if (placed.has(headId)) {
      continue;
    }
    placed.add(headId);
    const head = lookup(headId)!;
    const kids = children.get(headId) ?? [];
    const open = kids.length > 0 && expanded.has(headId);
    rows.push({
      run: head,
      depth: 0,
      childCount: kids.length,
      expanded: open
    });
    if (open) {
      for (const kid of kids) {
        rows.push({ run: kid, depth: 1, childCount: 0, expanded: false });
      }
    }
  }
  return rows;
}
