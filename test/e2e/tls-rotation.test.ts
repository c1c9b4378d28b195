// Certificate rotation on a running gateway process: a changed file is picked up by polling
// (TABA_TLS_RELOAD_INTERVAL_MS) or on SIGHUP; new connections get the new certificate, gRPC and
// HTTPS alike, and a pair that does not fit is refused while the previous one keeps serving.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, LOOPBACK } from '../support/free-port.js';
import { createHealthClient } from '../support/grpc-health.js';
import { requestUrl } from '../support/https-request.js';
import { pollUntil } from '../support/poll.js';
import type { ServiceProcess } from '../support/service-process.js';
import { startServiceProcess } from '../support/service-process.js';
import type { IssuedCertificate, TestPki } from '../support/test-pki.js';
import { createTestPki } from '../support/test-pki.js';

const first = createTestPki('First CA');
const second = createTestPki('Second CA');
const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map(child => child.stop('SIGTERM', 5000).catch(() => undefined)));
  first.remove();
  second.remove();
});

/** The files the gateway is configured with; a rotation copies other certificates over them. */
const LIVE = { certFile: join(first.dir, 'live.crt'), keyFile: join(first.dir, 'live.key') };

function install(pair: IssuedCertificate): void {
  copyFileSync(pair.keyFile, LIVE.keyFile);
  copyFileSync(pair.certFile, LIVE.certFile);
}

/** Whether a new connection trusting only `pki`'s CA gets a health answer (gRPC) and an HTTPS answer. */
async function trusted(gateway: ServiceProcess, restUrl: string, pki: TestPki): Promise<boolean> {
  const health = createHealthClient(gateway.address, undefined, pki.channelCredentials());
  try {
    const grpcOk = await health.check('', 3000).then(
      () => true,
      () => false,
    );
    const httpsOk = await requestUrl(`${restUrl}/v1/status`, { caFile: pki.caFile }).then(
      answer => answer.status === 200,
      () => false,
    );
    if (grpcOk !== httpsOk) throw new Error(`gRPC ${grpcOk} but HTTPS ${httpsOk}`);
    return grpcOk;
  } finally {
    health.close();
  }
}

async function startGateway(
  reloadIntervalMs: number,
): Promise<{ gateway: ServiceProcess; restUrl: string }> {
  install(first.server);
  const rest = `${LOOPBACK}:${await freePort()}`;
  const gateway = await startServiceProcess({
    service: 'gateway',
    env: {
      TABA_TLS_CERT_FILE: LIVE.certFile,
      TABA_TLS_KEY_FILE: LIVE.keyFile,
      TABA_TLS_CA_FILE: first.caFile,
      TABA_TLS_RELOAD_INTERVAL_MS: String(reloadIntervalMs),
      TABA_REST_ADDRESS: rest,
      TABA_LOG_LEVEL: 'info',
    },
  });
  running.push(gateway);
  return { gateway, restUrl: `https://${rest}` };
}

const waitFor = (what: string, check: () => Promise<boolean>) =>
  pollUntil(async () => ((await check()) ? true : undefined), {
    what,
    timeoutMs: 10_000,
    intervalMs: 100,
  });

describe('certificate rotation', () => {
  it('picks up changed files by polling', async () => {
    const { gateway, restUrl } = await startGateway(200);
    expect(await trusted(gateway, restUrl, first)).toBe(true);
    expect(await trusted(gateway, restUrl, second)).toBe(false);
    install(second.server);
    await waitFor('the second certificate', () => trusted(gateway, restUrl, second));
    expect(await trusted(gateway, restUrl, first)).toBe(false);
    await gateway.stop('SIGTERM', 5000);
  });

  it('reloads on SIGHUP, and keeps the previous pair when the new one does not fit', async () => {
    const { gateway, restUrl } = await startGateway(0);
    // A certificate of the second CA with the first key: refused, the first pair stays.
    copyFileSync(second.server.certFile, LIVE.certFile);
    process.kill(gateway.pid, 'SIGHUP');
    await pollUntil(
      () =>
        gateway.logLines().find(line => line.msg === 'TLS reload failed; the previous files stay'),
      { what: 'the failed reload in the log', timeoutMs: 5000 },
    );
    expect(await trusted(gateway, restUrl, first)).toBe(true);
    expect(await trusted(gateway, restUrl, second)).toBe(false);

    install(second.server);
    // Without SIGHUP nothing changes (polling is off).
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(await trusted(gateway, restUrl, first)).toBe(true);
    process.kill(gateway.pid, 'SIGHUP');
    await waitFor('the second certificate after SIGHUP', () => trusted(gateway, restUrl, second));
    expect(await trusted(gateway, restUrl, first)).toBe(false);
    expect(gateway.logLines().some(line => line.msg === 'TLS files reloaded')).toBe(true);
  });
});
