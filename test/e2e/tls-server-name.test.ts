// TABA_TLS_SERVER_NAME: in a cluster, discovery hands out pod IPs while a certificate names a
// service; peers then check the certificate against the configured name, not the IP dialled.
import { status } from '@grpc/grpc-js';
import {
  addHealthService,
  bindServer,
  createGrpcServer,
  loadTlsConfig,
  TlsCredentials,
} from '@taba/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grpcErrorOf } from '../support/grpc-client.js';
import { createHealthClient } from '../support/grpc-health.js';
import { createTestPki } from '../support/test-pki.js';

const pki = createTestPki();
const named = pki.issue('named', { altNames: ['DNS:taba-internal'] });
const server = createGrpcServer();
let address = '';

beforeAll(async () => {
  addHealthService(server, []).setStatus('', 'SERVING');
  const tls = new TlsCredentials({ server: named });
  address = `127.0.0.1:${await bindServer(server, '127.0.0.1:0', tls.serverCredentials())}`;
});

afterAll(() => {
  server.forceShutdown();
  pki.remove();
});

/** Health/Check through channel credentials made from `env`, as a service makes them. */
async function checkWith(env: Record<string, string>) {
  const credentials = new TlsCredentials(loadTlsConfig(env)).channelCredentials();
  const health = createHealthClient(address, undefined, credentials);
  try {
    return await health.check('', 3000);
  } finally {
    health.close();
  }
}

it('checks the certificate against TABA_TLS_SERVER_NAME instead of the address dialled', async () => {
  const trust = { TABA_TLS_CA_FILE: pki.caFile };
  expect(await checkWith({ ...trust, TABA_TLS_SERVER_NAME: 'taba-internal' })).toBe('SERVING');
  // The certificate does not name 127.0.0.1, nor another service.
  expect((await grpcErrorOf(checkWith(trust))).code).toBe(status.UNAVAILABLE);
  expect(
    (await grpcErrorOf(checkWith({ ...trust, TABA_TLS_SERVER_NAME: 'taba-other' }))).code,
  ).toBe(status.UNAVAILABLE);
});
