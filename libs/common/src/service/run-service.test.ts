import { connect } from 'node:net';
import type { ChannelOptions, ServiceError } from '@grpc/grpc-js';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import type { Discovery, MembershipListener, ServiceInstance } from '../discovery/discovery.js';
import { PermissionDeniedError } from '../errors/taba-error.js';
import type { CallGuard } from '../grpc/call-guard.js';
import { withBearerToken } from '../grpc/call-guard.js';
import { createLogger } from '../logging/logger.js';
import type { ServiceBaseConfig, ServiceName } from './base-config.js';
import { advertisedAddress, loadServiceBaseConfig } from './base-config.js';
import type { BuiltService, RunningService, ServiceBuildContext } from './run-service.js';
import { startService } from './run-service.js';

/** Whether 127.0.0.1:`port` accepts a TCP connection now. */
function accepting(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Discovery that records what the runner asks of it; ids are instance ids (as in Consul)
 * unless `byAddress`. `onRegister` and `onDeregister` run inside those calls.
 */
class RecordingDiscovery implements Discovery {
  readonly events: string[] = [];
  registered: { service: ServiceName; id: string; address: string } | undefined;
  onRegister: () => Promise<void> | void = () => {};
  onDeregister: () => Promise<void> | void = () => {};

  constructor(private readonly byAddress = false) {}

  instances(): readonly ServiceInstance[] {
    return [];
  }

  watch(_service: ServiceName, listener: MembershipListener): () => void {
    listener([]);
    return () => {};
  }

  async register(self: { service: ServiceName; id: string; address: string }): Promise<void> {
    this.events.push('register');
    this.registered = self;
    await this.onRegister();
  }

  idOf(self: { readonly id: string; readonly address: string }): string {
    return this.byAddress ? self.address : self.id;
  }

  async deregister(): Promise<void> {
    this.events.push('deregister');
    await this.onDeregister();
  }

  async close(): Promise<void> {
    this.events.push('close discovery');
  }

  describe(): Readonly<Record<string, string>> {
    return { discovery: 'recording' };
  }
}

const running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(each => each.stop()));
});

function baseConfig(env: Record<string, string> = {}): ServiceBaseConfig {
  return loadServiceBaseConfig(
    {
      TABA_GRPC_ADDRESS: '127.0.0.1:0',
      TABA_INSTANCE_ID: 'ingest-7',
      TABA_SHUTDOWN_GRACE_MS: '1000',
      ...env,
    },
    'ingest',
  );
}

async function start(
  discovery: Discovery | undefined,
  env: Record<string, string> = {},
  extra: Partial<BuiltService> = {},
  onBuild: (context: ServiceBuildContext) => void = () => {},
): Promise<{ service: RunningService; context: ServiceBuildContext }> {
  let context: ServiceBuildContext | undefined;
  const service = await startService(
    baseConfig(env),
    createLogger({ service: 'ingest', level: 'silent' }),
    built => {
      context = built;
      onBuild(built);
      return { serviceNames: [], ...(discovery ? { discovery } : {}), ...extra };
    },
  );
  running.push(service);
  if (!context) throw new Error('build was not called');
  return { service, context };
}

