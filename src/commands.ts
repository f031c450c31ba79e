/**
 * Every command id of the extension; menus, toolbars, buttons and shortcuts point at these.
 */
export namespace CommandIDs {
  export const openPanel = 'mlflow-workspace:open-panel';
  export const refreshStatus = 'mlflow-workspace:refresh-status';
  export const testConnection = 'mlflow-workspace:test-connection';
  export const startLocal = 'mlflow-workspace:start-local-server';
  export const stopLocal = 'mlflow-workspace:stop-local-server';
  export const restartLocal = 'mlflow-workspace:restart-local-server';
  export const upgradeLocal = 'mlflow-workspace:upgrade-local-server';
  export const addWorkspace = 'mlflow-workspace:add-workspace';
  export const editWorkspace = 'mlflow-workspace:edit-workspace';
  export const removeWorkspace = 'mlflow-workspace:remove-workspace';
  export const insertSetupCell = 'mlflow-workspace:insert-setup-cell';
  export const writeAzureConfig = 'mlflow-workspace:write-azure-config';
  export const deploy = 'mlflow-workspace:deploy';
  export const refreshDeployments = 'mlflow-workspace:refresh-deployments';
  export const stopDeployment = 'mlflow-workspace:stop-deployment';
  export const runDeploymentAction = 'mlflow-workspace:run-deployment-action';
  export const openMonitor = 'mlflow-workspace:open-monitor';
  // Live metric charts (issue 5)
  export const openLiveMetrics = 'mlflow-workspace:open-live-metrics';
  export const pinRun = 'mlflow-workspace:pin-run';
  export const refreshLiveMetrics = 'mlflow-workspace:refresh-live-metrics';
  export const openRunsBrowser = 'mlflow-workspace:open-runs-browser';
  export const refreshRuns = 'mlflow-workspace:refresh-runs';
  export const loadAllRuns = 'mlflow-workspace:load-all-runs';
  export const createExperiment = 'mlflow-workspace:create-experiment';
  export const renameExperiment = 'mlflow-workspace:rename-experiment';
  export const deleteExperiment = 'mlflow-workspace:delete-experiment';
  export const restoreExperiment = 'mlflow-workspace:restore-experiment';
  export const selectTopRuns = 'mlflow-workspace:select-top-runs';
  export const compareRuns = 'mlflow-workspace:compare-runs';
  export const clearRunSelection = 'mlflow-workspace:clear-run-selection';
  export const showSweep = 'mlflow-workspace:show-sweep';
  export const openRunInMlflowUi = 'mlflow-workspace:open-run-in-mlflow-ui';
  export const chooseRunColumns = 'mlflow-workspace:choose-run-columns';
}
