// Reading and checking the Kubernetes objects of deploy/: YAML parsing, schema validation with
// kubernetes-models (offline: no cluster, no kubectl apply --dry-run), and the shapes the
// invariant checks read.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const K8S_DIR = join(ROOT, 'deploy/k8s');
export const CHART_DIR = join(ROOT, 'deploy/helm/taba');

/** Any Kubernetes object, as parsed; `source` says where it came from, for messages. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export interface SourcedObject {
  readonly object: K8sObject;
  /** `deploy/k8s/gateway.yaml#2` (file and document index) or `kubectl kustomize#5`. */
  readonly source: string;
}

/** Every file under `dir`, recursively, relative to it. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

/** Parses a multi-document YAML text; an empty document (a comment only) is skipped. */
export function parseObjects(text: string, source: string): SourcedObject[] {
  const objects: SourcedObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`${source}#${index}: ${document.errors.map(e => e.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    if (!isK8sObject(value)) {
      throw new Error(`${source}#${index}: not a Kubernetes object (apiVersion, kind, name)`);
    }
    objects.push({ object: value, source: `${source}#${index}` });
  });
  return objects;
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === 'string' &&
    typeof kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>).name === 'string'
  );
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const models = new Map<string, Promise<ModelClass>>();

/**
 * The kubernetes-models class of an apiVersion and kind (`kubernetes-models/apps/v1/Deployment`,
 * `kubernetes-models/v1/Service`); rejects for a kind the models do not know.
 */
export function modelClass(apiVersion: string, kind: string): Promise<ModelClass> {
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  let model = models.get(specifier);
  if (!model) {
    model = import(specifier).then(
      (module: Record<string, unknown>) => {
        const found = module[kind];
        if (typeof found !== 'function') throw new Error(`${specifier} exports no ${kind}`);
        return found as ModelClass;
      },
      (error: unknown) => {
        throw new Error(`unknown kind ${apiVersion} ${kind} (no ${specifier}): ${String(error)}`);
      },
    );
    models.set(specifier, model);
  }
  return model;
}

/** Validates one object against the Kubernetes schema of its kind; throws with the source. */
export async function validateObject({ object, source }: SourcedObject): Promise<void> {
  const Model = await modelClass(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${source} (${object.kind} ${object.metadata.name}): ${String(error)}`);
  }
}

/** The objects of one kind, by name. */
export function byKind<T>(objects: readonly SourcedObject[], kind: string): Map<string, T> {
  const found = new Map<string, T>();
  for (const { object } of objects) {
    if (object.kind === kind) found.set(object.metadata.name, object as unknown as T);
  }
  return found;
}

/** A workload's pod template (Deployment or StatefulSet), as the invariant checks read it. */
export interface Workload {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly replicas?: number;
    readonly serviceName?: string;
    readonly selector: { readonly matchLabels?: Record<string, string> };
    readonly template: {
      readonly metadata?: { readonly labels?: Record<string, string> };
      readonly spec: IPodSpec;
    };
  };
}

export interface ServiceObject {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly selector?: Record<string, string>;
    readonly ports: readonly {
      readonly name?: string;
      readonly port: number;
      readonly targetPort?: number | string;
    }[];
  };
}

export interface ConfigMapObject {
  readonly metadata: { readonly name: string };
  readonly data?: Record<string, string>;
}

export interface PodDisruptionBudgetObject {
  readonly metadata: { readonly name: string };
  readonly spec: { readonly selector?: { readonly matchLabels?: Record<string, string> } };
}

/** Whether `selector` (matchLabels) picks pods labelled `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** A container's env entry by name. */
export function envEntry(container: IContainer, name: string) {
  return container.env?.find(entry => entry.name === name);
}

/** The absolute path of `command` on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; the next directory.
    }
  }
  return undefined;
}

/** `kubectl kustomize deploy/k8s`, offline. */
export function kustomize(kubectl: string): string {
  return execFileSync(kubectl, ['kustomize', K8S_DIR], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  });
}

/** A file of the repository, as text. */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
