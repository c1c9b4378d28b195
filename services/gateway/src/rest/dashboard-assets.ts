// Where the gateway's dashboard comes from: the files `npm run build` wrote when the gateway
// runs built (dist/), or a bundle made in memory at start when it runs from its TypeScript
// sources (`npm start`, the tests), so a fresh clone needs no build step and never serves a
// stale bundle.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@taba/common';
import { bundleDashboard, DASHBOARD_BUILD_DIR } from './dashboard-bundle.js';
import type { StaticAssets } from './static-assets.js';
import { INDEX_FILE, staticAssets } from './static-assets.js';

/** Files of a built bundle read at most (it has five). */
const MAX_BUILT_FILES = 64;

/** Whether this module runs as TypeScript (tsx), i.e. from the sources rather than dist/. */
export function runsFromSource(moduleUrl: string = import.meta.url): boolean {
  return moduleUrl.endsWith('.ts');
}

async function readBuiltBundle(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).slice(0, MAX_BUILT_FILES);
  const files = new Map<string, Buffer>();
  for (const name of names) files.set(name, await readFile(join(dir, name)));
  return files;
}

/**
 * The dashboard's files, in memory. A built gateway without a built bundle (or with an
 * unreadable one) serves no dashboard: it logs why, and `/` answers 404 DASHBOARD_NOT_BUILT.
 */
export async function loadDashboardAssets(
  logger: Logger,
  fromSource: boolean = runsFromSource(),
  builtDir: string = DASHBOARD_BUILD_DIR,
): Promise<StaticAssets> {
  try {
    const files = fromSource ? await bundleDashboard() : await readBuiltBundle(builtDir);
    if (!files.has(INDEX_FILE)) throw new Error(`${builtDir} has no ${INDEX_FILE}`);
    return staticAssets(files);
  } catch (error) {
    logger.warn({ err: error }, 'no dashboard: its bundle could not be built or read');
    return new Map();
  }
}
