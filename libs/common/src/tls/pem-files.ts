import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { experimental } from '@grpc/grpc-js';
import { ConfigError } from '../config/env-readers.js';
import type { PemFilePaths } from './tls-config.js';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/** The contents of a {@link PemFilePaths}, as read last. */
export interface PemMaterial {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
}

/** The settings that name each file, for errors. */
export interface PemFileVariables {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(variable, `cannot read "${path}": ${code}`);
  }
}

/** Reads and checks the files: a key that does not fit its certificate fails here, not on a handshake. */
function readMaterial(paths: PemFilePaths, variables: PemFileVariables): PemMaterial {
  const cert =
    paths.certFile === undefined ? undefined : readPem(paths.certFile, variables.certFile);
  const key = paths.keyFile === undefined ? undefined : readPem(paths.keyFile, variables.keyFile);
  const ca = paths.caFile === undefined ? undefined : readPem(paths.caFile, variables.caFile);
  if (cert !== undefined && key !== undefined) {
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      throw new ConfigError(
        variables.keyFile,
        `"${paths.keyFile}" is not the PEM key of the certificate in "${paths.certFile}": ${(error as Error).message}`,
      );
    }
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca);
    } catch {
      throw new ConfigError(variables.caFile, `"${paths.caFile}" holds no PEM certificate`);
    }
  }
  return { ...(cert && { cert }), ...(key && { key }), ...(ca && { ca }) };
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

/**
 * A certificate, its key and a CA bundle, read from PEM files at construction (a missing or
 * broken file is a ConfigError) and again on {@link reload}, and optionally whenever a file
 * changes. A reload that fails (a file half-written, a key that does not fit) keeps the
 * material in use and is reported. It is the grpc-js certificate provider of this process's
 * server or channel credentials, and tells other listeners (the HTTPS server) of each change.
 */
export class PemFiles implements CertificateProvider {
  private material: PemMaterial;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly changeListeners = new Set<(material: PemMaterial) => void>();
  /** The polling listener, while {@link watch} is on. */
  private polling: (() => void) | undefined;
  /** Reloads that changed the material. */
  reloads = 0;
  /** Reloads that failed and kept the material in use. */
  reloadFailures = 0;

  constructor(
    readonly paths: PemFilePaths,
    private readonly variables: PemFileVariables,
  ) {
    this.material = readMaterial(paths, variables);
  }

  get current(): PemMaterial {
    return this.material;
  }

  /**
   * Reads the files again; listeners hear of a change. Returns the error of a failed reload
   * (the previous material stays), else undefined.
   */
  reload(): Error | undefined {
    let next: PemMaterial;
    try {
      next = readMaterial(this.paths, this.variables);
    } catch (error) {
      this.reloadFailures += 1;
      return error as Error;
    }
    const previous = this.material;
    if (
      same(previous.cert, next.cert) &&
      same(previous.key, next.key) &&
      same(previous.ca, next.ca)
    ) {
      return undefined;
    }
    this.material = next;
    this.reloads += 1;
    for (const listener of this.identityListeners) listener(this.identityUpdate());
    for (const listener of this.caListeners) listener(this.caUpdate());
    for (const listener of this.changeListeners) listener(next);
    return undefined;
  }

  /**
   * Polls every file each `intervalMs` (a Kubernetes Secret volume swaps a symlink, which a
   * stat sees) and reloads on a change; `onFailure` hears of a reload that failed. The polling
   * keeps no process alive. Stopped by {@link close}.
   */
  watch(intervalMs: number, onFailure: (error: Error) => void): void {
    if (intervalMs <= 0 || this.polling !== undefined) return;
    const polling = () => {
      const error = this.reload();
      if (error) onFailure(error);
    };
    this.polling = polling;
    for (const path of this.files()) {
      watchFile(path, { interval: intervalMs, persistent: false }, polling);
    }
  }

  /** Calls `listener` with the new material after each reload that changed it; returns the unsubscribe. */
  onChange(listener: (material: PemMaterial) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  close(): void {
    const polling = this.polling;
    if (polling) for (const path of this.files()) unwatchFile(path, polling);
    this.polling = undefined;
    this.changeListeners.clear();
  }

  // grpc-js's CertificateProvider. The first update is delivered on the next tick, as grpc-js's
  // own provider does: a server adds its watcher only after subscribing, and would miss a
  // synchronous one (and then drop every connection).
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => this.caListeners.has(listener) && listener(this.caUpdate()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => this.identityListeners.has(listener) && listener(this.identityUpdate()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  private files(): Set<string> {
    const { certFile, keyFile, caFile } = this.paths;
    return new Set([certFile, keyFile, caFile].filter(path => path !== undefined));
  }

  private caUpdate(): experimental.CaCertificateUpdate | null {
    return this.material.ca ? { caCertificate: this.material.ca } : null;
  }

  private identityUpdate(): experimental.IdentityCertificateUpdate | null {
    const { cert, key } = this.material;
    return cert && key ? { certificate: cert, privateKey: key } : null;
  }
}
