import { clientPlugin } from './api/plugin';
import { workspacePlugin } from './workspace/plugin';

/**
 * The extension's plugins, one per capability.
 */
export default [clientPlugin, workspacePlugin];
