import type { Metadata } from '@grpc/grpc-js';
import type { CallGuard, Logger } from '@taba/common';
import {
  bearerTokenOf,
  ConfigError,
  PermissionDeniedError,
  readBatchClientId,
  TOKEN_INVALID,
  TOKEN_MISSING,
  UnauthenticatedError,
} from '@taba/common';
import type { AuthConfig } from './auth-config.js';
import type { Grant, Scope } from './scopes.js';
import { hasScope, mayWrite, OPEN_GRANT, scopeOfMethod, writesAnyClient } from './scopes.js';
import { TokenRegistry } from './token-registry.js';
import type { TokensWatch } from './tokens-watch.js';
import { loadTokensFile, watchTokensFile } from './tokens-watch.js';

/** Reasons of a token that lacks what the call needs. */
export const SCOPE_MISSING = 'SCOPE_MISSING';
export const CLIENT_NOT_ALLOWED = 'CLIENT_NOT_ALLOWED';

const REFUSAL_REASONS = [TOKEN_MISSING, TOKEN_INVALID, SCOPE_MISSING, CLIENT_NOT_ALLOWED] as const;
type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** How many client IDs a CLIENT_NOT_ALLOWED message names. */
const LISTED_CLIENTS = 5;

/**
 * Who may do what at the gateway (TABA_AUTH): with `off`, everyone may do everything; with
 * `required`, every call of gRPC and REST needs a bearer token from the tokens file with the
 * scope the call needs, and each batch's client ID must be one the token may write. Refusals
 * are counted by reason; the file is reloaded when it changes and on SIGHUP.
 */
export class GatewayAuth {
  private readonly refused = new Map<RefusalReason, number>(
    REFUSAL_REASONS.map(reason => [reason, 0]),
  );
  private reloads = 0;
  private reloadFailures = 0;
  private watch: TokensWatch | undefined;
  private readonly onHangUp = () => void this.reload();

  private constructor(
    readonly required: boolean,
    private readonly registry: TokenRegistry,
  ) {}

  /** Auth off: every call is let through (`npm start` on one machine). */
  static off(): GatewayAuth {
    return new GatewayAuth(false, new TokenRegistry());
  }

  /**
   * Reads the tokens file (a problem fails the start: ConfigError) and watches it, and reloads it
   * on SIGHUP. A later reload that fails keeps the tokens as they were, logs it and counts it.
   */
  static async start(config: AuthConfig, logger: Logger): Promise<GatewayAuth> {
    if (config.mode === 'off' || config.tokensFile === undefined) return GatewayAuth.off();
    const path = config.tokensFile;
    const auth = new GatewayAuth(true, new TokenRegistry());
    // The watch starts before the first read, so a replacement in between is not missed.
    auth.watch = watchTokensFile({
      path,
      intervalMs: config.reloadIntervalMs,
      onLoad: entries => {
        auth.registry.replace(entries);
        auth.reloads += 1;
        logger.info({ path, tokens: entries.length }, 'tokens file reloaded');
      },
      onError: error => {
        auth.reloadFailures += 1;
        logger.error({ path, err: error }, 'tokens file reload failed; the previous tokens stay');
      },
    });
    try {
      auth.registry.replace(await loadTokensFile(path));
    } catch (error) {
      auth.watch.close();
      const detail = error instanceof Error ? error.message : String(error);
      throw new ConfigError('TABA_AUTH_TOKENS_FILE', `"${path}": ${detail}`);
    }
    process.on('SIGHUP', auth.onHangUp);
    logger.info({ path, tokens: auth.registry.size }, 'auth required');
    return auth;
  }

  /**
   * The grant of a bearer `token` (undefined: none sent) if it has `scope`; throws
   * UNAUTHENTICATED (TOKEN_MISSING, TOKEN_INVALID) or PERMISSION_DENIED (SCOPE_MISSING).
   */
  authenticate(token: string | undefined, scope: Scope, what: string): Grant {
    if (!this.required) return OPEN_GRANT;
    if (token === undefined) {
      throw this.refuse(
        TOKEN_MISSING,
        `${what} needs a bearer token (Authorization: Bearer <token>)`,
      );
    }
    const grant = token === '' ? undefined : this.registry.grantOf(token);
    if (grant === undefined) throw this.refuse(TOKEN_INVALID, 'the bearer token is not valid');
    if (!hasScope(grant, scope)) {
      throw this.refuse(
        SCOPE_MISSING,
        `the token "${grant.name}" does not grant ${scope}, which ${what} needs`,
      );
    }
    return grant;
  }

  /** The grant of a gRPC call (its `authorization` metadata) for the method at `path`. */
  grantOfCall(path: string, metadata: Metadata): Grant {
    return this.authenticate(bearerTokenOf(metadata), scopeOfMethod(path), methodName(path));
  }

  /** The guard of the gateway's gRPC server: every call's token and scope, before any message. */
  readonly guard: CallGuard = (path, metadata) => {
    try {
      this.grantOfCall(path, metadata);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  };

  /** Throws PERMISSION_DENIED (CLIENT_NOT_ALLOWED) naming the client IDs `grant` may not write. */
  authorizeClients(grant: Grant, clientIds: readonly string[]): void {
    if (writesAnyClient(grant)) return;
    const refused = clientIds.filter(clientId => !mayWrite(grant, clientId));
    if (refused.length === 0) return;
    const listed = refused
      .slice(0, LISTED_CLIENTS)
      .map(clientId => JSON.stringify(clientId))
      .join(', ');
    const more =
      refused.length > LISTED_CLIENTS ? ` and ${refused.length - LISTED_CLIENTS} more` : '';
    throw this.refuse(
      CLIENT_NOT_ALLOWED,
      `the token "${grant.name}" may not write for client ${listed}${more}`,
    );
  }

  /** {@link authorizeClients} for an encoded EventBatch: only its client_id is read. */
  authorizeBatch(grant: Grant, batch: Uint8Array): void {
    if (writesAnyClient(grant)) return;
    this.authorizeClients(grant, [readBatchClientId(batch)]);
  }

  /** Reads the tokens file again now (what SIGHUP does); resolves once the reload settled. */
  reload(): Promise<void> {
    return this.watch?.reload() ?? Promise.resolve();
  }

  /** Refusals by reason, reloads, and how many tokens are loaded, for the gateway's status. */
  metrics(): Record<string, number> {
    const metrics: Record<string, number> = {
      'auth.required': this.required ? 1 : 0,
      'auth.tokens': this.registry.size,
      'auth.reloads': this.reloads,
      'auth.reload_failures': this.reloadFailures,
    };
    for (const [reason, count] of this.refused) metrics[`auth.refused.${reason}`] = count;
    return metrics;
  }

  close(): void {
    this.watch?.close();
    this.watch = undefined;
    process.off('SIGHUP', this.onHangUp);
  }

  private refuse(reason: RefusalReason, message: string): Error {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    return reason === TOKEN_MISSING || reason === TOKEN_INVALID
      ? new UnauthenticatedError(reason, message)
      : new PermissionDeniedError(reason, message);
  }
}

function methodName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
