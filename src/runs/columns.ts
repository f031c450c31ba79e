/**
 * The columns of the run table: what each shows, and how MLflow orders by it (mlflow-rest.md §3).
 * Pure functions, no DOM.
 */
import { IRun } from '../api/mlflowTypes';

/** A column of the run table. */
export interface IColumn {
  /** Stable id: `attr:<name>`, `metric:<key>`, `param:<key>` or `tag:<key>`. */
  id: string;
  /** Header text (attribute headers are translated by the view). */
  label: string;
  kind: 'attribute' | 'metric' | 'param' | 'tag';
  /**
   * MLflow's `order_by` identifier, or `null` for a derived column that MLflow cannot order by
   * (duration): sorting on it needs every page, sorted in the browser.
   */
  orderKey: string | null;
  /** Whether values are numbers (right-aligned, numeric sort). */
  numeric: boolean;
}

/** The tag MLflow sets on child runs of a sweep. */
export const PARENT_TAG = 'mlflow.parentRunId';

/** The fixed attribute columns, in display order. */
export const ATTRIBUTE_COLUMNS: readonly IColumn[] = [
  attribute('status', 'Status', 'attributes.status'),
  attribute('name', 'Name', 'attributes.run_name'),
  attribute('start', 'Started', 'attributes.start_time', true),
  attribute('duration', 'Duration', null, true),
  attribute('user', 'User', 'attributes.user_id'),
  {
    id: 'tag:mlflow.source.name',
    label: 'Source',
    kind: 'tag',
    orderKey: 'tags.`mlflow.source.name`',
    numeric: false
  }
];

/**
 * Quote a key as MLflow's search grammar wants it: backticks, which MLflow accepts for any key
 * (dots, spaces, dashes). A backtick inside the key cannot be escaped in MLflow's grammar, so
 * such keys are refused.
 *
 * @param key - a metric, param or tag key
 * @returns the quoted key, or null when MLflow could not parse it
 */
export function quoteKey(key: string): string | null {
  return key.includes('`') ? null : `\`${key}\``;
}

/**
 * The column of a metric, param or tag key.
 *
 * @param kind - which kind of value
 * @param key - its key
 */
export function keyColumn(
  kind: 'metric' | 'param' | 'tag',
  key: string
): IColumn {
  const quoted = quoteKey(key);
  const prefix = { metric: 'metrics', param: 'params', tag: 'tags' }[kind];
  return {
    id: `${kind}:${key}`,
    label: key,
    kind,
    orderKey: quoted ? `${prefix}.${quoted}` : null,
    numeric: kind === 'metric'
  };
}

/**
 * The value of a run in a column: a number for numeric columns, a string otherwise,
 * `undefined` when the run has none.
 *
 * @param run - the run
 * @param column - the column
 * @param now - the current time in ms (duration of running runs)
 */
export function cellValue(
  run: IRun,
  column: IColumn,
  now = Date.now()
): string | number | undefined {
  const [kind, ...rest] = column.id.split(':');
  const key = rest.join(':');
  switch (kind) {
    case 'metric':
      return run.data.metrics.find(m => m.key === key)?.value;
    case 'param':
      return run.data.params.find(p => p.key === key)?.value;
    case 'tag':
      return run.data.tags.find(t => t.key === key)?.value;
  }
  const info = run.info;
  switch (key) {
    case 'status':
      return info.status;
    case 'name':
      return info.run_name || info.run_id;
    case 'start':
      return info.start_time;
    case 'duration':
      if (info.start_time === undefined) {
        return undefined;
      }
      return (info.end_time ?? now) - info.start_time;
    case 'user':
      return info.user_id;
  }
  return undefined;
}

/**
 * Compare two cell values as MLflow orders them: missing and NaN values last whatever the
 * direction, numbers numerically, strings by code point.
 *
 * @param a - one value
 * @param b - the other
 * @param ascending - the direction
 */
export function compareValues(
  a: string | number | undefined,
  b: string | number | undefined,
  ascending: boolean
): number {
  const missingA = a === undefined || (typeof a === 'number' && isNaN(a));
  const missingB = b === undefined || (typeof b === 'number' && isNaN(b));
  if (missingA || missingB) {
    return missingA === missingB ? 0 : missingA ? 1 : -1;
  }
  const order =
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0;
  return ascending ? order : -order;
}

/**
 * Format a duration in ms for a table cell: `850ms`, `12.3s`, `4m 05s`, `2h 03m`.
 *
 * @param ms - the duration
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)}s`;
  }
  const s = Math.floor(ms / 1000);
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  }
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Format a metric value compactly and exactly enough to tell runs apart.
 *
 * @param value - the value
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e12) {
    return String(value);
  }
  return Number(value.toPrecision(6)).toString();
}

function attribute(
  name: string,
  label: string,
  orderKey: string | null,
  numeric = false
): IColumn {
  return { id: `attr:${name}`, label, kind: 'attribute', orderKey, numeric };
}

/** Narrowest widths of the run table, in px: the compare checkbox, the name, any other column. */
export const COLUMN_WIDTHS = {
  check: 28,
  name: 140,
  other: 80,
  gap: 6,
  pad: 8
};

/** The narrowest row that shows these columns, in px. */
export function columnsMinWidth(columns: readonly IColumn[]): number {
  const { check, name, other, gap, pad } = COLUMN_WIDTHS;
  return columns.reduce(
    (sum, c) => sum + gap + (c.id === 'attr:name' ? name : other),
    check + pad
  );
}

/**
 * The columns that fit a width without scrolling sideways: the longest leading run of the
 * table's order (name, status, the chosen metrics and params, then the other attributes), so
 * the least important go first; the name always stays.
 *
 * @param columns - the table's columns, most important first
 * @param width - the table's width in px, or null before it is measured (all columns)
 */
export function fitColumns(
  columns: readonly IColumn[],
  width: number | null
): IColumn[] {
  if (width === null || columnsMinWidth(columns) <= width) {
    return [...columns];
  }
  const shown: IColumn[] = [];
  for (const column of columns) {
    if (columnsMinWidth([...shown, column]) > width) {
      break;
    }
    shown.push(column);
  }
  const name = columns.find(c => c.id === 'attr:name');
  return name && !shown.includes(name) ? [name] : shown;
}
