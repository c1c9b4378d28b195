#!/usr/bin/env node
// `npm run build`: bundles the dashboard (after tsc built the gateway) into
// services/gateway/dist/dashboard/, which a built gateway serves (docs/dashboard.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bundleDashboard,
  DASHBOARD_BUILD_DIR,
} from '../services/gateway/dist/rest/dashboard-bundle.js';

const files = await bundleDashboard();
// A fresh directory: files of an older build (other hashes) would be served forever.
rmSync(DASHBOARD_BUILD_DIR, { recursive: true, force: true });
mkdirSync(DASHBOARD_BUILD_DIR, { recursive: true });
for (const [name, bytes] of files) writeFileSync(join(DASHBOARD_BUILD_DIR, name), bytes);
console.log(`dashboard: ${[...files.keys()].join(', ')} in ${DASHBOARD_BUILD_DIR}`);
