import { ReactWidget, SidePanel, UseSignal } from '@jupyterlab/ui-components';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { workspaceIcon } from '../ui/icons';
import { WorkspaceModel } from './model';
import { StatusView } from './StatusView';

/**
 * The ML Workspace panel of the left sidebar. Layout only; state lives in the model.
 */
export class WorkspacePanel extends SidePanel {
  constructor(options: WorkspacePanel.IOptions) {
    const translator = options.translator ?? nullTranslator;
    super({ translator });
    const trans = translator.load('jupyterlab_mlflow_workspace');
    this.model = options.model;
    this.id = 'jp-mlflow-workspace-panel';
    this.addClass('jp-mlflow-WorkspacePanel');
    this.title.icon = workspaceIcon;
    this.title.caption = trans.__('ML Workspace');
    this.node.setAttribute('aria-label', trans.__('ML Workspace'));

    const header = ReactWidget.create(
      <h2 className="jp-mlflow-WorkspacePanel-title">
        {trans.__('ML Workspace')}
      </h2>
    );
    this.header.addWidget(header);

    const body = ReactWidget.create(
      <UseSignal signal={this.model.changed}>
        {() => (
          <StatusView
            status={this.model.status}
            trans={trans}
            onRetry={() => void this.model.refresh()}
          />
        )}
      </UseSignal>
    );
    body.addClass('jp-mlflow-WorkspacePanel-body');
    body.title.label = trans.__('Server part');
    this.addWidget(body);
  }

  /** The panel's state. */
  readonly model: WorkspaceModel;
}

export namespace WorkspacePanel {
  export interface IOptions {
    model: WorkspaceModel;
    translator?: ITranslator;
  }
}
