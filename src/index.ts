import { clientPlugin } from './api/plugin';
import { azurePlugin } from './azure/plugin';
import { deployPlugin } from './deploy/plugin';
import { chartsPlugin } from './charts/plugin';
import { kernelUriPlugin } from './kernel/plugin';
import { runsPlugin } from './runs/plugin';
import { snippetsPlugin } from './snippets/plugin';
import { workspacePlugin } from './workspace/plugin';

/**
 * The extension's plugins, one per capability.
 */
export default [
  clientPlugin,
  workspacePlugin,
  snippetsPlugin,
  kernelUriPlugin,
  deployPlugin,
  azurePlugin,
  chartsPlugin,
  runsPlugin
];
