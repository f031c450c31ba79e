/**
 * Benchmark, not a test: the run browser in Debian's Chromium against a real JupyterLab and a real
 * MLflow server holding 10,000 runs x 20 metrics x 20 params plus a 200-trial sweep. Not part of
 * `scripts/test.sh`. From the repository root, after `bash scripts/test.sh build pytest`:
 *
 *   cd ui-tests && PATH=$PWD/../.build/venv-test/bin:$PATH \
 *     jlpm playwright test -c benchmarks/runs-browser.config.js
 *
 * The first run seeds .build/bench/mlflow-10k.db through MLflow's store API (~15 minutes; see
 * benchmarks/runs_browser_server.py); later runs copy it. Ports: RUNS_BENCH_PORT (Jupyter, 8890)
 * and RUNS_BENCH_MLFLOW_PORT (5078). Prints the figures.
 */
const path = require('path');
const base = require('../playwright.config.js');

const port = process.env.RUNS_BENCH_PORT || '8890';
const mlflowPort = process.env.RUNS_BENCH_MLFLOW_PORT || '5078';
const root = path.join(__dirname, '..', '..');

process.env.RUNS_BENCH_MLFLOW_URL = `http://127.0.0.1:${mlflowPort}`;

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: /runs-browser\.bench\.ts/,
  projects: undefined,
  retries: 0,
  reporter: [['list']],
  outputDir: require('os').tmpdir() + '/runs-browser-bench',
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
      command: `python benchmarks/runs_browser_server.py --port ${mlflowPort}`,
      cwd: root,
      url: `http://127.0.0.1:${mlflowPort}/health`,
      // Seeding 10,000 runs the first time takes minutes.
      timeout: 40 * 60 * 1000,
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
