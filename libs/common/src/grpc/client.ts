import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { Metadata as GrpcMetadata } from '@grpc/grpc-js';
import { fromGrpcError } from '../errors/grpc-status.js';

/** The shape of every generated unary client method (request, metadata, options, callback). */
export type UnaryInvoker<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Response) => void,
) => ClientUnaryCall;

export interface UnaryCallOptions {
  /** Every call has a deadline. */
  readonly deadlineMs: number;
  readonly metadata?: Metadata;
}

/**
 * Calls a unary method and resolves its response; a failure rejects with a TabaError
 * carrying the callee's status kind and reason (so reasons pass through unchanged).
 */
export function unaryCall<Request, Response>(
  invoke: UnaryInvoker<Request, Response>,
  request: Request,
  options: UnaryCallOptions,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    invoke(
      request,
      options.metadata ?? new GrpcMetadata(),
      { deadline: Date.now() + options.deadlineMs },
      (error, response) => {
        if (error) reject(fromGrpcError(error));
        else if (response === undefined) reject(fromGrpcError(new Error('empty response')));
        else resolve(response);
      },
    );
  });
}
