// Entry point of the gateway service: `node dist/main.js`, configured by TABA_* variables.
import { runServiceMain } from '@taba/common';
import { loadConfig } from './config.js';
import { createGatewayService, staticDiscovery } from './server.js';

// Wiring: discovery is static (TABA_*_ADDRESSES) for now; Consul replaces it here.
await runServiceMain(process.env, {
  service: 'gateway',
  loadConfig,
  build: (config, context) =>
    createGatewayService(config, context, { discovery: staticDiscovery(config) }),
});
