import { ReactWidget, SidePanel, UseSignal } from '@jupyterlab/ui-components';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { IWorkspacePanel } from '../tokens';
import { workspaceIcon } from '../ui/icons';
import { WorkspaceModel } from './model';
import { StatusView } from './StatusView';
import { WorkspaceView } from './WorkspaceView';

/**
 * The ML Workspace panel of the left sidebar. Layout only; state lives in the model.
 */
export class WorkspacePanel extends SidePanel implements IWorkspacePanel {
  constructor(options: WorkspacePanel.IOptions) {
    const translator = options.translator ?? nullTranslator;
    super({ translator });
    const trans = translator.load('jupyterlab_mlflow_workspace');
    const model = (this.model = options.model);
    this.id = 'jp-mlflow-workspace-panel';
    this.addClass('jp-mlflow-WorkspacePanel');
    this.title.icon = workspaceIcon;
    this.title.caption = trans.__('ML Workspace');
    this.node.setAttribute('aria-label', trans.__('ML Workspace'));

    this.header.addWidget(
      ReactWidget.create(
        <h2 className="jp-mlflow-WorkspacePanel-title">
          {trans.__('ML Workspace')}
        </h2>
      )
    );

    const body = ReactWidget.create(
      <UseSignal signal={model.changed}>
        {() => (
          <>
            <StatusView
              status={model.status}
              trans={trans}
              onRetry={() => void model.refresh()}
            />
            <WorkspaceView
              model={model}
              commands={options.commands}
              trans={trans}
            />
          </>
        )}
      </UseSignal>
    );
    body.addClass('jp-mlflow-WorkspacePanel-body');
    body.title.label = trans.__('Workspaces');
    this.addWidget(body);
  }

  /** The panel's state. */
  readonly model: WorkspaceModel;

  addSection(widget: Widget): IDisposable {
    this.addWidget(widget);
    return new DisposableDelegate(() => {
      if (widget.parent === this.content) {
        widget.parent = null;
      }
    });
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.dispose();
    }
    super.dispose();
  }
}

export namespace WorkspacePanel {
  export interface IOptions {
    model: WorkspaceModel;
    commands: CommandRegistry;
    translator?: ITranslator;
  }
}
