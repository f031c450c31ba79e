/**
 * Benchmark, not a test: log→pixel latency of the Live metrics view, push and poll, in Debian's
 * Chromium against a real JupyterLab, kernel and MLflow server. Not part of `scripts/test.sh`.
 *
 *   cd ui-tests && jlpm playwright test -c benchmarks/live-latency.config.js
 *
 * Prints the figures. Uses the ports of the UI tests (8888, 5077) unless LIVE_BENCH_PORT is set.
 */
const base = require('../playwright.config.js');

const port = process.env.LIVE_BENCH_PORT || '8888';

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: /.*\.bench\.ts/,
  projects: undefined,
  retries: 0,
  reporter: [['list']],
  outputDir: require('os').tmpdir() + '/live-latency-bench',
  use: { ...base.use, baseURL: `http://localhost:${port}`, trace: 'off' },
  webServer: [
    { ...base.webServer[0], cwd: require('path').join(__dirname, '..') },
    {
      ...base.webServer[1],
      command: `jlpm start --ServerApp.port=${port}`,
      cwd: require('path').join(__dirname, '..'),
      url: `http://localhost:${port}/lab`
    }
  ]
};
