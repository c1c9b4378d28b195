// What deploy/ promises about trust, checked offline on deploy/k8s and on the chart rendered
// with its defaults and with other values: NetworkPolicies (evaluated here as Kubernetes does
// for Ingress) let only the gateway be reached from outside the namespace, and each service
// only from the peers that need it; Redis passwords live only in Secrets, mounted where Redis is
// used, and no ConfigMap or literal env value holds one.
import { dirname, join } from 'node:path';
import { parseRedisTargets } from '@taba/common';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Release } from './helm-render.js';
import { renderChart } from './helm-render.js';
import type { ConfigMapObject, SourcedObject, Workload } from './k8s-objects.js';
import { byKind, CHART_DIR, K8S_DIR, listFiles, parseObjects, readText } from './k8s-objects.js';

/** Volumes of the auth Secrets, not of the Redis password. */
const AUTH_SECRET_VOLUMES = new Set(['internal-token', 'auth-tokens']);

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string };
}

interface NetworkPolicyObject {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly {
      readonly from?: readonly NetworkPolicyPeer[];
      readonly ports?: readonly { readonly port?: number | string; readonly protocol?: string }[];
    }[];
  };
}

/** A pod that may try to connect: its labels, and whether it runs in Taba's namespace. */
interface Peer {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly inNamespace: boolean;
}

