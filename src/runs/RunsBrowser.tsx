import { ReactWidget } from '@jupyterlab/ui-components';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { ISignal } from '@lumino/signaling';
import * as React from 'react';
import { CommandIDs } from '../commands';
import { IRun } from '../api/mlflowTypes';
import { RunsBrowserModel } from './browserModel';
import { FILTER_EXAMPLE } from './filterSyntax';
import { CompareView } from './CompareView';
import { ExperimentList } from './ExperimentList';
import { uiLink } from './links';
import { RunDetails } from './RunDetails';
import { RunTable } from './RunTable';
import { SweepView } from './SweepView';
import { CheckLabel, MetricSelect } from './controls';

/**
 * The run browser's main-area content. Layout and lifecycle only: it refreshes while visible
 * and renders the model; state lives in `RunsBrowserModel`.
 */
export class RunsBrowser extends ReactWidget {
  constructor(options: RunsBrowser.IOptions) {
    super();
    this.model = options.model;
    this._commands = options.commands;
    this._trans = options.translator.load('jupyterlab_mlflow_workspace');
    this.addClass('jp-mlflow-RunsBrowser');
  }

  /** The browser's state; it belongs to the plugin and outlives the widget. */
  readonly model: RunsBrowserModel;

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.startRefresh();
    // Experiments created while the browser was hidden (a setup cell) show when it comes back.
    void this.model.reloadExperiments();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.startRefresh();
  }

  protected onBeforeHide(msg: Message): void {
    this.model.stopRefresh();
    super.onBeforeHide(msg);
  }

  protected render(): JSX.Element {
    return (
      <BrowserView
        model={this.model}
        commands={this._commands}
        trans={this._trans}
      />
    );
  }

  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
}

export namespace RunsBrowser {
  /** Options of the constructor. */
  export interface IOptions {
    model: RunsBrowserModel;
    commands: CommandRegistry;
    translator: ITranslator;
  }
}

/** Re-render when any of the signals fires. */
function useSignals(signals: ISignal<any, any>[]): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const bump = () => setTick(t => t + 1);
    signals.forEach(s => s.connect(bump));
    return () => signals.forEach(s => s.disconnect(bump));
  }, signals);
}

