// The dashboard with TABA_AUTH=required: the page itself loads without a token, every API call
// it makes is refused with the gateway's reason until a read token is entered in the page, and
// the token stays in the browser tab's session storage only.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../support/browser.js';
import { launchChromium, openPage, screenshot } from '../support/browser.js';
import { useGatewayStack } from '../support/gateway-stack.js';
import { writeTokensFile } from '../support/tokens-file.js';

const READER = 'reader-token-for-the-dashboard';
const WRITER = 'writer-token-for-the-dashboard';
const tokensFile = writeTokensFile('taba-dashboard-auth-', [
  { name: 'reader', token: READER, scopes: ['read'] },
  { name: 'writer', token: WRITER, scopes: ['write:*'] },
]);

const { stack } = useGatewayStack({
  redisShards: 1,
  env: {
    TABA_AUTH: 'required',
    TABA_AUTH_TOKENS_FILE: tokensFile.path,
    TABA_INTERNAL_TOKEN: 'dashboard-internal-token-0123456789',
  },
});

let browser: Browser | undefined;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  browser = await launchChromium();
  ({ page, problems } = await openPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  tokensFile.remove();
});

describe('the dashboard with auth required', () => {
  it('shows the refusal, then the Tabs once a read token is entered', async () => {
    const posted = await fetch(`${stack().restUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITER}` },
      body: JSON.stringify({
        client: 'auth-1',
        events: [1, 2, 3, 4].map(value => ({ name: 'auth.bid', value })),
      }),
    });
    expect(posted.status).toBe(200);

    const response = await page.goto(`${stack().restUrl}/`);
    expect(response?.status()).toBe(200);
    await page
      .locator('[data-testid="errors"]', { hasText: 'HTTP 401 UNAUTHENTICATED TOKEN_MISSING' })
      .waitFor();
    expect(await page.locator('tr[data-tab]').count()).toBe(0);
    await screenshot(page, 'auth-refused');

    await page.locator('input[aria-label="bearer token"]').fill(READER);
    await page.locator('input[aria-label="bearer token"]').press('Enter');
    await page
      .locator('tr[data-tab="auth.bid"] td[data-col="count"]', { hasText: /^4$/ })
      .waitFor();
    await page.locator('[data-testid="errors"]').waitFor({ state: 'hidden' });
    expect(await page.evaluate('sessionStorage.getItem("taba.token")')).toBe(READER);
    expect(await page.evaluate('localStorage.length')).toBe(0);

    // Only the refused calls of before the token may have been logged.
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.length).toBeGreaterThan(0);
    for (const error of problems.consoleErrors) {
      expect(error).toBe(
        'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      );
    }
  });
});
