import { TranslationBundle } from '@jupyterlab/translation';
import { WorkspaceClient } from '../api/client';
import { pyStr } from '../snippets/pyliteral';
import { slugName } from './serviceName';
import {
  ICellOutcome,
  IDeployTarget,
  IModelChoice,
  TargetValues
} from './targets';

/** The name rule of the server part (deploy/local.py): short, no control characters. */
const MAX_NAME = 100;

/**
 * The local web service: MLflow's own scoring server, started by the Jupyter server with the
 * interpreter of the kernel that runs the cell (`deploy_local()` passes it through the bridge).
 */
export const localTarget: IDeployTarget = {
  id: 'local',
  label: 'Local web service',
  description:
    "MLflow's scoring server on 127.0.0.1, run with this notebook kernel's Python; listed under Deployments, stops with Jupyter.",
  serverManaged: true,

  fields: (trans: TranslationBundle) => [
    {
      name: 'name',
      label: trans.__('Service name'),
      type: 'text',
      required: true,
      help: trans.__('Shown under Deployments in the ML Workspace panel.')
    },
    {
      name: 'port',
      label: trans.__('Port'),
      type: 'number',
      placeholder: trans.__('any free port'),
      help: trans.__('Leave empty to let the server pick a free port.')
    }
  ],

  defaults: (model: IModelChoice): TargetValues => ({
    name: defaultName(model),
    port: ''
  }),

  validate: (values: TargetValues, trans: TranslationBundle) => {
    const errors: Record<string, string> = {};
    const name = String(values.name ?? '').trim();
    if (!name) {
      errors.name = trans.__('Give the service a name.');
    } else if (name.length > MAX_NAME) {
      errors.name = trans.__('Use at most %1 characters.', MAX_NAME);
    } else if ([...name].some(c => c.charCodeAt(0) < 32 || c === '\u007f')) {
      errors.name = trans.__(
        'Use a name on one line, without control characters.'
      );
    }
    const port = String(values.port ?? '').trim();
    if (port) {
      const n = Number(port);
      if (!/^\d+$/.test(port) || n < 1024 || n > 65535) {
        errors.port = trans.__(
          'Use a port from 1024 to 65535, or leave it empty.'
        );
      }
    }
    return errors;
  },

  generate: ({ model, workspaceId, values }) => {
    const name = String(values.name ?? '').trim();
    const port = String(values.port ?? '').trim();
    const args = [
      `    ${pyStr(model.uri)},`,
      `    workspace=${pyStr(workspaceId)},`,
      `    name=${pyStr(name)},`
    ];
    if (port) {
      args.push(`    port=${Number(port)},`);
    }
    return [
      "# Serve the model as a local web service: MLflow's scoring server, run by Jupyter with",
      "# this kernel's Python. It shows under Deployments in the ML Workspace panel (Stop is",
      '# there) and stops with Jupyter.',
      'from jupyterlab_mlflow_workspace import deploy_local',
      '',
      'deployment = deploy_local(',
      ...args,
      ')'
    ].join('\n');
  }
};

/**
 * The local target with its server-side hooks: the pre-flight of the Jupyter server (can its
 * interpreter serve the model, and the model's input example), and the deployment id that
 * `deploy_local()` prints, so the dialog follows the new service.
 *
 * @param client - the typed client of the server routes
 */
export function createLocalTarget(client: WorkspaceClient): IDeployTarget {
  return {
    ...localTarget,
    preflight: (model, workspace) =>
      client.preflightDeployment(model.uri, workspace.id),
    follow: (outcome: ICellOutcome) =>
      /\(deployment ([0-9a-f]+)\)/.exec(outcome.text)?.[1] ?? null
  };
}

/**
 * A readable default service name: the registered name; else the run's name (with the model's
 * folder when it is not the usual `model`); else the model's folder and run id. Never a logged
 * model's id (`m-7a03…`) when the run has a name.
 */
export function defaultName(model: IModelChoice): string {
  const uri = model.uri;
  const registered = /^models:\/([^/@]+)(?:[/@].*)?$/.exec(uri);
  if (model.source === 'registered' && registered) {
    return registered[1].slice(0, MAX_NAME);
  }
  const run = /^runs:\/([^/]+)\/(.+)$/.exec(uri);
  const folder = run?.[2].replace(/\/+$/, '');
  const fromRun = model.runName
    ? slugName(
        folder && folder !== 'model'
          ? `${model.runName} ${folder}`
          : model.runName,
        { maxLength: MAX_NAME }
      )
    : null;
  if (fromRun) {
    return fromRun;
  }
  if (run) {
    return `${run[2].replace(/\/+$/, '')}-${run[1].slice(0, 8)}`.slice(
      0,
      MAX_NAME
    );
  }
  const last = uri.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  return (last || 'model').slice(0, MAX_NAME);
}
