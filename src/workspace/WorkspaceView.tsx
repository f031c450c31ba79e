import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';
import { IWorkspace } from '../api/types';
import { CommandIDs } from '../commands';
import { LocalServerView } from './LocalServerView';
import { WorkspaceModel } from './model';
import { TestResultView } from './TestResultView';
import { RunsView } from './RunsView';
import { WorkspaceForm } from './WorkspaceForm';
import { sameTrackingUri } from '../notebook/trackingUri';

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
  const editor = model.editor;
  if (editor) {
    return (
      <WorkspaceForm
        key={`${editor.mode}-${editor.workspaceId ?? 'new'}`}
        editor={editor}
        trans={trans}
        onSave={draft => void model.save(draft)}
        onCancel={() => model.closeEditor()}
      />
    );
  }
  return (
    <div className="jp-mlflow-Workspaces">
      <div className="jp-mlflow-Actions">
        <button
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={() => void commands.execute(CommandIDs.addWorkspace)}
        >
          {trans.__('Add workspace…')}
        </button>
      </div>
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
              className="jp-Button jp-mod-styled jp-mod-accept"
              onClick={() => void commands.execute(CommandIDs.insertSetupCell)}
              disabled={!commands.isEnabled(CommandIDs.insertSetupCell)}
              title={commands.caption(CommandIDs.insertSetupCell)}
            >
              {trans.__('Insert setup cell')}
            </button>
            {selected.kind !== 'azureml' && (
              <button
                className="jp-Button jp-mod-styled jp-mod-reject"
                onClick={() =>
                  void commands.execute(CommandIDs.insertSetupCell, {
                    variant: 'connected'
                  })
                }
                disabled={!commands.isEnabled(CommandIDs.insertSetupCell)}
                title={trans.__(
                  'Insert a cell that uses this extension’s connect(): credentials never enter the notebook and metrics are pushed to Live Metrics'
                )}
              >
                {trans.__('Insert Connected cell')}
              </button>
            )}
            <button
              className="jp-Button jp-mod-styled jp-mod-reject"
              onClick={() => void commands.execute(CommandIDs.openLiveMetrics)}
              title={commands.caption(CommandIDs.openLiveMetrics)}
            >
              {trans.__('Open Live Metrics')}
            </button>
            {!selected.read_only && (
              <>
                <button
                  className="jp-Button jp-mod-styled jp-mod-reject"
                  onClick={() =>
                    void commands.execute(CommandIDs.editWorkspace, {
                      workspaceId: selected.id
                    })
                  }
                >
                  {trans.__('Edit')}
                </button>
                <button
                  className="jp-Button jp-mod-styled jp-mod-reject"
                  onClick={() =>
                    void commands.execute(CommandIDs.removeWorkspace, {
                      workspaceId: selected.id
                    })
                  }
                >
                  {trans.__('Remove')}
                </button>
              </>
            )}
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
            {commands.hasCommand(CommandIDs.openRunsBrowser) && (
              <button
                className="jp-Button jp-mod-styled jp-mod-reject"
                disabled={!selected.url}
                onClick={() =>
                  void commands.execute(CommandIDs.openRunsBrowser)
                }
              >
                {trans.__('Browse runs')}
              </button>
            )}
          </div>
          <TestResultView state={model.testState(selected.id)} trans={trans} />
          <KernelUriView model={model} trans={trans} />
          <RunsView model={model} commands={commands} trans={trans} />
        </section>
      )}
    </div>
  );
}

function KernelUriView(props: {
  model: WorkspaceModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const kernel = model.kernelUri;
  const selected = model.selected;
  if (!kernel || !kernel.uri || !selected) {
    return null;
  }
  const differs =
    !!selected.tracking_uri &&
    !sameTrackingUri(kernel.uri, selected.tracking_uri);
  return (
    <div
      className={`jp-mlflow-Notice${differs ? ' jp-mod-warning' : ''}`}
      data-kernel-uri={kernel.uri}
      role={differs ? 'alert' : 'status'}
    >
      {trans.__('The kernel of %1 logs to %2.', kernel.path, kernel.uri)}
      {differs && ' ' + trans.__('That is not the selected workspace.')}
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
