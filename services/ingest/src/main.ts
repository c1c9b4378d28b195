// Entry point of the ingest service: `node dist/main.js`, configured by TABA_* variables.
import { runServiceMain } from '@taba/common';
import { loadConfig } from './config.js';
import { createIngestService } from './server.js';

await runServiceMain(process.env, {
  service: 'ingest',
  loadConfig,
  build: createIngestService,
});
