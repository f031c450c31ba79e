import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { WatchWhileShown } from '../ui/watchWhileShown';
import { IDisposable } from '@lumino/disposable';
import * as React from 'react';
import { WorkspaceClient } from '../api/client';
import { CommandIDs } from '../commands';
import { IWorkspaceClient } from '../tokens';
import { MonitorModel } from './monitorModel';
import { MonitorView } from './MonitorView';

/**
 * Monitor: one main-area view per local web service with its traffic, latency, errors, and drift
 * against the training baseline (computed by the server part). Opened by the
 * `open-monitor` command, which the Deployments list's Monitor button runs.
 */
export const monitorPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-mlflow-workspace:monitor',
  description:
    'Monitor local web services: requests, latency, errors and drift against the training data.',
  autoStart: true,
  requires: [IWorkspaceClient],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    client: WorkspaceClient,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_mlflow_workspace'
    );
    const tracker = new WidgetTracker<MainAreaWidget<MonitorBody>>({
      namespace: 'mlflow-workspace-monitor'
    });
    app.commands.addCommand(CommandIDs.openMonitor, {
      label: args =>
        args.name
          ? trans.__('Monitor %1', String(args.name))
          : trans.__('Monitor Deployment'),
      caption: trans.__(
        'Requests, latency, errors and drift of a local web service'
      ),
      isEnabled: args => typeof args.deploymentId === 'string',
      execute: async args => {
        const deploymentId = String(args.deploymentId);
        const name = String(args.name ?? deploymentId);
        const open = tracker.find(
          w => w.content.model.deploymentId === deploymentId
        );
        if (open) {
          app.shell.activateById(open.id);
          return open;
        }
        const model = new MonitorModel({ client, deploymentId, name });
        const widget = new MainAreaWidget({
          content: new MonitorBody(model, trans)
        });
        widget.id = `jp-mlflow-monitor-${deploymentId}`;
        widget.title.label = trans.__('Monitor: %1', name);
        widget.title.closable = true;
        widget.disposed.connect(() => model.dispose());
        app.shell.add(widget, 'main');
        // The layout restorer's contract: resolve once the widget is tracked.
        await tracker.add(widget);
        return widget;
      }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openMonitor,
        args: w => ({
          deploymentId: w.content.model.deploymentId,
          name: w.content.model.name
        }),
        name: w => w.content.model.deploymentId
      });
    }
    if (palette) {
      palette.addItem({
        command: CommandIDs.openMonitor,
        category: trans.__('ML Workspace')
      });
    }
  }
};

/** The view's body: reads only while shown (a hidden tab costs nothing). */
class MonitorBody extends WatchWhileShown {
  constructor(
    readonly model: MonitorModel,
    private readonly _trans: ReturnType<ITranslator['load']>
  ) {
    super();
    this.addClass('jp-mlflow-MonitorBody');
  }

  protected render(): JSX.Element {
    return <MonitorView model={this.model} trans={this._trans} />;
  }

  protected watch(): IDisposable {
    return this.model.watch();
  }
}
