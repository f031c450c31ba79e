/**
 * Every command id of the extension; menus, toolbars and shortcuts point at these.
 */
export namespace CommandIDs {
  export const openPanel = 'mlflow-workspace:open-panel';
  export const refreshStatus = 'mlflow-workspace:refresh-status';
}
