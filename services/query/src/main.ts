// Entry point of the query service: `node dist/main.js`, configured by TABA_* variables.
import { runServiceMain } from '@taba/common';
import { loadConfig } from './config.js';
import { createQueryService } from './server.js';

await runServiceMain(process.env, {
  service: 'query',
  loadConfig,
  build: createQueryService,
});
