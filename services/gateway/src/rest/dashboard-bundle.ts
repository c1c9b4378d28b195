// Builds the dashboard (services/gateway/dashboard/) into a few hashed files and the page
// that names them, with esbuild: at `npm run build` (scripts/build-dashboard.mjs writes them to
// dist/dashboard/), and in memory when the gateway runs from source (dashboard-assets.ts).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser sources, next to this workspace's src/. */
export const DASHBOARD_SOURCE_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

/** Where `npm run build` writes the bundle and where a built gateway reads it. */
export const DASHBOARD_BUILD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

const SCRIPT_MARK = '<!--script-->';
const STYLE_MARK = '<!--style-->';

/** The page with the bundle's hashed names in place of its marks. */
export function pageWithAssets(template: string, script: string, style: string): string {
  if (!template.includes(SCRIPT_MARK) || !template.includes(STYLE_MARK)) {
    throw new Error(`index.html must hold ${SCRIPT_MARK} and ${STYLE_MARK}`);
  }
  return template
    .replace(STYLE_MARK, `<link rel="stylesheet" href="/dashboard/${style}">`)
    .replace(SCRIPT_MARK, `<script type="module" src="/dashboard/${script}"></script>`);
}

/** File name → bytes: index.html, main-<hash>.js, main-<hash>.css (and their source maps). */
export async function bundleDashboard(): Promise<Map<string, Buffer>> {
  // Only a gateway run from source or the build needs esbuild (a devDependency).
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [`${DASHBOARD_SOURCE_DIR}main.ts`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    entryNames: '[name]-[hash]',
    outdir: DASHBOARD_BUILD_DIR,
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, Buffer>();
  for (const output of result.outputFiles) {
    files.set(basename(output.path), Buffer.from(output.contents));
  }
  const names = [...files.keys()];
  const script = names.find(name => name.endsWith('.js'));
  const style = names.find(name => name.endsWith('.css'));
  if (script === undefined || style === undefined) {
    throw new Error(`the dashboard bundle lacks its script or style: ${names.join(', ')}`);
  }
  const template = await readFile(`${DASHBOARD_SOURCE_DIR}index.html`, 'utf8');
  files.set('index.html', Buffer.from(pageWithAssets(template, script, style), 'utf8'));
  return files;
}
