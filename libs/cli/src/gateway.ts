// A small typed client of the public taba.v1.Taba service, for the CLI's one-shot calls.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, Metadata, status } from '@grpc/grpc-js';
import type { ClientTlsFiles, TabaProtos } from '@taba/common';
import {
  AUTHORIZATION_METADATA_KEY,
  clientChannelCredentials,
  grpcChannelOptions,
  loadTabaProtos,
  REASON_METADATA_KEY,
} from '@taba/common';
import { FailureError, oneLine } from './errors.js';

type TabaDefinition = TabaProtos['taba']['v1']['Taba']['service'];

/** The unary methods of taba.v1.Taba. */
export type UnaryMethod =
  | 'PostEvents'
  | 'GetAggregates'
  | 'GetProjections'
  | 'GetSuperAggregate'
  | 'ListNames'
  | 'ListClients'
  | 'ListTypes'
  | 'GetStatus'
  | 'DeleteTabs'
  | 'GetCardinality';

export type RequestOf<M extends UnaryMethod> = Parameters<TabaDefinition[M]['requestSerialize']>[0];
export type ResponseOf<M extends UnaryMethod> = ReturnType<
  TabaDefinition[M]['responseDeserialize']
>;

/** Describes a failed call in one line: method, address, status name, reason, details. */
export function describeCallError(method: string, address: string, error: ServiceError): string {
  const code = status[error.code] ?? String(error.code);
  const reason = error.metadata?.get(REASON_METADATA_KEY)[0];
  const because =
    reason !== undefined && String(reason) !== code ? ` (reason ${String(reason)})` : '';
  // grpc-js appends an empty "Resolution note:" to connection failures.
  const details = oneLine(error.details || error.message).replace(/\s*Resolution note:\s*$/, '');
  return `${method} to ${address} failed with ${code}${because}: ${details}`;
}

/**
 * One channel to the gateway, TLS when `tls` names a CA file; every call has a deadline and
 * fails fast when nothing listens.
 */
export class GatewayClient {
  private readonly client: Client;

  constructor(
    readonly address: string,
    private readonly timeoutMs: number,
    /** Sent as `authorization: Bearer <token>` on every call (--token, TABA_TOKEN). */
    private readonly token?: string,
    tls?: ClientTlsFiles,
  ) {
    this.client = new Client(address, clientChannelCredentials(tls), grpcChannelOptions());
  }

  /** Calls `method`; a failure rejects with a FailureError (exit 1) naming the status. */
  call<M extends UnaryMethod>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
    const definition = loadTabaProtos().taba.v1.Taba.service[method];
    const serialize = definition.requestSerialize as (value: RequestOf<M>) => Buffer;
    const deserialize = definition.responseDeserialize as (bytes: Buffer) => ResponseOf<M>;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        serialize,
        deserialize,
        request,
        this.metadata(),
        { deadline: Date.now() + this.timeoutMs },
        (error: ServiceError | null, response?: ResponseOf<M>) => {
          if (error) reject(new FailureError(describeCallError(method, this.address, error)));
          else if (response === undefined) {
            reject(new FailureError(`${method} to ${this.address} ended without a reply`));
          } else resolve(response);
        },
      );
    });
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.token !== undefined) metadata.set(AUTHORIZATION_METADATA_KEY, `Bearer ${this.token}`);
    return metadata;
  }

  close(): void {
    this.client.close();
  }
}
