import { clientPlugin } from './api/plugin';
import { azurePlugin } from './azure/plugin';
import { deployPlugin } from './deploy/plugin';
import { localTargetPlugin } from './deploy/localPlugin';
import { chartsPlugin } from './charts/plugin';
import { monitorPlugin } from './monitor/plugin';
import { kernelUriPlugin } from './notebook/plugin';
import { runsPlugin } from './runs/plugin';
import { snippetsPlugin } from './snippets/plugin';
import { workspacePanelPlugin } from './workspace/panelPlugin';
import { workspacePlugin } from './workspace/plugin';

// The extension points, for packages that add to this one (a deploy target, a panel section).
// The package is shared as a singleton by the builder, so these tokens are the same objects in
// every extension; a consumer lists it in its `jupyterlab.sharedPackages` with `bundled: false`.
export * from './tokens';
export type {
  ICellOutcome,
  IDeployRequest,
  IDeployTarget,
  IModelChoice,
  ITargetField,
  TargetValues
} from './deploy/targets';
export { pyStr, pyOptStr } from './snippets/pyliteral';

/**
 * The extension's plugins, one per capability.
 */
export default [
  clientPlugin,
  workspacePlugin,
  workspacePanelPlugin,
  snippetsPlugin,
  kernelUriPlugin,
  deployPlugin,
  localTargetPlugin,
  monitorPlugin,
  azurePlugin,
  chartsPlugin,
  runsPlugin
];