function BrowserView(props: {
  model: RunsBrowserModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const table = model.table;
  useSignals([model.changed, table.changed, model.experiments.changed]);
  const workspace = model.workspace;
  if (!workspace) {
    return (
      <div className="jp-mlflow-RunsBrowser-empty">
        {trans.__(
          'Select a workspace in the ML Workspace panel to browse its runs.'
        )}
      </div>
    );
  }
  if (model.unavailable) {
    return (
      <div className="jp-mlflow-RunsBrowser-empty" role="status">
        {trans.__(
          '"%1" cannot be browsed from the Jupyter server yet (start the local server, or for Azure ML give the server a credential).',
          workspace.name
        )}
      </div>
    );
  }
  const details = model.details;
  const hasChildren = !!table.rows.find(
    r => r.run.info.run_id === details?.runId
  )?.childCount;
  const link = (run: IRun) =>
    uiLink(workspace, run.info.experiment_id, run.info.run_id);
  let main: JSX.Element;
  if (model.view === 'compare') {
    main = (
      <CompareView
        runs={model.selectedRuns}
        series={model.compare}
        stats={model.compareStats}
        trans={trans}
        onMetric={key => void model.openCompare(key)}
        onStatistic={(statistic, shown) =>
          model.setCompareStatistic(statistic, shown)
        }
        onReadAll={() => model.readAllCompareStats()}
        onBack={() => model.closeCompare()}
      />
    );
  } else if (model.sweep) {
    main = (
      <SweepView
        parent={model.sweep.parent}
        state={model.sweep.state}
        metric={model.sweepMetric}
        histories={model.sweepHistories}
        directions={model.compareStats}
        trans={trans}
        onMetric={key => model.setSweepMetric(key)}
        onClose={() => model.closeSweep()}
      />
    );
  } else {
    main = <RunsPane model={model} commands={commands} trans={trans} />;
  }
  return (
    <div className="jp-mlflow-RunsBrowser-layout">
      <ExperimentList
        model={model.experiments}
        selectedId={model.experimentId}
        notebookExperiment={model.notebookExperiment}
        commands={commands}
        trans={trans}
        onOpen={id => void model.openExperiment(id)}
      />
      <div className="jp-mlflow-RunsBrowser-main">{main}</div>
      {details && (
        <RunDetails
          state={details.state}
          sparklines={model.sparklines}
          uiLink={link}
          hasChildren={hasChildren}
          commands={commands}
          trans={trans}
          onClose={() => model.closeDetails()}
        />
      )}
    </div>
  );
}

function RunsPane(props: {
  model: RunsBrowserModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const table = model.table;
  const [filter, setFilter] = React.useState(table.filter);
  const [topN, setTopN] = React.useState(5);
  const [topMetric, setTopMetric] = React.useState('');
  const [lower, setLower] = React.useState(true);
  React.useEffect(() => {
    setFilter(table.filter);
  }, [model.experimentId]);
  const state = table.state;
  const experiment = model.experimentId
    ? model.experiments.find(model.experimentId)
    : undefined;
  const metricKeys = [
    ...new Set(
      table.runs.slice(0, 200).flatMap(r => r.data.metrics.map(m => m.key))
    )
  ].sort();
  const metric = metricKeys.includes(topMetric)
    ? topMetric
    : (table.metricKeys[0] ?? metricKeys[0] ?? '');
  const selected = table.selection.length;
  let body: JSX.Element;
  if (state.kind === 'idle') {
    body = (
      <div className="jp-mlflow-Muted">{trans.__('Choose an experiment.')}</div>
    );
  } else if (state.kind === 'loading') {
    body = <div aria-busy="true">{trans.__('Loading runs…')}</div>;
  } else if (state.kind === 'error') {
    body = state.syntax ? (
      <div
        className="jp-mlflow-Notice jp-mod-error"
        role="alert"
        data-kind="syntax"
      >
        <div>
          {trans.__(
            'Filter syntax error: %1',
            trans.__(state.syntax.message, state.syntax.arg ?? '')
          )}
        </div>
        <div className="jp-mlflow-Muted">
          {trans.__('Example: %1', FILTER_EXAMPLE)}
        </div>
      </div>
    ) : (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not load runs: %1', state.message)}
      </div>
    );
  } else if (!table.runs.length) {
    body = (
      <div className="jp-mlflow-Muted">
        {table.filter
          ? trans.__('No run matches the filter.')
          : trans.__('No runs in this experiment yet.')}
      </div>
    );
  } else {
    body = (
      <RunTable
        model={table}
        trans={trans}
        focusedRunId={model.details?.runId ?? null}
        onOpen={id => void model.showDetails(id)}
      />
    );
  }
  return (
    <section
      className="jp-mlflow-RunsPane"
      aria-label={trans.__('Runs of %1', experiment?.name ?? '')}
    >
      <form
        className="jp-mlflow-Toolbar"
        role="search"
        onSubmit={event => {
          event.preventDefault();
          void table.setFilter(filter);
        }}
      >
        <input
          className="jp-mlflow-Input jp-mlflow-Filter"
          type="search"
          value={filter}
          aria-label={trans.__('Filter runs')}
          placeholder={trans.__(
            'Filter, e.g. %1',
            "metrics.rmse < 0.8 AND params.model = 'ridge'"
          )}
          onChange={event => setFilter(event.target.value)}
        />
        <button className="jp-Button jp-mod-styled jp-mod-accept" type="submit">
          {trans.__('Apply')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-minimal"
          onClick={() => void commands.execute(CommandIDs.refreshRuns)}
        >
          {trans.__('Refresh')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-minimal"
          title={trans.__(
            'Choose the metric and parameter columns of the run table'
          )}
          onClick={() => void commands.execute(CommandIDs.chooseRunColumns)}
        >
          {trans.__('Columns…')}
        </button>
        <UpdatedAgo at={table.updatedAt} trans={trans} />
      </form>
      <div className="jp-mlflow-Toolbar">
        <span className="jp-mlflow-Count" data-count={table.runs.length}>
          {table.complete
            ? trans._n('%1 run', '%1 runs', table.runs.length)
            : trans.__('%1 runs loaded, more on scroll', table.runs.length)}
        </span>
        {!table.complete && state.kind === 'ready' && (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-minimal"
            onClick={() => void commands.execute(CommandIDs.loadAllRuns)}
          >
            {table.loadAllProgress !== null
              ? trans.__('Loading all… %1', table.loadAllProgress)
              : trans.__('Load all')}
          </button>
        )}
        <span className="jp-mlflow-Spacer" />
        <label>
          {trans.__('Top')}{' '}
          <input
            className="jp-mlflow-Input jp-mlflow-Narrow"
            type="number"
            min={1}
            max={100}
            value={topN}
            aria-label={trans.__('How many runs')}
            onChange={event =>
              setTopN(
                Math.max(1, Math.min(100, Number(event.target.value) || 1))
              )
            }
          />
        </label>
        <MetricSelect
          label={trans.__('by')}
          ariaLabel={trans.__('Metric to rank by')}
          keys={metricKeys}
          value={metric}
          onChange={setTopMetric}
        />
        <CheckLabel
          label={trans.__('lowest')}
          checked={lower}
          onChange={setLower}
        />
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-minimal"
          disabled={!metric}
          onClick={() =>
            void commands.execute(CommandIDs.selectTopRuns, {
              n: topN,
              metric,
              ascending: lower
            })
          }
        >
          {trans.__('Select top')}
        </button>
        {selected > 0 && (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-minimal"
            onClick={() => void commands.execute(CommandIDs.clearRunSelection)}
          >
            {trans.__('Clear selection')}
          </button>
        )}
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={selected === 0}
          onClick={() => void commands.execute(CommandIDs.compareRuns)}
        >
          {trans.__('Compare (%1)', selected)}
        </button>
      </div>
      <div className="jp-mlflow-RunsPane-body">{body}</div>
    </section>
  );
}

/** "updated 12 s ago", ticking every second. */
function UpdatedAgo(props: {
  at: number | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const timer = window.setInterval(() => setTick(t => t + 1), 1000);
    return () => window.clearInterval(timer);
  }, []);
  if (props.at === null) {
    return null;
  }
  const seconds = Math.max(0, Math.round((Date.now() - props.at) / 1000));
  return (
    <span className="jp-mlflow-Muted jp-mlflow-Updated" aria-live="off">
      {props.trans.__('updated %1s ago', seconds)}
    </span>
  );
}
