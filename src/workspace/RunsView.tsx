import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { CommandIDs } from '../commands';
import { LoadableList } from '../ui/LoadableList';
import { WorkspaceModel } from './model';

/**
 * The latest runs of the active notebook's experiment in the selected workspace.
 */
export function RunsView(props: {
  model: WorkspaceModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, commands, trans } = props;
  const experiment = model.notebookExperiment;
  const runs = model.runs;
  if (!experiment || !runs) {
    return null;
  }
  const body = (
    <LoadableList
      value={runs}
      loading={trans.__('Loading runs…')}
      error={message => trans.__('Could not load runs: %1', message)}
      empty={trans.__('No runs yet. Run the setup cell, then log something.')}
    >
      {items => (
        <ul className="jp-mlflow-RunList" aria-label={trans.__('Runs')}>
          {items.map(run => (
            <li
              key={run.info.run_id}
              className="jp-mlflow-RunItem"
              data-run-id={run.info.run_id}
            >
              <span className="jp-mlflow-RunItem-name">
                {run.info.run_name || run.info.run_id}
              </span>
              <span
                className={`jp-mlflow-RunItem-status jp-mod-${run.info.status.toLowerCase()}`}
              >
                {run.info.status}
              </span>
              {run.info.status === 'FINISHED' &&
              commands.hasCommand(CommandIDs.deploy) ? (
                <button
                  className="jp-Button jp-mod-styled jp-mod-minimal"
                  title={trans.__('Deploy a model this run logged')}
                  disabled={!commands.isEnabled(CommandIDs.deploy)}
                  onClick={() =>
                    void commands.execute(CommandIDs.deploy, {
                      runId: run.info.run_id
                    })
                  }
                >
                  {trans.__('Deploy…')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </LoadableList>
  );
  return (
    <section
      className="jp-mlflow-Runs"
      aria-label={trans.__('Runs of %1', experiment)}
    >
      <div className="jp-mlflow-Runs-header">
        <span>{trans.__('Runs of "%1"', experiment)}</span>
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal"
          title={trans.__('Refresh runs')}
          onClick={() => void model.refreshRuns()}
        >
          {trans.__('Refresh')}
        </button>
      </div>
      {body}
    </section>
  );
}
