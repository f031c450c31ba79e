/**
 * Benchmark, not a test: a 1,000,000-point metric in Live Metrics, in Debian's Chromium against a
 * real JupyterLab and a real MLflow server, beside MLflow's own run page on the same run. Not part
 * of `scripts/test.sh`. From the repository root, after `bash scripts/test.sh build pytest`:
 *
 *   cd ui-tests && PATH=$PWD/../.build/venv-test/bin:$PATH \
 *     jlpm playwright test -c benchmarks/chart-1m.config.js
 *
 * The MLflow server is benchmarks/chart_1m.py --serve: the first run seeds the run into
 * .build/bench/mlflow-1m/ with log-batch (~3 minutes), later runs reuse it. Ports:
 * CHART_BENCH_PORT (Jupyter, 8891) and CHART_BENCH_MLFLOW_PORT (5079). Prints the figures.
 */
const path = require('path');
const base = require('../playwright.config.js');

const port = process.env.CHART_BENCH_PORT || '8891';
const mlflowPort = process.env.CHART_BENCH_MLFLOW_PORT || '5079';
const root = path.join(__dirname, '..', '..');

process.env.CHART_BENCH_MLFLOW_URL = `http://127.0.0.1:${mlflowPort}`;

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: /chart-1m\.bench\.ts/,
  projects: undefined,
  retries: 0,
  timeout: 30 * 60 * 1000,
  reporter: [['list']],
  outputDir: require('os').tmpdir() + '/chart-1m-bench',
  use: {
    ...base.use,
    baseURL: `http://localhost:${port}`,
    trace: 'off',
    screenshot: 'only-on-failure',
    actionTimeout: 60_000,
    viewport: { width: 1400, height: 900 }
  },
  webServer: [
    {
      command: `python benchmarks/chart_1m.py --serve --port ${mlflowPort}`,
      cwd: root,
      url: `http://127.0.0.1:${mlflowPort}/health`,
      timeout: 180 * 1000,
      reuseExistingServer: true,
      stdout: 'pipe',
      stderr: 'ignore'
    },
    {
      ...base.webServer[1],
      command: `jlpm start --ServerApp.port=${port}`,
      cwd: path.join(__dirname, '..'),
      url: `http://localhost:${port}/lab`
    }
  ]
};
