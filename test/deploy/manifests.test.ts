// The deployment files, checked offline: every manifest of deploy/k8s against the Kubernetes
// schemas (kubernetes-models), the kustomization's file list, what the services need from their
// pods (instance id, advertised address, gRPC probes, ports, configuration, limits), and the
// Helm chart: its values against its schema, the paths its templates read, and what it renders
// (helm-render.ts: no helm binary can be installed on the build machines).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisTarget } from '@taba/common';
import { parseRedisTargets } from '@taba/common';
import { Ajv } from 'ajv';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Release } from './helm-render.js';
import { renderChart } from './helm-render.js';
import type {
  ConfigMapObject,
  PodDisruptionBudgetObject,
  ServiceObject,
  SourcedObject,
  Workload,
} from './k8s-objects.js';
import {
  byKind,
  CHART_DIR,
  envEntry,
  findOnPath,
  K8S_DIR,
  kustomize,
  listFiles,
  parseObjects,
  ROOT,
  readText,
  selects,
  validateObject,
} from './k8s-objects.js';

/** The four services: gRPC port, replicas of deploy/k8s. */
const SERVICES = {
  gateway: { port: 8301, replicas: 2 },
  ingest: { port: 8310, replicas: 2 },
  aggregator: { port: 8320, replicas: 3 },
  query: { port: 8330, replicas: 2 },
} as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
/** Services that must have a PodDisruptionBudget. */
const WITH_PDB: readonly ServiceName[] = ['ingest', 'aggregator', 'query'];
const REST_PORT = 8300;
const REDIS_SHARDS = 3;

interface Kustomization {
  readonly namespace?: string;
  readonly resources?: readonly string[];
  readonly commonLabels?: unknown;
  readonly labels?: readonly { readonly pairs: Record<string, string> }[];
  readonly configMapGenerator?: readonly { readonly name: string; readonly files: string[] }[];
}

const kustomization = parse(readText(join(K8S_DIR, 'kustomization.yaml'))) as Kustomization;

/** The ConfigMaps the kustomization generates, named without kustomize's hash suffix. */
function generatedConfigMaps(): SourcedObject[] {
  return (kustomization.configMapGenerator ?? []).map(generator => ({
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
}

/**
 * Objects by kind and name, without what differs between the kustomization and the chart by
 * design: labels and annotations (at every level), the namespace, the generated name's hash.
 */
function comparable(objects: readonly SourcedObject[]): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) {
      return typeof value === 'string'
        ? value.replace(/^(taba-redis-scripts)-[a-z0-9]{10}$/, '$1')
        : value;
    }
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !['labels', 'annotations', 'namespace'].includes(key))
        .map(([key, inner]) => [key, strip(inner)]),
    );
  };
  return Object.fromEntries(
    objects.map(({ object }) => [
      `${object.kind}/${object.metadata.name.replace(/^(taba-redis-scripts)-[a-z0-9]{10}$/, '$1')}`,
      strip(object),
    ]),
  );
}

