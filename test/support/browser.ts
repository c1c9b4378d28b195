// Headless Chromium for the dashboard tests: Debian's `chromium` (never a downloaded browser),
// driven by playwright-core; a page that records every console error and uncaught exception.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './service-process.js';

/** The browser binary: TABA_CHROMIUM, else Debian's package (`.ci/run` installs it). */
export const CHROMIUM_PATH = process.env.TABA_CHROMIUM ?? '/usr/bin/chromium';

/** Where the tests write their screenshots (git-ignored). */
export const DASHBOARD_ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts', 'dashboard');

/** Launches Chromium; throws (the test fails, never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium) or set TABA_CHROMIUM`,
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox'],
    timeout: 30_000,
  });
}

/** What went wrong in a page: console errors and uncaught exceptions, in order. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
}

export async function openPage(browser: Browser): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000);
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', message => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', error => problems.pageErrors.push(error.message));
  return { page, problems };
}

/** A full-page screenshot under DASHBOARD_ARTIFACTS/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(DASHBOARD_ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(DASHBOARD_ARTIFACTS, `${name}.png`), fullPage: true });
}
