import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@taba/common';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDashboardAssets, runsFromSource } from './dashboard-assets.js';
import { pageWithAssets } from './dashboard-bundle.js';

const logger = createLogger({ service: 'gateway', level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'taba-dashboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dashboard assets', () => {
  it('tells source from built code by the module name', () => {
    expect(runsFromSource('file:///x/src/rest/dashboard-assets.ts')).toBe(true);
    expect(runsFromSource('file:///x/dist/rest/dashboard-assets.js')).toBe(false);
  });

  it('bundles the sources in memory: a page naming its hashed script and style', async () => {
    const assets = await loadDashboardAssets(logger, true);
    const page = assets.get('index.html')?.body.toString() ?? '';
    const script = /src="\/dashboard\/(main-[A-Z0-9]{8}\.js)"/.exec(page)?.[1];
    const style = /href="\/dashboard\/(main-[A-Z0-9]{8}\.css)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    expect(assets.get(script ?? '')?.body.length).toBeGreaterThan(1000);
    expect(assets.get(style ?? '')?.contentType).toBe('text/css; charset=utf-8');
  }, 30_000);

  it('reads a built bundle from its directory', async () => {
    const built = join(dir, 'built');
    mkdirSync(built);
    writeFileSync(join(built, 'index.html'), '<p>built</p>');
    writeFileSync(join(built, 'main-AB12CD34.js'), 'x');
    const assets = await loadDashboardAssets(logger, false, built);
    expect([...assets.keys()].sort()).toEqual(['index.html', 'main-AB12CD34.js']);
    expect(assets.get('index.html')?.body.toString()).toBe('<p>built</p>');
  });

  it('serves nothing when a built gateway has no bundle', async () => {
    expect((await loadDashboardAssets(logger, false, join(dir, 'missing'))).size).toBe(0);
    const empty = join(dir, 'no-page');
    mkdirSync(empty);
    writeFileSync(join(empty, 'main-AB12CD34.js'), 'x');
    expect((await loadDashboardAssets(logger, false, empty)).size).toBe(0);
  });

  it('puts the hashed names in the page template, which must hold both marks', () => {
    const page = pageWithAssets('<head><!--style--></head><!--script-->', 'm-1.js', 'm-2.css');
    expect(page).toBe(
      '<head><link rel="stylesheet" href="/dashboard/m-2.css"></head><script type="module" src="/dashboard/m-1.js"></script>',
    );
    expect(() => pageWithAssets('<head></head>', 'm-1.js', 'm-2.css')).toThrow(/must hold/);
  });
});
