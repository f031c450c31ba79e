import { LabIcon } from '@jupyterlab/ui-components';

// A flask over a rising line: tracking experiments. Drawn with the theme's icon colour classes
// so it follows light and dark themes.
const workspaceSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M9 2h6v2h-1v5.2l5.6 9.3A2 2 0 0 1 17.9 22H6.1a2 2 0 0 1-1.7-3.5L10 9.2V4H9V2zm3 8.6-3.3 5.4h6.6L12 10.6z"/>
  </g>
</svg>`;

/** The icon of the ML Workspace panel. */
export const workspaceIcon = new LabIcon({
  name: 'jupyterlab-mlflow-workspace:workspace',
  svgstr: workspaceSvg
});

// A box going up an arrow: shipping a model as a service.
const deploySvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 6 8h4v6h4V8h4l-6-6zM4 16v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4h-2v4H6v-4H4z"/>
  </g>
</svg>`;

/** The icon of the Deploy button. */
export const deployIcon = new LabIcon({
  name: 'jupyterlab-mlflow-workspace:deploy',
  svgstr: deploySvg
});
