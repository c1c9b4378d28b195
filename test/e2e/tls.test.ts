// TLS through the whole stack as real processes: the gateway serves gRPC and REST over TLS,
// every internal channel (gateway → ingest, query, aggregator; ingest → aggregator) is TLS,
// and with mTLS every server requires a client certificate from the cluster's CA. Certificates
// are made for the test run with openssl (test/support/test-pki.ts).
import type { ChannelCredentials } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { TabaClient } from '@taba/client';
import type { TabaClient as TabaGrpcClient } from '@taba/common';
import { clientChannelCredentials } from '@taba/common';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/taba-cli.js';
import { useGatewayStack } from '../support/gateway-stack.js';
import { connectTaba, deadlineIn, grpcErrorOf, unary } from '../support/grpc-client.js';
import { createHealthClient } from '../support/grpc-health.js';
import { requestError, requestUrl } from '../support/https-request.js';
import { createTestPki } from '../support/test-pki.js';

const pki = createTestPki();
const otherPki = createTestPki('Some Other CA');
afterAll(() => {
  pki.remove();
  otherPki.remove();
});

function getStatus(client: TabaGrpcClient): Promise<{ instances: { service: string }[] }> {
  return unary(callback => client.getStatus({}, { deadline: deadlineIn(3000) }, callback));
}

/** GetStatus over a fresh channel with `credentials`; the channel is closed after. */
async function statusWith(address: string, credentials?: ChannelCredentials) {
  const client = connectTaba(address, credentials);
  try {
    return await getStatus(client);
  } finally {
    client.close();
  }
}

async function lifetimeOf(client: TabaGrpcClient, name: string) {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    client.getAggregates(
      { filter: { names: [name], regex: false } },
      { deadline: deadlineIn(10_000) },
      callback,
    ),
  );
  const body = reply.tabs.find(tab => tab.name === name)?.body;
  return body === undefined ? undefined : (JSON.parse(body) as { lifetime: unknown }).lifetime;
}

/** Posts counter values through the TypeScript client library and waits for the acknowledgement. */
async function postThroughClient(
  options: ConstructorParameters<typeof TabaClient>[0],
  name: string,
  values: readonly number[],
): Promise<void> {
  const errors: string[] = [];
  const client = new TabaClient({
    flushMs: 50,
    ...options,
    onError: error => errors.push(error.message),
  });
  for (const value of values) client.counter(name, value);
  await client.close({ timeoutMs: 10_000 });
  expect(errors).toEqual([]);
  expect(client.stats().applied).toBe(values.length);
}

