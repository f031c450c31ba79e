/**
 * Playwright configuration for the JupyterHub smoke that tests/python/test_jupyterhub.py runs
 * against the hub it started (HUB_URL, HUB_USER, HUB_PASSWORD): the newcomer stage's browser
 * settings, its own tests. No webServer: the hub is the server under test.
 */
const newcomer = require('./newcomer.config.js');

module.exports = {
  ...newcomer,
  testDir: './tests/hub',
  outputDir: './test-results/hub'
};
