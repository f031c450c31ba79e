/**
 * Playwright configuration for the test command's newcomer stage (scripts/run_tests.py): the URL
 * `bash scripts/dev.sh` printed in a fresh clone, opened as printed (NEWCOMER_URL) in Debian's
 * Chromium. No webServer: the newcomer's own JupyterLab is the server under test.
 */
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

module.exports = {
  testDir: './tests/newcomer',
  outputDir: './test-results/newcomer',
  reporter: [['list']],
  workers: 1,
  retries: 0,
  // The first load of a development build on a loaded 2-core machine is slow.
  timeout: 180_000,
  expect: { timeout: 60_000 },
  use: {
    headless: true,
    viewport: { width: 1280, height: 720 },
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Headless, no sandbox (Playwright's default, needed as root), Debian's browser.
    launchOptions: { executablePath: chromium }
  }
};
