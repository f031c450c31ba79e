/**
 * The newcomer check's browser half: open the URL README command 1 printed, exactly as printed,
 * in Debian's Chromium, and see the ML Workspace panel ready with the local workspace.
 *
 * Usage: node open_printed_url.js <url> <screenshot.png>
 * Exits non-zero with a plain reason when the URL lands on the login page or the panel is missing.
 */
const path = require('path');
const { chromium } = require(
  path.join(
    __dirname,
    '..',
    '..',
    'ui-tests',
    'node_modules',
    'playwright-core'
  )
);

async function main() {
  const [url, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    // Root cannot use Chromium's sandbox; background networking fails on a closed network.
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update'
    ]
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 720 }
    });
    await page.goto(url, { timeout: 120_000 });
    if (page.url().includes('/login')) {
      throw new Error(`the printed URL led to the login page: ${page.url()}`);
    }
    const tab = page.locator(
      '.jp-SideBar [data-id="jp-mlflow-workspace-panel"]'
    );
    await tab.waitFor({ timeout: 120_000 });
    if (!(await page.locator('#jp-mlflow-workspace-panel').isVisible())) {
      await tab.click();
    }
    const local = page.locator(
      '#jp-mlflow-workspace-panel .jp-mlflow-WorkspaceItem[data-workspace="local"]'
    );
    await local.waitFor({ timeout: 60_000 });
    const text = (await local.innerText()).replace(/\s+/g, ' ');
    if (screenshot) {
      await page.screenshot({ path: screenshot });
    }
    console.log(`newcomer: panel ready, local workspace listed: "${text}"`);
  } finally {
    await browser.close();
  }
}

main().catch(error => {
  console.error(`newcomer: ${error.message || error}`);
  process.exit(1);
});
