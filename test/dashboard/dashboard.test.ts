// The dashboard in headless Chromium against a real stack: each view shows what was posted,
// live, and says clearly what failed. Screenshots of every view go to test/artifacts/dashboard/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../support/browser.js';
import { launchChromium, openPage, screenshot } from '../support/browser.js';
import { useGatewayStack } from '../support/gateway-stack.js';

const { stack } = useGatewayStack({ redisShards: 2, aggregators: 1 });

let browser: Browser | undefined;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  browser = await launchChromium();
  ({ page, problems } = await openPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function post(client: string, events: readonly unknown[]): Promise<void> {
  const response = await fetch(`${stack().restUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client, events }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ applied: events.length, rejectedCount: 0 });
}

function counts(name: string, values: readonly number[]) {
  return values.map(value => ({ name, type: 'CounterGroup', value }));
}

/** Waits until `selector`'s text is exactly `text` (bounded by the page's default timeout). */
async function waitForText(selector: string, text: string): Promise<void> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    await page.locator(selector, { hasText: new RegExp(`^${escaped}$`) }).waitFor();
  } catch (error) {
    const shown = await page.locator(selector).allInnerTexts();
    const banner = await page.locator('[data-testid="errors"]').textContent();
    throw new Error(
      `${selector} never showed ${JSON.stringify(text)}: it shows ${JSON.stringify(shown)}; errors: ${JSON.stringify(banner)}`,
      { cause: error },
    );
  }
}

function expectNoProblems(): void {
  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
}

describe('the dashboard', () => {
  it('loads without console errors and lists a posted Tab with its exact count', async () => {
    await post('dash-1', counts('dash.bid', [1, 2, 3, 4, 5, 6, 7]));
    await post('dash-2', counts('dash.ask', [10, 20, 30]));
    await post('dash-1', [{ name: 'other.mode', type: 'Gauge', value: 'canary' }]);

    const response = await page.goto(`${stack().restUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toBe('no-cache');
    await waitForText('tr[data-tab="dash.bid"] td[data-col="count"]', '7');
    await waitForText('tr[data-tab="dash.bid"] td[data-col="clients"]', '1');
    await waitForText('tr[data-tab="dash.ask"] td[data-col="count"]', '3');
    await waitForText('tr[data-tab="other.mode"] td:nth-child(2)', 'Gauge');
    expect(await page.locator('[data-testid="errors"]').isHidden()).toBe(true);
    await screenshot(page, 'tabs');
    expectNoProblems();
  });

  it('narrows the list with a regex search', async () => {
    expect(await page.locator('tr[data-tab]').count()).toBe(3);
    await page.locator('[data-testid="type-filter"]').selectOption('Gauge');
    await waitForText('[data-testid="tabs-summary"]', '1 Tab of type Gauge, of 3');
    expect(await page.locator('tr[data-tab]').count()).toBe(1);
    await page.locator('[data-testid="type-filter"]').selectOption('');
    await page.locator('[data-testid="tab-search"]').fill('^dash\\.');
    await waitForText('[data-testid="tabs-summary"]', '2 Tabs matching /^dash\\./');
    await page.locator('tr[data-tab="other.mode"]').waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-tab]').count()).toBe(2);
    await waitForText('tr[data-tab="dash.bid"] td[data-col="count"]', '7');
    await screenshot(page, 'tabs-search');
    expectNoProblems();
  });

  it('shows a Tab live: its numbers, a plot, and a second post without a reload', async () => {
    await page.locator('tr[data-tab="dash.bid"] a').click();
    await waitForText('[data-testid="tab-name"]', 'dash.bid');
    await waitForText('[data-figure="count"] dd', '7');
    await waitForText('[data-figure="total"] dd', '28');
    await waitForText('[data-figure="average"] dd', '4');
    // A plot of the 1m buckets, each a point (one bucket is a dot, no line yet).
    await page.locator('[data-testid="render"] svg.chart circle').first().waitFor();
    expect(
      Number(await page.locator('svg.chart').first().getAttribute('data-points')),
    ).toBeGreaterThan(0);
    await waitForText('[data-testid="tab-type"]', 'CounterGroup');
    const command = `taba agg dash.bid --detail --gateway ${stack().grpcAddress}`;
    await waitForText('[data-testid="cli-command"]', command);
    await page.evaluate('window.dashboardTestMarker = "same page"');

    await post('dash-3', counts('dash.bid', [8, 8, 8, 8, 8]));
    await waitForText('[data-figure="count"] dd', '12');
    await waitForText('[data-figure="total"] dd', '68');
    expect(await page.evaluate('window.dashboardTestMarker')).toBe('same page');
    // One projection row per client, each with its own count.
    await waitForText('[data-testid="projection"] tbody tr:nth-child(2) td:first-child', 'dash-3');
    expect(await page.locator('[data-testid="projection"] tbody tr').count()).toBe(2);
    await screenshot(page, 'tab');
    expectNoProblems();
  });

  it('merges a super-aggregate live', async () => {
    await page.goto(`${stack().restUrl}/#/super?re=${encodeURIComponent('^dash\\.')}`);
    await page.locator('[data-window="10m"]').click();
    await waitForText('[data-figure="count"] dd', '15');
    await waitForText('[data-figure="total"] dd', '128');
    await page
      .locator('[data-testid="super-matches"]', { hasText: '2 Tabs match (CounterGroup)' })
      .waitFor();
    await screenshot(page, 'super');
    expectNoProblems();
  });

  it('lists every service of the cluster', async () => {
    await page.locator('nav a[data-view="cluster"]').click();
    for (const service of ['gateway', 'ingest', 'aggregator', 'query']) {
      await page.locator(`[data-testid="cluster-table"] tr[data-service="${service}"]`).waitFor();
    }
    expect(await page.locator('[data-testid="cluster-table"] tbody tr').count()).toBe(4);
    await waitForText('tr[data-service="aggregator"] td:nth-child(3)', '1024');
    expect(await page.locator('tr[data-service] .down').count()).toBe(0);
    await screenshot(page, 'cluster');
    expectNoProblems();
  });

  it('says clearly that a Tab does not exist', async () => {
    await page.goto(`${stack().restUrl}/#/tab?name=dash.none`);
    await page
      .locator('[data-testid="empty"]', { hasText: 'There is no Tab named “dash.none”' })
      .waitFor();
    await page
      .locator('[data-testid="errors"]', {
        hasText: 'HTTP 404 NOT_FOUND UNKNOWN_TAB: no Tab named dash.none',
      })
      .waitFor();
    await screenshot(page, 'unknown-tab');
    // The browser logs each 404 it got; nothing else may appear.
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.length).toBeGreaterThan(0);
    for (const error of problems.consoleErrors) {
      expect(error).toBe(
        'Failed to load resource: the server responded with a status of 404 (Not Found)',
      );
    }
  });

  it('pages 30,000 Tabs, reading the counts of the visible page only', async () => {
    const TABS = 30_000;
    const BATCH = 1000;
    const name = (i: number) => `page.${String(i).padStart(5, '0')}`;
    for (let start = 0; start < TABS; start += BATCH) {
      const events = Array.from({ length: BATCH }, (_, i) => ({ name: name(start + i), value: 1 }));
      await post(`page-${start / BATCH}`, events);
    }
    const asked: number[] = [];
    page.on('request', request => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/tabs')
        asked.push(url.searchParams.get('name')?.split(',').length ?? 0);
    });
    // The whole list (a regex over 30,000 names may pass TABA_REGEX_TIMEOUT_MS on a loaded
    // machine, which the page would show as REGEX_TOO_SLOW): the 3 Tabs of before, then these.
    await page.goto(`${stack().restUrl}/#/tabs`);
    await page.reload();
    await waitForText('[data-testid="tabs-summary"]', '30,003 Tabs');
    await waitForText(`tr[data-tab="${name(0)}"] td[data-col="count"]`, '1');
    expect(await page.locator('tr[data-tab]').count()).toBe(50);
    await page.locator('.pager button', { hasText: 'next' }).click();
    await waitForText(`tr[data-tab="${name(47)}"] td[data-col="count"]`, '1');
    await page.locator('.pager', { hasText: 'page 2 of 601' }).waitFor();
    expect(await page.locator('tr[data-tab]').count()).toBe(50);
    await page.locator('th', { hasText: 'name' }).click();
    await waitForText(`tr[data-tab="${name(TABS - 1)}"] td[data-col="count"]`, '1');
    expect(asked.length).toBeGreaterThan(2);
    expect(Math.max(...asked)).toBe(50);
    await screenshot(page, 'tabs-30000');
    expect(problems.pageErrors).toEqual([]);
  }, 120_000);
});