describe('startService and discovery', () => {
  it('registers once bound, as TABA_INSTANCE_ID at the bound address', async () => {
    const discovery = new RecordingDiscovery();
    let boundWhenRegistered: boolean | undefined;
    discovery.onRegister = async () => {
      boundWhenRegistered = await accepting(Number(discovery.registered?.address.split(':')[1]));
    };
    const { service, context } = await start(discovery);
    expect(discovery.registered).toEqual({
      service: 'ingest',
      id: 'ingest-7',
      address: service.address,
    });
    expect(boundWhenRegistered).toBe(true);
    expect(service.advertisedAddress).toBe(service.address);
    expect(service.selfId).toBe('ingest-7');
    expect(context.selfId()).toBe('ingest-7');
    expect(context.advertisedAddress()).toBe(service.address);
    expect(discovery.events).toEqual(['register']);
  });

  it('registers TABA_ADVERTISE_ADDRESS when set; a static self id is that address', async () => {
    const discovery = new RecordingDiscovery(true);
    const { service, context } = await start(discovery, {
      TABA_ADVERTISE_ADDRESS: 'ingest-7.internal:9310',
    });
    expect(discovery.registered?.address).toBe('ingest-7.internal:9310');
    expect(service.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(context.advertisedAddress()).toBe('ingest-7.internal:9310');
    expect(context.selfId()).toBe('ingest-7.internal:9310');
  });

  it('without a discovery from the factory, stands alone: its self id is its address', async () => {
    const { service, context } = await start(undefined);
    expect(service.selfId).toBe(service.address);
    expect(context.selfId()).toBe(service.address);
  });

  it('deregisters first on stop, while the server still accepts calls, and closes discovery last', async () => {
    const discovery = new RecordingDiscovery();
    const { service } = await start(
      discovery,
      {},
      {
        close: () => {
          discovery.events.push('close dependencies');
        },
      },
    );
    discovery.onDeregister = async () => {
      discovery.events.push(`accepting: ${await accepting(service.port)}`);
    };
    const stopped = service.stop();
    expect(service.stop()).toBe(stopped);
    await stopped;
    expect(discovery.events).toEqual([
      'register',
      'deregister',
      'accepting: true',
      'close dependencies',
      'close discovery',
    ]);
    expect(await accepting(service.port)).toBe(false);
  });

  it('fails the start, releasing everything, when registration throws', async () => {
    const discovery = new RecordingDiscovery();
    let port = 0;
    discovery.onRegister = () => {
      port = Number(discovery.registered?.address.split(':')[1]);
      throw new Error('already registered');
    };
    const closed: string[] = [];
    await expect(
      startService(baseConfig(), createLogger({ service: 'ingest', level: 'silent' }), () => ({
        serviceNames: [],
        discovery,
        close: () => {
          closed.push('dependencies');
        },
      })),
    ).rejects.toThrow('already registered');
    expect(closed).toEqual(['dependencies']);
    expect(discovery.events).toEqual(['register', 'deregister', 'close discovery']);
    expect(await accepting(port)).toBe(false);
  });

  it('fails the start, closing the factory and discovery, when the address cannot be bound', async () => {
    const first = await start(new RecordingDiscovery());
    const discovery = new RecordingDiscovery();
    await expect(
      startService(
        baseConfig({ TABA_GRPC_ADDRESS: first.service.address }),
        createLogger({ service: 'ingest', level: 'silent' }),
        () => ({ serviceNames: [], discovery }),
      ),
    ).rejects.toThrow();
    expect(discovery.events).toEqual(['deregister', 'close discovery']);
  });
});

describe('TABA_ADVERTISE_ADDRESS', () => {
  it('is required with Consul when listening on every interface, and must be dialable', () => {
    const consul = { TABA_DISCOVERY: 'consul' };
    for (const listen of ['0.0.0.0:8310', '[::]:8310']) {
      expect(() => baseConfig({ ...consul, TABA_GRPC_ADDRESS: listen })).toThrow(
        new ConfigError(
          'TABA_ADVERTISE_ADDRESS',
          `must be set with TABA_DISCOVERY=consul when TABA_GRPC_ADDRESS listens on every interface ("${listen}"): peers cannot dial a wildcard address`,
        ),
      );
    }
    expect(
      baseConfig({
        ...consul,
        TABA_GRPC_ADDRESS: '0.0.0.0:8310',
        TABA_ADVERTISE_ADDRESS: '10.1.2.3:8310',
      }).advertiseAddress,
    ).toBe('10.1.2.3:8310');
    // Static discovery registers nothing: a wildcard listen address is fine.
    expect(baseConfig({ TABA_GRPC_ADDRESS: '0.0.0.0:8310' }).advertiseAddress).toBeUndefined();

    for (const [value, problem] of [
      ['0.0.0.0:8310', 'must be an address peers can dial, not a wildcard, got "0.0.0.0:8310"'],
      ['[::]:8310', 'must be an address peers can dial, not a wildcard, got "[::]:8310"'],
      ['ingest', 'must be host:port with a port from 1 to 65535, got "ingest"'],
      ['ingest:0', 'must be host:port with a port from 1 to 65535, got "ingest:0"'],
    ] as const) {
      expect(() => baseConfig({ TABA_ADVERTISE_ADDRESS: value })).toThrow(
        new ConfigError('TABA_ADVERTISE_ADDRESS', problem),
      );
    }
  });

  it('defaults to the bound address, refused when it is a wildcard and Consul would get it', () => {
    expect(advertisedAddress(baseConfig(), '127.0.0.1:4567')).toBe('127.0.0.1:4567');
    expect(advertisedAddress(baseConfig(), '0.0.0.0:4567')).toBe('0.0.0.0:4567');
    const consul = baseConfig({ TABA_DISCOVERY: 'consul' });
    expect(advertisedAddress(consul, '127.0.0.1:4567')).toBe('127.0.0.1:4567');
    expect(() => advertisedAddress(consul, '0.0.0.0:4567')).toThrow(ConfigError);
    expect(() => advertisedAddress(consul, '[::]:4567')).toThrow(ConfigError);
  });
});

describe('the call guard of every server', () => {
  const bytes = (value: Buffer) => value;
  const ECHO = {
    Echo: {
      path: '/test.Echo/Echo',
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    },
  };

  async function startEcho(env: Record<string, string>, guard?: CallGuard) {
    const { service } = await start(undefined, env, {}, context => {
      context.server.addService(ECHO, {
        Echo: (call: { request: Buffer }, callback: (e: null, r: Buffer) => void) =>
          callback(null, call.request),
      });
      if (guard) context.guardCalls(guard);
    });
    return service;
  }

  /** `[status code, taba-reason]` of a call, or 'ok'. */
  function call(address: string, path: string, options: ChannelOptions = {}, token?: string) {
    const client = new Client(address, credentials.createInsecure(), options);
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<string>(resolve => {
      client.makeUnaryRequest(
        path,
        bytes,
        bytes,
        Buffer.alloc(0),
        metadata,
        { deadline: Date.now() + 5000 },
        (error: ServiceError | null) => {
          client.close();
          resolve(
            error ? `${status[error.code]} ${String(error.metadata.get('taba-reason')[0])}` : 'ok',
          );
        },
      );
    });
  }

  const TOKEN = 'cluster-internal-token-0001';

  it('takes every call without TABA_INTERNAL_TOKEN', async () => {
    const service = await startEcho({});
    expect(await call(service.address, ECHO.Echo.path)).toBe('ok');
  });

  it('with TABA_INTERNAL_TOKEN, refuses calls without it, takes them with it; health stays open', async () => {
    const service = await startEcho({ TABA_INTERNAL_TOKEN: TOKEN });
    expect(await call(service.address, ECHO.Echo.path)).toBe('UNAUTHENTICATED TOKEN_MISSING');
    expect(await call(service.address, ECHO.Echo.path, {}, 'not-the-token-at-all')).toBe(
      'UNAUTHENTICATED TOKEN_INVALID',
    );
    expect(await call(service.address, ECHO.Echo.path, {}, TOKEN)).toBe('ok');
    // The client side: the interceptor peers use.
    expect(await call(service.address, ECHO.Echo.path, withBearerToken({}, TOKEN))).toBe('ok');
    expect(await call(service.address, '/grpc.health.v1.Health/Check')).toBe('ok');
  });

  it('lets the service replace the guard (the gateway does)', async () => {
    const refuseAll: CallGuard = () => new PermissionDeniedError('SCOPE_MISSING', 'no');
    const service = await startEcho({ TABA_INTERNAL_TOKEN: TOKEN }, refuseAll);
    expect(await call(service.address, ECHO.Echo.path, {}, TOKEN)).toBe(
      'PERMISSION_DENIED SCOPE_MISSING',
    );
    expect(await call(service.address, '/grpc.health.v1.Health/Check')).toBe('ok');
  });
});
