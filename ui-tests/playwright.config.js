/**
 * Playwright configuration for the Galata ui-tests, run in Debian's Chromium.
 *
 * Playwright cannot download browsers or ffmpeg here, hence `executablePath` and `video: 'off'`.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Another checkout's tests may hold 8888 on a shared machine: UI_TEST_PORT moves ours.
const port = process.env.UI_TEST_PORT || '8888';
// The same for the tests' own MLflow server; the specs read MLFLOW_UITEST_URL (fixtures.ts), which
// Playwright's workers inherit from this process.
const mlflowPort = process.env.MLFLOW_UITEST_PORT || '5077';
process.env.MLFLOW_UITEST_URL = `http://127.0.0.1:${mlflowPort}`;

module.exports = {
  ...baseConfig,
  reporter: [['list'], ['html', { open: 'never' }]],
  retries: process.env.CI ? 1 : 0,
  // Server round trips on a loaded 2-core machine can exceed Playwright's 5 s default.
  expect: { timeout: 20_000 },
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--disable-lcd-text', '--disable-webgl']
    }
  },
  projects: [
    {
      name: 'jupyterlab',
      testMatch: /lab\/.*\.spec\.ts/
    },
    {
      name: 'notebook',
      testMatch: /notebook\/.*\.spec\.ts/,
      use: { appPath: '' }
    }
  ],
  webServer: [
    {
      // The tests' own MLflow tracking server, a real one, for the "MLflow server" workspace.
      command:
        `bash -c 'd=$(mktemp -d); exec python -m mlflow server --host 127.0.0.1 --port ${mlflowPort} ` +
        "--workers 1 --backend-store-uri sqlite:///$d/mlflow.db --artifacts-destination $d/artifacts'",
      url: `http://127.0.0.1:${mlflowPort}/health`,
      timeout: 180 * 1000,
      reuseExistingServer: !process.env.CI,
      env: {
        MLFLOW_DISABLE_TELEMETRY: 'true',
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false'
      },
      stdout: 'ignore',
      stderr: process.env.PWDEBUG_SERVER ? 'pipe' : 'ignore'
    },
    {
      command: `jlpm start --ServerApp.port=${port}`,
      url: `http://localhost:${port}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      // The server's log is long; set PWDEBUG_SERVER=1 to see it.
      stdout: process.env.PWDEBUG_SERVER ? 'pipe' : 'ignore',
      stderr: process.env.PWDEBUG_SERVER ? 'pipe' : 'ignore'
    }
  ]
};
