#!/usr/bin/env node
// Launcher of the `taba` command: runs src/main.ts in this same process, compiled on the fly
// by tsx, with the `@taba/source` export condition so workspace packages resolve to their
// TypeScript sources (no build needed). One process: signals reach the CLI directly and its
// exit code is the process's.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
// Hooks run last-registered first: this one adds the condition, then tsx resolves.
register(
  'data:text/javascript,export function resolve(specifier, context, next) {' +
    ' return next(specifier, { ...context, conditions: [...context.conditions, "@taba/source"] }); }',
);
await import('../src/main.ts');
