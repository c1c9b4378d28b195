import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  ChannelOptions,
  InterceptingCall,
  Interceptor,
  Metadata,
  ServerInterceptingCallInterface,
  ServerInterceptor,
  ServerMethodDefinition,
} from '@grpc/grpc-js';
import { InterceptingCall as ClientCall, ServerInterceptingCall } from '@grpc/grpc-js';
import { toGrpcStatus } from '../errors/grpc-status.js';
import { UnauthenticatedError } from '../errors/taba-error.js';

/** The metadata key of a bearer credential (gRPC's lower-case HTTP `Authorization`). */
export const AUTHORIZATION_METADATA_KEY = 'authorization';

/** Reasons of a refused credential, the same at the gateway and on the internal services. */
export const TOKEN_MISSING = 'TOKEN_MISSING';
export const TOKEN_INVALID = 'TOKEN_INVALID';

/**
 * Decides, from the method path and the request metadata alone (before any message is read),
 * whether a call may go on: undefined lets it through, an error refuses it with its status and
 * `taba-reason`.
 */
export type CallGuard = (path: string, metadata: Metadata) => Error | undefined;

/** Health checks stay open: Kubernetes probes and discovery checks carry no credential. */
const OPEN_SERVICE_PREFIX = '/grpc.health.v1.Health/';

/**
 * The one server interceptor every Taba server has: it asks the guard of the moment (read on
 * each call, so a service may set it while it is built) about the call's metadata and answers
 * a refusal before the handler, or the message, is reached.
 */
export function callGuardInterceptor(guardOf: () => CallGuard | undefined): ServerInterceptor {
  return (
    method: ServerMethodDefinition<unknown, unknown>,
    call: ServerInterceptingCallInterface,
  ) => {
    const guard = guardOf();
    // Nothing to check: the call goes on as it came, without a wrapper on every message
    // (grpc-js only uses the interface of what an interceptor returns).
    if (guard === undefined || method.path.startsWith(OPEN_SERVICE_PREFIX)) {
      return call as ServerInterceptingCall;
    }
    return new ServerInterceptingCall(call, {
      start: next =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const refusal = guard(method.path, metadata);
            if (refusal === undefined) pass(metadata);
            else call.sendStatus(toGrpcStatus(refusal));
          },
        }),
    });
  };
}

/**
 * The token of an `authorization: Bearer <token>` value (the scheme case-insensitive, as HTTP
 * has it), undefined when there is none; any other form gives an empty string (invalid).
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** The bearer token of a call's metadata (see {@link bearerToken}). */
export function bearerTokenOf(metadata: Metadata): string | undefined {
  const value = metadata.get(AUTHORIZATION_METADATA_KEY)[0];
  return bearerToken(value === undefined ? undefined : String(value));
}

/** SHA-256 of a token, as tokens files store it. */
export function tokenSha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Compares two SHA-256 digests in constant time. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The guard of the internal services: every call must carry `authorization: Bearer <one of the
 * cluster's internal tokens>` (TABA_INTERNAL_TOKEN; several while one is rotated). Digests are
 * compared in constant time, with every accepted token.
 */
export function internalTokenGuard(acceptedTokens: readonly string[]): CallGuard {
  const accepted = acceptedTokens.map(tokenSha256);
  return (_path, metadata) => {
    const token = bearerTokenOf(metadata);
    if (token === undefined) {
      return new UnauthenticatedError(
        TOKEN_MISSING,
        'internal services take calls only with the cluster internal token (authorization: Bearer …)',
      );
    }
    const digest = tokenSha256(token);
    let known = false;
    for (const expected of accepted) known = sameDigest(digest, expected) || known;
    if (!known) {
      return new UnauthenticatedError(TOKEN_INVALID, 'the internal token is not this cluster’s');
    }
    return undefined;
  };
}

/**
 * A client interceptor that adds `authorization: Bearer <token>` to every call: how the gateway
 * and ingest present the internal token, whatever the channel's credentials (grpc-js refuses
 * call credentials on an insecure channel, so this is metadata, not CallCredentials).
 */
export function bearerTokenInterceptor(token: string): Interceptor {
  const value = `Bearer ${token}`;
  return (options, nextCall): InterceptingCall =>
    new ClientCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set(AUTHORIZATION_METADATA_KEY, value);
        next(metadata, listener);
      },
    });
}

/**
 * `options` with {@link bearerTokenInterceptor} added when `token` is set: the channel options
 * of a client of the internal services (grpc-js copies the options per client, so one object
 * may serve a whole pool).
 */
export function withBearerToken(
  options: ChannelOptions,
  token: string | undefined,
): ChannelOptions {
  if (token === undefined) return options;
  const interceptors = (options.interceptors as Interceptor[] | undefined) ?? [];
  return { ...options, interceptors: [...interceptors, bearerTokenInterceptor(token)] };
}
