// Entry point of the gateway service: `node dist/main.js`, configured by TABA_* variables.
import { runServiceMain } from '@taba/common';
import { loadConfig } from './config.js';
import { createGatewayService } from './server.js';

await runServiceMain(process.env, {
  service: 'gateway',
  loadConfig,
  build: createGatewayService,
});
