// Entry point of the aggregator service: `node dist/main.js`, configured by TABA_* variables.
import { runServiceMain } from '@taba/common';
import { loadConfig } from './config.js';
import { createAggregatorService } from './server.js';

await runServiceMain(process.env, {
  service: 'aggregator',
  loadConfig,
  build: createAggregatorService,
});
