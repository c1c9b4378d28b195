#!/usr/bin/env node
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx({ tsconfig: new URL('../tsconfig.json', import.meta.url).pathname });
register(
  'data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"@taba/source"]})}',
);
await import('../src/main.ts');
