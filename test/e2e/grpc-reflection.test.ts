// gRPC reflection of a real gateway process with auth on, from a client that has no Taba
// .proto: it lists the services, describes taba.v1.Taba, and calls GetStatus built from the
// reflected descriptors; reflection, like the gateway's /metrics, needs the read scope.
import type { ServiceError } from '@grpc/grpc-js';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { useGatewayStack } from '../support/gateway-stack.js';
import { reflect, reflectedClient } from '../support/reflection-client.js';
import { startServiceProcess } from '../support/service-process.js';
import { writeTokensFile } from '../support/tokens-file.js';

const READER = 'reader-token-reflection';
const WRITER = 'writer-token-reflection';
const tokensFile = writeTokensFile('taba-reflection-', [
  { name: 'reader', token: READER, scopes: ['read'] },
  { name: 'writer', token: WRITER, scopes: ['write:*'] },
]);
afterAll(() => tokensFile.remove());

const { stack } = useGatewayStack({
  redisShards: 1,
  env: { TABA_AUTH: 'required', TABA_AUTH_TOKENS_FILE: tokensFile.path },
});

/** A unary method of a client built at run time from reflected descriptors. */
type UnaryCall = (
  request: object,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, value: { instances: { service: string }[] }) => void,
) => void;

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

describe('gRPC reflection on the gateway', () => {
  it('lists and describes taba.v1.Taba without protos, then calls a reflected method', async () => {
    const reflected = await reflect(stack().grpcAddress, bearer(READER));
    try {
      expect([...reflected.services].sort()).toEqual(['taba.v1.Taba']);
      const definition = await reflected.describe('taba.v1.Taba');
      const service = definition['taba.v1.Taba'] as Record<string, { path: string }>;
      expect(
        Object.values(service)
          .map(method => method.path)
          .sort(),
      ).toEqual(
        Object.keys(service)
          .map(name => `/taba.v1.Taba/${name}`)
          .sort(),
      );
      expect(Object.keys(service)).toEqual(
        expect.arrayContaining(['PostEvents', 'StreamEvents', 'GetAggregates', 'GetStatus']),
      );

      const Taba = reflectedClient(definition, 'taba.v1.Taba');
      const client = new Taba(stack().grpcAddress, credentials.createInsecure());
      try {
        const answer = await new Promise<{ instances: { service: string }[] }>((resolve, reject) =>
          (client as unknown as { getStatus: UnaryCall }).getStatus(
            {},
            bearer(READER),
            { deadline: Date.now() + 10_000 },
            (error: ServiceError | null, value: { instances: { service: string }[] }) =>
              error ? reject(error) : resolve(value),
          ),
        );
        expect(answer.instances.map(instance => instance.service).sort()).toEqual([
          'aggregator',
          'gateway',
          'ingest',
          'query',
        ]);
      } finally {
        client.close();
      }
    } finally {
      reflected.close();
    }
  });

  it('refuses reflection without a token, and with a token lacking the read scope', async () => {
    for (const [metadata, code] of [
      [new Metadata(), status.UNAUTHENTICATED],
      [bearer(WRITER), status.PERMISSION_DENIED],
    ] as const) {
      const error = await reflect(stack().grpcAddress, metadata).then(
        reflected => {
          reflected.close();
          throw new Error('reflection answered');
        },
        (failure: ServiceError) => failure,
      );
      expect(error.code).toBe(code);
    }
  });

  it('is off on internal services unless TABA_GRPC_REFLECTION=on', async () => {
    const off = await reflect(stack().ingest.address, new Metadata()).then(
      reflected => {
        reflected.close();
        throw new Error('reflection answered');
      },
      (failure: ServiceError) => failure,
    );
    expect(off.code).toBe(status.UNIMPLEMENTED);

    const ingest = await startServiceProcess({
      service: 'ingest',
      env: { ...stack().env, TABA_GRPC_REFLECTION: 'on' },
    });
    try {
      const reflected = await reflect(ingest.address, new Metadata());
      try {
        expect(reflected.services).toEqual(['taba.internal.v1.Ingest']);
        const definition = await reflected.describe('taba.internal.v1.Ingest');
        expect(Object.keys(definition['taba.internal.v1.Ingest'] ?? {}).sort()).toEqual([
          'GetStatus',
          'Ingest',
          'IngestStream',
        ]);
      } finally {
        reflected.close();
      }
    } finally {
      await ingest.stop();
    }
  });

  it("serves the gateway's /metrics to the read scope only", async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${stack().restUrl}/metrics`, { headers });
    expect((await get({})).status).toBe(401);
    expect((await get({ authorization: `Bearer ${WRITER}` })).status).toBe(403);
    const answer = await get({ authorization: `Bearer ${READER}` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await answer.text()).toMatch(/^taba_auth_required 1$/m);
  });
});
