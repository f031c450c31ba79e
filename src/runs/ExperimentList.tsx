import { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon, editIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { CommandIDs } from '../commands';
import { IExperiment } from '../api/mlflowTypes';
import { EXPERIMENT_TYPE_TAG, ExperimentsModel } from './experimentsModel';

/**
 * The experiment list: a name search, active or deleted experiments, the notebook's experiment
 * marked, and buttons that run the experiment commands.
 */
export function ExperimentList(props: {
  model: ExperimentsModel;
  selectedId: string | null;
  notebookExperiment: string | null;
  commands: CommandRegistry;
  trans: TranslationBundle;
  onOpen: (experimentId: string) => void;
}): JSX.Element {
  const { model, trans, commands } = props;
  const [text, setText] = React.useState(model.search);
  const timer = React.useRef<number>(0);
  const state = model.state;
  const onSearch = (value: string) => {
    setText(value);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void model.setSearch(value), 250);
  };
  let body: JSX.Element;
  if (state.kind === 'loading' || state.kind === 'idle') {
    body = <div aria-busy="true">{trans.__('Loading experiments…')}</div>;
  } else if (state.kind === 'error') {
    body = (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not list experiments: %1', state.message)}
      </div>
    );
  } else if (!state.experiments.length) {
    body = (
      <div className="jp-mlflow-Muted">
        {model.showDeleted
          ? trans.__('No deleted experiments.')
          : text
            ? trans.__('No experiment matches "%1".', text)
            : trans.__('No experiments yet.')}
      </div>
    );
  } else {
    body = (
      <ul
        className="jp-mlflow-ExperimentList-items"
        aria-label={trans.__('Experiments')}
      >
        {state.experiments.map(experiment => (
          <ExperimentItem
            key={experiment.experiment_id}
            experiment={experiment}
            selected={experiment.experiment_id === props.selectedId}
            mine={experiment.name === props.notebookExperiment}
            deleted={model.showDeleted}
            commands={commands}
            trans={trans}
            onOpen={props.onOpen}
          />
        ))}
        {state.more && (
          <li className="jp-mlflow-Muted">
            {trans.__(
              'Showing the first %1 experiments: narrow the search to find the others.',
              state.experiments.length
            )}
          </li>
        )}
      </ul>
    );
  }
  return (
    <section
      className="jp-mlflow-ExperimentList"
      aria-label={trans.__('Experiments')}
    >
      <div className="jp-mlflow-ExperimentList-tools">
        <input
          className="jp-mlflow-Input"
          type="search"
          value={text}
          placeholder={trans.__('Search experiments')}
          aria-label={trans.__('Search experiments')}
          onChange={event => onSearch(event.target.value)}
        />
        <button
          className="jp-Button jp-mod-styled jp-mod-minimal"
          title={trans.__('New experiment')}
          onClick={() => void commands.execute(CommandIDs.createExperiment)}
        >
          {trans.__('New…')}
        </button>
      </div>
      <label className="jp-mlflow-Check">
        <input
          type="checkbox"
          checked={model.showDeleted}
          onChange={event => void model.setShowDeleted(event.target.checked)}
        />
        {trans.__('Show deleted')}
      </label>
      {body}
    </section>
  );
}

function ExperimentItem(props: {
  experiment: IExperiment;
  selected: boolean;
  mine: boolean;
  deleted: boolean;
  commands: CommandRegistry;
  trans: TranslationBundle;
  onOpen: (experimentId: string) => void;
}): JSX.Element {
  const { experiment, trans, commands } = props;
  const id = experiment.experiment_id;
  const kind = experiment.tags.find(t => t.key === EXPERIMENT_TYPE_TAG)?.value;
  const args = { experimentId: id };
  return (
    <li
      className={`jp-mlflow-ExperimentItem${props.selected ? ' jp-mod-selected' : ''}`}
      data-experiment-id={id}
    >
      <button
        className="jp-mlflow-ExperimentItem-open"
        aria-current={props.selected ? 'true' : undefined}
        disabled={props.deleted}
        title={trans.__('%1 (F2 renames, Delete deletes)', experiment.name)}
        onClick={() => props.onOpen(id)}
        onKeyDown={event => {
          if (event.key === 'F2') {
            event.preventDefault();
            void commands.execute(CommandIDs.renameExperiment, args);
          } else if (event.key === 'Delete') {
            event.preventDefault();
            void commands.execute(CommandIDs.deleteExperiment, args);
          }
        }}
      >
        {experiment.name}
      </button>
      {props.mine && (
        <span
          className="jp-mlflow-Badge jp-mod-notebook"
          title={trans.__("This notebook's experiment")}
        >
          {trans.__('this notebook')}
        </span>
      )}
      {kind?.startsWith('genai') && (
        <span
          className="jp-mlflow-Badge"
          title={trans.__('GenAI experiment: traces are not shown here')}
        >
          {trans.__('GenAI')}
        </span>
      )}
      <span className="jp-mlflow-ExperimentItem-actions">
        {props.deleted ? (
          <button
            className="jp-Button jp-mod-styled jp-mod-minimal"
            onClick={event => {
              event.stopPropagation();
              void commands.execute(CommandIDs.restoreExperiment, args);
            }}
          >
            {trans.__('Restore')}
          </button>
        ) : (
          <>
            <button
              className="jp-Button jp-mod-styled jp-mod-minimal"
              aria-label={trans.__('Rename %1', experiment.name)}
              title={trans.__('Rename')}
              onClick={event => {
                event.stopPropagation();
                void commands.execute(CommandIDs.renameExperiment, args);
              }}
            >
              <editIcon.react tag="span" />
            </button>
            <button
              className="jp-Button jp-mod-styled jp-mod-minimal"
              aria-label={trans.__('Delete %1', experiment.name)}
              title={trans.__('Delete')}
              onClick={event => {
                event.stopPropagation();
                void commands.execute(CommandIDs.deleteExperiment, args);
              }}
            >
              <deleteIcon.react tag="span" />
            </button>
          </>
        )}
      </span>
    </li>
  );
}
