import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { IWorkspace } from '../api/types';
import { CommandIDs } from '../commands';
import { LocalServerView } from './LocalServerView';
import { WorkspaceModel } from './model';
import { TestResultView } from './TestResultView';

/**
 * Props of {@link WorkspaceView}.
 */
export interface IWorkspaceViewProps {
  model: WorkspaceModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

/**
 * The workspace list and the selected workspace's details. Buttons run commands.
 */
export function WorkspaceView(props: IWorkspaceViewProps): JSX.Element | null {
  const { model, commands, trans } = props;
  const list = model.workspaces;
  if (list.kind === 'loading') {
    return null;
  }
  if (list.kind === 'error') {
    return (
      <div className="jp-mlflow-Notice jp-mod-error" role="alert">
        {trans.__('Could not list workspaces: %1', list.message)}
      </div>
    );
  }
  const selected = model.selected;
  return (
    <div className="jp-mlflow-Workspaces">
      <ul
        className="jp-mlflow-WorkspaceList"
        role="listbox"
        aria-label={trans.__('Workspaces')}
      >
        {list.value.map(workspace => (
          <WorkspaceItem
            key={workspace.id}
            workspace={workspace}
            selected={workspace.id === model.selectedId}
            onSelect={() => model.select(workspace.id)}
            trans={trans}
          />
        ))}
      </ul>
      {selected && (
        <section
          className="jp-mlflow-WorkspaceDetails"
          aria-label={trans.__('Workspace %1', selected.name)}
          data-workspace={selected.id}
        >
          {selected.kind === 'local' ? (
            <LocalServerView model={model} commands={commands} trans={trans} />
          ) : (
            <dl className="jp-mlflow-Fields">
              <dt>{trans.__('Tracking URI')}</dt>
              <dd>
                <code>{selected.tracking_uri || trans.__('(none)')}</code>
              </dd>
              {selected.note && (
                <dd className="jp-mlflow-Note">{selected.note}</dd>
              )}
            </dl>
          )}
          <div className="jp-mlflow-Actions">
            <button
              className="jp-Button jp-mod-styled jp-mod-reject"
              disabled={!selected.url && selected.kind !== 'local'}
              onClick={() =>
                void commands.execute(CommandIDs.testConnection, {
                  workspaceId: selected.id
                })
              }
            >
              {trans.__('Test connection')}
            </button>
          </div>
          <TestResultView state={model.testState(selected.id)} trans={trans} />
        </section>
      )}
    </div>
  );
}

function WorkspaceItem(props: {
  workspace: IWorkspace;
  selected: boolean;
  onSelect: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { workspace, selected, onSelect, trans } = props;
  const kinds: Record<IWorkspace['kind'], string> = {
    environment: trans.__('from MLFLOW_TRACKING_URI'),
    local: trans.__('on this machine'),
    mlflow: trans.__('MLflow server'),
    azureml: trans.__('Azure ML')
  };
  return (
    <li
      role="option"
      aria-selected={selected}
      tabIndex={0}
      className={`jp-mlflow-WorkspaceItem${selected ? ' jp-mod-selected' : ''}`}
      data-workspace={workspace.id}
      onClick={onSelect}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        }
      }}
    >
      <span className="jp-mlflow-WorkspaceItem-name">{workspace.name}</span>
      <span className="jp-mlflow-WorkspaceItem-kind">
        {kinds[workspace.kind]}
      </span>
    </li>
  );
}