describe('TLS on the gateway and between the services', () => {
  const { stack, grpc } = useGatewayStack({ redisShards: 1, tls: { pki } });

  it('refuses a plaintext gRPC client and a client trusting another CA, on every service', async () => {
    for (const address of [stack().grpcAddress, stack().ingest.address, stack().query.address]) {
      expect((await grpcErrorOf(statusWith(address))).code).toBe(status.UNAVAILABLE);
      const other = otherPki.channelCredentials();
      expect((await grpcErrorOf(statusWith(address, other))).code).toBe(status.UNAVAILABLE);
    }
    const aggregator = stack().aggregators[0];
    if (!aggregator) throw new Error('no aggregator');
    for (const credentials of [undefined, otherPki.channelCredentials()]) {
      const health = createHealthClient(aggregator.address, undefined, credentials);
      try {
        expect((await grpcErrorOf(health.check(''))).code).toBe(status.UNAVAILABLE);
      } finally {
        health.close();
      }
    }
  });

  it('takes events from the TS client trusting the CA, through TLS to ingest, the aggregator and query', async () => {
    await postThroughClient(
      { address: stack().grpcAddress, clientId: 'tls-ts', tls: { caFile: pki.caFile } },
      'tls.ts.counter',
      [1, 2, 3],
    );
    expect(await lifetimeOf(grpc(), 'tls.ts.counter')).toMatchObject({ count: 3, total: 6 });
    const instances = (await getStatus(grpc())).instances;
    expect(instances.map(each => each.service).sort()).toEqual([
      'aggregator',
      'gateway',
      'ingest',
      'query',
    ]);
    // Every instance answered, over TLS, and says how it serves and dials.
    for (const instance of instances as unknown as { details: Record<string, string> }[]) {
      expect(instance.details).not.toHaveProperty('error');
      expect(instance.details).toMatchObject({ 'tls.server': 'tls', 'tls.client': 'mtls' });
    }
  });

  it('serves REST over HTTPS only', async () => {
    const url = stack().restUrl;
    expect(url.startsWith('https://')).toBe(true);
    const posted = await requestUrl(`${url}/v1/events`, {
      method: 'POST',
      caFile: pki.caFile,
      body: JSON.stringify({
        client: 'tls-rest',
        seq: 1,
        events: [{ name: 'tls.rest', value: 2 }],
      }),
    });
    expect([posted.status, posted.json]).toMatchObject([200, { applied: 1 }]);
    const read = await requestUrl(`${url}/v1/tabs?name=tls.rest`, { caFile: pki.caFile });
    expect(read.status).toBe(200);
    expect(
      (read.json as Record<string, { lifetime: unknown }>)['tls.rest']?.lifetime,
    ).toMatchObject({
      count: 1,
      total: 2,
    });
    // Plaintext HTTP to the TLS port gets no answer, and the system's CAs do not know ours.
    await requestError(`${url.replace('https://', 'http://')}/v1/status`);
    const untrusted = await requestError(`${url}/v1/status`);
    expect((untrusted as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('the CLI connects with --tls-ca or TABA_TLS_CA_FILE, and fails without', async () => {
    const gateway = ['--gateway', stack().grpcAddress];
    const posted = await runInProcess(['post', 'tls.cli', '4', ...gateway, '--tls-ca', pki.caFile]);
    expect(posted.code).toBe(0);
    const read = await runInProcess(['agg', 'tls.cli', '--json', ...gateway], {
      TABA_TLS_CA_FILE: pki.caFile,
    });
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)['tls.cli'].lifetime).toMatchObject({ count: 1, total: 4 });
    const plain = await runInProcess(['agg', 'tls.cli', ...gateway, '--timeout', '2000']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/UNAVAILABLE/);
  });
});

describe('mTLS: every server requires a client certificate from the CA', () => {
  const { stack, grpc } = useGatewayStack({ redisShards: 1, tls: { pki, mutual: true } });
  const withClientCertificate = () => ({ caFile: pki.caFile, ...pki.client });

  it('refuses a gRPC client without a certificate and admits one with', async () => {
    const address = stack().grpcAddress;
    expect((await grpcErrorOf(statusWith(address, pki.channelCredentials(false)))).code).toBe(
      status.UNAVAILABLE,
    );
    const other = clientChannelCredentials({ caFile: pki.caFile, ...otherPki.client });
    expect((await grpcErrorOf(statusWith(address, other))).code).toBe(status.UNAVAILABLE);
    const { instances } = await statusWith(address, pki.channelCredentials(true));
    expect(instances).toHaveLength(4);
    for (const instance of instances as unknown as { details: Record<string, string> }[]) {
      expect(instance.details).toMatchObject({ 'tls.server': 'mtls', 'tls.client': 'mtls' });
    }
  });

  it('the internal services admit only the cluster certificate', async () => {
    for (const address of [stack().ingest.address, stack().query.address]) {
      expect((await grpcErrorOf(statusWith(address, pki.channelCredentials(false)))).code).toBe(
        status.UNAVAILABLE,
      );
    }
    const health = createHealthClient(
      stack().ingest.address,
      undefined,
      clientChannelCredentials({ caFile: pki.caFile, ...pki.server }),
    );
    try {
      expect(await health.check('')).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('REST refuses a client without a certificate and answers one with', async () => {
    const url = `${stack().restUrl}/v1/events`;
    const body = JSON.stringify({
      client: 'mtls-rest',
      seq: 1,
      events: [{ name: 'mtls.rest', value: 5 }],
    });
    await requestError(url, { method: 'POST', caFile: pki.caFile, body });
    const posted = await requestUrl(url, { method: 'POST', body, ...withClientCertificate() });
    expect([posted.status, posted.json]).toMatchObject([200, { applied: 1 }]);
    expect(await lifetimeOf(grpc(), 'mtls.rest')).toMatchObject({ count: 1, total: 5 });
  });

  it('the TS client and the CLI connect with a client certificate', async () => {
    await postThroughClient(
      { address: stack().grpcAddress, clientId: 'mtls-ts', tls: withClientCertificate() },
      'mtls.ts',
      [7, 8],
    );
    const gateway = ['--gateway', stack().grpcAddress, '--tls-ca', pki.caFile];
    const certificate = ['--tls-cert', pki.client.certFile, '--tls-key', pki.client.keyFile];
    const read = await runInProcess(['agg', 'mtls.ts', '--json', ...gateway, ...certificate]);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)['mtls.ts'].lifetime).toMatchObject({ count: 2, total: 15 });
    const without = await runInProcess(['agg', 'mtls.ts', ...gateway, '--timeout', '2000']);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/UNAVAILABLE/);
  });
});
