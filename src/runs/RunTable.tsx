import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import {
  cellValue,
  COLUMN_WIDTHS,
  columnsMinWidth,
  fitColumns,
  formatDuration,
  formatNumber,
  IColumn
} from './columns';
import { IRow, RunTableModel } from './tableModel';

/** Height of one row in px; fixed so that only the visible window is rendered. */
export const ROW_HEIGHT = 26;

/** Runs loaded at most without a scroll while the end of the rows stays in view. */
const AUTO_FILL = 1000;

/** Rows rendered above and below the visible window, so fast scrolling shows no gaps. */
const OVERSCAN = 10;

/**
 * The run table: a header that sorts, and a virtualised body (fixed row height, only the rows in
 * view are in the DOM). Scrolling near the end asks the model for the next page. Keyboard: arrow
 * keys move, Enter opens details, Space selects for compare, → / ← expand or collapse a sweep.
 */
export function RunTable(props: {
  model: RunTableModel;
  trans: TranslationBundle;
  focusedRunId: string | null;
  onOpen: (runId: string) => void;
}): JSX.Element {
  const { model, trans, onOpen } = props;
  const rows = model.rows;
  const body = React.useRef<HTMLDivElement>(null);
  const header = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [height, setHeight] = React.useState(400);
  const [width, setWidth] = React.useState<number | null>(null);
  // The columns that fit: a narrow tab (half a screen) hides the last ones rather than scroll
  // sideways. The same array while the count is the same: memoised rows compare it by identity.
  const all = model.columns;
  const fitting = fitColumns(all, width).length;
  const columns = React.useMemo(() => all.slice(0, fitting), [all, fitting]);
  const hidden = all.slice(fitting);
  const [cursor, setCursor] = React.useState(0);
  const selection = new Set(model.selection);

  React.useEffect(() => {
    const node = body.current;
    if (!node) {
      return;
    }
    const measure = () => {
      setHeight(node.clientHeight);
      // The whole table's width: the body's own excludes a vertical scroll bar only.
      setWidth(node.clientWidth || null);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    measure();
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(
    rows.length,
    Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN
  );

  // One callback for every row, stable across renders, so that a scroll re-renders only the rows
  // that come into view (RunRow is memoised); a new closure per row would re-render all of them.
  const openRef = React.useRef(onOpen);
  openRef.current = onOpen;
  const onOpenRow = React.useCallback((index: number, runId: string) => {
    setCursor(index);
    openRef.current(runId);
  }, []);

  const runsAtScroll = React.useRef(0);
  const onScroll = (event: React.UIEvent<HTMLDivElement>) => {
    const node = event.currentTarget;
    runsAtScroll.current = model.runs.length;
    setScrollTop(node.scrollTop);
    if (header.current) {
      header.current.scrollLeft = node.scrollLeft;
    }
  };

  // Near the end of the loaded rows, ask for the next page, after every render rather than in the
  // scroll handler: at the very end no scroll event comes, so a page skipped because another
  // request (a refresh) was in flight would otherwise never be asked for. Pages whose runs fold
  // into a row already shown (a sweep's trials) add no rows, so the end stays in view: at most
  // AUTO_FILL runs load that way after the last scroll, and a sweep of 10,000 trials is not
  // fetched whole unless the user keeps scrolling or clicks "Load all".
  const nearEnd =
    scrollTop + height > rows.length * ROW_HEIGHT - 20 * ROW_HEIGHT;
  const sinceScroll = model.runs.length - runsAtScroll.current;
  React.useEffect(() => {
    if (nearEnd && sinceScroll < AUTO_FILL && !model.complete) {
      void model.loadMore();
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setCursor(next);
    const node = body.current;
    if (node) {
      const top = next * ROW_HEIGHT;
      if (top < node.scrollTop) {
        node.scrollTop = top;
      } else if (top + ROW_HEIGHT > node.scrollTop + node.clientHeight) {
        node.scrollTop = top + ROW_HEIGHT - node.clientHeight;
      }
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const row = rows[cursor];
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(cursor + 1),
      ArrowUp: () => moveTo(cursor - 1),
      PageDown: () => moveTo(cursor + page),
      PageUp: () => moveTo(cursor - page),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: () => row && onOpen(row.run.info.run_id),
      ' ': () => row && model.toggleSelected(row.run.info.run_id),
      ArrowRight: () =>
        row &&
        row.childCount &&
        !row.expanded &&
        model.toggleExpanded(row.run.info.run_id),
      ArrowLeft: () =>
        row && row.expanded && model.toggleExpanded(row.run.info.run_id)
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const template = columns.map(c =>
    c.id === 'attr:name'
      ? `minmax(${COLUMN_WIDTHS.name}px, 2fr)`
      : `minmax(${COLUMN_WIDTHS.other}px, 1fr)`
  );
  const gridTemplateColumns = [`${COLUMN_WIDTHS.check}px`, ...template].join(
    ' '
  );
  // Only the name alone can be wider than the table: then the body scrolls sideways and the
  // header follows it.
  const minWidth = columnsMinWidth(columns);
  const sort = model.sort;

  return (
    <>
      {hidden.length > 0 && (
        <div
          className="jp-mlflow-RunTable-hidden jp-mlflow-Muted"
          data-hidden-count={hidden.length}
          title={hidden.map(c => headerLabel(c, trans)).join(', ')}
        >
          {trans._n(
            '%1 column hidden to fit: widen the view or choose fewer columns.',
            '%1 columns hidden to fit: widen the view or choose fewer columns.',
            hidden.length
          )}
        </div>
      )}
      <div
        className="jp-mlflow-RunTable"
        role="grid"
        aria-label={trans.__('Runs')}
        aria-rowcount={rows.length + 1}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={
          rows[cursor]
            ? `jp-mlflow-run-${rows[cursor].run.info.run_id}`
            : undefined
        }
      >
        <div
          ref={header}
          className="jp-mlflow-RunTable-headerWrap"
          role="rowgroup"
        >
          <div
            className="jp-mlflow-RunTable-header"
            role="row"
            style={{ gridTemplateColumns, minWidth }}
          >
            <span role="columnheader">
              <span className="jp-mlflow-VisuallyHidden">
                {trans.__('Selected for compare')}
              </span>
            </span>
            {columns.map(column => {
              const active = sort?.columnId === column.id;
              const direction = active
                ? sort!.ascending
                  ? 'ascending'
                  : 'descending'
                : 'none';
              return (
                <span
                  key={column.id}
                  role="columnheader"
                  aria-sort={direction}
                  data-column={column.id}
                  className="jp-mlflow-RunTable-columnheader"
                >
                  <button
                    className={`jp-mlflow-RunTable-sort${active ? ' jp-mod-active' : ''}`}
                    title={
                      column.orderKey
                        ? trans.__('Sort by %1 (MLflow orders)', column.label)
                        : trans.__('Sort by %1 (loads every run)', column.label)
                    }
                    data-column={column.id}
                    onClick={() => void model.sortBy(column.id)}
                  >
                    <span className="jp-mlflow-RunTable-label">
                      {headerLabel(column, trans)}
                    </span>
                    {active ? (sort!.ascending ? ' ▲' : ' ▼') : ''}
                  </button>
                </span>
              );
            })}
          </div>
        </div>
        <div ref={body} className="jp-mlflow-RunTable-body" onScroll={onScroll}>
          <div
            role="rowgroup"
            style={{
              height: rows.length * ROW_HEIGHT,
              position: 'relative',
              minWidth
            }}
          >
            {rows.slice(first, last).map((row, i) => (
              <RunRow
                key={row.run.info.run_id}
                row={row}
                index={first + i}
                columns={columns}
                gridTemplateColumns={gridTemplateColumns}
                selected={selection.has(row.run.info.run_id)}
                focused={props.focusedRunId === row.run.info.run_id}
                cursor={cursor === first + i}
                model={model}
                trans={trans}
                onOpen={onOpenRow}
              />
            ))}
          </div>
        </div>
      </div>
    </>
  );
}

/**
 * One row. Memoised: while scrolling, rows that stay in view keep their props (the row objects,
 * the column list and the callback are stable), so React renders only the rows coming into view.
 */
function RunRowView(props: {
  row: IRow;
  index: number;
  columns: IColumn[];
  gridTemplateColumns: string;
  selected: boolean;
  focused: boolean;
  cursor: boolean;
  model: RunTableModel;
  trans: TranslationBundle;
  onOpen: (index: number, runId: string) => void;
}): JSX.Element {
  const { row, model, trans } = props;
  const id = row.run.info.run_id;
  const classes = [
    'jp-mlflow-RunTable-row',
    props.selected ? 'jp-mod-selected' : '',
    props.focused ? 'jp-mod-focused' : '',
    props.cursor ? 'jp-mod-cursor' : '',
    row.depth ? 'jp-mod-child' : ''
  ].filter(Boolean);
  return (
    <div
      id={`jp-mlflow-run-${id}`}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.selected}
      className={classes.join(' ')}
      data-run-id={id}
      style={{
        top: props.index * ROW_HEIGHT,
        height: ROW_HEIGHT,
        gridTemplateColumns: props.gridTemplateColumns
      }}
      onClick={() => props.onOpen(props.index, id)}
    >
      <span role="gridcell">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={props.selected}
          aria-label={trans.__('Compare %1', row.run.info.run_name || id)}
          onClick={event => event.stopPropagation()}
          onChange={() => model.toggleSelected(id)}
        />
      </span>
      {props.columns.map(column => (
        <span
          key={column.id}
          role="gridcell"
          className={`jp-mlflow-RunTable-cell${column.numeric ? ' jp-mod-numeric' : ''}`}
          data-column={column.id}
        >
          {column.id === 'attr:name' ? (
            <NameCell row={row} model={model} trans={trans} />
          ) : (
            formatCell(row, column, trans)
          )}
        </span>
      ))}
    </div>
  );
}

const RunRow = React.memo(RunRowView);

function NameCell(props: {
  row: IRow;
  model: RunTableModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { row, model, trans } = props;
  const info = row.run.info;
  return (
    <>
      {row.childCount > 0 ? (
        <button
          className="jp-mlflow-RunTable-expand"
          tabIndex={-1}
          aria-expanded={row.expanded}
          aria-label={
            row.expanded
              ? trans.__('Collapse %1 child runs', row.childCount)
              : trans.__('Expand %1 child runs', row.childCount)
          }
          onClick={event => {
            event.stopPropagation();
            model.toggleExpanded(info.run_id);
          }}
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="jp-mlflow-RunTable-indent" />
      )}
      <span title={info.run_id}>{info.run_name || info.run_id}</span>
      {row.childCount > 0 && (
        <span className="jp-mlflow-Badge">
          {trans._n('%1 child', '%1 children', row.childCount)}
        </span>
      )}
    </>
  );
}

function headerLabel(column: IColumn, trans: TranslationBundle): string {
  // Literal strings, so that translation extraction finds them.
  const labels: Record<string, string> = {
    'attr:status': trans.__('Status'),
    'attr:name': trans.__('Name'),
    'attr:start': trans.__('Started'),
    'attr:duration': trans.__('Duration'),
    'attr:user': trans.__('User'),
    'tag:mlflow.source.name': trans.__('Source')
  };
  return labels[column.id] ?? column.label;
}

function formatCell(
  row: IRow,
  column: IColumn,
  trans: TranslationBundle
): string {
  const value = cellValue(row.run, column);
  if (value === undefined) {
    return '';
  }
  switch (column.id) {
    case 'attr:start':
      return Private.startFormat.format(value as number);
    case 'attr:duration':
      return formatDuration(value as number);
    case 'attr:status':
      return trans.__(String(value));
  }
  return typeof value === 'number' ? formatNumber(value) : value;
}

namespace Private {
  /**
   * One formatter for every start cell: `Date.toLocaleString` with options builds a new ICU
   * formatter per call, which is most of a row's render time.
   */
  export const startFormat = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'short',
    timeStyle: 'short'
  });
}