/** Every object of the YAML files under deploy/k8s (the kustomization itself aside). */
function manifestObjects(): SourcedObject[] {
  return listFiles(K8S_DIR)
    .filter(file => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    .flatMap(file => parseObjects(readText(join(K8S_DIR, file)), `deploy/k8s/${file}`));
}

function containerOf(workload: Workload, name: string): IContainer {
  const container = workload.spec.template.spec.containers.find(c => c.name === name);
  if (!container) throw new Error(`${workload.metadata.name} has no container ${name}`);
  return container;
}

function initContainerOf(workload: Workload, name: string): IContainer {
  const container = workload.spec.template.spec.initContainers?.find(c => c.name === name);
  if (!container) throw new Error(`${workload.metadata.name} has no init container ${name}`);
  return container;
}

function allContainers(workload: Workload): IContainer[] {
  const pod = workload.spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** The value of a plain env entry, or an error naming the container. */
function envValue(container: IContainer, name: string): string {
  const value = envEntry(container, name)?.value;
  if (value === undefined) throw new Error(`${container.name}: ${name} has no value`);
  return value;
}

/** The fieldRef path of an env entry, checking it comes before `before` (for $(VAR) use). */
function expectFieldRef(container: IContainer, name: string, fieldPath: string, before?: string) {
  const entry = envEntry(container, name);
  expect(entry?.valueFrom?.fieldRef?.fieldPath, `${container.name}: ${name}`).toBe(fieldPath);
  if (before !== undefined) {
    const names = (container.env ?? []).map(e => e.name);
    expect(names.indexOf(name), `${container.name}: ${name} before ${before}`).toBeLessThan(
      names.indexOf(before),
    );
  }
}

/**
 * The invariants every set of objects must keep: the raw manifests, the output of
 * `kubectl kustomize` (where the generated ConfigMap's name carries a hash) and the chart's.
 */
function checkInvariants(objects: readonly SourcedObject[]): void {
  const deployments = byKind<Workload>(objects, 'Deployment');
  const statefulSets = byKind<Workload>(objects, 'StatefulSet');
  const services = byKind<ServiceObject>(objects, 'Service');
  const configMaps = byKind<ConfigMapObject>(objects, 'ConfigMap');
  const pdbs = [...byKind<PodDisruptionBudgetObject>(objects, 'PodDisruptionBudget').values()];
  const serviceAccounts = byKind<unknown>(objects, 'ServiceAccount');
  const workloads = [...deployments.values(), ...statefulSets.values()];

  const config = configMaps.get('taba-config')?.data;
  if (!config) throw new Error('no ConfigMap taba-config with data');
  const graceMs = Number(config.TABA_SHUTDOWN_GRACE_MS ?? 5000);

  for (const name of SERVICE_NAMES) {
    const { port, replicas } = SERVICES[name];
    const deployment = deployments.get(`taba-${name}`);
    if (!deployment) throw new Error(`no Deployment taba-${name}`);
    expect(deployment.spec.replicas, `${name} replicas`).toBe(replicas);
    const pod = deployment.spec.template.spec;
    const container = containerOf(deployment, name);

    expect(container.command).toEqual(['node', `services/${name}/dist/main.js`]);
    expect(existsSync(join(ROOT, `services/${name}/src/main.ts`))).toBe(true);
    expect(container.envFrom?.map(source => source.configMapRef?.name)).toContain('taba-config');

    // Per pod: a unique instance id, the bound and the advertised addresses, the node's agent.
    expectFieldRef(container, 'TABA_INSTANCE_ID', 'metadata.name');
    expectFieldRef(container, 'POD_IP', 'status.podIP', 'TABA_ADVERTISE_ADDRESS');
    expectFieldRef(container, 'HOST_IP', 'status.hostIP', 'TABA_CONSUL_URL');
    expect(envValue(container, 'TABA_GRPC_ADDRESS')).toBe(`0.0.0.0:${port}`);
    expect(envValue(container, 'TABA_ADVERTISE_ADDRESS')).toBe(`$(POD_IP):${port}`);
    expect(envValue(container, 'TABA_CONSUL_URL')).toBe('http://$(HOST_IP):8500');

    // Ports: gRPC (and the gateway's REST); probes are gRPC health checks on the gRPC port.
    const grpcPort = container.ports?.find(p => p.name === 'grpc');
    expect(grpcPort?.containerPort, `${name} grpc port`).toBe(port);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
      expect(container[probe]?.grpc?.port, `${name} ${probe}`).toBe(port);
    }
    if (name === 'gateway') {
      expect(envValue(container, 'TABA_REST_ADDRESS')).toBe(`0.0.0.0:${REST_PORT}`);
      expect(container.ports?.find(p => p.name === 'rest')?.containerPort).toBe(REST_PORT);
    }

    // Shutdown: Kubernetes must not kill a pod that is still draining.
    const preStopSeconds = name === 'gateway' ? 3 : 0;
    expect(
      (pod.terminationGracePeriodSeconds ?? 30) * 1000,
      `${name} terminationGracePeriodSeconds vs TABA_SHUTDOWN_GRACE_MS`,
    ).toBeGreaterThanOrEqual(graceMs + preStopSeconds * 1000 + 5000);

    // The Service exposes the gRPC port (and REST for the gateway) of these pods.
    const service = services.get(`taba-${name}`);
    if (!service) throw new Error(`no Service taba-${name}`);
    expect(selects(service.spec.selector, deployment.spec.template.metadata?.labels)).toBe(true);
    expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    const servicePorts = service.spec.ports.map(p => p.port).sort((a, b) => a - b);
    expect(servicePorts).toEqual(name === 'gateway' ? [REST_PORT, port] : [port]);

    if (WITH_PDB.includes(name)) {
      expect(
        pdbs.some(pdb =>
          selects(pdb.spec.selector?.matchLabels, deployment.spec.selector.matchLabels),
        ),
        `${name} PodDisruptionBudget`,
      ).toBe(true);
    }
  }

  for (const workload of workloads) {
    const where = `${workload.kind} ${workload.metadata.name}`;
    const pod = workload.spec.template.spec;
    expect(
      selects(workload.spec.selector.matchLabels, workload.spec.template.metadata?.labels),
      where,
    ).toBe(true);
    if (pod.serviceAccountName) {
      expect(serviceAccounts.has(pod.serviceAccountName), `${where} service account`).toBe(true);
    }
    // Every container: requests and limits, non-root, read-only root, no capabilities.
    for (const container of allContainers(workload)) {
      const what = `${where} ${container.name}`;
      for (const kind of ['requests', 'limits'] as const) {
        expect(container.resources?.[kind]?.cpu, `${what} ${kind}.cpu`).toBeDefined();
        expect(container.resources?.[kind]?.memory, `${what} ${kind}.memory`).toBeDefined();
      }
      const security = container.securityContext;
      expect(
        security?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot,
        `${what} runAsNonRoot`,
      ).toBe(true);
      expect(security?.readOnlyRootFilesystem, `${what} readOnlyRootFilesystem`).toBe(true);
      expect(security?.allowPrivilegeEscalation, `${what} allowPrivilegeEscalation`).toBe(false);
      expect(security?.capabilities?.drop, `${what} capabilities`).toContain('ALL');
    }
    // Every ConfigMap a pod mounts exists.
    for (const volume of pod.volumes ?? []) {
      if (volume.configMap?.name) {
        expect(configMaps.has(volume.configMap.name), `${where} volume ${volume.name}`).toBe(true);
      }
    }
    // Every port a Service targets (by name or number) is a port of the pods it selects.
    for (const service of services.values()) {
      if (!selects(service.spec.selector, workload.spec.template.metadata?.labels)) continue;
      const ports = pod.containers.flatMap(c => c.ports ?? []);
      for (const servicePort of service.spec.ports) {
        const target = servicePort.targetPort ?? servicePort.port;
        const match = ports.find(p => p.name === target || p.containerPort === target);
        expect(match?.containerPort, `${service.metadata.name} port ${servicePort.port}`).toBe(
          servicePort.port,
        );
      }
    }
  }

  checkRedis(config, statefulSets, services, configMaps);
}

/**
 * Auth as deployed: the gateway requires bearer tokens from a tokens file mounted from its
 * Secret, every service reads the internal token from a mounted Secret, no token is in a
 * ConfigMap, and neither Secret is defined by the manifests (the operator creates both).
 */
function checkAuth(
  objects: readonly SourcedObject[],
  expected: { readonly tokensSecret?: string; readonly internalTokenSecret?: string },
  prefix = 'taba',
): void {
  const deployments = byKind<Workload>(objects, 'Deployment');
  /** The Secret mounted at the directory of `file` in `workload`'s container, or undefined. */
  const secretAt = (workload: Workload, container: IContainer, file: string) => {
    const mount = container.volumeMounts?.find(each => file.startsWith(`${each.mountPath}/`));
    expect(mount?.readOnly, `${file} is mounted read-only`).toBe(mount ? true : undefined);
    const volume = workload.spec.template.spec.volumes?.find(each => each.name === mount?.name);
    return volume?.secret?.secretName;
  };
  for (const name of SERVICE_NAMES) {
    const deployment = deployments.get(`${prefix}-${name}`);
    if (!deployment) throw new Error(`no Deployment ${prefix}-${name}`);
    const container = containerOf(deployment, name);
    const internal = envEntry(container, 'TABA_INTERNAL_TOKEN_FILE')?.value;
    expect(envEntry(container, 'TABA_INTERNAL_TOKEN'), name).toBeUndefined();
    if (expected.internalTokenSecret === undefined) {
      expect(internal, name).toBeUndefined();
    } else {
      expect(internal, name).toBe('/etc/taba/internal/token');
      expect(secretAt(deployment, container, internal ?? ''), name).toBe(
        expected.internalTokenSecret,
      );
    }
    if (name !== 'gateway') {
      expect(envEntry(container, 'TABA_AUTH'), name).toBeUndefined();
      continue;
    }
    const tokensFile = envEntry(container, 'TABA_AUTH_TOKENS_FILE')?.value;
    if (expected.tokensSecret === undefined) {
      expect(envValue(container, 'TABA_AUTH')).toBe('off');
      expect(tokensFile).toBeUndefined();
    } else {
      expect(envValue(container, 'TABA_AUTH')).toBe('required');
      expect(tokensFile).toBe('/etc/taba/auth/tokens.yaml');
      expect(secretAt(deployment, container, tokensFile ?? '')).toBe(expected.tokensSecret);
    }
  }
  // Both Secrets are the operator's: never an object of the manifests or the chart.
  const secrets = byKind(objects, 'Secret');
  for (const name of [expected.tokensSecret, expected.internalTokenSecret]) {
    if (name !== undefined) expect(secrets.has(name), `Secret ${name}`).toBe(false);
  }
  for (const [name, configMap] of byKind<ConfigMapObject>(objects, 'ConfigMap')) {
    expect(
      Object.keys(configMap.data ?? {}).filter(key => /TOKEN|AUTH/.test(key)),
      name,
    ).toEqual([]);
  }
}

/** The Sentinel shards: what TABA_REDIS_SHARDS names exists, and the Redis settings. */
function checkRedis(
  config: Record<string, string>,
  statefulSets: Map<string, Workload>,
  services: Map<string, ServiceObject>,
  configMaps: Map<string, ConfigMapObject>,
): void {
  expect(config.TABA_DISCOVERY).toBe('consul');
  expect(config.TABA_WAIT_REPLICAS).toBe('1');
  expect(Number.isInteger(Number(config.TABA_PARTITIONS))).toBe(true);
  expect(config.TABA_LOG_LEVEL).toBeDefined();
  expect(config.TABA_CONSUL_URL).toMatch(/^http:\/\//);

  const targets: RedisTarget[] = parseRedisTargets(
    'TABA_REDIS_SHARDS',
    config.TABA_REDIS_SHARDS ?? '',
  );
  expect(targets).toHaveLength(REDIS_SHARDS);

  const sentinels = statefulSets.get('taba-redis-sentinel');
  if (!sentinels) throw new Error('no StatefulSet taba-redis-sentinel');
  expect(sentinels.spec.replicas).toBe(3);
  const sentinelInit = initContainerOf(sentinels, 'init');
  expect(envValue(sentinelInit, 'QUORUM')).toBe('2');
  const masterSets = new Map(
    envValue(sentinelInit, 'MASTER_SETS')
      .split(' ')
      .map(pair => pair.split('=') as [string, string]),
  );
  // The Sentinels' own list of themselves is what the services are given.
  const sentinelHosts = envValue(sentinelInit, 'SENTINEL_HOSTS').split(' ');
  const expectedHosts = Array.from(
    { length: sentinels.spec.replicas ?? 0 },
    (_, i) => `taba-redis-sentinel-${i}.${sentinels.spec.serviceName}`,
  );
  expect(sentinelHosts).toEqual(expectedHosts);
  expect(services.get(sentinels.spec.serviceName ?? '')?.spec.clusterIP).toBe('None');

  targets.forEach((target, index) => {
    if (target.kind !== 'sentinel') throw new Error(`shard ${index} is not a Sentinel set`);
    expect(target.name).toBe(`shard-${index}`);
    expect(target.sentinels.map(({ host, port }) => `${host}:${port}`)).toEqual(
      expectedHosts.map(host => `${host}:26379`),
    );
    // The set's data nodes: a StatefulSet of master + replica behind a headless Service,
    // whose init container knows its set and its Sentinels.
    const setName = masterSets.get(target.name);
    expect(setName, `Sentinels watch ${target.name}`).toBe(`taba-redis-shard-${index}`);
    const shard = statefulSets.get(setName ?? '');
    if (!shard) throw new Error(`no StatefulSet ${setName}`);
    expect(shard.spec.replicas).toBe(2);
    expect(shard.spec.serviceName).toBe(setName);
    expect(services.get(setName ?? '')?.spec.clusterIP).toBe('None');
    const init = initContainerOf(shard, 'init');
    expect(envValue(init, 'MASTER_SET')).toBe(target.name);
    expect(envValue(init, 'SERVICE')).toBe(setName);
    expect(envValue(init, 'SENTINEL_HOSTS').split(' ')).toEqual(expectedHosts);
    expect(envValue(init, 'NODES')).toBe(String(shard.spec.replicas));
  });
  expect(masterSets.size).toBe(REDIS_SHARDS);

  // The settings docs/operations.md asks of every data node.
  const scripts = [...configMaps.values()].find(map => map.data?.['redis.conf'] !== undefined);
  const redisConf = scripts?.data?.['redis.conf'] ?? readText(join(K8S_DIR, 'redis/redis.conf'));
  for (const line of [
    'appendonly yes',
    'appendfsync everysec',
    'hash-max-listpack-entries 64',
    'repl-diskless-sync yes',
  ]) {
    expect(redisConf.split('\n'), line).toContain(line);
  }
}

describe('deploy/k8s manifests', () => {
  const objects = manifestObjects();

  it('every YAML document is a Kubernetes object that passes its schema', async () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) await validateObject(object);
  });

  it('an unknown kind fails validation instead of passing unchecked', async () => {
    const bogus = parseObjects('apiVersion: apps/v1\nkind: Deploymint\nmetadata: {name: x}\n', 'x');
    await expect(validateObject(bogus[0] as SourcedObject)).rejects.toThrow(/unknown kind/);
    const wrong = parseObjects(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two}\n',
      'x',
    );
    await expect(validateObject(wrong[0] as SourcedObject)).rejects.toThrow(/replicas/);
  });

  it('the kustomization lists every manifest and generated file, in namespace taba', () => {
    const files = listFiles(K8S_DIR);
    const manifests = files.filter(f => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(manifests);
    const generated = (kustomization.configMapGenerator ?? []).flatMap(g => g.files);
    expect(generated.sort()).toEqual(files.filter(f => f.startsWith('redis/')));
    for (const file of [...(kustomization.resources ?? []), ...generated]) {
      expect(existsSync(join(K8S_DIR, file)), file).toBe(true);
    }
    expect(kustomization.namespace).toBe('taba');
    expect(kustomization.commonLabels, 'commonLabels is deprecated: use labels').toBeUndefined();
    expect(kustomization.labels?.length).toBeGreaterThan(0);
    // No object pins another namespace.
    for (const { object, source } of objects) {
      expect(object.metadata.namespace, source).toBeUndefined();
    }
  });

  it('keeps the invariants the services need from their pods', () => {
    // The raw manifests mount the generated ConfigMap by its base name.
    checkInvariants([...objects, ...generatedConfigMaps()]);
  });

  it('requires bearer tokens at the gateway and the internal token everywhere, from Secrets', () => {
    checkAuth(objects, {
      tokensSecret: 'taba-auth-tokens',
      internalTokenSecret: 'taba-internal-token',
    });
  });

  const kubectl = findOnPath('kubectl');
  it.skipIf(!kubectl)(
    kubectl
      ? 'kubectl kustomize deploy/k8s: every object passes its schema and keeps the invariants'
      : 'kubectl kustomize deploy/k8s: SKIPPED, kubectl is not on PATH',
    async () => {
      const built = parseObjects(kustomize(kubectl ?? 'kubectl'), 'kubectl kustomize');
      for (const object of built) await validateObject(object);
      const namespaced = built.filter(({ object }) => object.kind !== 'Namespace');
      for (const { object, source } of namespaced) {
        expect(object.metadata.namespace, source).toBe('taba');
        expect(object.metadata.labels?.['app.kubernetes.io/part-of'], source).toBe('taba');
      }
      expect(built.length).toBe(objects.length + (kustomization.configMapGenerator?.length ?? 0));
      checkInvariants(built);
    },
  );
});