function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && (values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${String(operator)}`);
    }
  });
  return byLabel && byExpression;
}

function peerMatches(peer: NetworkPolicyPeer, from: Peer): boolean {
  if (peer.ipBlock) return true;
  // A namespaceSelector alone picks pods of other namespaces too; a podSelector alone only
  // pods of the policy's own namespace. Only an empty namespaceSelector is known to pick ours.
  if (peer.namespaceSelector) {
    const everyNamespace = Object.keys(peer.namespaceSelector).length === 0;
    if (!everyNamespace && !from.inNamespace) return false;
    return peer.podSelector ? matches(peer.podSelector, from.labels) : true;
  }
  return (
    from.inNamespace && peer.podSelector !== undefined && matches(peer.podSelector, from.labels)
  );
}

/** Whether `from` may open a TCP connection to `to` on `port`, under Ingress `policies`. */
function allowed(
  policies: readonly NetworkPolicyObject[],
  from: Peer,
  to: Peer,
  port: number,
): boolean {
  const isolating = policies.filter(
    policy =>
      (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      matches(policy.spec.podSelector, to.labels),
  );
  if (isolating.length === 0) return true;
  return isolating.some(policy =>
    (policy.spec.ingress ?? []).some(
      rule =>
        (rule.ports === undefined || rule.ports.some(p => p.port === port)) &&
        (rule.from === undefined ||
          rule.from.length === 0 ||
          rule.from.some(peer => peerMatches(peer, from))),
    ),
  );
}

/** The Taba pods (one per workload), a stranger in the namespace and a pod elsewhere. */
function peersOf(objects: readonly SourcedObject[]): Peer[] {
  const workloads = [
    ...byKind<Workload>(objects, 'Deployment').values(),
    ...byKind<Workload>(objects, 'StatefulSet').values(),
  ];
  return [
    ...workloads.map(workload => ({
      name: workload.spec.template.metadata?.labels?.['app.kubernetes.io/component'] ?? '?',
      labels: workload.spec.template.metadata?.labels ?? {},
      inNamespace: true,
    })),
    { name: 'stranger', labels: { app: 'other' }, inNamespace: true },
    { name: 'outside', labels: { 'app.kubernetes.io/component': 'ingest' }, inNamespace: false },
  ];
}

const SERVICE_PORTS: Record<string, number[]> = {
  gateway: [8301, 8300],
  ingest: [8310],
  aggregator: [8320],
  query: [8330],
  'redis-sentinel': [26379],
};

/** The `/metrics` ports Prometheus scrapes from any pod of the namespace. */
const METRICS_PORTS: Record<string, number> = { ingest: 9465, aggregator: 9466, query: 9467 };

/** Who must be able to reach each component, and nobody else. */
function expectedCallers(target: string, shards: readonly string[]): readonly string[] | 'all' {
  const redisUsers = ['ingest', 'aggregator', 'query', 'redis-sentinel', ...shards];
  if (target === 'gateway') return 'all';
  if (target === 'ingest' || target === 'query') return ['gateway'];
  if (target === 'aggregator') return ['gateway', 'ingest'];
  return redisUsers;
}

function checkNetworkPolicies(objects: readonly SourcedObject[], shards: readonly string[]): void {
  const policies = [...byKind<NetworkPolicyObject>(objects, 'NetworkPolicy').values()];
  const peers = peersOf(objects);
  const targets = peers.filter(peer => peer.labels['app.kubernetes.io/instance'] !== undefined);
  expect(targets.map(peer => peer.name).sort()).toEqual(
    ['gateway', 'ingest', 'aggregator', 'query', 'redis-sentinel', ...shards].sort(),
  );
  for (const to of targets) {
    const ports = SERVICE_PORTS[to.name] ?? [6379];
    const want = expectedCallers(to.name, shards);
    for (const port of ports) {
      const callers = peers.filter(from => allowed(policies, from, to, port)).map(p => p.name);
      expect(callers.sort(), `${to.name}:${port}`).toEqual(
        want === 'all' ? peers.map(p => p.name).sort() : [...want].sort(),
      );
      const metricsPort = METRICS_PORTS[to.name];
      if (metricsPort !== undefined) {
        const scrapers = peers.filter(from => allowed(policies, from, to, metricsPort));
        expect(scrapers.map(p => p.name).sort(), `${to.name}:${metricsPort}`).toEqual(
          peers
            .filter(p => p.inNamespace)
            .map(p => p.name)
            .sort(),
        );
      }
      // No other port of the pod is open to anyone.
      expect(
        peers.filter(from => allowed(policies, from, to, 9999)),
        `${to.name}:9999`,
      ).toEqual([]);
    }
  }
}

/** Names that hold a secret themselves (a *_FILE names a file, which is fine). */
const SECRET_NAME = /(PASSWORD|TOKEN|SECRET)$/i;
/** A password inside a URL or a query string. */
const SECRET_IN_TEXT =
  /[?&](password|sentinelPassword)=|:\/\/[^/@\s:]*:[^/@\s]+@|^\s*(requirepass|masterauth)\s+\S/im;

function containersOf(workload: Workload): IContainer[] {
  const pod = workload.spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function checkSecrets(
  objects: readonly SourcedObject[],
  secretName: string | undefined,
  sentinel: boolean,
): void {
  for (const [name, map] of byKind<ConfigMapObject>(objects, 'ConfigMap')) {
    for (const [key, value] of Object.entries(map.data ?? {})) {
      expect(SECRET_NAME.test(key), `${name}.${key}`).toBe(false);
      expect(SECRET_IN_TEXT.test(value), `${name}.${key}`).toBe(false);
    }
  }
  const config = [...byKind<ConfigMapObject>(objects, 'ConfigMap').values()].find(
    map => map.data?.TABA_REDIS_SHARDS !== undefined,
  )?.data;
  if (!config) throw new Error('no ConfigMap with TABA_REDIS_SHARDS');
  for (const target of parseRedisTargets('TABA_REDIS_SHARDS', config.TABA_REDIS_SHARDS ?? '')) {
    expect(target).not.toHaveProperty('password');
    expect(target).not.toHaveProperty('sentinelPassword');
  }
  const passwordFile = config.TABA_REDIS_PASSWORD_FILE;
  expect(passwordFile).toBe(secretName === undefined ? undefined : '/etc/taba/redis/password');
  expect(config.TABA_REDIS_SENTINEL_PASSWORD_FILE).toBe(sentinel ? passwordFile : undefined);

  const workloads = [
    ...byKind<Workload>(objects, 'Deployment').values(),
    ...byKind<Workload>(objects, 'StatefulSet').values(),
  ];
  for (const workload of workloads) {
    const component =
      workload.spec.template.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
    const pod = workload.spec.template.spec;
    // The auth Secrets (tokens file, internal token) are checked in manifests.test.ts.
    const secretVolumes = (pod.volumes ?? []).filter(
      volume => volume.secret && !AUTH_SECRET_VOLUMES.has(volume.name),
    );
    for (const container of containersOf(workload)) {
      for (const entry of container.env ?? []) {
        if (SECRET_NAME.test(entry.name)) {
          expect(entry.value, `${component} ${container.name} ${entry.name}`).toBeUndefined();
        }
      }
    }
    const usesRedis = ['ingest', 'aggregator', 'query'].includes(component);
    const isRedis = component.startsWith('redis-');
    if (secretName === undefined || !(usesRedis || isRedis)) {
      expect(secretVolumes, component).toEqual([]);
      continue;
    }
    expect(
      secretVolumes.map(volume => volume.secret?.secretName),
      component,
    ).toEqual([secretName]);
    const volume = secretVolumes[0]?.name;
    const mountDir = usesRedis ? dirname(passwordFile ?? '') : '/secrets/redis';
    // Every container of a Redis pod (init and server) logs in; a service's one container reads the file.
    for (const container of usesRedis ? pod.containers : containersOf(workload)) {
      const mount = container.volumeMounts?.find(each => each.name === volume);
      expect(mount, `${component} ${container.name}`).toMatchObject({
        mountPath: mountDir,
        readOnly: true,
      });
    }
    // Readable by the pod's group only.
    expect(secretVolumes[0]?.secret?.defaultMode, component).toBe(0o440);
    expect(pod.securityContext?.fsGroup, component).toBeDefined();
  }
}

function checkRedisSettings(objects: readonly SourcedObject[], maxmemory: string): void {
  const scripts = [...byKind<ConfigMapObject>(objects, 'ConfigMap').values()].find(
    map => map.data?.['redis.conf'] !== undefined,
  );
  const conf = (scripts?.data?.['redis.conf'] ?? '').split('\n');
  expect(conf).toEqual(
    expect.arrayContaining(['protected-mode yes', 'maxmemory-policy noeviction']),
  );
  expect(conf).not.toContain('protected-mode no');
  for (const [name, set] of byKind<Workload>(objects, 'StatefulSet')) {
    if (!name.includes('redis-shard')) continue;
    const init = set.spec.template.spec.initContainers?.find(each => each.name === 'init');
    expect(init?.env?.find(entry => entry.name === 'MAXMEMORY')?.value, name).toBe(maxmemory);
  }
}

const kustomization = parse(readText(join(K8S_DIR, 'kustomization.yaml'))) as {
  configMapGenerator?: { name: string; files: string[] }[];
};

function k8sObjects(): SourcedObject[] {
  const manifests = listFiles(K8S_DIR)
    .filter(file => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    .flatMap(file => parseObjects(readText(join(K8S_DIR, file)), `deploy/k8s/${file}`));
  const generated = (kustomization.configMapGenerator ?? []).map(generator => ({
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data: Object.fromEntries(
        generator.files.map(file => [file.split('/').pop() ?? file, readText(join(K8S_DIR, file))]),
      ),
    },
    source: `configMapGenerator ${generator.name}`,
  }));
  return [...manifests, ...generated];
}

const values = parse(readText(join(CHART_DIR, 'values.yaml'))) as Record<string, unknown>;

function chart(changes: Record<string, unknown> = {}, release?: Release): SourcedObject[] {
  const copy = structuredClone(values);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys[keys.length - 1] ?? ''] = value;
  }
  return [...renderChart(CHART_DIR, copy, release)]
    .filter(([file]) => file !== 'NOTES.txt')
    .flatMap(([file, text]) => parseObjects(text, `helm template ${file}`));
}

const THREE_SHARDS = ['redis-shard-0', 'redis-shard-1', 'redis-shard-2'];

describe('deploy/k8s', () => {
  const objects = k8sObjects();

  it('NetworkPolicies: only the gateway from outside; each service only from its callers', () => {
    checkNetworkPolicies(objects, THREE_SHARDS);
  });

  it('the Redis password is only in the Secret taba-redis-auth, mounted where Redis is used', () => {
    checkSecrets(objects, 'taba-redis-auth', true);
  });

  it('Redis runs in protected mode with maxmemory and noeviction', () => {
    checkRedisSettings(objects, '1536mb');
  });
});

describe('deploy/helm/taba', () => {
  it('by default: the same policies, Secret and Redis settings', () => {
    const objects = chart();
    checkNetworkPolicies(objects, THREE_SHARDS);
    checkSecrets(objects, 'taba-redis-auth', true);
    checkRedisSettings(objects, '1536mb');
  });

  it('another release, five shards, another maxmemory', () => {
    const objects = chart(
      { 'redis.sentinel.shards': 5, 'redis.sentinel.maxmemory': '3gb' },
      { name: 'prod', namespace: 'shared' },
    );
    checkNetworkPolicies(objects, [...THREE_SHARDS, 'redis-shard-3', 'redis-shard-4']);
    checkSecrets(objects, 'prod-taba-redis-auth', true);
    checkRedisSettings(objects, '3gb');
  });

  it('external Redis: no Redis policies, a password only when a Secret is named', () => {
    const external = { 'redis.mode': 'external', 'redis.external.shards': ['rediss://r1:6379'] };
    checkSecrets(chart(external), undefined, false);
    const withSecret = chart({ ...external, 'redis.auth.secretName': 'my-redis' });
    checkSecrets(withSecret, 'my-redis', false);
    const names = [...byKind<NetworkPolicyObject>(withSecret, 'NetworkPolicy').keys()];
    expect(names.sort()).toEqual(
      [
        'taba-aggregator',
        'taba-default-deny',
        'taba-gateway',
        'taba-ingest',
        'taba-metrics',
        'taba-query',
      ].sort(),
    );
  });

  it('networkPolicy.enabled false installs none', () => {
    expect(byKind(chart({ 'networkPolicy.enabled': false }), 'NetworkPolicy').size).toBe(0);
  });
});
