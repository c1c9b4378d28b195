#!/usr/bin/env node
// tsc does not copy non-TypeScript files: copy the Lua scripts next to the built code.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const assets = [
  ['services/aggregator/src/redis/lua', 'services/aggregator/dist/redis/lua'],
  ['services/query/src/redis/lua', 'services/query/dist/redis/lua'],
];
for (const [from, to] of assets) {
  if (existsSync(join(root, from))) cpSync(join(root, from), join(root, to), { recursive: true });
}