interface Chart {
  readonly apiVersion?: string;
  readonly name?: string;
  readonly version?: string;
  readonly appVersion?: string;
  readonly type?: string;
  readonly description?: string;
  readonly kubeVersion?: string;
}

describe('deploy/helm/taba chart', () => {
  const chart = parse(readText(join(CHART_DIR, 'Chart.yaml'))) as Chart;
  const values = parse(readText(join(CHART_DIR, 'values.yaml'))) as Record<string, unknown>;
  const schema = JSON.parse(readText(join(CHART_DIR, 'values.schema.json'))) as object;
  const templateFiles = listFiles(join(CHART_DIR, 'templates'));
  const templates = templateFiles.map(file => ({
    file,
    text: readText(join(CHART_DIR, 'templates', file)),
  }));

  /** values.yaml with some values changed (`path` is dotted: `redis.cluster.seeds`). */
  const variant = (...changes: [path: string, value: unknown][]): Record<string, unknown> => {
    const copy = structuredClone(values);
    for (const [path, value] of changes) {
      const keys = path.split('.');
      let node = copy;
      for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[keys[keys.length - 1] ?? ''] = value;
    }
    return copy;
  };
  function validator() {
    return new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
  }

  it('Chart.yaml is a v2 application chart whose appVersion is the image of deploy/k8s', () => {
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('taba');
    expect(chart.type).toBe('application');
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(chart.appVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(chart.description).toBeTruthy();
    expect(chart.kubeVersion).toBeTruthy();
    expect(readText(join(K8S_DIR, 'kustomization.yaml'))).toContain(`newTag: ${chart.appVersion}`);
  });

  it('values.yaml passes values.schema.json, and the schema refuses what it must', () => {
    const validate = validator();
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    const refused = [
      variant(['gateway.replicas', 'two']),
      variant(['ingest.unknown', true]),
      variant(['redis.mode', 'standalone']),
      variant(['redis.mode', 'cluster']),
      variant(['redis.mode', 'external']),
      variant(['logLevel', 'loud']),
      variant(['partitions', 0]),
      variant(['extraConfig', { NOT_TABA: '1' }]),
      variant(['consul.url', 'http://consul:8500/v1']),
      variant(['redis.cluster.seeds', ['no-port']]),
    ];
    refused.forEach((candidate, index) => {
      expect(validate(candidate), `refused[${index}]`).toBe(false);
    });
    const accepted = [
      variant(
        ['redis.mode', 'cluster'],
        ['redis.cluster.seeds', ['redis-cluster-0.redis-cluster:6379']],
      ),
      variant(
        ['redis.mode', 'external'],
        ['redis.external.shards', ['redis://10.0.0.5:6379', 'redis://10.0.0.6:6379']],
      ),
      variant(['consul.hostAgent', false], ['extraConfig', { TABA_CONSUL_TTL_MS: '3000' }]),
      variant(['extraConfig', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }]),
    ];
    for (const candidate of accepted) {
      expect(validate(candidate), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('every .Values path the templates read exists in values.yaml', () => {
    const missing: string[] = [];
    for (const { file, text } of templates) {
      for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
        const path = (match[1] ?? '').slice(1).split('.');
        let node: unknown = values;
        for (const key of path) {
          node =
            typeof node === 'object' && node !== null && key in node
              ? (node as Record<string, unknown>)[key]
              : undefined;
        }
        if (node === undefined) missing.push(`${file}: .Values.${path.join('.')}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('templates: every included template is defined, and every block is closed', () => {
    const all = templates.map(t => t.text).join('\n');
    const defined = new Set([...all.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map(m => m[1]));
    for (const match of all.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) {
      expect(defined.has(match[1]), `template ${match[1]}`).toBe(true);
    }
    for (const { file, text } of templates) {
      const actions = [...text.matchAll(/\{\{-?\s*(\/\*|if|range|with|define|else|end)\b/g)];
      let depth = 0;
      for (const action of actions) {
        if (action[1] === '/*') continue;
        if (['if', 'range', 'with', 'define'].includes(action[1] ?? '')) depth += 1;
        if (action[1] === 'end') depth -= 1;
        expect(depth, `${file}: {{ end }} without a block`).toBeGreaterThanOrEqual(0);
      }
      expect(depth, `${file}: unclosed block`).toBe(0);
    }
    // Every service, and the Redis objects, have their template.
    for (const name of SERVICE_NAMES) {
      expect(templateFiles).toContain(`${name}.yaml`);
    }
    expect(templateFiles).toEqual(
      expect.arrayContaining(['NOTES.txt', '_helpers.tpl', 'configmap.yaml', 'redis-shards.yaml']),
    );
  });

  it('installs what deploy/k8s does by default: replicas, resources, configuration, Redis', () => {
    const objects = manifestObjects();
    const deployments = byKind<Workload>(objects, 'Deployment');
    for (const name of SERVICE_NAMES) {
      const service = values[name] as { replicas: number; resources: unknown };
      const deployment = deployments.get(`taba-${name}`);
      expect(service.replicas, name).toBe(deployment?.spec.replicas);
      expect(service.resources, name).toEqual(
        deployment && containerOf(deployment, name).resources,
      );
    }
    const config = byKind<ConfigMapObject>(objects, 'ConfigMap').get('taba-config')?.data ?? {};
    expect(String(values.partitions)).toBe(config.TABA_PARTITIONS);
    expect(String(values.waitReplicas)).toBe(config.TABA_WAIT_REPLICAS);
    expect(values.logLevel).toBe(config.TABA_LOG_LEVEL);
    expect(String(values.shutdownGraceMs)).toBe(config.TABA_SHUTDOWN_GRACE_MS);
    const redis = values.redis as {
      mode: string;
      sentinel: { shards: number; nodesPerShard: number; sentinels: number; quorum: number };
    };
    expect(redis.mode).toBe('sentinel');
    expect(redis.sentinel).toMatchObject({
      shards: REDIS_SHARDS,
      nodesPerShard: 2,
      sentinels: 3,
      quorum: 2,
    });
    // The Redis settings and scripts are deploy/k8s/redis's (the chart's files/ links there).
    for (const file of ['redis.conf', 'init-redis.sh', 'init-sentinel.sh', 'redis-lookup.sh']) {
      expect(readText(join(CHART_DIR, 'files', file)), file).toBe(
        readText(join(K8S_DIR, 'redis', file)),
      );
    }
  });

  /** The chart rendered with `withValues` (see helm-render.ts), NOTES.txt aside. */
  function render(withValues: Record<string, unknown>, release?: Release): SourcedObject[] {
    const validate = validator();
    expect(validate(withValues), JSON.stringify(validate.errors)).toBe(true);
    return [...renderChart(CHART_DIR, withValues, release)]
      .filter(([file]) => file !== 'NOTES.txt')
      .flatMap(([file, text]) => parseObjects(text, `helm template ${file}`));
  }

  function configOf(objects: readonly SourcedObject[], name: string): Record<string, string> {
    const data = byKind<ConfigMapObject>(objects, 'ConfigMap').get(name)?.data;
    if (!data) throw new Error(`no ConfigMap ${name}`);
    return data;
  }

  it('renders, by default, exactly the objects of deploy/k8s (the Namespace aside)', async () => {
    const rendered = render(values);
    for (const object of rendered) await validateObject(object);
    const kustomized = [...manifestObjects(), ...generatedConfigMaps()].filter(
      ({ object }) => object.kind !== 'Namespace',
    );
    expect(comparable(rendered)).toEqual(comparable(kustomized));
    checkInvariants(rendered);
    for (const { object, source } of rendered) {
      expect(object.metadata.labels?.['app.kubernetes.io/managed-by'], source).toBe('Helm');
      expect(object.metadata.labels?.['app.kubernetes.io/instance'], source).toBe('taba');
    }
  });

  it('renders a Redis Cluster or external shards instead of the Sentinel shards', async () => {
    const cases = [
      {
        values: variant(
          ['redis.mode', 'cluster'],
          ['redis.cluster.seeds', ['rc-0.rc:6379', 'rc-1.rc:6379']],
        ),
        shards: 'redis+cluster://rc-0.rc:6379,rc-1.rc:6379',
      },
      {
        values: variant(
          ['redis.mode', 'external'],
          ['redis.external.shards', ['redis://10.0.0.5:6379', 'redis://10.0.0.6:6379']],
        ),
        shards: 'redis://10.0.0.5:6379;redis://10.0.0.6:6379',
      },
    ];
    for (const { values: withValues, shards } of cases) {
      const rendered = render(withValues);
      for (const object of rendered) await validateObject(object);
      expect(rendered.filter(({ object }) => object.kind === 'StatefulSet')).toEqual([]);
      const config = configOf(rendered, 'taba-config');
      expect(config.TABA_REDIS_SHARDS).toBe(shards);
      expect(() => parseRedisTargets('TABA_REDIS_SHARDS', shards)).not.toThrow();
      expect(byKind<Workload>(rendered, 'Deployment').size).toBe(4);
    }
  });

  it('renders more shards, Sentinels and nodes, another release, and Consul without host agents', async () => {
    const rendered = render(
      variant(
        ['redis.sentinel.shards', 5],
        ['redis.sentinel.nodesPerShard', 3],
        ['redis.sentinel.sentinels', 5],
        ['redis.sentinel.quorum', 3],
        ['redis.sentinel.storage.storageClassName', 'fast'],
        ['consul.hostAgent', false],
        ['consul.url', 'http://consul-agent.consul:8500'],
        ['extraConfig', { TABA_CONSUL_TTL_MS: '3000' }],
        ['gateway.service', { type: 'LoadBalancer', annotations: { 'example.com/lb': 'nlb' } }],
        ['imagePullSecrets', [{ name: 'registry' }]],
        ['ingest.pdb', { enabled: false }],
      ),
      { name: 'prod', namespace: 'taba-prod' },
    );
    for (const object of rendered) await validateObject(object);
    for (const { object, source } of rendered) {
      expect(object.metadata.name, source).toMatch(/^prod-taba-/);
    }
    const config = configOf(rendered, 'prod-taba-config');
    expect(config.TABA_CONSUL_URL).toBe('http://consul-agent.consul:8500');
    expect(config.TABA_CONSUL_TTL_MS).toBe('3000');
    const targets = parseRedisTargets('TABA_REDIS_SHARDS', config.TABA_REDIS_SHARDS ?? '');
    expect(targets.map(target => (target.kind === 'sentinel' ? target.name : target.kind))).toEqual(
      ['shard-0', 'shard-1', 'shard-2', 'shard-3', 'shard-4'],
    );
    for (const target of targets) {
      expect(target.kind === 'sentinel' && target.sentinels.map(s => s.host)).toEqual(
        [0, 1, 2, 3, 4].map(i => `prod-taba-redis-sentinel-${i}.prod-taba-redis-sentinel`),
      );
    }
    const statefulSets = byKind<Workload>(rendered, 'StatefulSet');
    expect(statefulSets.get('prod-taba-redis-shard-4')?.spec.replicas).toBe(3);
    expect(statefulSets.get('prod-taba-redis-sentinel')?.spec.replicas).toBe(5);
    const sentinelInit = initContainerOf(
      statefulSets.get('prod-taba-redis-sentinel') as Workload,
      'init',
    );
    expect(envValue(sentinelInit, 'QUORUM')).toBe('3');
    expect(envValue(sentinelInit, 'MASTER_SETS').split(' ')).toHaveLength(5);
    for (const deployment of byKind<Workload>(rendered, 'Deployment').values()) {
      const [container] = deployment.spec.template.spec.containers;
      expect(container && envEntry(container, 'TABA_CONSUL_URL')).toBeUndefined();
      expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    }
    const gateway = byKind<ServiceObject>(rendered, 'Service').get('prod-taba-gateway');
    expect(gateway?.spec.type).toBe('LoadBalancer');
    const pdbs = [...byKind<PodDisruptionBudgetObject>(rendered, 'PodDisruptionBudget').keys()];
    expect(pdbs).not.toContain('prod-taba-ingest');
    expect(pdbs).toContain('prod-taba-aggregator');
  });

  it('refuses settings that cannot work: a grace shorter than the drain, WAIT or quorum beyond the nodes', () => {
    expect(() => renderChart(CHART_DIR, variant(['terminationGracePeriodSeconds', 10]))).toThrow(
      /terminationGracePeriodSeconds must be longer/,
    );
    expect(() =>
      renderChart(CHART_DIR, variant(['waitReplicas', 1], ['redis.sentinel.nodesPerShard', 1])),
    ).toThrow(/waitReplicas is more than the replicas/);
    expect(() =>
      renderChart(
        CHART_DIR,
        variant(['redis.sentinel.quorum', 4], ['redis.sentinel.sentinels', 3]),
      ),
    ).toThrow(/quorum is more than/);
  });

  it('renders auth as configured: required from Secrets by default, off, or without the internal token', () => {
    checkAuth(render(values), {
      tokensSecret: 'taba-auth-tokens',
      internalTokenSecret: 'taba-internal-token',
    });
    checkAuth(
      render(
        variant([
          'auth',
          { mode: 'required', tokensSecret: 'prod-tokens', internalTokenSecret: '' },
        ]),
        { name: 'prod', namespace: 'taba-prod' },
      ),
      { tokensSecret: 'prod-tokens' },
      'prod-taba',
    );
    checkAuth(render(variant(['auth.mode', 'off'])), {
      internalTokenSecret: 'taba-internal-token',
    });
    const validate = validator();
    expect(validate(variant(['auth.mode', 'maybe']))).toBe(false);
    expect(validate(variant(['auth.tokensSecret', '']))).toBe(false);
    expect(validate(variant(['auth.token', 'inline']))).toBe(false);
  });

  it('NOTES.txt tells how to reach the gateway and which shards the services use', () => {
    const notes = renderChart(CHART_DIR, values).get('NOTES.txt') ?? '';
    expect(notes).toContain('svc/taba-gateway 8301:8301 8300:8300');
    expect(notes).toContain('TABA_REDIS_SHARDS=redis+sentinel://taba-redis-sentinel-0.');
    expect(notes).not.toMatch(/<no value>|map\[/);
    expect(notes).toContain('Secret taba-auth-tokens (key tokens.yaml)');
    expect(notes).toContain('Secret taba-internal-token (key token)');
    const open = renderChart(
      CHART_DIR,
      variant(['auth', { mode: 'off', tokensSecret: 'x', internalTokenSecret: '' }]),
    ).get('NOTES.txt');
    // Only the Redis password's Secret is left to create (security.test.ts checks it).
    expect(open).not.toContain('Secret x');
    expect(open).not.toContain('internal-token');
    expect(open).toContain('Secret taba-redis-auth');
  });
});
